"""Reads of the state pages: the state's districts, and their program figures side by side.

The figures are the district reports' own (``reports.selectors.program_headline``, cached under
each district's report stamp): the state page reads them, it never recomputes a rule. It costs
a fixed number of queries whatever the number of districts (see ``program_headlines``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import District, Role, State, User, holds_role
from badges import selectors as badge_selectors
from badges.models import Award
from reports import selectors as reports

# The columns of the side-by-side table and of its CSV, in order.
COLUMNS = [
    "District",
    "Status",
    "Educators",
    "Plans drafted",
    "Plans submitted",
    "Plans approved",
    "Submitted for review",
    "Earned",
    "Plans under way",
    "Earned this cycle",
    "Cycle",
    "First-attempt pass rate (%)",
    "Median turnaround (days)",
    "Re-licensure at risk",
    "Re-licensure not met",
]


@dataclass
class DistrictFigures:
    district: District
    educators: int
    headline: dict

    @property
    def stages(self) -> list[dict]:
        return self.headline["stages"]

    @property
    def earned_in_cycle(self) -> int:
        return self.headline["earned_in_cycle"]

    @property
    def pass_rate(self) -> float | None:
        return self.headline["pass_rates"]["first_rate"]

    @property
    def turnaround(self) -> float | None:
        return self.headline["turnaround"]["review"]["median"]

    def renewal(self, key: str) -> int | None:
        """Educators of this renewal status; None when the district has no renewal rule, or
        when the status does not apply (nobody is at risk once the window has closed)."""
        for row in self.headline["renewal"]["counts"]:
            if row["key"] == key:
                return row["count"]
        return None

    @property
    def at_risk(self) -> int | None:
        return self.renewal(reports.RENEWAL_AT_RISK)

    @property
    def not_met(self) -> int | None:
        return self.renewal(reports.RENEWAL_NOT_MET)

    @property
    def cycle_name(self) -> str:
        cycle = self.headline["cycle"]
        return cycle["name"] if cycle else ""

    def row(self) -> list:
        """The district's line of the table and of the CSV (COLUMNS)."""
        return [
            self.district.name,
            "Suspended" if self.district.is_suspended else "Active",
            self.educators,
            *(stage["count"] for stage in self.stages),
            self.headline["open"],
            self.earned_in_cycle,
            self.cycle_name,
            self.pass_rate,
            self.turnaround,
            self.at_risk,
            self.not_met,
        ]


def awards_of_state(*, state: State) -> QuerySet[Award]:
    return badge_selectors.awards_of_state(state_id=state.pk).order_by("-issued_at", "-id")


def districts_of_state(*, state: State) -> QuerySet[District]:
    """The state's districts with their number of educators (one query)."""
    return District.objects.filter(state_id=state.pk).annotate(
        educators=Count("people", filter=holds_role(Role.EDUCATOR, prefix="people__"))
    )


def active_people_count(*, district: District) -> int:
    return User.objects.filter(district_id=district.pk, is_active=True).count()


def state_figures(*, state: State, today: dt.date | None = None) -> list[DistrictFigures]:
    """Every district of the state with its program's headline figures, by name."""
    today = today or timezone.localdate()
    districts = list(districts_of_state(state=state).order_by("name", "pk"))
    headlines = reports.program_headlines(districts=districts, today=today)
    return [
        DistrictFigures(district=d, educators=d.educators, headline=headlines[d.pk])
        for d in districts
    ]
