"""The fixture world the matrix runs in: two districts, every role, a plan in every status.

Built once per test module (see ``test_matrix.py``) and committed, so it is made the way
production makes it: through each app's services, with their on-commit side effects.

District A is the one the matrix looks at. District B is its mirror: same people, same plans;
its admin is the ``other_admin`` actor, and its records are what A's people must never reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Building, District, DistrictGoal, State, User
from accounts.services import user_create
from submissions.models import Submission

SubmissionStatus = Submission.Status

# The steps that bring a fresh plan (its submission a draft) to each status, in order. Each
# step is done the way the app does it: the educator's moves, then the panel's services.
PATHS: dict[str, list[str]] = {
    SubmissionStatus.DRAFT: [],
    SubmissionStatus.PLAN_SUBMITTED: ["submit_plan"],
    SubmissionStatus.CHANGES_REQUESTED: ["submit_plan", "request_changes"],
    SubmissionStatus.PLAN_APPROVED: ["submit_plan", "approve"],
    SubmissionStatus.IN_PROGRESS: ["submit_plan", "approve", "start"],
    SubmissionStatus.SUBMITTED_FOR_REVIEW: [
        "submit_plan",
        "approve",
        "start",
        "add_photo",
        "submit_evidence",
    ],
    SubmissionStatus.NOT_YET: [
        "submit_plan",
        "approve",
        "start",
        "submit_evidence",
        "score_not_yet",
    ],
    SubmissionStatus.RESUBMITTED: [
        "submit_plan",
        "approve",
        "start",
        "submit_evidence",
        "score_not_yet",
        "resubmit",
    ],
    SubmissionStatus.EARNED: ["submit_plan", "approve", "start", "submit_evidence", "score_earned"],
    SubmissionStatus.DECLINED: ["submit_plan", "decline"],
    SubmissionStatus.WITHDRAWN: ["withdraw"],
}

# Actor name -> key of the person in their district (``other_admin`` is district B's admin).
ROLE_OF_ACTOR = {
    "owner": "owner",
    "colleague": "colleague",
    "reviewer": "reviewer",
    "assigned": "assigned",
    "chair": "chair",
    "admin": "admin",
    "other_admin": "admin",
    "other_educator": "owner",
    "other_reviewer": "reviewer",
}
# The actors who belong to district B (or, for its state admin, to district B's state).
OTHER_DISTRICT_ACTORS = frozenset(
    {"other_admin", "other_educator", "other_reviewer", "other_state_admin"}
)
# The state admins: of the state of district A, and of a second state, district B's.
STATE_ADMINS = frozenset({"state_admin", "other_state_admin"})


@dataclass
class DistrictWorld:
    """Everything of one district."""

    district: District
    buildings: list[Building]
    goal: DistrictGoal
    people: dict[str, User]
    credential: Any = None
    submissions: dict[str, Submission] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # The admin of the state the district belongs to (each district of the world has its own).
    state_admin: User | None = None

    @property
    def owner(self) -> User:
        return self.people["owner"]

    @property
    def submission(self) -> Submission:
        """The submission with artifacts and reviews: with the panel for its final review."""
        return self.submissions[SubmissionStatus.SUBMITTED_FOR_REVIEW]


@dataclass
class World:
    a: DistrictWorld
    b: DistrictWorld
    sessions: dict[str, str] = field(default_factory=dict)  # actor -> session key

    # District A, the district under test, at hand.
    @property
    def district(self) -> District:
        return self.a.district

    @property
    def owner(self) -> User:
        return self.a.owner

    @property
    def submissions(self) -> dict[str, Submission]:
        return self.a.submissions

    @property
    def submission(self) -> Submission:
        return self.a.submission

    @property
    def credential(self) -> Any:
        return self.a.credential

    # District B, the other district.
    @property
    def other_district(self) -> District:
        return self.b.district

    @property
    def other_credential(self) -> Any:
        return self.b.credential

    def x(self, key: str) -> Any:
        """An object of district A's ``extra`` (draft_credential, panel, chair_round, ...)."""
        return self.a.extra[key]

    def assignment(self, status: str) -> Any:
        """The assigned reviewer's latest assignment on the owner's submission in ``status``."""
        return self.a.extra["assignments"][status]

    def round(self, status: str) -> Any:
        return self.a.extra["rounds"][status]

    def user(self, actor: str) -> User | None:
        if actor == "anon":
            return None
        if actor == "leaver":
            return self.a.extra["leaving"]
        home = self.b if actor in OTHER_DISTRICT_ACTORS else self.a
        if actor in STATE_ADMINS:
            return home.state_admin
        return home.people[ROLE_OF_ACTOR[actor]]

    def own(self, actor: str) -> DistrictWorld:
        """The actor's own district (A for anonymous: what the pages are about)."""
        return self.b if actor in OTHER_DISTRICT_ACTORS else self.a

    def foreign(self, actor: str) -> DistrictWorld:
        """The district the actor does not belong to: nothing of it may reach them."""
        return self.a if actor in OTHER_DISTRICT_ACTORS else self.b


