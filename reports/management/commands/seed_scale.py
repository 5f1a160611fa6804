"""Build a large district fast (bulk inserts) for benchmarks and load tests."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import District
from reports.scale import seed_scale


class Command(BaseCommand):
    help = "Create a large district: --educators N educators and --plans M plans (bulk inserts)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--educators", type=int, default=5000)
        parser.add_argument("--plans", type=int, default=50000)
        parser.add_argument("--slug", default="scale", help="The new district's slug.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")

    def handle(self, *args, educators: int, plans: int, slug: str, seed: int, **options) -> None:
        if educators < 1 or plans < 0:
            raise CommandError("Use at least one educator and zero or more plans.")
        if District.objects.filter(slug=slug).exists():
            raise CommandError(f"A district “{slug}” exists already; choose another --slug.")
        started = time.perf_counter()
        district, result = seed_scale(slug=slug, educators=educators, plans=plans, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"{district.name}: {result.educators} educators, {result.plans} plans, "
                f"{result.submissions} submissions, {result.attempts} attempts "
                f"in {time.perf_counter() - started:.1f} s. Admin: admin@{slug}.example.org "
                "(set a password with `manage.py changepassword`)."
            )
        )
