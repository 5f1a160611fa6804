"""Input validation for report filters and program rules."""

from django import forms
from django.core.cache.backends.locmem import LocMemCache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from accounts.models import District
from microcreds.fragments import digest

from . import selectors
from .selectors import OUTSIDE_CYCLES, ReportFilters

OUTSIDE_CYCLES_LABEL = "Outside any cycle"

# The filter fields as rendered, by their choices and the values asked for: the same choices
# and the same answers render the same HTML, and a report page re-rendered its five selects on
# every view (a third of the page's time at 80 options). In this process only, so a deploy
# with new templates starts afresh.
_RENDERED = LocMemCache("reports-filter-fields", {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 500}})


def _cycle_choice(value: str) -> int | str:
    return value if value == OUTSIDE_CYCLES else int(value)


class ReportFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(required=False, coerce=_cycle_choice, empty_value=None)
    building = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    stack = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    microcredential = forms.ChoiceField(required=False, label="Micro-credential")
    goal = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="District goal"
    )

    def __init__(self, *args, choices: dict[str, list], outside_cycles: bool = True, **kwargs):
        """``outside_cycles``: whether the report offers what falls outside every cycle (a
        report whose cycle stands for something else, as re-licensure's window, does not)."""
        super().__init__(*args, **kwargs)
        self.cycles = {c.pk: c for c in choices["cycles"]}
        self.offers_outside_cycles = outside_cycles and bool(self.cycles)
        self.fields["cycle"].choices = (
            [("", "All cycles")]
            + [(c.pk, c.name) for c in choices["cycles"]]
            + ([(OUTSIDE_CYCLES, OUTSIDE_CYCLES_LABEL)] if self.offers_outside_cycles else [])
        )
        self.fields["building"].choices = [("", "All buildings")] + choices["buildings"]
        self.fields["stack"].choices = [("", "All stacks")] + choices["stacks"]
        self.fields["microcredential"].choices = [("", "All micro-credentials")] + choices[
            "microcredentials"
        ]
        self.fields["goal"].choices = [("", "All goals")] + choices["goals"]

    def rendered_fields(self) -> str:
        """The filter fields' HTML (labels, selects, errors), rendered once per set of choices
        and values asked for."""
        shown = (
            [(name, field.choices) for name, field in self.fields.items()],
            [self.data.get(name) for name in self.fields] if self.is_bound else None,
        )
        key = digest(shown)
        html = _RENDERED.get(key)
        if html is None:
            html = render_to_string("reports/_filter_fields.html", {"filter_form": self})
            _RENDERED.set(key, html)
        return mark_safe(html)

    def chosen_labels(self) -> dict[str, str]:
        """The name of each filter applied, for the sentences saying what it does."""
        if not self.is_valid():
            return {}
        return {
            name: str(dict(field.choices)[self.cleaned_data[name]])
            for name, field in self.fields.items()
            if self.cleaned_data[name]
        }

    def report_filters(self) -> ReportFilters:
        """The valid filters; a value not of this district is simply not applied."""
        if not self.is_valid():
            return ReportFilters()
        data = self.cleaned_data
        outside = data["cycle"] == OUTSIDE_CYCLES
        filters = ReportFilters(
            cycle=None if outside else self.cycles.get(data["cycle"]),
            building_id=data["building"],
            stack_id=data["stack"],
            microcredential_lineage=data["microcredential"] or None,
            goal_id=data["goal"],
        )
        return filters.outside_every_cycle(list(self.cycles.values())) if outside else filters


def filters_from_query(*, district: District, query) -> ReportFilters:
    form = ReportFilterForm(query, choices=selectors.filter_choices(district=district))
    return form.report_filters()