def build_people(district: District, buildings: list[Building]) -> dict[str, User]:
    slug = district.slug
    main, other = buildings[0], buildings[1]

    def person(key: str, first: str, last: str, building: Building, **roles: bool) -> User:
        return user_create(
            district=district,
            email=f"{key}@{slug}.example.org",
            first_name=first,
            last_name=last,
            password=None,  # the matrix signs people in with force_login; no slow hashing
            building=building,
            email_verified=True,
            **roles,
        )

    return {
        "owner": person("owner", "Olive", f"Owner-{slug}", main, is_educator=True),
        "colleague": person("colleague", "Colin", f"Colleague-{slug}", main, is_educator=True),
        "reviewer": person("reviewer", "Rita", f"Reviewer-{slug}", other, is_reviewer=True),
        "assigned": person("assigned", "Asa", f"Assigned-{slug}", other, is_reviewer=True),
        "chair": person("chair", "Chris", f"Chair-{slug}", other, is_reviewer=True),
        "admin": person("admin", "Ada", f"Admin-{slug}", other, is_district_admin=True),
    }


def logo_png(slug: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (30, 60, 90) if slug.endswith("a") else (90, 60, 30)).save(
        out, format="PNG"
    )
    return out.getvalue()


def build_district(*, name: str, slug: str, statuses: list[str]) -> DistrictWorld:
    district = District.objects.create(
        name=name,
        slug=slug,
        signatory_name=f"Dr. Signatory of {name}",
        signatory_title="Superintendent",
        plan_reviewers_required=1,
        final_reviewers_required=1,
    )
    district.logo.save(f"{slug}.png", ContentFile(logo_png(slug)), save=True)
    buildings = [
        Building.objects.create(district=district, name=f"{name} Elementary"),
        Building.objects.create(district=district, name=f"{name} High"),
    ]
    goal = DistrictGoal.objects.create(district=district, title=f"Every reader in {name}")
    people = build_people(district, buildings)
    world = DistrictWorld(district=district, buildings=buildings, goal=goal, people=people)
    build_catalog(world)
    build_panel(world)
    build_plans(world, statuses)
    if SubmissionStatus.SUBMITTED_FOR_REVIEW in statuses:
        build_chair_round(world)
    build_reviews_index(world)
    build_evidence(world)
    build_awards(world)
    build_people_admin(world)
    build_program_rules(world)
    build_webhooks(world)
    build_api_client(world)
    build_wallet(world)
    return world


def build_catalog(world: DistrictWorld) -> None:
    """A published entry (the plans' one), a draft ready to publish, a retired entry, a stack,
    an evidence type, and an educator's proposal with its draft plan: all through the services."""
    from credentials import services as catalog
    from credentials.services import LevelInput
    from submissions.services import plan_propose

    admin = world.people["admin"]
    slug = world.district.slug
    levels = [LevelInput(score=1, label="Not yet"), LevelInput(score=2, label="Demonstrated")]
    evidence = catalog.evidence_type_create(actor=admin, name=f"Student work {slug}")
    stack = catalog.stack_create(actor=admin, name=f"Classroom management {slug}")

    def entry(title: str, *, publish: bool):
        created = catalog.microcredential_create(
            actor=admin,
            title=title,
            competency="The educator establishes and teaches classroom routines.",
            key_method="Teach, model and practise routines with students.",
            stack=stack,
            evidence_types=[evidence],
        )
        catalog.rubric_criterion_create(
            microcredential=created,
            actor=admin,
            title=f"Routines are taught ({slug})",
            levels=levels,
            passing_score=2,
            evidence_type=evidence,
        )
        if publish:
            created = catalog.microcredential_publish(microcredential=created, actor=admin)
        return created

    world.extra["entry"] = entry
    world.credential = entry(f"Classroom routines ({slug})", publish=True)
    world.extra["draft_credential"] = entry(f"Draft: restorative circles ({slug})", publish=False)
    retired = entry(f"Retired: bulletin boards ({slug})", publish=True)
    world.extra["retired_credential"] = catalog.microcredential_retire(
        microcredential=retired, actor=admin
    )
    world.extra["proposal_plan"] = plan_propose(
        actor=world.owner,
        title=f"Proposed: morning meetings ({slug})",
        competency="The educator runs a daily morning meeting.",
        evidence_types=[],
        proposed_evidence="A video of one meeting.",
        criteria=["Meetings are held daily"],
    )
    world.extra["proposed_credential"] = world.extra["proposal_plan"].plan.microcredential
    world.extra["evidence_type"] = evidence
    world.extra["stack"] = stack
    world.extra["criterion"] = world.extra["draft_credential"].rubric.criteria.get()


