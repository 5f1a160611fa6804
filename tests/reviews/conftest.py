"""A district with a review panel: a chair, three reviewers, educators in two buildings."""

import pytest

from tests.accounts.factories import BuildingFactory, EducatorFactory, ReviewerFactory

from .factories import PanelFactory


@pytest.fixture
def north(district):
    return BuildingFactory(district=district, name="North Middle")


@pytest.fixture
def south(district):
    return BuildingFactory(district=district, name="South High")


@pytest.fixture
def teacher(district, north):
    return EducatorFactory(
        district=district, building=north, email="teacher@pv.example.org", first_name="Tess"
    )


@pytest.fixture
def reviewers(district, south):
    return [
        ReviewerFactory(district=district, building=south, email=f"r{i}@pv.example.org")
        for i in range(1, 4)
    ]


@pytest.fixture
def chair(district, south):
    return ReviewerFactory(district=district, building=south, email="chair@pv.example.org")


@pytest.fixture
def panel(district, reviewers, chair):
    return PanelFactory(district=district, name="Educator panel", chair=chair, members=reviewers)
