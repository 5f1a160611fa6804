"""The district admin's catalog pages: what each does for the admin. Who may reach them is the
authorization matrix's to check (tests/authz)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from accounts.models import AuditEvent
from badges import images
from credentials import services
from credentials.models import EvidenceType, MicroCredential, RubricCriterion, Stack
from submissions.models import Plan
from tests.credentials.factories import (
    EvidenceTypeFactory,
    MicroCredentialFactory,
    StackFactory,
)

pytestmark = pytest.mark.django_db
Status = MicroCredential.Status


@pytest.fixture
def entry(district):
    return MicroCredentialFactory(district=district, title="Aspects of an Engaged Classroom")


@pytest.fixture
def draft(district):
    return MicroCredentialFactory(district=district, status=Status.DRAFT, title="A draft entry")


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


def entry_post(**overrides) -> dict:
    data = {
        "title": "Organizing the Physical Layout of the Classroom",
        "competency": "Organizes the room so that it supports learning.",
        "key_method": "Plan and test a layout.",
        "method_components": "",
        "research_and_resources": "",
        "submission_guidelines": "",
        "estimated_hours": "15",
        "pd_points": "1.5",
        "rigor": "2",
        "origin": "district",
        "stack": "",
        "tags": "layout",
        "grade_band": "all",
        "valid_for_days": "",
        "renewal_plan": "full",
    }
    data.update(overrides)
    return data


def level_post(rows: list[tuple[str, str]], total: int = 5) -> dict:
    data = {
        "levels-TOTAL_FORMS": str(total),
        "levels-INITIAL_FORMS": str(total),
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "8",
    }
    for index in range(total):
        score, label = rows[index] if index < len(rows) else ("", "")
        data[f"levels-{index}-score"] = score
        data[f"levels-{index}-label"] = label
        data[f"levels-{index}-description"] = ""
    return data


# --- list -----------------------------------------------------------------------------------


def test_manage_lists_drafts_and_hides_superseded_unless_asked(admin_client, entry, draft):
    old = MicroCredentialFactory(district=entry.district, status=Status.SUPERSEDED, title="Old one")
    MicroCredentialFactory(title="Another district's")
    response = admin_client.get(reverse("credentials:manage"))
    assert [e.title for e in response.context["entries"]] == [
        "A draft entry",
        "Aspects of an Engaged Classroom",
    ]
    response = admin_client.get(reverse("credentials:manage"), {"status": "superseded"})
    assert [e.pk for e in response.context["entries"]] == [old.pk]
    response = admin_client.get(reverse("credentials:manage"), {"q": "engaged"})
    assert [e.pk for e in response.context["entries"]] == [entry.pk]


def test_manage_query_count_is_fixed(
    admin_client, district, educator, django_assert_max_num_queries
):
    stack = StackFactory(district=district)
    url = reverse("credentials:manage")
    for round_ in range(2):
        for _ in range(5):
            made = MicroCredentialFactory(district=district, stack=stack, created_by=educator)
            Plan.objects.create(district=district, microcredential=made, lead=educator)
        with django_assert_max_num_queries(4):
            response = admin_client.get(url)
        rows = list(response.context["entries"])
        assert len(rows) == 5 * (round_ + 1)
        assert all(row.plan_count == 1 for row in rows)


# --- create and edit ------------------------------------------------------------------------


def test_create_makes_a_draft_and_goes_to_the_rubric(admin_client, district):
    video = EvidenceTypeFactory(district=district, name="Video")
    response = admin_client.post(
        reverse("credentials:create"), entry_post(evidence_types=[str(video.pk)])
    )
    made = MicroCredential.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("credentials:rubric", args=[made.pk])
    assert made.status == Status.DRAFT
    assert list(made.evidence_types.all()) == [video]


def test_create_names_the_state_standard_its_badges_align_to(admin_client):
    admin_client.post(
        reverse("credentials:create"),
        entry_post(
            state_standard="Standard 2: Teachers establish a respectful environment",
            state_standard_url="standards.example.gov/teaching/2",
        ),
    )
    made = MicroCredential.objects.get()
    assert made.state_standard == "Standard 2: Teachers establish a respectful environment"
    assert made.state_standard_url == "https://standards.example.gov/teaching/2"


def test_create_with_errors_shows_a_summary_and_saves_nothing(admin_client, other_district):
    foreign = StackFactory(district=other_district)
    response = admin_client.post(
        reverse("credentials:create"),
        entry_post(title="", estimated_hours="-3", stack=str(foreign.pk)),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please correct the following" in body
    assert 'href="#id_title"' in body
    assert 'href="#id_stack"' in body
    assert not MicroCredential.objects.exists()


def test_create_refuses_over_long_title(admin_client):
    response = admin_client.post(reverse("credentials:create"), entry_post(title="x" * 201))
    assert "at most 200 characters" in response.content.decode()
    assert not MicroCredential.objects.exists()


def test_edit_a_draft_in_place(admin_client, draft):
    response = admin_client.post(
        reverse("credentials:edit", args=[draft.pk]), entry_post(title="Renamed draft")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed draft"
    assert MicroCredential.objects.count() == 1


def test_edit_a_published_entry_publishes_a_new_version(admin_client, entry, educator):
    plan = Plan.objects.create(district=entry.district, microcredential=entry, lead=educator)
    response = admin_client.post(
        reverse("credentials:edit", args=[entry.pk]), entry_post(title="Engaged Classroom v2")
    )
    new = MicroCredential.objects.get(lineage=entry.lineage, version=2)
    assert response.url == reverse("credentials:preview", args=[new.pk])
    assert new.status == Status.PUBLISHED
    entry.refresh_from_db()
    assert entry.status == Status.SUPERSEDED
    plan.refresh_from_db()
    assert plan.microcredential_id == entry.pk
    follow = admin_client.get(response.url)
    assert "Version 1 is kept" in follow.content.decode()


def test_edit_of_a_retired_entry_is_refused(admin_client, entry):
    entry.status = Status.RETIRED
    entry.save()
    response = admin_client.post(reverse("credentials:edit", args=[entry.pk]), entry_post())
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Aspects of an Engaged Classroom"


# --- badge image ----------------------------------------------------------------------------

BADGE_BLUE = (20, 120, 200)


def image_upload(name="badge.png", *, size=(400, 400), kind="PNG", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, BADGE_BLUE).save(buffer, kind, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


def stored_image(entry: MicroCredential) -> Image.Image:
    with default_storage.open(entry.badge_image.name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def unchanged_post(entry: MicroCredential) -> dict:
    return entry_post(
        title=entry.title,
        competency=entry.competency,
        key_method=entry.key_method,
        method_components=entry.method_components,
        research_and_resources=entry.research_and_resources,
        submission_guidelines=entry.submission_guidelines,
        estimated_hours=str(entry.estimated_hours),
        pd_points=str(entry.pd_points),
        rigor=str(entry.rigor),
        origin=entry.origin,
        stack=str(entry.stack_id or ""),
        tags=entry.tags,
        grade_band=entry.grade_band,
        valid_for_days=str(entry.valid_for_days or ""),
    )


def test_entry_form_is_multipart_with_a_badge_image_field(admin_client, entry):
    body = admin_client.get(reverse("credentials:edit", args=[entry.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file" name="badge_image"' in body
    assert 'accept="image/png,image/jpeg"' in body


def test_create_with_a_badge_image_stores_it_re_encoded(admin_client, district_admin):
    metadata = PngInfo()
    metadata.add_text("Comment", "written by the camera")
    upload = image_upload(size=(1200, 1100), pnginfo=metadata)

    response = admin_client.post(
        reverse("credentials:create"), {**entry_post(), "badge_image": upload}
    )

    assert response.status_code == 302
    made = MicroCredential.objects.get()
    stored = stored_image(made)
    assert stored.format == "PNG"
    assert stored.size == (600, 550)
    assert "Comment" not in stored.text
    assert images.badge_image(made).convert("RGB").getpixel((300, 300)) == BADGE_BLUE
    event = AuditEvent.objects.get(action="microcredential.badge_image_set")
    assert (event.target_id, event.actor) == (made.pk, district_admin)


def _storage_refuses(monkeypatch) -> None:
    storage = MicroCredential._meta.get_field("badge_image").storage

    def refuse(*args, **kwargs):
        raise OSError("The file store is unreachable.")

    monkeypatch.setattr(storage, "save", refuse)


def test_an_entry_and_its_badge_image_are_created_together_or_not_at_all(admin_client, monkeypatch):
    _storage_refuses(monkeypatch)
    with pytest.raises(OSError):
        admin_client.post(
            reverse("credentials:create"), {**entry_post(), "badge_image": image_upload()}
        )
    assert not MicroCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="microcredential.created").exists()


def test_a_new_version_and_its_badge_image_are_saved_together_or_not_at_all(
    admin_client, entry, monkeypatch
):
    _storage_refuses(monkeypatch)
    with pytest.raises(OSError):
        admin_client.post(
            reverse("credentials:edit", args=[entry.pk]),
            {**entry_post(title="Engaged Classroom v2"), "badge_image": image_upload()},
        )
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert MicroCredential.objects.filter(lineage=entry.lineage).count() == 1


def test_a_jpeg_badge_image_is_stored_as_png(admin_client, draft):
    upload = image_upload("badge.jpg", size=(300, 300), kind="JPEG", quality=95)
    response = admin_client.post(
        reverse("credentials:edit", args=[draft.pk]),
        {**unchanged_post(draft), "badge_image": upload},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert stored_image(draft).format == "PNG"
    assert draft.badge_image.name.endswith(".png")


def test_an_image_alone_changes_a_published_entry_in_place(admin_client, entry):
    response = admin_client.post(
        reverse("credentials:edit", args=[entry.pk]),
        {**unchanged_post(entry), "badge_image": image_upload()},
    )
    assert response.url == reverse("credentials:preview", args=[entry.pk])
    assert MicroCredential.objects.filter(lineage=entry.lineage).count() == 1
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert entry.badge_image.name.startswith("badges/images/")


def test_an_image_with_other_changes_goes_on_the_new_version(admin_client, entry):
    admin_client.post(
        reverse("credentials:edit", args=[entry.pk]),
        {**entry_post(title="Engaged Classroom v2"), "badge_image": image_upload()},
    )
    new = MicroCredential.objects.get(lineage=entry.lineage, version=2)
    entry.refresh_from_db()
    assert new.badge_image and not entry.badge_image
    assert stored_image(new).size == (400, 400)


def _bytes_of(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "badge.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"/>',
            "not a PNG or JPEG image",
        ),
        ("badge.png", b"%PDF-1.7 not an image at all", "not a PNG or JPEG image"),
        ("badge.gif", _bytes_of(Image.new("RGB", (400, 400)), "GIF"), "not a PNG or JPEG image"),
        (
            "cut.png",
            _bytes_of(Image.effect_noise((400, 400), 60), "PNG")[:5000],
            "not a PNG or JPEG image",
        ),
        ("small.png", _bytes_of(Image.new("RGB", (120, 120)), "PNG"), "at least 200 px"),
        ("banner.png", _bytes_of(Image.new("RGB", (800, 300)), "PNG"), "square"),
        ("huge.png", _bytes_of(Image.new("1", (5000, 5000)), "PNG"), "at most 4000 px"),
        ("heavy.png", b"\x89PNG" + b"\0" * (2 * 1024 * 1024), "2 MB at most"),
    ],
)
def test_a_refused_badge_image_keeps_everything_typed(admin_client, name, content, message):
    typed = entry_post(title="Routines That Stick", tags="routines, behavior")
    response = admin_client.post(
        reverse("credentials:create"),
        {**typed, "badge_image": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please correct the following" in body
    assert 'href="#id_badge_image"' in body
    assert message in body
    assert 'value="Routines That Stick"' in body
    assert 'value="routines, behavior"' in body
    assert not MicroCredential.objects.exists()


def test_a_good_image_with_other_errors_asks_for_the_image_again(admin_client):
    response = admin_client.post(
        reverse("credentials:create"), {**entry_post(title=""), "badge_image": image_upload()}
    )
    body = response.content.decode()
    assert 'href="#id_title"' in body
    assert "choose it again once the rest is corrected" in body
    assert not MicroCredential.objects.exists()


def test_a_refused_image_on_edit_changes_nothing(admin_client, draft):
    response = admin_client.post(
        reverse("credentials:edit", args=[draft.pk]),
        {**entry_post(title="Renamed draft"), "badge_image": SimpleUploadedFile("x.png", b"x")},
    )
    assert response.status_code == 200
    assert 'value="Renamed draft"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "A draft entry"
    assert not draft.badge_image


# --- publish, retire, new draft -------------------------------------------------------------


def test_publish_a_complete_draft(admin_client, draft):
    response = admin_client.post(reverse("credentials:publish", args=[draft.pk]))
    assert response.url == reverse("credentials:preview", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_publish_of_an_incomplete_draft_says_what_is_missing(admin_client, district):
    bare = MicroCredentialFactory(district=district, status=Status.DRAFT, criteria=0)
    preview = admin_client.get(reverse("credentials:preview", args=[bare.pk]))
    assert "Before it can be published" in preview.content.decode()
    response = admin_client.post(reverse("credentials:publish", args=[bare.pk]), follow=True)
    assert "cannot be published yet" in response.content.decode()
    bare.refresh_from_db()
    assert bare.status == Status.DRAFT


@pytest.mark.parametrize("status", list(Status))
def test_the_preview_offers_publish_exactly_where_the_service_allows_it(
    admin_client, district, status
):
    shown = MicroCredentialFactory(district=district, status=status)
    page = admin_client.get(reverse("credentials:preview", args=[shown.pk])).content.decode()
    publish_form = f'action="{reverse("credentials:publish", args=[shown.pk])}"'
    assert (publish_form in page) == MicroCredential(status=status).is_publishable


@pytest.mark.parametrize("status", list(Status))
def test_editing_is_offered_and_allowed_exactly_where_the_entry_is_editable(
    admin_client, district, status
):
    shown = MicroCredentialFactory(district=district, status=status)
    editable = status in (Status.DRAFT, Status.PROPOSED, Status.PUBLISHED)
    assert shown.is_editable == editable
    edit_link = f'href="{reverse("credentials:edit", args=[shown.pk])}"'
    preview = admin_client.get(reverse("credentials:preview", args=[shown.pk])).content.decode()
    listing = admin_client.get(reverse("credentials:manage")).content.decode()
    assert (edit_link in preview) == editable
    assert (edit_link in listing) == editable
    edit_page = admin_client.get(reverse("credentials:edit", args=[shown.pk]))
    assert (edit_page.status_code == 200) == editable
    rubric = admin_client.get(reverse("credentials:rubric", args=[shown.pk])).content.decode()
    in_place = status in (Status.DRAFT, Status.PROPOSED)
    assert ("Add a criterion" in rubric) == in_place
    assert ("Edit rubric" in preview) == in_place


def test_an_admin_publishes_an_approved_educator_proposal_from_its_preview(
    admin_client, district_admin, educator, reviewer
):
    proposal = services.microcredential_propose(
        actor=educator,
        title="Number talks",
        competency="Uses number talks to build fluency.",
        criteria=["Plan of three talks", "Video of a talk"],
    )
    approved = services.microcredential_proposal_decide(
        microcredential=proposal, to_status=Status.APPROVED, actor=reviewer, detail={}
    )
    preview_url = reverse("credentials:preview", args=[approved.pk])
    publish_url = reverse("credentials:publish", args=[approved.pk])
    page = admin_client.get(preview_url).content.decode()
    assert f'<form method="post" action="{publish_url}">' in page
    assert "Before it can be published" not in page

    response = admin_client.post(publish_url, follow=True)
    assert response.redirect_chain == [(preview_url, 302)]
    assert "“Number talks” (version 1) is published" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.PUBLISHED
    assert AuditEvent.objects.filter(
        action="microcredential.published",
        target_id=approved.pk,
        from_status=Status.APPROVED,
        actor=district_admin,
    ).exists()
    educator_client = Client()
    educator_client.force_login(educator)
    catalog = educator_client.get(reverse("credentials:catalog"))
    assert [entry.pk for entry in catalog.context["entries"]] == [approved.pk]


def test_retire_and_then_it_leaves_the_catalog(admin_client, entry, educator, client):
    admin_client.post(reverse("credentials:retire", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == Status.RETIRED
    response = admin_client.get(reverse("credentials:catalog"))
    assert list(response.context["entries"]) == []


def test_new_draft_version(admin_client, entry):
    response = admin_client.post(reverse("credentials:new_draft", args=[entry.pk]))
    draft = MicroCredential.objects.get(lineage=entry.lineage, version=2)
    assert response.url == reverse("credentials:preview", args=[draft.pk])
    assert draft.status == Status.DRAFT
    again = admin_client.post(reverse("credentials:new_draft", args=[entry.pk]), follow=True)
    assert "already a draft" in again.content.decode()


# --- rubric editor --------------------------------------------------------------------------


def test_rubric_add_a_criterion_with_a_four_level_scale(admin_client, draft):
    data = {
        "form": "criterion",
        "criterion-title": "Lesson plan",
        "criterion-description": "A lesson plan teaching one routine.",
        "criterion-component": "implementation",
        "criterion-evidence_type": "",
        "criterion-passing_score": "3",
        **level_post(
            [("1", "Beginning"), ("2", "Developing"), ("3", "Proficient"), ("4", "Exemplary")]
        ),
    }
    response = admin_client.post(reverse("credentials:rubric", args=[draft.pk]), data)
    assert response.status_code == 302
    criterion = RubricCriterion.objects.get(title="Lesson plan")
    assert [lv.label for lv in criterion.levels.all()] == [
        "Beginning",
        "Developing",
        "Proficient",
        "Exemplary",
    ]
    assert criterion.passing_score == 3
    assert AuditEvent.objects.filter(action="rubric_criterion.created").count() == 1


def test_rubric_add_criterion_errors(admin_client, draft):
    data = {
        "form": "criterion",
        "criterion-title": "",
        "criterion-passing_score": "2",
        **level_post([("1", ""), ("1", "Twice")]),
    }
    response = admin_client.post(reverse("credentials:rubric", args=[draft.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the following" in body
    assert "A level needs both a score and a label." in body
    assert draft.rubric.criteria.count() == 2

    data = {
        "form": "criterion",
        "criterion-title": "Too high",
        "criterion-passing_score": "5",
        **level_post([("1", "Not yet"), ("2", "Demonstrated")]),
    }
    response = admin_client.post(reverse("credentials:rubric", args=[draft.pk]), data)
    assert response.status_code == 400
    assert (
        "Criterion “Too high” needs a level scoring at least its passing score (5)"
        in response.content.decode()
    )


def test_rubric_passing_rule(admin_client, draft):
    url = reverse("credentials:rubric", args=[draft.pk])
    response = admin_client.post(url, {"form": "rule", "rule-passing_rule": "minimum"})
    assert response.status_code == 400
    assert "Say how many criteria" in response.content.decode()
    admin_client.post(
        url,
        {"form": "rule", "rule-passing_rule": "minimum", "rule-minimum_passing_criteria": "1"},
    )
    draft.rubric.refresh_from_db()
    assert (draft.rubric.passing_rule, draft.rubric.minimum_passing_criteria) == ("minimum", 1)


def test_a_passing_rule_asking_for_more_criteria_than_exist_is_saved_with_a_warning(
    admin_client, draft
):
    # The rule may come before its criteria; the admin is told at once what it still needs.
    url = reverse("credentials:rubric", args=[draft.pk])
    response = admin_client.post(
        url,
        {"form": "rule", "rule-passing_rule": "minimum", "rule-minimum_passing_criteria": "7"},
        follow=True,
    )
    page = response.content.decode()
    assert "The passing rule is saved." in page
    assert "asks for 7 criteria at their passing level, but the rubric has 2" in page
    assert "Until then it cannot be published." in page
    draft.rubric.refresh_from_db()
    assert draft.rubric.minimum_passing_criteria == 7
    assert (
        "asks for 7 criteria"
        in admin_client.get(reverse("credentials:preview", args=[draft.pk])).content.decode()
    )
    # A rule the rubric can meet says nothing more.
    response = admin_client.post(
        url,
        {"form": "rule", "rule-passing_rule": "minimum", "rule-minimum_passing_criteria": "2"},
        follow=True,
    )
    assert "cannot be published" not in response.content.decode()


def test_rubric_of_a_published_entry_is_read_only(admin_client, entry):
    url = reverse("credentials:rubric", args=[entry.pk])
    body = admin_client.get(url).content.decode()
    assert "rubric is fixed" in body
    assert "Add a criterion" not in body
    data = {
        "form": "criterion",
        "criterion-title": "Sneaky",
        "criterion-passing_score": "2",
        **level_post([("1", "Not yet"), ("2", "Demonstrated")]),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert not RubricCriterion.objects.filter(title="Sneaky").exists()


def test_criterion_edit_and_delete(admin_client, draft, client, outsider_admin, educator):
    criterion = draft.rubric.criteria.first()
    url = reverse("credentials:criterion_edit", args=[criterion.pk])
    assert admin_client.get(url).status_code == 200
    data = {
        "criterion-title": "Video of the routine",
        "criterion-description": "",
        "criterion-component": "impact",
        "criterion-evidence_type": "",
        "criterion-passing_score": "2",
        "criterion-position": "3",
        **level_post([("1", "Not yet"), ("2", "Demonstrated")]),
    }
    assert admin_client.post(url, data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.title, criterion.position) == ("Video of the routine", 3)
    delete_url = reverse("credentials:criterion_delete", args=[criterion.pk])
    assert admin_client.get(delete_url).status_code == 405

    other = draft.rubric.criteria.exclude(pk=criterion.pk).get()
    for person, status in [(outsider_admin, 404), (educator, 403)]:
        client.force_login(person)
        assert (
            client.post(reverse("credentials:criterion_delete", args=[other.pk])).status_code
            == status
        )
        assert (
            client.get(reverse("credentials:criterion_edit", args=[other.pk])).status_code == status
        )

    client.force_login(draft.district.people.filter(is_district_admin=True).first())
    assert client.post(delete_url).status_code == 302
    assert not RubricCriterion.objects.filter(pk=criterion.pk).exists()
    assert RubricCriterion.objects.filter(pk=other.pk).exists()


# --- stacks and evidence types --------------------------------------------------------------


def test_stacks_page_create_and_edit(admin_client, district, client, outsider_admin):
    url = reverse("credentials:stacks")
    response = admin_client.post(
        url, {"name": "Classroom Management", "description": "Five", "color": "#1f4e79"}
    )
    assert response.status_code == 302
    stack = Stack.objects.get(district=district)
    duplicate = admin_client.post(url, {"name": "classroom management", "color": "#1f4e79"})
    assert "already exists" in duplicate.content.decode()
    edit_url = reverse("credentials:stack_edit", args=[stack.pk])
    admin_client.post(edit_url, {"name": "Classroom management", "color": "#000000"})
    stack.refresh_from_db()
    assert stack.name == "Classroom management"
    client.force_login(outsider_admin)
    assert client.get(edit_url).status_code == 404


def test_evidence_types_page_create_and_edit(admin_client, district, client, outsider_admin):
    url = reverse("credentials:evidence_types")
    admin_client.post(url, {"name": "Video", "description": "3–5 minutes", "accepts": "video"})
    evidence = EvidenceType.objects.get(district=district)
    assert evidence.accepts == "video"
    edit_url = reverse("credentials:evidence_type_edit", args=[evidence.pk])
    response = admin_client.post(edit_url, {"name": "", "accepts": "video"})
    assert "Please correct the following" in response.content.decode()
    client.force_login(outsider_admin)
    assert client.get(edit_url).status_code == 404
    assert client.post(url, {"name": "Theirs", "accepts": "any"}).status_code == 302
    assert EvidenceType.objects.filter(district=outsider_admin.district, name="Theirs").exists()
    assert list(EvidenceType.objects.filter(district=district)) == [evidence]