def build_panel(world: DistrictWorld) -> None:
    """The district's panel: ``chair`` chairs it, ``assigned`` is its only member, so every
    review of the owner's work goes to ``assigned``; ``reviewer`` is on no panel."""
    from reviews.forms import PanelForm
    from reviews.models import Panel
    from reviews.services import panel_save

    people = world.people
    form = PanelForm(
        {
            "name": f"Panel of {world.district.name}",
            "description": "Reviews every building and stack.",
            "chair": people["chair"].pk,
            "members": [people["assigned"].pk],
            "active": "on",
        },
        instance=Panel(district=world.district),
        district=world.district,
    )
    if not form.is_valid():
        raise ValueError(f"The world's panel is invalid: {form.errors.as_json()}")
    world.extra["panel"] = panel_save(
        panel=None, district=world.district, actor=people["admin"], **form.cleaned_data
    )


PLAN_TEXT = {
    "rationale": "Private rationale: transitions take too long in my classroom.",
    "hypothesis": "Explicit routines will cut transition time in half.",
    "personal_goal": "Calmer, faster transitions.",
    "building_goal": "More time on task.",
    "district_goal_notes": "",
    "actions": "Teach the routine, model it, practise it daily.",
    "setting": "classroom",
    "timeline": "Six weeks in the spring.",
    "affected": "Twenty-four third graders.",
    "impact_measures": "Transition times, measured weekly.",
}
SOURCES = [
    {
        "citation": f"Wong, H. & Wong, R. (2018). The First Days of School, part {n}.",
        "kind": "book",
        "url": "",
        "learned": "Routines are taught, not told.",
    }
    for n in (1, 2, 3)
]
RESULTS = {
    "impact_results": "Transitions fell from 4 minutes to 90 seconds.",
    "reflection_practice": "Private reflection: I now model every routine first.",
    "reflection_feedback": "Students said the room feels calmer.",
    "reflection_changes": "Start the routines in the first week next year.",
    "share_notes": "",
}


