"""A criterion whose rubric is fixed (its version is published, or past it): its page says so
before the admin types anything, shows the criterion read-only, and offers the way to change it,
a new draft version. The page and the save refusal read one rule."""

import re

import pytest
from django.urls import reverse

from credentials import services
from credentials.models import MicroCredential
from credentials.services import CatalogError, LevelInput
from tests.credentials.factories import MicroCredentialFactory

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status
SAVE = "Save the criterion"
FIXED = "This criterion cannot be changed."


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


def criterion_page(admin_client, entry) -> str:
    criterion = entry.rubric.criteria.first()
    return admin_client.get(
        reverse("credentials:criterion_edit", args=[criterion.pk])
    ).content.decode()


def test_a_published_criterion_says_up_front_that_it_cannot_be_changed(admin_client, district):
    entry = MicroCredentialFactory(district=district, title="Classroom Routines")
    page = criterion_page(admin_client, entry)
    assert FIXED in page
    assert "“Classroom Routines” is published; its rubric is fixed because plans are scored" in page
    assert SAVE not in page
    # Every field sits in one disabled fieldset: nothing can be typed into.
    fieldset = re.search(r"<fieldset class=\"plain-fieldset\"([^>]*)>(.*?)</form>", page, re.S)
    assert "disabled" in fieldset.group(1)
    assert 'name="criterion-title"' in fieldset.group(2)
    assert 'name="levels-0-label"' in fieldset.group(2)
    # What to do instead, on the page.
    assert f'action="{reverse("credentials:new_draft", args=[entry.pk])}"' in page
    assert "Make a new draft version" in page


def test_a_draft_criterion_is_edited_as_before(admin_client, district):
    entry = MicroCredentialFactory(district=district, status=Status.DRAFT)
    page = criterion_page(admin_client, entry)
    assert FIXED not in page and "disabled" not in page
    assert SAVE in page


@pytest.mark.parametrize("status", list(Status))
def test_the_page_says_fixed_exactly_where_a_save_is_refused(
    admin_client, district, district_admin, status
):
    entry = MicroCredentialFactory(district=district, status=status)
    page = criterion_page(admin_client, entry)
    try:
        services.rubric_criterion_update(
            criterion=entry.rubric.criteria.first(),
            actor=district_admin,
            title="Changed",
            levels=[LevelInput(1, "Not yet"), LevelInput(2, "Demonstrated")],
            passing_score=2,
        )
    except CatalogError as error:
        refused = str(error)
    else:
        refused = ""
    assert (FIXED in page) == bool(refused)
    assert (SAVE in page) == (not refused)
    if refused:
        assert refused in page
    # The way out is offered only where the service makes it.
    assert ("Make a new draft version" in page) == entry.takes_new_draft


def test_from_the_fixed_criterion_to_a_draft_that_can_be_changed(admin_client, district):
    entry = MicroCredentialFactory(district=district)
    response = admin_client.post(reverse("credentials:new_draft", args=[entry.pk]), follow=True)
    draft = MicroCredential.objects.get(lineage=entry.lineage, status=Status.DRAFT)
    assert response.redirect_chain[-1][0] == reverse("credentials:preview", args=[draft.pk])
    page = criterion_page(admin_client, draft)
    assert FIXED not in page and SAVE in page


def test_a_save_posted_anyway_is_still_refused_and_changes_nothing(admin_client, district):
    entry = MicroCredentialFactory(district=district)
    criterion = entry.rubric.criteria.first()
    data = {
        "criterion-title": "Changed",
        "criterion-passing_score": "1",
        "levels-TOTAL_FORMS": "1",
        "levels-INITIAL_FORMS": "1",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "8",
        "levels-0-score": "1",
        "levels-0-label": "Only",
    }
    url = reverse("credentials:criterion_edit", args=[criterion.pk])
    page = admin_client.post(url, data).content.decode()
    assert "its rubric is fixed" in page
    criterion.refresh_from_db()
    assert criterion.title != "Changed"
    assert [lv.label for lv in criterion.levels.all()] == ["Not yet", "Demonstrated"]
