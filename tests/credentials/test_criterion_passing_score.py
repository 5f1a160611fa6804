"""A criterion's passing score against its levels: some level must pass and some must not, so a
reviewer can score it as met or as not met. A new criterion starts that way; publishing refuses
one that does not; the criterion forms save it with a warning (said once on the page they land
on) and refuse one no level of which passes, in the words publishing uses; a published version
made before the check keeps working and its admin is told."""

import pytest
from django.urls import reverse

from credentials import services
from credentials.models import MicroCredential, RubricCriterion
from credentials.services import CatalogError, LevelInput
from tests.credentials.factories import MicroCredentialFactory, RubricCriterionFactory

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status
NOT_YET = [LevelInput(1, "Not yet"), LevelInput(2, "Demonstrated")]
FOUR_POINT = [
    LevelInput(1, "Beginning"),
    LevelInput(2, "Developing"),
    LevelInput(3, "Proficient"),
    LevelInput(4, "Exemplary"),
]


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


@pytest.fixture
def entry(district_admin):
    """A new draft with a complete rubric but for the criterion a test adds."""
    return services.microcredential_create(
        actor=district_admin, title="Checking for Understanding", competency="Checks often."
    )


def criterion_post(passing_score: str, rows: list[tuple[str, str]], **fields) -> dict:
    data = {
        "criterion-title": "Exit tickets",
        "criterion-description": "",
        "criterion-component": "",
        "criterion-evidence_type": "",
        "criterion-passing_score": passing_score,
        "criterion-position": "0",
        "levels-TOTAL_FORMS": "5",
        "levels-INITIAL_FORMS": "5",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "8",
        **fields,
    }
    for index in range(5):
        score, label = rows[index] if index < len(rows) else ("", "")
        data |= {
            f"levels-{index}-score": score,
            f"levels-{index}-label": label,
            f"levels-{index}-description": "",
        }
    return data


# --- a new criterion's defaults -------------------------------------------------------------


def test_the_add_a_criterion_form_starts_with_not_yet_failing(admin_client, entry):
    page = admin_client.get(reverse("credentials:rubric", args=[entry.pk]))
    levels = page.context["levels"]
    defaults = [(f["score"].value(), f["label"].value()) for f in levels if f["label"].value()]
    assert defaults == [(1, "Not yet"), (2, "Demonstrated")]
    assert 'name="criterion-passing_score" value="2"' in page.content.decode()


def test_a_criterion_added_with_the_forms_defaults_can_be_published(
    admin_client, entry, district_admin
):
    # What an admin gets by typing only a title and pressing "Add the criterion".
    page = admin_client.get(reverse("credentials:rubric", args=[entry.pk]))
    form, levels = page.context["criterion_form"], page.context["levels"]
    rows = [(str(f["score"].value() or ""), f["label"].value() or "") for f in levels]
    data = criterion_post(str(form["passing_score"].value()), rows, form="criterion")
    response = admin_client.post(reverse("credentials:rubric", args=[entry.pk]), data, follow=True)
    assert "Criterion “Exit tickets” is added." in response.content.decode()
    assert "cannot be published" not in response.content.decode()
    criterion = RubricCriterion.objects.get(rubric__microcredential=entry)
    assert [lv.label for lv in criterion.levels.all() if lv.is_passing] == ["Demonstrated"]
    services.microcredential_publish(microcredential=entry, actor=district_admin)


def test_an_educators_proposed_criteria_fail_at_not_yet(educator):
    proposal = services.microcredential_propose(
        actor=educator, title="Mine", competency="I do it.", criteria=["A plan", "A video"]
    )
    for criterion in proposal.rubric.criteria.prefetch_related("levels"):
        assert [(lv.label, lv.is_passing) for lv in criterion.levels.all()] == [
            ("Not yet", False),
            ("Demonstrated", True),
        ]
        assert services.criterion_passing_problem(criterion) == ""


