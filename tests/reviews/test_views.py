from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from artifacts.models import Artifact
from reviews.models import Panel, ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import (
    DistrictAdminFactory,
    EducatorFactory,
    ReviewerFactory,
)

from .factories import PanelFactory, submission_in

SubmissionStatus = Submission.Status
pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script>"


def login_redirect(response):
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.fixture
def plan_review(panel, teacher):
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    [pk] = assign_reviewers(submission.pk, "plan")
    return ReviewAssignment.objects.select_related("submission").get(pk=pk)


@pytest.fixture
def final_reviews(panel, teacher):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    assign_reviewers(submission.pk, "final")
    return list(ReviewAssignment.objects.filter(submission=submission))


@pytest.fixture
def outsider_reviewer(other_district):
    return ReviewerFactory(district=other_district, email="reviewer@lakeside.example.org")


# --- queue ------------------------------------------------------------------------------------


def test_queue_lists_my_reviews_per_stage(client, plan_review, final_reviews, teacher):
    reviewer = plan_review.reviewer
    client.force_login(reviewer)
    response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    content = response.content.decode()
    assert str(plan_review.submission.plan) in content
    assert response.context["counts"]["plan"] == 1
    mine = [a for a in final_reviews if a.reviewer_id == reviewer.pk]
    assert response.context["counts"]["final"] == len(mine)
    assert reverse("reviews:review", args=[plan_review.pk]) in content


def test_queue_is_oldest_first_and_marks_overdue(client, district, panel, teacher, reviewers):
    district.plan_reviewers_required = 3
    district.save()
    titles = []
    for days in (3, 10, 1):
        submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
        assign_reviewers(submission.pk, "plan")
        # Rounds opened days apart: the round and the copy its assignments keep of it.
        opened = timezone.now() - timedelta(days=days)
        StageReview.objects.filter(submission=submission).update(opened_at=opened)
        ReviewAssignment.objects.filter(submission=submission).update(opened_at=opened)
        titles.append((days, str(submission.plan)))
    oldest = ReviewAssignment.objects.filter(reviewer=reviewers[0]).order_by("id").first()
    ReviewAssignment.objects.filter(pk=oldest.pk).update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(reviewers[0])
    response = client.get(reverse("reviews:queue"))
    shown = [item.plan for item in response.context["items"]]
    assert shown == [t for _, t in sorted(titles, reverse=True)]
    assert response.context["counts"]["overdue"] == 1
    assert "Overdue" in response.content.decode()


def test_queue_filters_and_search(client, plan_review, final_reviews, teacher):
    client.force_login(plan_review.reviewer)
    response = client.get(reverse("reviews:queue"), {"stage": "plan"})
    assert {i.stage for i in response.context["items"]} == {"plan"}
    response = client.get(reverse("reviews:queue"), {"q": teacher.last_name})
    assert plan_review.pk in {item.pk for item in response.context["items"]}
    response = client.get(reverse("reviews:queue"), {"q": "nobody-like-this"})
    assert response.context["items"] == []
    response = client.get(reverse("reviews:queue"), {"state": "overdue"})
    assert response.context["items"] == []


def test_queue_leaves_out_withdrawn_and_other_districts(
    client, plan_review, teacher, other_district
):
    Submission.objects.filter(pk=plan_review.submission_id).update(
        status=SubmissionStatus.WITHDRAWN
    )
    foreign_teacher = EducatorFactory(district=other_district)
    foreign_reviewer = ReviewerFactory(district=other_district)
    PanelFactory(district=other_district, members=[foreign_reviewer])
    foreign = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=foreign_teacher)
    assign_reviewers(foreign.pk, "plan")
    client.force_login(plan_review.reviewer)
    response = client.get(reverse("reviews:queue"))
    assert response.context["items"] == []
    assert str(foreign.plan) not in response.content.decode()


def test_queue_access(client, teacher, district_admin):
    url = reverse("reviews:queue")
    assert login_redirect(client.get(url))
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    client.force_login(district_admin)
    assert client.get(url).status_code == 403