class Steps:
    """The moves of one submission, each made by whom the pages would let make it."""

    def __init__(self, world: DistrictWorld, submission: Submission):
        self.world = world
        self.submission = submission
        self.owner = world.owner
        self.assigned = world.people["assigned"]

    def _fresh(self) -> Submission:
        self.submission = Submission.objects.select_related("plan").get(pk=self.submission.pk)
        return self.submission

    def _assignment(self, stage: str):
        from reviews.models import ReviewAssignment

        return ReviewAssignment.objects.get(
            submission=self.submission,
            stage=stage,
            reviewer=self.assigned,
            status=ReviewAssignment.Status.PENDING,
        )

    def write_plan(self) -> None:
        from submissions.services import plan_text_save

        submission = self._fresh()
        plan_text_save(
            submission=submission,
            values={"title": submission.plan.title, **PLAN_TEXT},
            district_goals=[self.world.goal],
            sources=SOURCES,
            version=submission.plan.version,
            actor=self.owner,
        )

    def submit_plan(self) -> None:
        """Submitting queues the plan's review round; its task assigns ``assigned``."""
        from submissions.services import submission_submit_plan

        submission_submit_plan(submission=self._fresh(), actor=self.owner)

    def _decide(self, decision: str, reason: str = "") -> None:
        from reviews.services import plan_decide

        plan_decide(
            assignment=self._assignment("plan"),
            decision=decision,
            reason=reason,
            comments={"overview": "The rationale is clear."},
            actor=self.assigned,
        )

    def approve(self) -> None:
        self._decide("approve")

    def request_changes(self) -> None:
        self._decide("request_changes", "Name the measures of impact.")

    def decline(self) -> None:
        self._decide("decline", "This plan does not address the competency.")

    def start(self) -> None:
        from submissions.services import submission_start_work

        submission_start_work(submission=self._fresh(), actor=self.owner)

    def add_evidence(self) -> None:
        from artifacts.services import ArtifactDetails, artifact_link_create

        artifact_link_create(
            submission=self._fresh(),
            actor=self.owner,
            url="https://video.example.org/routines-lesson",
            details=ArtifactDetails(
                title=f"Private lesson video {self.submission.pk}",
                confirmed_no_identifying_info=True,
                confirmed_consent_on_file=True,
            ),
        )

    def add_photo(self) -> None:
        """A photo uploaded the way the browser does: announce it, POST the bytes to storage
        through the grant, finish; the checks (on commit) accept it and make its thumbnail."""
        import io

        import requests
        from PIL import Image

        from artifacts.services import (
            ArtifactDetails,
            artifact_upload_finish,
            artifact_upload_start,
        )

        out = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
        content = out.getvalue()
        artifact, grant = artifact_upload_start(
            submission=self._fresh(),
            actor=self.owner,
            file_name="anchor-chart.png",
            size=len(content),
            details=ArtifactDetails(
                title=f"Private anchor chart {self.submission.pk}",
                confirmed_no_identifying_info=True,
                confirmed_consent_on_file=True,
            ),
        )
        stored = requests.post(
            grant["url"],
            data=grant["fields"],
            files={"file": ("anchor-chart.png", content)},
            timeout=30,
        )
        assert stored.status_code == 201, stored.text
        artifact_upload_finish(artifact=artifact, actor=self.owner)

    def write_results(self) -> None:
        from submissions.services import submission_results_save

        submission = self._fresh()
        submission_results_save(
            submission=submission, values=RESULTS, version=submission.version, actor=self.owner
        )

    def submit_evidence(self) -> None:
        """Evidence and results, then the request for review (its task assigns reviewers)."""
        from submissions.services import submission_submit_for_review

        self.add_evidence()
        self.write_results()
        submission_submit_for_review(submission=self._fresh(), actor=self.owner)

    def resubmit(self) -> None:
        from submissions.services import submission_resubmit

        # Nothing changed since the "not yet": the educator confirms sending it so.
        submission_resubmit(submission=self._fresh(), actor=self.owner, send_unchanged=True)

    def _score(self, passing: bool) -> None:
        from reviews.services import scores_submit

        assignment = self._assignment("final")
        criteria = self.submission.plan.microcredential.rubric.criteria.prefetch_related("levels")
        levels = {
            c.pk: next(lv.pk for lv in c.levels.all() if c.passes(lv.score) == passing)
            for c in criteria
        }
        scores_submit(
            assignment=assignment,
            levels=levels,
            feedback={pk: "Clear evidence of routines." for pk in levels},
            overall_comment="Private panel comment from the matrix world.",
            actor=self.assigned,
        )

    def score_earned(self) -> None:
        """Earning hands off to the badges task (on commit), which issues the award."""
        self._score(True)

    def score_not_yet(self) -> None:
        self._score(False)

    def withdraw(self) -> None:
        from submissions.services import submission_withdraw

        submission_withdraw(submission=self._fresh(), actor=self.owner)


def new_plan(world: DistrictWorld, label: str) -> Submission:
    """A plan started on its own published entry (one open plan per entry and educator)."""
    from submissions.services import plan_start

    entry = world.extra["entry"](f"Routines {label} ({world.district.slug})", publish=True)
    submission, created = plan_start(microcredential=entry, actor=world.owner)
    assert created
    Steps(world, submission).write_plan()
    return Submission.objects.get(pk=submission.pk)


def build_plans(world: DistrictWorld, statuses: list[str]) -> None:
    """A plan of the owner in each of ``statuses``, each brought there by its steps."""
    for status in statuses:
        path = PATHS[status]
        submission = new_plan(world, status)
        steps = Steps(world, submission)
        for step in path:
            getattr(steps, step)()
        submission.refresh_from_db()
        assert submission.status == status, (status, submission.status)
        world.submissions[status] = submission


