"""Load the demo district: buildings, goals, one login per role, and (as apps grow) their data.

Each app contributes its part through a ``seed_demo(district, people, buildings)`` function
(see DEMO_MODULES); this command runs them in order, inside one transaction, and is safe to re-run.
The people come from ``accounts.demo``, the one home of the demo logins and their password.

Those logins include state and district admins whose password is printed in the README, so the
command refuses to run with DEBUG off (a production-like server) unless it is told, by
``--allow-demo-logins-in-production``, that the demo logins are wanted there (a benchmark, the
test suite, a throwaway docker compose stack).
"""

import importlib
import importlib.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD, demo_person
from accounts.models import Building, District, DistrictGoal, User

# Each module's seed_demo(district=, people=, buildings=) adds that app's part, in this order.
DEMO_MODULES = [
    "credentials.demo",
    "submissions.demo",
    "artifacts.demo",
    "reviews.demo",
    "badges.demo",
    "reports.demo",
    "states.demo",
    "people.demo",
]
# Who a newcomer signs in as to follow a plan from draft to certificate, and what each does.
# The reviewers listed are the panel members who receive the educator's plans: the panel
# excludes reviewers of her own building, and new work goes to the lightest load first.
DEMO_LOGINS = [
    ("educator@example.org", "educator: writes plans, adds evidence, earns certificates"),
    ("jordan.bell@example.org", "reviewer: receives the educator's new plans and evidence"),
    ("taylor.singh@example.org", "reviewer: the second reviewer of her evidence"),
    ("reviewer@example.org", "reviewer: a queue at every stage, one review overdue"),
    ("dana.whitaker@example.org", "panel chair: decides when reviewers disagree"),
    ("admin@example.org", "district admin: people, catalog, panels, awards, reports"),
    ("state@example.org", "state admin: three districts side by side, new districts"),
    ("marcus.reed@example.org", "educator who moved from Cedar Bluffs: both awards count"),
]
# Logged for every task run in-process (hundreds of lines while seeding), and kombu's warning
# that, with no broker configured, it assumes one on localhost (tasks run in-process anyway).
TASK_LOGGERS = ["celery.app.trace", "kombu.connection"]
ALLOW_IN_PRODUCTION = "--allow-demo-logins-in-production"
REFUSED_IN_PRODUCTION = (
    "Refused: DEBUG is off, so this looks like a production server, and the demo creates state "
    "and district admins whose password is printed in the README. To load the demo here anyway "
    f"(a benchmark, a throwaway stack), run: manage.py seed_demo {ALLOW_IN_PRODUCTION}"
)


@contextmanager
def quiet_seeding() -> Iterator[list]:
    """Mail sent while seeding is kept in memory (counted, never printed or delivered) and the
    in-process tasks' log lines are held back. Yields the messages "sent"."""
    saved_outbox = getattr(mail, "outbox", None)
    mail.outbox = []
    loggers = [logging.getLogger(name) for name in TASK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield mail.outbox
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        if saved_outbox is None:
            del mail.outbox
        else:
            mail.outbox = saved_outbox


class Command(BaseCommand):
    help = "Load a demo district with one login per role (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            ALLOW_IN_PRODUCTION,
            action="store_true",
            dest="allow_demo_logins_in_production",
            help="Load the demo even with DEBUG off: its logins share a published password.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["allow_demo_logins_in_production"]:
            raise CommandError(REFUSED_IN_PRODUCTION)
        # The transaction commits inside the quiet block: the tasks and mail its commit sets off
        # (certificates, notifications) run, in-process, before anything is printed.
        with quiet_seeding() as sent:
            district = self._seed()
        if district is None:
            self.stdout.write("The demo district is already loaded.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo district “{district.name}”."))
            self.stdout.write(
                f"{len(sent)} e-mail message{'s' if len(sent) != 1 else ''} “sent” while "
                "seeding were kept quiet (not printed, not delivered)."
            )
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                self.stdout.write("Mail of the tasks queued for the Celery worker goes out there.")
        self._print_logins()

    @transaction.atomic
    def _seed(self) -> District | None:
        district, created = District.objects.get_or_create(
            slug="prairie-view",
            defaults={
                "name": "Prairie View Unified School District",
                "signatory_name": "Dr. Alma Reyes",
                "signatory_title": "Superintendent",
                "email_domains": "example.org",
            },
        )
        if not created:
            return None
        buildings = {
            name: Building.objects.create(district=district, name=name)
            for name in ["Prairie View Elementary", "Prairie View Middle", "Prairie View High"]
        }
        for position, title in enumerate(
            [
                "Every student reads on grade level by grade 3",
                "Engage every student in rigorous, relevant learning",
                "Build safe and supportive classroom communities",
                "Use data to personalize learning",
            ]
        ):
            DistrictGoal.objects.create(district=district, title=title, position=position)
        people = {
            "educator": demo_person(
                district=district,
                email="educator@example.org",
                first_name="Elena",
                last_name="Martinez",
                is_educator=True,
                building=buildings["Prairie View Elementary"],
            ),
            "reviewer": demo_person(
                district=district,
                email="reviewer@example.org",
                first_name="Ray",
                last_name="Okafor",
                is_reviewer=True,
                building=buildings["Prairie View High"],
            ),
            "admin": demo_person(
                district=district,
                email="admin@example.org",
                first_name="Ada",
                last_name="Whitfield",
                is_district_admin=True,
            ),
        }
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            importlib.import_module(name).seed_demo(
                district=district, people=people, buildings=buildings
            )
        return district

    def _print_logins(self) -> None:
        names = dict(
            User.objects.filter(email__in=[email for email, _ in DEMO_LOGINS]).values_list(
                "email", "first_name"
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Sign in at {settings.SITE_URL} as any of (password {DEMO_PASSWORD}):")
        for email, role in DEMO_LOGINS:
            if email in names:
                self.stdout.write(f"  {email:<27} {names[email]:<7} {role}")