def test_queue_wrong_method(client, reviewers):
    client.force_login(reviewers[0])
    assert client.post(reverse("reviews:queue")).status_code == 405


def test_queue_query_count_does_not_grow(
    client, district, panel, reviewers, django_assert_max_num_queries
):
    district.plan_reviewers_required = 3
    district.final_reviewers_required = 3
    district.save()

    def add(n):
        for _ in range(n):
            educator = EducatorFactory(district=district)
            assign_reviewers(
                submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator).pk, "plan"
            )
            assign_reviewers(
                submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=educator).pk, "final"
            )

    client.force_login(reviewers[0])
    add(1)
    with django_assert_max_num_queries(8):
        small = client.get(reverse("reviews:queue"))
    add(15)
    with django_assert_max_num_queries(8):
        large = client.get(reverse("reviews:queue"))
    assert len(small.context["items"]) == 2 and len(large.context["items"]) == 32


def test_queue_pages_fifty_per_stage(client, district, reviewers):
    PanelFactory(district=district, members=[reviewers[0]])
    for _ in range(53):
        educator = EducatorFactory(district=district)
        assign_reviewers(
            submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=educator).pk, "plan"
        )
    client.force_login(reviewers[0])
    first = client.get(reverse("reviews:queue"), {"stage": "plan"})
    assert len(first.context["items"]) == 50 and first.context["next_page"] == 2
    assert "stage=plan&amp;page=2" in first.content.decode()
    second = client.get(reverse("reviews:queue"), {"stage": "plan", "page": "2"})
    assert len(second.context["items"]) == 3 and second.context["next_page"] is None
    assert not {i.pk for i in first.context["items"]} & {i.pk for i in second.context["items"]}
    assert client.get(reverse("reviews:queue"), {"page": "x"}).status_code == 200


# --- pre-approval page ------------------------------------------------------------------------


