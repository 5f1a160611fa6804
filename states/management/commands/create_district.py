"""Create a district of a state and invite its first admin by e-mail, as the state's page does
(``states.services.district_create``)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import State
from states.services import district_create


class Command(BaseCommand):
    help = "Create a district of a state; its first admin is e-mailed an invitation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--state", required=True, help="The state's short name (slug).")
        parser.add_argument("--name", required=True, help="The district's name.")
        parser.add_argument("--slug", required=True, help="The district's short name.")
        parser.add_argument(
            "--domain",
            action="append",
            default=[],
            help="A sign-in e-mail domain of the district (repeat for several).",
        )
        parser.add_argument(
            "--admin-email", required=True, help="The first district admin's e-mail address."
        )

    def handle(self, *args, **options) -> None:
        state = State.objects.filter(slug=options["state"]).first()
        if state is None:
            known = ", ".join(State.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No state “{options['state']}” (known: {known}).")
        try:
            district = district_create(
                state=state,
                name=options["name"],
                slug=options["slug"],
                domains=", ".join(options["domain"]),
                first_admin_email=options["admin_email"],
                actor=None,
            )
        except ValidationError as exc:
            problems = (
                [
                    f"{field}: {message}"
                    for field, messages in exc.message_dict.items()
                    for message in messages
                ]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("The district was not created. " + " ".join(problems)) from None
        self.stdout.write(
            f"Created {district.name} ({district.slug}) in {state.name}; an invitation was "
            f"e-mailed to {options['admin_email']}."
        )
