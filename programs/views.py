"""District admins' program rules: cycles, credit rules, renewal rules. Thin: parse, check,
call, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import district_admin_required
from credentials.selectors import lineage_choices

from . import selectors, services
from .forms import CreditRuleForm, ProgramCycleForm, RenewalRuleForm
from .models import CreditRule, ProgramCycle, RenewalRule
from .permissions import get_rule_for_admin

RULE_KINDS = {
    "cycle": (ProgramCycle, ProgramCycleForm, "cycle"),
    "credit": (CreditRule, CreditRuleForm, "credit rule"),
    "renewal": (RenewalRule, RenewalRuleForm, "renewal rule"),
}


@require_GET
@district_admin_required
def rules(request: HttpRequest) -> HttpResponse:
    district = request.user.district
    lineage_titles = dict(lineage_choices(district=district))
    credit_rules = list(selectors.credit_rules_for_district(district=district))
    for rule in credit_rules:
        rule.microcredential_title = lineage_titles.get(str(rule.microcredential_lineage), "")
    cycles = list(selectors.cycles_for_district(district=district))
    return render(
        request,
        "programs/rules.html",
        {
            "district": district,
            "cycles": cycles,
            "overlapping_cycles": selectors.overlapping_cycles(cycles),
            "credit_rules": credit_rules,
            "renewal_rules": selectors.renewal_rules_for_district(district=district),
            "window": selectors.current_renewal_window(district=district),
        },
    )


def _rule_form(kind: str, district, *args, **kwargs):
    _, form_class, _ = RULE_KINDS[kind]
    if form_class is ProgramCycleForm:
        return form_class(*args, **kwargs)
    return form_class(*args, district=district, **kwargs)


@require_http_methods(["GET", "POST"])
@district_admin_required
def rule_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    if kind not in RULE_KINDS:
        raise Http404("No such rule.")
    model, _, label = RULE_KINDS[kind]
    district = request.user.district
    rule = get_rule_for_admin(request.user, model, pk) if pk else None
    instance = rule if rule is not None else model(district=district)
    form = _rule_form(kind, district, request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_rule_save(
                model=model, rule=rule, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"The {label} was saved.")
            return redirect("programs:rules")
    return render(
        request,
        "programs/rule_form.html",
        {"form": form, "label": label, "kind": kind, "instance": instance},
    )


@require_POST
@district_admin_required
def rule_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in RULE_KINDS:
        raise Http404("No such rule.")
    model, _, label = RULE_KINDS[kind]
    rule = get_rule_for_admin(request.user, model, pk)
    try:
        services.program_rule_delete(rule=rule, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The {label} was deleted.")
    return redirect("programs:rules")