def build_chair_round(world: DistrictWorld) -> None:
    """A final round waiting for the chair: scored while the district asked for the chair's
    confirmation of every outcome (the setting is put back afterwards)."""
    from reviews.models import StageReview

    district = world.district
    submission = new_plan(world, "for the chair")
    steps = Steps(world, submission)
    for step in ("submit_plan", "approve", "start", "submit_evidence"):
        getattr(steps, step)()
    district.require_chair_confirmation = True
    district.save(update_fields=["require_chair_confirmation"])
    steps.score_earned()
    district.require_chair_confirmation = False
    district.save(update_fields=["require_chair_confirmation"])
    world.extra["chair_submission"] = submission
    world.extra["chair_round"] = StageReview.objects.get(
        submission=submission, stage="final", status=StageReview.Status.CHAIR
    )


def build_reviews_index(world: DistrictWorld) -> None:
    """The assigned reviewer's latest assignment and the latest round of each submission."""
    from notifications.models import Notification
    from reviews.models import ReviewAssignment, StageReview

    world.extra["assignments"] = {}
    world.extra["rounds"] = {}
    for status, submission in world.submissions.items():
        assignment = (
            ReviewAssignment.objects.filter(
                submission=submission, reviewer=world.people["assigned"]
            )
            .order_by("-assigned_at", "-id")
            .first()
        )
        if assignment is not None:
            world.extra["assignments"][status] = assignment
            world.extra["rounds"][status] = assignment.stage_review
    world.extra["owner_notification"] = (
        Notification.objects.filter(recipient=world.owner).order_by("-id").first()
    )
    assert world.extra["owner_notification"] is not None
    assert StageReview.objects.filter(district=world.district).exists()


def build_evidence(world: DistrictWorld) -> None:
    """The evidence of the owner's work: the accepted photo (and link) frozen in the submission
    under review; on the plan in progress an editable link, a file announced but not uploaded, and a
    large video whose multipart upload has begun."""
    from artifacts.checks import ClamdError
    from artifacts.models import Artifact
    from artifacts.services import (
        ArtifactDetails,
        artifact_check_give_up,
        artifact_upload_start,
        multipart_threshold,
    )

    if SubmissionStatus.SUBMITTED_FOR_REVIEW in world.submissions:
        photo = Artifact.objects.get(
            submission=world.submissions[SubmissionStatus.SUBMITTED_FOR_REVIEW],
            kind=Artifact.Kind.FILE,
        )
        assert photo.status == Artifact.Status.ACCEPTED and photo.thumbnail_key, photo.status
        assert photo.attempt_id is not None  # frozen with the attempt under review
        world.extra["artifact"] = photo
    if SubmissionStatus.IN_PROGRESS not in world.submissions:
        return
    in_progress = world.submissions[SubmissionStatus.IN_PROGRESS]
    Steps(world, in_progress).add_evidence()
    Steps(world, in_progress).write_results()
    world.extra["open_artifact"] = Artifact.objects.get(submission=in_progress)
    world.extra["multipart_artifact"], _ = artifact_upload_start(
        submission=in_progress,
        actor=world.owner,
        file_name="lesson-video.mp4",
        size=multipart_threshold() + 1,
        details=ArtifactDetails(
            title="Lesson video",
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
        ),
    )
    world.extra["uploading_artifact"], _ = artifact_upload_start(
        submission=in_progress,
        actor=world.owner,
        file_name="lesson-plan.pdf",
        size=2048,
        details=ArtifactDetails(
            title="Lesson plan",
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
        ),
    )
    # A file whose check gave up with the scanner down: refused, kept, to be checked again.
    unchecked, _ = artifact_upload_start(
        submission=in_progress,
        actor=world.owner,
        file_name="exit-tickets.pdf",
        size=4096,
        details=ArtifactDetails(
            title="Exit tickets",
            confirmed_no_identifying_info=True,
            confirmed_consent_on_file=True,
        ),
    )
    Artifact.objects.filter(pk=unchecked.pk).update(status=Artifact.Status.CHECKING)
    world.extra["retryable_artifact"] = artifact_check_give_up(
        artifact_id=unchecked.pk, cause=ClamdError("The virus scanner did not answer.")
    )


