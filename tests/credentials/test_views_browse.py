"""The catalog and detail pages: every role, anonymous, another district, wrong method."""

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse

from credentials.models import MicroCredential
from credentials.services import microcredential_propose
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import (
    EvidenceTypeFactory,
    MicroCredentialFactory,
    StackFactory,
)

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status


@pytest.fixture
def routines(district):
    return MicroCredentialFactory(
        district=district,
        title="Classroom Expectations and Routines",
        competency="Uses expectations and routines to keep learning time.",
        key_method="Teach, model and rehearse routines.",
        tags="routines, management",
    )


def titles(response) -> list[str]:
    return [entry.title for entry in response.context["entries"]]


# --- catalog --------------------------------------------------------------------------------


def test_catalog_anonymous_goes_to_sign_in(client):
    response = client.get(reverse("credentials:catalog"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["educator", "reviewer", "district_admin"])
def test_catalog_lists_published_entries_of_the_district(client, request, who, routines):
    MicroCredentialFactory(district=routines.district, status=Status.DRAFT, title="Hidden draft")
    MicroCredentialFactory(district=routines.district, status=Status.RETIRED, title="Old retired")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("credentials:catalog"))
    assert response.status_code == 200
    assert titles(response) == ["Classroom Expectations and Routines"]
    assert reverse("credentials:detail", args=[routines.pk]) in response.content.decode()


def test_catalog_of_another_district_shows_none_of_ours(client, outsider_educator, routines):
    client.force_login(outsider_educator)
    response = client.get(reverse("credentials:catalog"))
    assert titles(response) == []
    assert "Classroom Expectations" not in response.content.decode()


def test_catalog_refuses_post(client, educator):
    client.force_login(educator)
    assert client.post(reverse("credentials:catalog")).status_code == 405


def test_catalog_user_without_role_is_refused(client, district):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(district=district))
    assert client.get(reverse("credentials:catalog")).status_code == 403


