"""Build a large district, or a whole state of districts, fast (bulk inserts) for benchmarks and
load tests."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import District, State
from reports.scale import seed_scale, seed_state


class Command(BaseCommand):
    help = (
        "Create a large district (--educators N, --plans M), or with --districts D a state of D "
        "districts sharing the N educators and M plans (bulk inserts)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--educators", type=int, default=5000)
        parser.add_argument("--plans", type=int, default=50000)
        parser.add_argument(
            "--districts",
            type=int,
            default=0,
            help="Build a state of this many districts (e.g. 300, with --educators 40000 "
            "--plans 400000); without it, one district on its own.",
        )
        parser.add_argument("--slug", default="scale", help="The new district's or state's slug.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")

    def handle(
        self, *args, educators: int, plans: int, districts: int, slug: str, seed: int, **options
    ) -> None:
        if educators < 1 or plans < 0 or districts < 0:
            raise CommandError("Use at least one educator and zero or more plans and districts.")
        if districts and educators < districts:
            raise CommandError("Give every district at least one educator (--educators).")
        started = time.perf_counter()
        if districts:
            if State.objects.filter(slug=slug).exists():
                raise CommandError(f"A state “{slug}” exists already; choose another --slug.")
            if District.objects.filter(slug__startswith=f"{slug}-").exists():
                raise CommandError(f"Districts “{slug}-…” exist already; choose another --slug.")
            state, result = seed_state(
                slug=slug, districts=districts, educators=educators, plans=plans, seed=seed
            )
            summary = f"{state.name}: {districts} districts, "
            admins = (
                f"State admin: state-admin@{slug}.example.org; district admins: "
                f"admin@{slug}-<n>.example.org"
            )
        else:
            if District.objects.filter(slug=slug).exists():
                raise CommandError(f"A district “{slug}” exists already; choose another --slug.")
            district, result = seed_scale(slug=slug, educators=educators, plans=plans, seed=seed)
            summary = f"{district.name}: "
            admins = f"Admin: admin@{slug}.example.org"
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary}{result.educators} educators, {result.plans} plans, "
                f"{result.submissions} submissions, {result.attempts} attempts "
                f"in {time.perf_counter() - started:.1f} s. {admins} "
                "(set a password with `manage.py changepassword`)."
            )
        )
