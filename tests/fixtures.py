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
