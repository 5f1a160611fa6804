"""Generate or rotate a district's badge signing key (kept in BADGE_KEYS_DIR, not the database).

    manage.py badge_keys <district-slug>            # first key, if the district has none
    manage.py badge_keys <district-slug> --rotate   # a new key signs from now on
    manage.py badge_keys --all                      # first key for every district without one

Earlier keys stay in the district's DID document, so credentials they signed keep verifying.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import District
from badges import keys


class Command(BaseCommand):
    help = "Generate or rotate districts' Ed25519 badge signing keys."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", nargs="?", help="The district's slug.")
        parser.add_argument("--rotate", action="store_true", help="Add a new signing key.")
        parser.add_argument("--all", action="store_true", help="Every district without a key.")

    def handle(self, *args, slug=None, rotate=False, all=False, **options) -> None:
        if all:
            districts = list(District.objects.all())
        elif slug:
            district = District.objects.filter(slug=slug).first()
            if district is None:
                raise CommandError(f"No district with the slug {slug!r}.")
            districts = [district]
        else:
            raise CommandError("Name a district slug, or pass --all.")
        for district in districts:
            existing = keys.signing_keys(district)
            if existing and not rotate:
                key = existing[-1]
                self.stdout.write(f"{district.slug}: key {key.key_id} already signs.")
                continue
            key = keys.key_generate(district)
            verb = "rotated to" if existing else "created"
            self.stdout.write(
                f"{district.slug}: {verb} {key.key_id} "
                f"({keys.verification_method_id(district, key.key_id)})"
            )
