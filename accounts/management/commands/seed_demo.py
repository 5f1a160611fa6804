"""Load the demo district: buildings, goals, one login per role, and (as apps grow) their data.

Each app contributes its part through a ``seed_demo(district, people, buildings)`` function
(see DEMO_MODULES); this command runs them in order, inside one transaction, and is safe to re-run.
"""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Building, District, DistrictGoal, User
from accounts.services import user_create

DEMO_PASSWORD = "microcreds-demo-2026"
# Each module's seed_demo(district=, people=, buildings=) adds that app's part, in this order.
DEMO_MODULES = [
    "credentials.demo",
    "submissions.demo",
    "artifacts.demo",
    "reviews.demo",
    "badges.demo",
    "reports.demo",
]


class Command(BaseCommand):
    help = "Load a demo district with one login per role (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
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
            self.stdout.write("The demo district is already loaded.")
            self._print_logins()
            return
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
            "educator": user_create(
                district=district,
                email="educator@example.org",
                password=DEMO_PASSWORD,
                first_name="Elena",
                last_name="Martinez",
                is_educator=True,
                building=buildings["Prairie View Elementary"],
                email_verified=True,
            ),
            "reviewer": user_create(
                district=district,
                email="reviewer@example.org",
                password=DEMO_PASSWORD,
                first_name="Ray",
                last_name="Okafor",
                is_reviewer=True,
                building=buildings["Prairie View High"],
                email_verified=True,
            ),
            "admin": user_create(
                district=district,
                email="admin@example.org",
                password=DEMO_PASSWORD,
                first_name="Ada",
                last_name="Whitfield",
                is_district_admin=True,
                email_verified=True,
            ),
        }
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is None:
                continue
            importlib.import_module(name).seed_demo(
                district=district, people=people, buildings=buildings
            )
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo district “{district.name}”."))
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("Sign in at http://127.0.0.1:8000 with any of:")
        for user in User.objects.filter(
            email__in=["educator@example.org", "reviewer@example.org", "admin@example.org"]
        ).order_by("email"):
            self.stdout.write(f"  {user.email:<24} ({', '.join(user.roles)})")
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