# --- publishing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "levels, passing_score, says",
    [
        (
            NOT_YET,
            1,
            "passes at every level: its passing score (1) is not above its lowest "
            "level, 1 “Not yet”",
        ),
        (NOT_YET, 1, "set the passing score to 2"),
        (FOUR_POINT, 1, "set the passing score between 2 and 4"),
        ([LevelInput(2, "Developing"), LevelInput(3, "Proficient")], 1, "lowest level, 2"),
        ([LevelInput(1, "Demonstrated")], 1, "has one level, 1 “Demonstrated”, and it passes"),
    ],
)
def test_publishing_refuses_a_criterion_every_level_of_which_passes(
    district_admin, entry, levels, passing_score, says
):
    services.rubric_criterion_create(
        microcredential=entry,
        actor=district_admin,
        title="Exit tickets",
        levels=levels,
        passing_score=passing_score,
    )
    assert any("“Exit tickets”" in p and says in p for p in services.publish_problems(entry))
    with pytest.raises(CatalogError, match="Criterion “Exit tickets” .*reviewer cannot score"):
        services.microcredential_publish(microcredential=entry, actor=district_admin)
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT


def test_publishing_refuses_a_criterion_no_level_of_which_passes(district_admin, entry):
    # The criterion forms refuse this; a package or an older row can still carry it.
    RubricCriterionFactory(rubric=entry.rubric, title="Exit tickets", passing_score=3)
    with pytest.raises(CatalogError, match="“Exit tickets” needs a level scoring at least its"):
        services.microcredential_publish(microcredential=entry, actor=district_admin)


@pytest.mark.parametrize("levels, passing_score", [(NOT_YET, 2), (FOUR_POINT, 3), (FOUR_POINT, 4)])
def test_publishing_takes_a_criterion_some_level_of_which_fails(
    district_admin, entry, levels, passing_score
):
    services.rubric_criterion_create(
        microcredential=entry,
        actor=district_admin,
        title="Exit tickets",
        levels=levels,
        passing_score=passing_score,
    )
    assert services.publish_problems(entry) == []
    services.microcredential_publish(microcredential=entry, actor=district_admin)
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


def test_a_draft_copied_from_a_published_version_carries_the_problem_until_fixed(
    district_admin, district
):
    published = MicroCredentialFactory(district=district, criteria=1)
    RubricCriterion.objects.filter(rubric__microcredential=published).update(passing_score=1)
    draft = services.microcredential_new_draft(microcredential=published, actor=district_admin)
    with pytest.raises(CatalogError, match="passes at every level"):
        services.microcredential_publish(microcredential=draft, actor=district_admin)
    criterion = draft.rubric.criteria.get()
    services.rubric_criterion_update(
        criterion=criterion,
        actor=district_admin,
        title=criterion.title,
        levels=NOT_YET,
        passing_score=2,
    )
    services.microcredential_publish(microcredential=draft, actor=district_admin)


# --- the criterion forms warn on save -------------------------------------------------------


def test_adding_a_criterion_every_level_of_which_passes_saves_it_with_a_warning(
    admin_client, entry
):
    data = criterion_post("1", [("1", "Not yet"), ("2", "Demonstrated")], form="criterion")
    response = admin_client.post(reverse("credentials:rubric", args=[entry.pk]), data, follow=True)
    page = response.content.decode()
    assert "Criterion “Exit tickets” is added. It cannot be published as it is" in page
    # Said once: in the rubric page's notice, which the message points to.
    assert page.count("Criterion “Exit tickets” passes at every level") == 1
    assert RubricCriterion.objects.get(rubric__microcredential=entry).passing_score == 1
    # The rubric page keeps saying so until it is fixed.
    again = admin_client.get(reverse("credentials:rubric", args=[entry.pk])).content.decode()
    assert "Criterion “Exit tickets” passes at every level" in again