def build_awards(world: DistrictWorld) -> None:
    """The award the earned submission was given (issued by the badges task on commit), the
    owner's published portfolio and the colleague's unpublished one, and a late certificate:
    the colleague's, earned twenty minutes ago, its hand-off to issuance lost (as with the
    broker down, so it is written as that leaves it: earned, no award)."""
    from django.utils import timezone

    from badges.models import ISSUANCE_RETRY_AFTER, Award
    from badges.services import portfolio_update
    from submissions.models import Plan

    if SubmissionStatus.EARNED not in world.submissions:
        return
    # It expires in a month: its educator may renew it (badges:renew).
    Award.objects.filter(submission=world.submissions[SubmissionStatus.EARNED]).update(
        expires_at=timezone.now() + timedelta(days=30)
    )
    world.extra["award"] = Award.objects.get(submission=world.submissions[SubmissionStatus.EARNED])
    assert world.extra["award"].state == Award.State.ISSUED
    assert world.extra["award"].is_renewable
    owner, colleague = world.owner, world.people["colleague"]
    world.extra["portfolio"] = portfolio_update(
        educator=owner, published=True, headline="Routines, earned", actor=owner
    )
    world.extra["hidden_portfolio"] = portfolio_update(
        educator=colleague, published=False, headline="Not public yet", actor=colleague
    )
    # On the retired entry (started before it retired): the colleague's other rows start plans
    # on the published one.
    late_plan = Plan.objects.create(
        district=world.district,
        microcredential=world.extra["retired_credential"],
        lead=colleague,
        title="Routines, certificate late",
    )
    world.extra["late_submission"] = Submission.objects.create(
        district=world.district,
        plan=late_plan,
        educator=colleague,
        status=SubmissionStatus.EARNED,
        decided_at=timezone.now() - ISSUANCE_RETRY_AFTER * 2,
    )


def build_people_admin(world: DistrictWorld) -> None:
    """An invited person who has not accepted yet, and a deactivated one."""
    from people.services import person_invite, person_set_active

    admin = world.people["admin"]
    slug = world.district.slug
    world.extra["invitee"] = person_invite(
        actor=admin,
        email=f"invitee@{slug}.example.org",
        first_name="Ivy",
        last_name="Invitee",
        building=world.buildings[0],
        is_educator=True,
    )
    former = person_invite(
        actor=admin,
        email=f"former@{slug}.example.org",
        first_name="Fern",
        last_name="Former",
        building=world.buildings[0],
        is_educator=True,
    )
    world.extra["former"] = person_set_active(person=former, actor=admin, active=False)


def build_api_client(world: DistrictWorld) -> None:
    """HR's API client, and the external ids the API's routes name the owner and the main
    building by."""
    from api.services import api_client_register

    world.extra["api_client"] = api_client_register(
        actor=world.people["admin"], name="HR payroll", scopes=["ledger:read"]
    ).client
    world.owner.external_id = f"{world.district.slug}-owner"
    world.owner.save(update_fields=["external_id"])
    world.buildings[0].external_id = f"{world.district.slug}-main"
    world.buildings[0].save(update_fields=["external_id"])


WALLET_REGISTRATION = {
    "client_name": "Backpack",
    "client_uri": "https://wallet.example/",
    "logo_uri": "https://wallet.example/logo.png",
    "tos_uri": "https://wallet.example/terms",
    "policy_uri": "https://wallet.example/privacy",
    "software_id": "backpack",
    "software_version": "1.0",
    "redirect_uris": ["https://wallet.example/cb"],
    "scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
}


def build_wallet(world: DistrictWorld) -> None:
    """A wallet registered through the Open Badges 3.0 API, which the owner connected."""
    from oauth2_provider.models import Application

    from wallets.forms import WalletRegistrationForm
    from wallets.services import wallet_client_register, wallet_connect

    form = WalletRegistrationForm(WALLET_REGISTRATION)
    assert form.is_valid(), form.errors
    wallet = wallet_client_register(registration=form.cleaned_data).client
    world.extra["wallet"] = wallet
    world.extra["wallet_connection"] = wallet_connect(
        educator=world.owner,
        application=Application.objects.get(pk=wallet.application_id),
        scopes=wallet.scopes,
    )


