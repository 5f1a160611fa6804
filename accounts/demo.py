"""The demo district's people: the one password of every demo login, and the helper each app's
``demo.py`` calls for the people it needs (``accounts.management.commands.seed_demo`` runs them)."""

from accounts.models import Building, District, User
from accounts.services import user_create

DEMO_PASSWORD = "microcreds-demo-2026"


def demo_person(
    *,
    district: District,
    email: str,
    first_name: str,
    last_name: str,
    building: Building | None = None,
    is_educator: bool = False,
    is_reviewer: bool = False,
    is_district_admin: bool = False,
) -> User:
    """The demo person with this e-mail address, created the first time with the demo password
    and a verified address (they sign in at once), found again on a second seeding."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    return user_create(
        district=district,
        email=email,
        password=DEMO_PASSWORD,
        first_name=first_name,
        last_name=last_name,
        building=building,
        is_educator=is_educator,
        is_reviewer=is_reviewer,
        is_district_admin=is_district_admin,
        email_verified=True,
    )