def test_editing_a_criterion_warns_until_a_level_fails(admin_client, entry, district_admin):
    criterion = services.rubric_criterion_create(
        microcredential=entry,
        actor=district_admin,
        title="Exit tickets",
        levels=NOT_YET,
        passing_score=2,
    )
    url = reverse("credentials:criterion_edit", args=[criterion.pk])
    lowered = admin_client.post(
        url, criterion_post("1", [("1", "Not yet"), ("2", "Demonstrated")]), follow=True
    ).content.decode()
    assert "Criterion “Exit tickets” is saved. It cannot be published as it is" in lowered
    assert lowered.count("passes at every level") == 1
    # New levels, read as saved (not as they were when the page was opened).
    raised_levels = admin_client.post(
        url, criterion_post("1", [("0", "Not yet"), ("1", "Demonstrated")]), follow=True
    ).content.decode()
    assert "passes at every level" not in raised_levels
    assert "Criterion “Exit tickets” is saved." in raised_levels
    assert "cannot be published" not in raised_levels
    assert services.publish_problems(entry) == []


# --- no level passes: refused at save, in the words publishing uses ---------------------------


def test_saving_refuses_a_criterion_no_level_of_which_passes_as_publishing_words_it(
    district_admin, entry
):
    # A row that carries it (from a package or before the forms refused it), as publishing
    # reads it, and the same criterion typed into the form: one rule, one wording.
    carried = RubricCriterionFactory(rubric=entry.rubric, title="Exit tickets", passing_score=3)
    words = services.criterion_passing_problem(carried)
    assert words in services.publish_problems(entry)
    with pytest.raises(CatalogError) as refused:
        services.rubric_criterion_create(
            microcredential=entry,
            actor=district_admin,
            title="Exit tickets",
            levels=NOT_YET,
            passing_score=3,
        )
    assert str(refused.value) == words
    assert words.startswith("Criterion “Exit tickets” needs a level scoring at least its passing")


def test_the_add_form_refuses_a_passing_score_no_level_reaches_and_keeps_what_was_typed(
    admin_client, entry
):
    data = criterion_post("3", [("1", "Not yet"), ("2", "Demonstrated")], form="criterion")
    response = admin_client.post(reverse("credentials:rubric", args=[entry.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Criterion “Exit tickets” needs a level scoring at least its passing") == 1
    assert 'value="Exit tickets"' in page
    assert not RubricCriterion.objects.filter(rubric__microcredential=entry).exists()


# --- a published version made before the check ----------------------------------------------


@pytest.fixture
def published_lax(district):
    """Published when the check did not exist: "Not yet" passes its criterion."""
    entry = MicroCredentialFactory(district=district, title="Lax", criteria=1)
    RubricCriterion.objects.filter(rubric__microcredential=entry).update(
        title="Exit tickets", passing_score=1
    )
    return entry


def test_a_published_version_that_fails_the_check_stays_in_use(published_lax):
    services.microcredential_check_startable(microcredential=published_lax)


def test_its_admin_sees_the_problem_where_they_would_edit_it(admin_client, published_lax):
    preview = admin_client.get(reverse("credentials:preview", args=[published_lax.pk]))
    rubric = admin_client.get(reverse("credentials:rubric", args=[published_lax.pk]))
    criterion = published_lax.rubric.criteria.get()
    edit = admin_client.get(reverse("credentials:criterion_edit", args=[criterion.pk]))
    for page in (preview, rubric, edit):
        body = page.content.decode()
        assert "Criterion “Exit tickets” passes at every level" in body
        assert "scored against" in body
    assert "This version would not be published today" in preview.content.decode()
    assert "new draft version" in preview.content.decode()


def test_a_published_version_that_passes_the_check_shows_no_warning(admin_client, district):
    entry = MicroCredentialFactory(district=district)
    for name in ("preview", "rubric"):
        body = admin_client.get(reverse(f"credentials:{name}", args=[entry.pk])).content.decode()
        assert "would not be published today" not in body