def build_program_rules(world: DistrictWorld) -> None:
    """A cycle, a credit rule and a finished export (its task runs on commit)."""
    import datetime

    from programs.models import CreditRule, ProgramCycle
    from programs.services import program_rule_save
    from reports.models import ExportJob
    from reports.services import export_job_create

    admin = world.people["admin"]
    world.extra["cycle"] = program_rule_save(
        model=ProgramCycle,
        rule=None,
        actor=admin,
        name="Spring 2026",
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 5, 29),
    )
    world.extra["credit_rule"] = program_rule_save(
        model=CreditRule,
        rule=None,
        actor=admin,
        scope=CreditRule.Scope.DISTRICT,
        effective_from=datetime.date(2025, 8, 1),
        salary_amount="250.00",
    )
    job = export_job_create(
        actor=admin, dataset="salary_ledger", file_format="csv", filters={}, rows_total=1
    )
    world.extra["export_job"] = ExportJob.objects.get(pk=job.pk)


# Receivers of the world's webhooks: a closed port of this machine (refused at once), admitted
# by the matrix's settings (``tests/authz/conftest.py``) as a district's private network.
WEBHOOK_RECEIVER = "https://127.0.0.1:9/hooks"


def build_webhooks(world: DistrictWorld) -> None:
    """A subscription with one delivery (its award's issue, replayed as an event: the receiver
    is down, so it waits for its retry), and a disabled subscription."""
    from badges.models import Award
    from webhooks.events import award_data
    from webhooks.models import EventType
    from webhooks.services import event_publish, subscription_create, subscription_set_active

    admin = world.people["admin"]
    slug = world.district.slug
    world.extra["webhook"], _ = subscription_create(
        district=world.district,
        url=f"{WEBHOOK_RECEIVER}/{slug}",
        description=f"HR system of {world.district.name}",
        events=[EventType.AWARD_ISSUED, EventType.AWARD_REVOKED],
        actor=admin,
    )
    award = Award.objects.get(pk=world.extra["award"].pk)
    (world.extra["webhook_delivery"],) = event_publish(
        district_id=world.district.pk,
        event_type=EventType.AWARD_ISSUED,
        data=lambda: award_data(award),
    )
    disabled, _ = subscription_create(
        district=world.district,
        url=f"{WEBHOOK_RECEIVER}/{slug}/disabled",
        description="",
        events=[EventType.PLAN_SUBMITTED],
        actor=admin,
    )
    world.extra["disabled_webhook"] = subscription_set_active(
        subscription=disabled, active=False, actor=admin
    )


def build_state(world: DistrictWorld, *, name: str, slug: str) -> None:
    """The district's state and its admin; in district A's state, a second district, suspended
    (for the unsuspend route)."""
    state = State.objects.create(name=name, slug=slug)
    District.objects.filter(pk=world.district.pk).update(state=state)
    world.district.state = state
    world.state_admin = user_create(
        state=state,
        email=f"state-admin@{slug}.example.org",
        first_name="Sam",
        last_name=f"State-{slug}",
        is_state_admin=True,
        email_verified=True,
    )
    world.extra["suspended_district"] = District.objects.create(
        state=state,
        name=f"Suspended district of {name}",
        slug=f"{slug}-suspended",
        suspended_at=timezone.now(),
    )
    build_state_catalog(world, state=state)


def build_state_catalog(world: DistrictWorld, *, state: State) -> None:
    """Two entries of the state's catalog: one the district has not adopted, one it adopted at
    version 1 that the state has since published a version 2 of (an update on offer)."""
    from credentials.packages import package_of_entry
    from credentials.services import (
        state_entry_adopt,
        state_entry_publish,
        state_entry_version_publish,
    )

    source = world.extra["entry"](f"State package source ({world.district.slug})", publish=False)
    package = package_of_entry(source, provider=state.name)

    def titled(title: str) -> dict:
        return {**package, "entry": {**package["entry"], "title": title}}

    world.extra["state_entry"] = state_entry_publish(
        state=state,
        actor=world.state_admin,
        package=titled(f"State entry: trauma-informed practice ({state.slug})"),
    )
    adopted = state_entry_publish(
        state=state,
        actor=world.state_admin,
        package=titled(f"State entry: restorative circles ({state.slug})"),
    )
    world.extra["adopted_credential"] = state_entry_adopt(
        state_entry=adopted, actor=world.people["admin"]
    )
    state_entry_version_publish(
        state_entry=adopted,
        actor=world.state_admin,
        package=titled(f"State entry: restorative circles, revised ({state.slug})"),
        note="Revised.",
    )
    world.extra["adopted_state_entry"] = adopted


