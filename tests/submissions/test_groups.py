"""Group plans: one shared plan text, a submission of their own for each member."""

import pytest
from django.core import mail
from django.urls import reverse

from submissions import services
from submissions.models import Plan, Submission
from tests.accounts.factories import EducatorFactory, ReviewerFactory
from tests.submissions.factories import SubmissionFactory, complete_plan
from tests.submissions.test_editor import plan_post

Status = Submission.Status


@pytest.fixture
def lead_submission(educator):
    return SubmissionFactory(plan__lead=educator)


def test_the_lead_adds_a_colleague_who_is_notified_and_gets_their_own_submission(
    client, lead_submission, other_educator, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(lead_submission.educator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("submissions:member_add", args=[lead_submission.pk]),
            {"email": other_educator.email.upper()},
            follow=True,
        )
    assert "joined the plan and was notified" in response.content.decode()
    theirs = Submission.objects.get(educator=other_educator)
    assert theirs.plan_id == lead_submission.plan_id
    assert theirs.status == Status.DRAFT
    assert mail.outbox[-1].to == [other_educator.email]
    assert f"/plans/{theirs.pk}/" in mail.outbox[-1].body


def test_members_share_the_text_and_only_members_may_edit_it(
    client, lead_submission, other_educator
):
    colleague = services.plan_member_add(
        submission=lead_submission, colleague=other_educator, actor=lead_submission.educator
    )
    client.force_login(other_educator)
    response = client.post(
        reverse("submissions:plan_save", args=[colleague.pk]),
        plan_post(colleague, rationale="Written by the colleague."),
        HTTP_HX_REQUEST="true",
    )
    assert response["X-Autosave"] == "saved"
    client.force_login(lead_submission.educator)
    page = client.get(reverse("submissions:detail", args=[lead_submission.pk])).content.decode()
    assert "Written by the colleague." in page
    outsider = EducatorFactory(district=lead_submission.district)
    client.force_login(outsider)
    response = client.post(
        reverse("submissions:plan_save", args=[lead_submission.pk]),
        plan_post(lead_submission, rationale="Not a member"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404
    assert Plan.objects.get().rationale == "Written by the colleague."


def test_each_member_has_their_own_status_and_the_text_locks_when_one_submits(
    lead_submission, other_educator
):
    colleague = services.plan_member_add(
        submission=lead_submission, colleague=other_educator, actor=lead_submission.educator
    )
    complete_plan(lead_submission.plan)
    services.submission_submit_plan(submission=lead_submission, actor=lead_submission.educator)
    colleague.refresh_from_db()
    assert colleague.status == Status.DRAFT
    with pytest.raises(services.PlanError, match="can no longer be edited"):
        services.plan_text_save(
            submission=colleague,
            values={"rationale": "Change under review"},
            district_goals=[],
            sources=[],
            version=colleague.plan.version,
            actor=other_educator,
        )
    services.submission_submit_plan(submission=colleague, actor=other_educator)
    colleague.refresh_from_db()
    assert colleague.status == Status.PLAN_SUBMITTED


def test_the_colleague_reflection_stays_out_of_the_other_members_history(
    client, lead_submission, other_educator
):
    colleague = services.plan_member_add(
        submission=lead_submission, colleague=other_educator, actor=lead_submission.educator
    )
    Submission.objects.filter(pk=colleague.pk).update(status=Status.IN_PROGRESS)
    colleague.refresh_from_db()
    services.submission_results_save(
        submission=colleague,
        values={"reflection_practice": "Private thoughts"},
        version=colleague.version,
        actor=other_educator,
    )
    client.force_login(lead_submission.educator)
    page = client.get(reverse("submissions:history", args=[lead_submission.pk])).content.decode()
    assert "Reflection on your practice" not in page
    client.force_login(other_educator)
    page = client.get(reverse("submissions:history", args=[colleague.pk])).content.decode()
    assert "Reflection on your practice" in page


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("other_district", "No educator of your district has this address."),
        ("reviewer", "No educator of your district has this address."),
        ("nobody", "No educator of your district has this address."),
        ("self", "You are already on this plan."),
    ],
)
def test_only_educators_of_the_district_can_be_added(
    client, lead_submission, outsider_educator, who, message
):
    email = {
        "other_district": outsider_educator.email,
        "reviewer": ReviewerFactory(district=lead_submission.district).email,
        "nobody": "nobody@example.org",
        "self": lead_submission.educator.email,
    }[who]
    client.force_login(lead_submission.educator)
    response = client.post(
        reverse("submissions:member_add", args=[lead_submission.pk]), {"email": email}, follow=True
    )
    assert message in response.content.decode()
    assert Submission.objects.count() == 1


def test_a_deactivated_colleague_is_not_added_and_the_lead_is_told_why(
    client, lead_submission, other_educator, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    other_educator.is_active = False
    other_educator.save(update_fields=["is_active"])
    client.force_login(lead_submission.educator)
    response = client.post(
        reverse("submissions:member_add", args=[lead_submission.pk]),
        {"email": other_educator.email},
        follow=True,
    )
    assert "account is deactivated, so they could not sign in" in response.content.decode()
    assert Submission.objects.count() == 1
    assert mail.outbox == []


def test_only_the_lead_adds_and_not_twice(client, lead_submission, other_educator):
    colleague = services.plan_member_add(
        submission=lead_submission, colleague=other_educator, actor=lead_submission.educator
    )
    with pytest.raises(services.PlanError, match="already on this plan"):
        services.plan_member_add(
            submission=lead_submission, colleague=other_educator, actor=lead_submission.educator
        )
    third = EducatorFactory(district=lead_submission.district)
    client.force_login(other_educator)
    response = client.post(
        reverse("submissions:member_add", args=[colleague.pk]), {"email": third.email}, follow=True
    )
    assert "Only the lead" in response.content.decode()
    assert not Submission.objects.filter(educator=third).exists()