def test_catalog_search_and_filters(client, educator, district):
    stack = StackFactory(district=district, name="Classroom Management")
    video = EvidenceTypeFactory(district=district, name="Video")
    MicroCredentialFactory(
        district=district,
        title="Creating a Classroom Community",
        competency="Builds key relationships.",
        stack=stack,
        evidence_types=[video],
        estimated_hours=15,
        grade_band="prek-2",
    )
    MicroCredentialFactory(
        district=district,
        title="Number Talks",
        competency="Builds computational fluency through daily number talks.",
        key_method="Facilitate a short mental-math discussion.",
        tags="math, fluency",
        estimated_hours=8,
        grade_band="3-5",
    )
    MicroCredentialFactory(
        district=district,
        title="Student Voice",
        competency="Gives students choice.",
        estimated_hours=20,
        grade_band="all",
    )
    client.force_login(educator)
    url = reverse("credentials:catalog")

    def search(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return titles(response)

    assert search(q="community") == ["Creating a Classroom Community"]
    assert search(q="MENTAL-MATH") == ["Number Talks"]  # key method, any case
    assert search(q="fluency") == ["Number Talks"]  # competency and tags
    assert search(q="builds talks") == ["Number Talks"]  # every word must match
    assert search(stack=stack.pk) == ["Creating a Classroom Community"]
    assert search(evidence_type=video.pk) == ["Creating a Classroom Community"]
    assert search(max_hours="10") == ["Number Talks"]
    assert search(max_hours="15") == ["Creating a Classroom Community", "Number Talks"]
    # "All grades" entries fit every grade band.
    assert search(grade_band="3-5") == ["Number Talks", "Student Voice"]
    assert search(q="nothing-like-this") == []
    assert "Nothing matches this search" in client.get(url, {"q": "zzz"}).content.decode()


def test_catalog_filter_from_another_district_is_an_error_not_a_leak(
    client, educator, district, other_district
):
    MicroCredentialFactory(district=district, title="Ours")
    foreign_stack = StackFactory(district=other_district)
    client.force_login(educator)
    response = client.get(reverse("credentials:catalog"), {"stack": foreign_stack.pk})
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    assert titles(response) == ["Ours"]


def test_catalog_query_count_is_fixed(client, educator, district, django_assert_max_num_queries):
    video = EvidenceTypeFactory(district=district, name="Video")
    stack = StackFactory(district=district)
    url = reverse("credentials:catalog")
    client.force_login(educator)
    for round_ in range(2):
        for _ in range(5):
            MicroCredentialFactory(district=district, stack=stack, evidence_types=[video])
        with django_assert_max_num_queries(6):
            response = client.get(url, {"q": "routines"})
        assert len(titles(response)) == 5 * (round_ + 1)


def cards(response) -> str:
    html = response.content.decode()
    return html[
        html.index('<ul class="catalog-list"') : html.index("</ul>", html.index("catalog-list"))
    ]


def test_catalog_cards_are_rendered_once_and_show_every_change_at_once(client, educator, district):
    """The cards are kept rendered under what they show: the next view reuses them, and a
    changed entry, stack or evidence type (however it was changed) is shown at once."""
    video = EvidenceTypeFactory(district=district, name="Video")
    stack = StackFactory(district=district, name="Classroom climate")
    entry = MicroCredentialFactory(
        district=district, title="Routines", stack=stack, evidence_types=[video]
    )
    url = reverse("credentials:catalog")
    client.force_login(educator)
    first = client.get(url)
    key = make_template_fragment_key("catalog-cards", [first.context["cards_key"]])
    assert "Routines" in caches["fragments"].get(key)
    assert cards(client.get(url)) == cards(first)

    MicroCredential.objects.filter(pk=entry.pk).update(title="Routines that stick")
    assert "Routines that stick" in client.get(url).content.decode()
    type(stack).objects.filter(pk=stack.pk).update(name="Climate")
    assert "Stack: Climate" in client.get(url).content.decode()
    type(video).objects.filter(pk=video.pk).update(name="Classroom video")
    assert "Classroom video" in client.get(url).content.decode()
    entry.evidence_types.clear()
    assert "As the plan proposes" in client.get(url).content.decode()


def filters(response) -> str:
    html = response.content.decode()
    start = html.index('<form method="get"')
    return html[start : html.index("</form>", start)]


def test_catalog_filters_are_rendered_once_and_show_every_change_at_once(
    client, educator, district
):
    """The filter form is kept rendered under its choices and the values submitted: a stack or
    evidence type renamed, added or removed shows at once, and a refused value says why."""
    stack = StackFactory(district=district, name="Classroom climate")
    EvidenceTypeFactory(district=district, name="Video")
    url = reverse("credentials:catalog")
    client.force_login(educator)
    first = filters(client.get(url))
    assert "Classroom climate" in first
    assert filters(client.get(url)) == first

    type(stack).objects.filter(pk=stack.pk).update(name="Climate")
    StackFactory(district=district, name="Assessment")
    EvidenceTypeFactory(district=district, name="Lesson plan")
    body = client.get(url).content.decode()
    assert ">Climate</option>" in body and "Classroom climate" not in body
    assert body.index(">Assessment</option>") < body.index(">Climate</option>")
    assert ">Lesson plan</option>" in body

    chosen = client.get(url, {"stack": stack.pk}).content.decode()
    assert f'<option value="{stack.pk}" selected>Climate</option>' in chosen
    refused = client.get(url, {"stack": "x"}).content.decode()
    assert "Please correct the following" in refused
    assert "That choice is not one of the available choices." in refused
    assert "Please correct the following" not in client.get(url).content.decode()


# --- detail ---------------------------------------------------------------------------------


def test_detail_shows_competency_method_evidence_and_rubric(client, educator, routines):
    routines.evidence_types.set([EvidenceTypeFactory(district=routines.district, name="Video")])
    client.force_login(educator)
    response = client.get(reverse("credentials:detail", args=[routines.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "Uses expectations and routines",
        "Teach, model and rehearse routines.",
        "Identify routines",
        "The First Days of School",
        "Video",
        "Criterion 1",
        "Not yet",
        "Demonstrated",
        "every criterion at its passing level",
    ]:
        assert text in body


def test_detail_names_the_state_standard_the_badge_aligns_to(client, educator, routines):
    routines.state_standard = "Standard 4: Teachers facilitate learning for their students"
    routines.state_standard_url = "https://standards.example.gov/teaching/4"
    routines.save()
    client.force_login(educator)

    body = client.get(reverse("credentials:detail", args=[routines.pk])).content.decode()

    assert 'id="state-standard"' in body
    assert (
        '<a href="https://standards.example.gov/teaching/4" rel="noopener">'
        "Standard 4: Teachers facilitate learning for their students</a>"
    ) in body


# The entry's page; its "Endorsed by" section is one of them, however many endorsements it lists.
DETAIL_QUERIES = 8


def test_detail_has_fixed_query_count(client, educator, routines, django_assert_max_num_queries):
    client.force_login(educator)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(reverse("credentials:detail", args=[routines.pk])).status_code == 200


@pytest.mark.parametrize("who", ["reviewer", "district_admin"])
def test_detail_other_roles_have_no_start_button(client, request, who, routines):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("credentials:detail", args=[routines.pk]))
    assert response.status_code == 200
    assert "Start a plan" not in response.content.decode()


def test_detail_start_button_only_when_the_plan_view_exists(client, educator, routines):
    from django.urls import NoReverseMatch

    client.force_login(educator)
    body = client.get(reverse("credentials:detail", args=[routines.pk])).content.decode()
    try:
        start_url = reverse("submissions:plan_start", kwargs={"credential_pk": routines.pk})
    except NoReverseMatch:
        assert "Start a plan" not in body
    else:
        assert "Start a plan" in body
        assert f'action="{start_url}"' in body


def test_detail_of_a_retired_entry_says_so_and_offers_no_plan(client, educator, routines):
    routines.status = Status.RETIRED
    routines.save()
    client.force_login(educator)
    body = client.get(reverse("credentials:detail", args=[routines.pk])).content.decode()
    assert "new plans cannot be started on it" in body
    assert "Start a plan" not in body


def test_detail_of_a_superseded_version_links_the_current_one(client, educator, routines):
    newer = MicroCredentialFactory(
        district=routines.district, lineage=routines.lineage, version=2, status=Status.DRAFT
    )
    routines.status = Status.SUPERSEDED
    routines.save()
    newer.status = Status.PUBLISHED
    newer.save()
    client.force_login(educator)
    body = client.get(reverse("credentials:detail", args=[routines.pk])).content.decode()
    assert "An earlier version" in body
    assert reverse("credentials:detail", args=[newer.pk]) in body


def test_detail_of_a_draft_is_hidden_from_educators_and_reviewers(
    client, educator, reviewer, district_admin, district
):
    draft = MicroCredentialFactory(district=district, status=Status.DRAFT)
    url = reverse("credentials:detail", args=[draft.pk])
    for person in (educator, reviewer):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(district_admin)
    assert client.get(url).status_code == 200


def test_detail_of_a_proposal_for_its_author_and_the_panel_only(
    client, educator, other_educator, reviewer
):
    proposal = microcredential_propose(actor=educator, title="Mine", competency="My competency.")
    url = reverse("credentials:detail", args=[proposal.pk])
    client.force_login(educator)
    assert client.get(url).status_code == 200
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.force_login(other_educator)
    assert client.get(url).status_code == 404


def test_detail_of_another_district_is_404(client, outsider_educator, outsider_admin, routines):
    url = reverse("credentials:detail", args=[routines.pk])
    for person in (outsider_educator, outsider_admin):
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_detail_anonymous_and_wrong_method(client, educator, routines):
    url = reverse("credentials:detail", args=[routines.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(educator)
    assert client.post(url).status_code == 405


def test_nav_has_manage_catalog_for_admins_only(client, educator, district_admin):
    client.force_login(district_admin)
    body = client.get(reverse("credentials:catalog")).content.decode()
    assert f'href="{reverse("credentials:manage")}"' in body
    client.force_login(EducatorFactory(district=district_admin.district))
    body = client.get(reverse("credentials:catalog")).content.decode()
    assert f'href="{reverse("credentials:manage")}"' not in body


def test_detail_query_count_does_not_grow_with_the_rubric(
    client, educator, district, django_assert_max_num_queries
):
    small = MicroCredentialFactory(district=district, criteria=1)
    large = MicroCredentialFactory(district=district, criteria=8)
    client.force_login(educator)
    for entry in (small, large):
        with django_assert_max_num_queries(DETAIL_QUERIES):
            response = client.get(reverse("credentials:detail", args=[entry.pk]))
        assert response.content.decode().count("Demonstrated") == entry.rubric.criteria.count()


def test_catalog_htmx_request_gets_only_the_results(client, educator, routines):
    client.force_login(educator)
    response = client.get(
        reverse("credentials:catalog"), {"q": "routines"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Classroom Expectations and Routines" in body
    assert 'hx-swap-oob="innerHTML">1 micro-credential found.' in body
    invalid = client.get(
        reverse("credentials:catalog"), {"max_hours": "-4"}, headers={"HX-Request": "true"}
    )
    assert "Please correct the following" in invalid.content.decode()


def test_nav_has_catalog_for_reviewers(client, reviewer):
    client.force_login(reviewer)
    body = client.get(reverse("credentials:catalog")).content.decode()
    assert f'<a href="{reverse("credentials:catalog")}" aria-current="page">Catalog</a>' in body


def test_an_entry_already_started_offers_the_plan_instead_of_a_second_start(
    client, educator, routines
):
    """An educator who has a plan under way on the entry is sent to it ("Open your plan"); once
    it is withdrawn the entry offers a new start again."""
    from submissions import services as plan_services

    url = reverse("credentials:detail", args=[routines.pk])
    client.force_login(educator)
    assert "Start a plan" in client.get(url).content.decode()

    submission, _ = plan_services.plan_start(microcredential=routines, actor=educator)
    body = client.get(url).content.decode()
    plan_url = reverse("submissions:detail", args=[submission.pk])
    assert f'<a class="button" href="{plan_url}">Open your plan</a>' in body
    assert "Start a plan" not in body

    submission.status = submission.Status.WITHDRAWN
    submission.save(update_fields=["status"])
    assert "Start a plan" in client.get(url).content.decode()
