"""The review pages' reads built once per process (microcreds.prepared) give what the ORM's
querysets give: each branch of the reviewer's queue (the first page unfiltered, prepared; a
filtered or later page, built each time), its counts, and the rubric read beside a review."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from credentials.models import Rubric, RubricCriterion
from reviews import selectors
from reviews.models import ReviewAssignment, StageReview
from reviews.tasks import assign_reviewers
from submissions.models import Submission
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import EvidenceTypeFactory, MicroCredentialFactory

from .factories import PanelFactory, submission_in

pytestmark = pytest.mark.django_db


def _orm_queue_page(user, stage, *, page=1, state="", q="", now=None):
    start = (page - 1) * selectors.QUEUE_PAGE_SIZE
    rows = list(
        selectors.queue_for_reviewer(user=user, state=state, q=q, now=now)
        .filter(stage=stage)
        .values_list(*selectors._QUEUE_COLUMNS)[start : start + selectors.QUEUE_PAGE_SIZE + 1]
    )
    return selectors.queue_rows(rows[: selectors.QUEUE_PAGE_SIZE]), len(
        rows
    ) > selectors.QUEUE_PAGE_SIZE


@pytest.fixture
def waiting(district, reviewers):
    """Four plans waiting for reviewers[0], one of them overdue."""
    PanelFactory(district=district, members=[reviewers[0]])
    district.plan_reviewers_required = 1
    district.save()
    for _ in range(4):
        submission = submission_in(
            Submission.Status.PLAN_SUBMITTED, educator=EducatorFactory(district=district)
        )
        assign_reviewers(submission.pk, "plan")
    ReviewAssignment.objects.filter(
        pk=ReviewAssignment.objects.order_by("pk").values("pk")[:1]
    ).update(due_at=timezone.now() - timedelta(days=1))
    return reviewers[0]


def test_each_branch_of_a_queue_page_gives_the_querysets_rows(waiting, other_district):
    now = timezone.now()
    for stage in ("plan", "final"):
        prepared = selectors.queue_page(user=waiting, stage=stage, now=now)
        assert prepared == _orm_queue_page(waiting, stage, now=now)
        for filters in ({"state": "overdue"}, {"q": "a"}, {"page": 2}):
            got = selectors.queue_page(user=waiting, stage=stage, now=now, **filters)
            assert got == _orm_queue_page(waiting, stage, now=now, **filters)
    rows, more = selectors.queue_page(user=waiting, stage="plan", now=now)
    assert len(rows) == 4 and not more
    assert [r.pk for r in rows] == [r.pk for r in selectors.queue_for_reviewer(user=waiting)]
    overdue, _ = selectors.queue_page(user=waiting, stage="plan", state="overdue", now=now)
    assert len(overdue) == 1


def test_the_queues_counts_are_the_querysets(waiting, reviewers):
    now = timezone.now()
    for person in (waiting, reviewers[1]):
        expected = selectors._waiting_for(person.district_id, person.pk).aggregate(
            plan=Count("id", filter=Q(stage="plan")),
            final=Count("id", filter=Q(stage="final")),
            overdue=Count("id", filter=Q(due_at__lt=now)),
        )
        assert selectors.queue_counts(user=person, now=now) == expected
    assert selectors.queue_counts(user=waiting, now=now) == {"plan": 4, "final": 0, "overdue": 1}
    # The moment is the call's: a day later, every review is overdue.
    later = now + timedelta(days=30)
    assert selectors.queue_counts(user=waiting, now=later)["overdue"] == 4


def test_a_panel_chair_is_told_from_a_member(panel, chair, reviewers):
    assert selectors.is_panel_chair(chair)
    assert not selectors.is_panel_chair(reviewers[0])


def test_the_rubric_read_beside_a_review_is_the_prefetched_one(district, django_assert_num_queries):
    entry = MicroCredentialFactory(district=district, criteria=3)
    criterion = entry.rubric.criteria.order_by("position").first()
    criterion.evidence_type = EvidenceTypeFactory(district=district, name="Video")
    criterion.save()
    expected = (
        Rubric.objects.filter(microcredential=entry)
        .prefetch_related("criteria__levels", "criteria__evidence_type")
        .get()
    )
    got = selectors.rubric_for_reading(entry)
    with django_assert_num_queries(0):
        assert got == expected
        assert [c.pk for c in got.criteria.all()] == [c.pk for c in expected.criteria.all()]
        for mine, theirs in zip(got.criteria.all(), expected.criteria.all(), strict=True):
            assert mine.__dict__.keys() >= {"title", "passing_score", "evidence_type_id"}
            assert mine.evidence_type == theirs.evidence_type
            assert mine.rubric is got
            assert [(lv.pk, lv.score, lv.label) for lv in mine.levels.all()] == [
                (lv.pk, lv.score, lv.label) for lv in theirs.levels.all()
            ]
            assert all(level.criterion is mine for level in mine.levels.all())
    assert (
        selectors.rubric_for_reading(MicroCredentialFactory(district=district, criteria=0)) is None
    )
    # A rubric without criteria yet.
    RubricCriterion.objects.filter(rubric__microcredential=entry).delete()
    assert list(selectors.rubric_for_reading(entry).criteria.all()) == []


def test_earlier_rounds_leave_out_the_round_given(panel, teacher):
    submission = submission_in(Submission.Status.PLAN_SUBMITTED, educator=teacher)
    assign_reviewers(submission.pk, "plan")
    current = submission.stage_reviews.get()
    assert selectors.decided_rounds(submission=submission, stage="plan", exclude=current) == []
    StageReview.objects.filter(pk=current.pk).update(status=StageReview.Status.DECIDED)
    another = StageReview(pk=current.pk + 1000)
    for exclude in (None, another):
        [earlier] = selectors.decided_rounds(submission=submission, stage="plan", exclude=exclude)
        assert earlier.pk == current.pk and earlier.attempt is None
        assert [a.status for a in earlier.assignments.all()] == []  # none submitted yet
    assert selectors.decided_rounds(submission=submission, stage="plan", exclude=current) == []
    assert selectors.decided_rounds(submission=submission, stage="final", exclude=another) == []
