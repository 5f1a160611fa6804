"""Fixtures every app's tests share: two districts and a person of each role in each."""

import pytest

from tests.accounts.factories import (
    PASSWORD,
    BuildingFactory,
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    ReviewerFactory,
)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def district(db):
    return DistrictFactory(name="Prairie View USD", slug="prairie-view")


@pytest.fixture
def other_district(db):
    return DistrictFactory(name="Lakeside SD", slug="lakeside")


@pytest.fixture
def building(district):
    return BuildingFactory(district=district, name="Prairie View Elementary")


@pytest.fixture
def educator(district, building):
    return EducatorFactory(district=district, building=building, email="educator@pv.example.org")


@pytest.fixture
def other_educator(district, building):
    return EducatorFactory(district=district, building=building, email="colleague@pv.example.org")


@pytest.fixture
def reviewer(district):
    return ReviewerFactory(district=district, email="reviewer@pv.example.org")


@pytest.fixture
def district_admin(district):
    return DistrictAdminFactory(district=district, email="admin@pv.example.org")


@pytest.fixture
def outsider_educator(other_district):
    return EducatorFactory(district=other_district, email="educator@lakeside.example.org")


@pytest.fixture
def outsider_admin(other_district):
    return DistrictAdminFactory(district=other_district, email="admin@lakeside.example.org")


# --- The demo district, seeded once per module ----------------------------------------------


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker, s3_storage):
    """``seed_demo``, run once for the test module and committed, as the authorization matrix
    builds its world; the module's tests read it (and a browser may change it) without paying
    for it again. The database is flushed when the module is done. Returns the demo password.
    Its tests are marked ``django_db`` as usual: each runs in a transaction over the demo."""
    import io

    from django.core.management import call_command

    from accounts.demo import DEMO_PASSWORD

    with django_db_blocker.unblock():
        call_command("seed_demo", allow_demo_logins_in_production=True, stdout=io.StringIO())
    yield DEMO_PASSWORD
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def demo_server(seeded_demo):
    """A live server of the module's own over its demo. Not pytest-django's ``live_server``: a
    test that uses that one gets an emptied database after it, and the demo with it."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()