def test_plan_review_page_shows_components_escaped(client, plan_review):
    plan = plan_review.submission.plan
    plan.rationale = XSS
    plan.save()
    client.force_login(plan_review.reviewer)
    response = client.get(reverse("reviews:review", args=[plan_review.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    for heading in ("Overview", "Basis of Knowledge", "Implementation", "Impact measures"):
        assert heading in content
    assert XSS not in content and "&lt;script&gt;" in content
    assert 'name="comment_overview"' in content


def test_plan_review_post_decides_and_escapes_comments(client, plan_review, teacher):
    client.force_login(plan_review.reviewer)
    url = reverse("reviews:review", args=[plan_review.pk])
    response = client.post(
        url,
        {
            "decision": "request_changes",
            "reason": f"Please add sources {XSS}",
            "comment_knowledge": f"Only one source {XSS}",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get(pk=plan_review.submission_id)
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED
    # The educator reads it, escaped.
    client.force_login(teacher)
    page = client.get(reverse("reviews:feedback", args=[submission.pk])).content.decode()
    assert "Only one source &lt;script&gt;" in page and XSS not in page
    assert "Please add sources &lt;script&gt;" in page


def test_plan_review_form_errors_are_summarised(client, plan_review):
    client.force_login(plan_review.reviewer)
    response = client.post(
        reverse("reviews:review", args=[plan_review.pk]), {"decision": "decline"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please correct the following" in content and "Give the educator a reason" in content
    assert (
        Submission.objects.get(pk=plan_review.submission_id).status
        == SubmissionStatus.PLAN_SUBMITTED
    )


def test_plan_review_on_withdrawn_plan_says_why(client, plan_review):
    client.force_login(plan_review.reviewer)
    Submission.objects.filter(pk=plan_review.submission_id).update(
        status=SubmissionStatus.WITHDRAWN
    )
    url = reverse("reviews:review", args=[plan_review.pk])
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "withdrew this plan" in response.content.decode()


def test_plan_review_access(client, plan_review, reviewers, teacher, outsider_reviewer, chair):
    url = reverse("reviews:review", args=[plan_review.pk])
    assert login_redirect(client.get(url))
    other = next(r for r in reviewers if r != plan_review.reviewer)
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(chair)
    assert client.get(url).status_code == 403
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    client.force_login(outsider_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(plan_review.reviewer)
    assert client.put(url).status_code == 405
    assert (
        Submission.objects.get(pk=plan_review.submission_id).status
        == SubmissionStatus.PLAN_SUBMITTED
    )


# --- scoring page -----------------------------------------------------------------------------


def post_scores(client, assignment, passed=True, feedback="Good"):
    criteria = list(assignment.submission.plan.microcredential.rubric.criteria.all())
    data = {"overall_comment": "Overall fine."}
    for criterion in criteria:
        data[f"level_{criterion.pk}"] = criterion.levels.get(score=2 if passed else 1).pk
        data[f"feedback_{criterion.pk}"] = f"{feedback} {criterion.title}"
    return client.post(reverse("reviews:review", args=[assignment.pk]), data)


def test_scoring_page_puts_evidence_beside_its_criterion(client, final_reviews):
    first = final_reviews[0]
    submission = first.submission
    criterion = submission.plan.microcredential.rubric.criteria.first()
    Artifact.objects.create(
        district=submission.district,
        submission=submission,
        criterion=criterion,
        kind=Artifact.Kind.LINK,
        url="https://video.example.org/lesson",
        title="Morning routine video",
        status=Artifact.Status.ACCEPTED,
    )
    Artifact.objects.create(
        district=submission.district,
        submission=submission,
        title="Unchecked upload",
        status=Artifact.Status.CHECKING,
    )
    client.force_login(first.reviewer)
    response = client.get(reverse("reviews:review", args=[first.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["criterion"] == criterion)
    assert [a.title for a in row["evidence"]] == ["Morning routine video"]
    assert "Unchecked upload" not in content
    assert "/evidence/" in content and "/open/" in content


def test_other_scores_hidden_until_my_own_are_in(client, final_reviews):
    first, second = final_reviews
    client.force_login(second.reviewer)
    post_scores(client, second, feedback="SecondReviewerSays")
    client.force_login(first.reviewer)
    before = client.get(reverse("reviews:review", args=[first.pk])).content.decode()
    assert "SecondReviewerSays" not in before
    response = post_scores(client, first, feedback="FirstSays")
    assert response.status_code == 302
    after = client.get(reverse("reviews:review", args=[first.pk])).content.decode()
    assert "SecondReviewerSays" in after
    assert Submission.objects.get(pk=first.submission_id).status == SubmissionStatus.EARNED


def test_scoring_without_levels_shows_errors(client, final_reviews):
    first = final_reviews[0]
    client.force_login(first.reviewer)
    response = client.post(reverse("reviews:review", args=[first.pk]), {"overall_comment": ""})
    assert response.status_code == 200
    assert "Choose a level for" in response.content.decode()


def test_scoring_page_shows_a_renamed_criterion_and_level_at_once(client, final_reviews):
    """The scoring fields' rendering is kept between views: a criterion or level renamed since
    shows under its new name on the next view."""
    first = final_reviews[0]
    criterion = first.submission.plan.microcredential.rubric.criteria.first()
    level = criterion.levels.first()
    client.force_login(first.reviewer)
    url = reverse("reviews:review", args=[first.pk])
    assert f"Level for “{criterion.title}”" in client.get(url).content.decode()

    criterion.title = "Routines that hold all year"
    criterion.save()
    level.label = "Beginning to show it"
    level.save()
    content = client.get(url).content.decode()

    assert "Level for “Routines that hold all year”" in content
    assert "Feedback on “Routines that hold all year”" in content
    assert f"Beginning to show it ({level.score})" in content


# --- round, chair, reassign -------------------------------------------------------------------


def test_round_page_for_chair_and_admin_only(
    client, plan_review, chair, district_admin, teacher, outsider_admin
):
    url = reverse("reviews:round", args=[plan_review.stage_review_id])
    assert login_redirect(client.get(url))
    for person, status in [
        (chair, 200),
        (district_admin, 200),
        (plan_review.reviewer, 403),
        (teacher, 403),
        (outsider_admin, 404),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
    client.force_login(chair)
    assert client.post(url).status_code == 405


@pytest.fixture
def chair_reviews(panel, chair, reviewers):
    """The chair also sits on the panel as a reviewer, with one other member."""
    panel.members.set([reviewers[0], chair])
    return chair


def test_a_reviewing_chair_sees_the_others_plan_decisions_only_after_their_own(
    client, district, chair_reviews, teacher, reviewers, district_admin
):
    district.plan_reviewers_required = 2
    district.save()
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    other = ReviewAssignment.objects.get(submission=submission, reviewer=reviewers[0])
    own = ReviewAssignment.objects.get(submission=submission, reviewer=chair_reviews)
    client.force_login(other.reviewer)
    client.post(
        reverse("reviews:review", args=[other.pk]),
        {
            "decision": "request_changes",
            "reason": "OtherReviewerReason",
            "comment_overview": "OtherReviewerComment",
        },
    )
    url = reverse("reviews:round", args=[other.stage_review_id])
    client.force_login(chair_reviews)
    page = client.get(url).content.decode()
    assert "OtherReviewerReason" not in page and "OtherReviewerComment" not in page
    assert "Request changes" not in page
    assert "Hidden until you submit your own review" in page
    assert reverse("reviews:review", args=[own.pk]) in page
    client.force_login(district_admin)
    page = client.get(url).content.decode()
    assert "OtherReviewerReason" in page and "OtherReviewerComment" in page
    assert "Hidden until" not in page
    client.force_login(chair_reviews)
    client.post(
        reverse("reviews:review", args=[own.pk]), {"decision": "approve", "reason": "Fine."}
    )
    page = client.get(url).content.decode()
    assert "OtherReviewerReason" in page and "OtherReviewerComment" in page
    assert "Hidden until" not in page


def test_a_reviewing_chair_sees_the_others_scores_only_after_their_own(
    client, chair_reviews, teacher, reviewers
):
    submission = submission_in(SubmissionStatus.SUBMITTED_FOR_REVIEW, educator=teacher)
    assign_reviewers(submission.pk, "final")
    other = ReviewAssignment.objects.get(submission=submission, reviewer=reviewers[0])
    own = ReviewAssignment.objects.get(submission=submission, reviewer=chair_reviews)
    client.force_login(other.reviewer)
    post_scores(client, other, passed=False, feedback="OtherReviewerSays")
    url = reverse("reviews:round", args=[other.stage_review_id])
    client.force_login(chair_reviews)
    response = client.get(url)
    page = response.content.decode()
    # The rubric's levels are there to read; the other reviewer's verdicts are not.
    assert "OtherReviewerSays" not in page and "not passed" not in page
    assert "Scores per criterion" not in page
    assert response.context["own_review"] == own
    post_scores(client, own, passed=True, feedback="ChairSays")
    response = client.get(url)
    page = response.content.decode()
    assert "OtherReviewerSays" in page and "ChairSays" in page and "Disagreement" in page
    assert response.context["own_review"] is None


def test_chair_decides_a_split_from_the_page(client, district, panel, teacher, chair):
    district.plan_reviewers_required = 2
    district.save()
    submission = submission_in(SubmissionStatus.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    first, second = ReviewAssignment.objects.filter(submission=submission)
    for assignment, decision in ((first, "approve"), (second, "decline")):
        client.force_login(assignment.reviewer)
        client.post(
            reverse("reviews:review", args=[assignment.pk]),
            {"decision": decision, "reason": "Because."},
        )
    round_ = StageReview.objects.get(submission=submission)
    assert round_.status == "chair"
    url = reverse("reviews:chair_decide", args=[round_.pk])
    client.force_login(first.reviewer)
    assert client.post(url, {"decision": "approve", "reason": "x"}).status_code == 403
    client.force_login(chair)
    assert client.get(url).status_code == 405
    response = client.post(url, {"decision": "approve", "reason": "Fits the program."})
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.PLAN_APPROVED


def test_reassign_from_the_round_page(client, plan_review, chair, reviewers, outsider_admin):
    url = reverse("reviews:reassign", args=[plan_review.pk])
    spare = next(r for r in reviewers if r != plan_review.reviewer)
    data = {f"a{plan_review.pk}-to_reviewer": spare.pk}
    client.force_login(plan_review.reviewer)
    assert client.post(url, data).status_code == 403
    client.force_login(outsider_admin)
    assert client.post(url, data).status_code == 404
    client.force_login(chair)
    assert client.get(url).status_code == 405
    assert client.post(url, data).status_code == 302
    assert ReviewAssignment.objects.filter(
        stage_review=plan_review.stage_review, reviewer=spare, status="pending"
    ).exists()
    assert spare.notifications.filter(kind="plan_submitted").exists()


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_access(
    client, plan_review, teacher, other_educator, reviewers, district_admin, outsider_admin
):
    url = reverse("reviews:feedback", args=[plan_review.submission_id])
    assert login_redirect(client.get(url))
    unassigned = next(r for r in reviewers if r != plan_review.reviewer)
    for person, status in [
        (teacher, 200),
        (plan_review.reviewer, 200),
        (district_admin, 200),
        (other_educator, 404),
        (unassigned, 403),
        (outsider_admin, 404),
    ]:
        client.force_login(person)
        assert client.get(url).status_code == status, person
    client.force_login(teacher)
    assert client.post(url).status_code == 405


# --- panels and report ------------------------------------------------------------------------


def test_admin_creates_and_edits_a_panel(client, district, district_admin, reviewers, north):
    client.force_login(district_admin)
    assert client.get(reverse("reviews:panels")).status_code == 200
    response = client.post(
        reverse("reviews:panel_create"),
        {
            "name": "North panel",
            "chair": reviewers[0].pk,
            "members": [reviewers[1].pk, reviewers[2].pk],
            "buildings": [north.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    panel = Panel.objects.get(name="North panel")
    assert panel.district == district and set(panel.members.all()) == set(reviewers[1:])
    response = client.post(
        reverse("reviews:panel_edit", args=[panel.pk]),
        {"name": "North panel", "chair": reviewers[1].pk, "members": [reviewers[2].pk]},
    )
    panel.refresh_from_db()
    assert panel.chair == reviewers[1] and not panel.active and not panel.buildings.exists()


def test_an_active_panel_without_members_is_refused(client, district_admin, north):
    client.force_login(district_admin)
    response = client.post(
        reverse("reviews:panel_create"),
        {"name": "Empty panel", "buildings": [north.pk], "active": "on"},
    )
    assert response.status_code == 200
    assert "An active panel needs at least one member" in response.content.decode()
    assert not Panel.objects.filter(name="Empty panel").exists()
    # Inactive, it may wait for its members.
    response = client.post(
        reverse("reviews:panel_create"), {"name": "Empty panel", "buildings": [north.pk]}
    )
    assert response.status_code == 302
    assert not Panel.objects.get(name="Empty panel").active


def test_panel_pages_access(client, panel, reviewers, outsider_admin, other_district):
    assert login_redirect(client.get(reverse("reviews:panels")))
    client.force_login(reviewers[0])
    assert client.get(reverse("reviews:panels")).status_code == 403
    assert client.get(reverse("reviews:panel_edit", args=[panel.pk])).status_code == 403
    client.force_login(outsider_admin)
    assert client.get(reverse("reviews:panel_edit", args=[panel.pk])).status_code == 404
    foreign_reviewer = ReviewerFactory(district=other_district)
    response = client.post(
        reverse("reviews:panel_create"), {"name": "Sneaky", "members": [reviewers[0].pk]}
    )
    assert response.status_code == 200 and not Panel.objects.filter(name="Sneaky").exists()
    client.post(reverse("reviews:panel_create"), {"name": "Own", "members": [foreign_reviewer.pk]})
    assert Panel.objects.get(name="Own").district == other_district
    assert client.delete(reverse("reviews:panels")).status_code == 405


def test_report_shows_workload_and_agreement(client, final_reviews, chair, district_admin):
    first, second = final_reviews
    client.force_login(first.reviewer)
    post_scores(client, first, passed=True)
    client.force_login(second.reviewer)
    post_scores(client, second, passed=True)
    client.force_login(chair)
    response = client.get(reverse("reports:panel"))
    assert response.status_code == 200
    [row] = response.context["agreement"]
    assert row["criteria"] == 2 and row["agreement"] == 1.0
    done = {p.pk: p.done for p in response.context["workload"]}
    assert done[first.reviewer_id] == 1 and done[second.reviewer_id] == 1
    # A chair goes on to the open reviews and the queue; the admin also to every report.
    page = response.content.decode()
    assert f'href="{reverse("reviews:rounds")}"' in page
    assert f'href="{reverse("reports:index")}"' not in page
    client.force_login(district_admin)
    response = client.get(reverse("reports:panel"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("reports:index")}"' in page
    assert f'href="{reverse("reviews:panels")}"' in page


def test_report_access(client, reviewers, teacher, panel):
    assert login_redirect(client.get(reverse("reports:panel")))
    client.force_login(reviewers[0])  # a member, not the chair
    assert client.get(reverse("reports:panel")).status_code == 403
    client.force_login(teacher)
    assert client.get(reverse("reports:panel")).status_code == 403
    admin = DistrictAdminFactory(district=teacher.district)
    client.force_login(admin)
    assert client.post(reverse("reports:panel")).status_code == 405


def test_round_page_of_a_final_review_shows_scores_and_evidence(client, final_reviews, chair):
    first, second = final_reviews
    submission = first.submission
    criterion = submission.plan.microcredential.rubric.criteria.first()
    Artifact.objects.create(
        district=submission.district,
        submission=submission,
        criterion=criterion,
        kind=Artifact.Kind.LINK,
        url="https://video.example.org/lesson",
        title="Lesson video",
        status=Artifact.Status.ACCEPTED,
    )
    client.force_login(first.reviewer)
    post_scores(client, first, passed=True)
    client.force_login(second.reviewer)
    post_scores(client, second, passed=False)
    client.force_login(chair)
    response = client.get(reverse("reviews:round", args=[first.stage_review_id]))
    content = response.content.decode()
    assert "Lesson video" in content and "Disagreement" in content
    assert "Chair&#x27;s decision" in content or "Chair's decision" in content
    assert response.context["chair_form"] is not None


def test_the_chair_settling_a_disagreement_reads_the_results_and_the_rubric(
    client, final_reviews, chair
):
    """The chair decides "earned" or "not yet" with what the reviewers read: the educator's
    results and reflection, the competency and the rubric's levels."""
    first, second = final_reviews
    submission = first.submission
    Submission.objects.filter(pk=submission.pk).update(
        impact_results="Transitions fell from nine minutes to four.",
        reflection_changes="Start the routines in week one.",
    )
    client.force_login(first.reviewer)
    post_scores(client, first, passed=True)
    client.force_login(second.reviewer)
    post_scores(client, second, passed=False)
    client.force_login(chair)
    content = client.get(reverse("reviews:round", args=[first.stage_review_id])).content.decode()
    assert "Impact results and reflection" in content
    assert "Transitions fell from nine minutes to four." in content
    assert "Start the routines in week one." in content
    microcredential = submission.plan.microcredential
    assert "The micro-credential: competency and rubric" in content
    assert microcredential.competency in content
    assert "Demonstrated" in content and "Not yet" in content


def test_a_reassigned_reviewer_no_longer_reads_the_plan(client, plan_review, chair, reviewers):
    from reviews import services

    plan = plan_review.submission.plan
    plan.rationale = "Private rationale of the plan"
    plan.save()
    spare = next(r for r in reviewers if r != plan_review.reviewer)
    services.assignment_reassign(assignment=plan_review, to_reviewer=spare, actor=chair)
    client.force_login(plan_review.reviewer)
    response = client.get(reverse("reviews:review", args=[plan_review.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "no longer yours" in content and "Private rationale" not in content
    response = client.post(
        reverse("reviews:review", args=[plan_review.pk]), {"decision": "approve"}
    )
    assert (
        Submission.objects.get(pk=plan_review.submission_id).status
        == SubmissionStatus.PLAN_SUBMITTED
    )
