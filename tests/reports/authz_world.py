"""The objects of the people and reports pages in the authorization matrix's world."""

import datetime as dt
from decimal import Decimal

from accounts import people_services
from accounts.models import Building, User
from accounts.services import user_create
from reports import services as report_services
from reports.models import CreditRule, ExportJob, ProgramCycle, RenewalRule


def build_people_and_reports(world) -> None:
    """Through the services: a cycle, a credit rule, a renewal rule, a finished export, a
    person to deactivate, one to reactivate, one invited, and a building to delete."""
    admin = world.people["admin"]
    slug = world.district.slug
    cycle = report_services.program_rule_save(
        rule=ProgramCycle(
            name=f"Spring {slug}", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 5, 22)
        ),
        actor=admin,
    )
    world.extra["cycle"] = cycle
    world.extra["credit_rule"] = report_services.program_rule_save(
        rule=CreditRule(effective_from=dt.date(2025, 7, 1), salary_amount=Decimal("300")),
        actor=admin,
    )
    world.extra["renewal_rule"] = report_services.program_rule_save(
        rule=RenewalRule(first_cycle=cycle, effective_from=dt.date(2026, 1, 1)), actor=admin
    )
    job = ExportJob.objects.create(
        district=world.district, requested_by=admin, dataset="salary_ledger", file_format="csv"
    )
    world.extra["export_job"] = report_services.export_job_run(job_id=job.pk)

    def person(key: str) -> User:
        return user_create(
            district=world.district,
            email=f"{key}@{slug}.example.org",
            first_name=key.title(),
            last_name=f"{key.title()}-{slug}",
            is_educator=True,
        )

    world.extra["leaver"] = person("leaver")
    former = person("former")
    people_services.person_set_active(person=former, actor=admin, active=False)
    world.extra["former"] = former
    world.extra["invitee"] = person("invitee")
    world.extra["doomed_building"] = Building.objects.create(
        district=world.district, name=f"Closing annex {slug}"
    )
