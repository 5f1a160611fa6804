"""Writes of a district's cycles, credit rules and renewal rules. Every change is audited."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from accounts.models import District, Role, State, User
from accounts.services import audit_record

from .models import CreditRule, ProgramCycle, RenewalRule, StateRenewalRule

RULE_MODELS = (ProgramCycle, CreditRule, RenewalRule)


def _check_district(obj: models.Model, district: District) -> None:
    if obj.district_id != district.pk:
        raise ValueError("This record belongs to another district.")


def _audit_fields(obj: models.Model) -> dict[str, Any]:
    return {
        f.attname: str(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in ("id", "district_id", "created_at")
    }


def _set_fields(rule: models.Model, fields: dict[str, Any]) -> None:
    settable = {f.name for f in rule._meta.concrete_fields} - {"id", "district", "created_at"}
    unknown = set(fields) - settable
    if unknown:
        names = ", ".join(sorted(unknown))
        raise TypeError(f"Unknown fields of a {rule._meta.model_name}: {names}")
    for name, value in fields.items():
        setattr(rule, name, value)


@transaction.atomic
def program_rule_save(
    *, model: type[models.Model], rule: models.Model | None, actor: User, **fields: Any
) -> models.Model:
    """Create (``rule`` None) or change a cycle, credit rule or renewal rule (``model``) of the
    actor's district, from ``fields``. Refused with a ``ValidationError`` saying why (a cycle
    sharing a day with another, among others: ``full_clean``)."""
    if model not in RULE_MODELS or (rule is not None and not isinstance(rule, model)):
        raise TypeError("Not a program rule.")
    if rule is None:
        rule = model(district=actor.district)
    _check_district(rule, actor.district)
    _set_fields(rule, fields)
    if isinstance(rule, CreditRule):
        if rule.scope != CreditRule.Scope.RIGOR:
            rule.rigor = None
        if rule.scope != CreditRule.Scope.MICROCREDENTIAL:
            rule.microcredential_lineage = None
    if isinstance(rule, RenewalRule) and rule.first_cycle.district_id != actor.district_id:
        raise ValueError("The first cycle belongs to another district.")
    if isinstance(rule, ProgramCycle):
        # Cycles may not share a day (``ProgramCycle.clean``): of two admins saving cycles at
        # once, the second waits here and is checked against the first's dates.
        District.objects.select_for_update().only("pk").get(pk=rule.district_id)
    action = "updated" if rule.pk else "created"
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=f"{rule._meta.model_name}.{action}",
        target=rule,
        district=actor.district,
        detail=_audit_fields(rule),
    )
    return rule


@transaction.atomic
def program_rule_delete(*, rule: models.Model, actor: User) -> None:
    if not isinstance(rule, RULE_MODELS):
        raise TypeError("Not a program rule.")
    _check_district(rule, actor.district)
    if isinstance(rule, ProgramCycle) and RenewalRule.objects.filter(first_cycle=rule).exists():
        raise ValueError("A renewal rule starts with this cycle; change or delete that rule first.")
    audit_record(
        actor=actor,
        action=f"{rule._meta.model_name}.deleted",
        target=rule,
        district=actor.district,
        detail=_audit_fields(rule),
    )
    rule.delete()


def state_renewal_rule_set(
    *,
    state: State,
    actor: User,
    name: str,
    required_count: int,
    window_cycles: int,
    effective_from,
    at_risk_days: int,
    required_points: Decimal | None = None,
) -> StateRenewalRule:
    """The state's re-licensure rule from ``effective_from`` on, for every educator of its
    districts. A new row: earlier rules stay, in force before this one's date."""
    if not actor.has_role(Role.STATE_ADMIN) or actor.state_id != state.pk:
        raise PermissionDenied("Only an admin of this state can set its renewal rule.")
    with transaction.atomic():
        rule = StateRenewalRule(
            state=state,
            name=name.strip() or "State license renewal",
            required_count=required_count,
            required_points=required_points,
            window_cycles=window_cycles,
            effective_from=effective_from,
            at_risk_days=at_risk_days,
        )
        rule.full_clean()
        rule.save()
        audit_record(
            actor=actor,
            action="staterenewalrule.created",
            target=rule,
            detail={"state": state.slug, **_audit_fields(rule)},
        )
    return rule