def build_moves(world: DistrictWorld) -> None:
    """A neighbouring district of the same state with an educator the district's admin may
    invite to move, and an open invitation from it to the district's owner (their plans stay
    behind when they accept)."""
    import secrets
    from datetime import timedelta

    from accounts.models import MoveInvitation

    slug = world.district.slug
    neighbour = District.objects.create(
        state=world.district.state, name=f"Neighbour of {slug}", slug=f"{slug}-neighbour"
    )
    world.extra["neighbour"] = user_create(
        district=neighbour,
        email=f"neighbour@{slug}.example.org",
        first_name="Nell",
        last_name="Neighbour",
        is_educator=True,
        email_verified=True,
    )
    world.extra["move_invitation"] = MoveInvitation.objects.create(
        district=neighbour,
        person=world.owner,
        roles=["educator"],
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=14),
    )
    build_movers(world, neighbour)


def build_movers(world: DistrictWorld, neighbour: District) -> None:
    """Two educators who moved: one from the neighbour into the district (an award and a plan
    left there, a plan here), one from the district to the neighbour (a plan left here, a plan
    there)."""
    from people.services import move_invite, person_move
    from submissions.models import Plan
    from tests.badges.factories import AwardFactory
    from tests.credentials.factories import MicroCredentialFactory

    slug = world.district.slug
    entries = {
        district.pk: MicroCredentialFactory(district=district, title=f"Moving {district.slug}")
        for district in (world.district, neighbour)
    }

    def plan(person: User, district: District, title: str, **fields) -> Submission:
        made = Plan.objects.create(
            district=district, microcredential=entries[district.pk], lead=person, title=title
        )
        return Submission.objects.create(district=district, plan=made, educator=person, **fields)

    def move(person: User, admin: User) -> None:
        invitation = move_invite(actor=admin, email=person.email, roles=["educator"])
        person_move(invitation=invitation, actor=person)
        person.refresh_from_db()

    neighbour_admin = user_create(
        district=neighbour, email=f"admin@{slug}-neighbour.example.org", is_district_admin=True
    )
    arriving = user_create(
        district=neighbour,
        email=f"arriving@{slug}.example.org",
        first_name="Ari",
        last_name=f"Arriving-{slug}",
        is_educator=True,
        email_verified=True,
    )
    world.extra["arriving_old_plan"] = plan(arriving, neighbour, f"Arriving's old plan {slug}")
    earned = plan(
        arriving,
        neighbour,
        f"Arriving's earned plan {slug}",
        status=SubmissionStatus.EARNED,
        decided_at=timezone.now(),
    )
    world.extra["arriving_award"] = AwardFactory(submission=earned)
    move(arriving, world.people["admin"])
    world.extra["arriving"] = arriving
    world.extra["arriving_new_plan"] = plan(arriving, world.district, f"Arriving's plan {slug}")

    leaving = user_create(
        district=world.district,
        email=f"leaving@{slug}.example.org",
        first_name="Lee",
        last_name=f"Leaving-{slug}",
        is_educator=True,
        email_verified=True,
    )
    world.extra["leaving_old_plan"] = plan(leaving, world.district, f"Leaving's old plan {slug}")
    move(leaving, neighbour_admin)
    world.extra["leaving"] = leaving
    world.extra["leaving_new_plan"] = plan(leaving, neighbour, f"Leaving's new plan {slug}")


def build_endorsement(world: World) -> None:
    """District A's state office endorses district B's published entry (a state may recognise
    another state's district): its signed endorsement, and the office's keys and status list.
    District A's own entry is left unendorsed, for every endorser's first endorsement of it."""
    from badges.services import endorsement_give

    world.a.extra["endorsement"] = endorsement_give(
        microcredential=world.b.credential,
        comment="Meets the re-licensure rule of the Sunflower State (matrix world).",
        actor=world.a.state_admin,
    )


def build_world() -> World:
    world = _build_districts()
    build_state(world.a, name="Sunflower State", slug="matrix-state-a")
    build_state(world.b, name="Great Lakes State", slug="matrix-state-b")
    build_moves(world.a)
    build_moves(world.b)
    build_endorsement(world)
    return world


def _build_districts() -> World:
    return World(
        a=build_district(name="Prairie View", slug="matrix-a", statuses=list(PATHS)),
        # The other district needs its people and a little of everything, not every status.
        b=build_district(
            name="Lakeside",
            slug="matrix-b",
            statuses=[
                SubmissionStatus.DRAFT,
                SubmissionStatus.PLAN_SUBMITTED,
                SubmissionStatus.EARNED,
            ],
        ),
    )
