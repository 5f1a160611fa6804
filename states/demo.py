"""The demo's state: the demo district and two small ones in one state, and its admin's login
(``accounts.management.commands.seed_demo`` runs this last).

The two small districts are made by the generator the benchmarks use (``reports.scale``): a
catalog, the program rules, educators and plans at every stage; each earned plan's award is
issued (certificate and badge) as the demo district's are, so the state page compares three
districts with figures of their own and every award it lists is verifiable. The state office
endorses one of the demo district's published entries as meeting its re-licensure rule: badges of
it earned from then on carry the endorsement."""

from accounts.demo import DEMO_PASSWORD
from accounts.models import District, State, User
from accounts.services import user_create
from badges.models import Endorsement
from badges.services import award_issue_for_submission, endorsement_give
from credentials.models import MicroCredential, StateCatalogEntry
from credentials.packages import SCHEMA, SCHEMA_VERSION
from credentials.services import state_entry_adopt, state_entry_publish
from reports.scale import seed_scale
from submissions.models import Submission

STATE_SLUG = "sunflower"
STATE_ADMIN_EMAIL = "state@example.org"
# The state's catalog: two packaged micro-credentials of one stack; Cedar Bluffs adopted the first.
STATE_ENTRIES = [
    {
        "title": "Trauma-Informed Classroom Practices",
        "competency": "The educator builds predictable, safe routines that help students who "
        "have experienced trauma regulate and learn.",
        "key_method": "Predictable routines, co-regulation and a calm-down space.",
        "method_components": "Learn the effects of trauma on learning\nMap the classroom's "
        "routines\nTeach a calm-down routine\nTrack one student's regulation for four weeks",
        "research_and_resources": "Souers, K. & Hall, P. (2016). Fostering Resilient Learners.",
        "submission_guidelines": "A routine plan, a short classroom video and a reflection.",
        "estimated_hours": "12.0",
        "pd_points": "1.5",
        "rigor": 3,
        "evidence": [("Routine plan", "document"), ("Classroom video", "video")],
        "criteria": [
            ("Routines are predictable and taught", "implementation", "Routine plan"),
            ("Students regulate with the routine", "impact", "Classroom video"),
            ("Reflection names the next step", "reflection", None),
        ],
    },
    {
        "title": "Family Partnership Conferences",
        "competency": "The educator leads student-centered conferences with families that set "
        "one shared goal for the student.",
        "key_method": "Student-led conferences with a shared goal sheet.",
        "method_components": "Prepare students to lead\nHold three conferences\nFollow up "
        "on each goal within a month",
        "research_and_resources": "Henderson, A. & Mapp, K. (2002). A New Wave of Evidence.",
        "submission_guidelines": "Three goal sheets, families' feedback and a reflection.",
        "estimated_hours": "8.0",
        "pd_points": "1.0",
        "rigor": 2,
        "evidence": [("Goal sheet", "document")],
        "criteria": [
            ("Students lead the conference", "implementation", "Goal sheet"),
            ("Goals are followed up", "impact", None),
        ],
    },
]
STATE_STACK = {
    "name": "Whole-Child Practice",
    "description": "The state's micro-credentials on the student beyond the lesson.",
    "color": "#6b4e16",
}
STATE_LEVELS = [(1, "Beginning"), (2, "Developing"), (3, "Demonstrated")]
ADOPTING_DISTRICT = "cedar-bluffs"

# (slug, name, educators, plans, seed)
SMALL_DISTRICTS = [
    ("cedar-bluffs", "Cedar Bluffs USD 451", 12, 30, 451),
    ("flint-hills", "Flint Hills USD 492", 8, 20, 492),
]


def seed_demo(*, district: District, people: dict[str, User], buildings: dict) -> None:
    state, _ = State.objects.get_or_create(
        slug=STATE_SLUG,
        defaults={"name": "Sunflower State Department of Education", "kind": State.Kind.STATE},
    )
    District.objects.filter(pk=district.pk).update(state=state)
    for slug, name, educators, plans, seed in SMALL_DISTRICTS:
        if not District.objects.filter(slug=slug).exists():
            small, _ = seed_scale(
                slug=slug,
                name=name,
                educators=educators,
                plans=plans,
                seed=seed,
                award_records=False,
            )
            District.objects.filter(pk=small.pk).update(state=state)
            # Each earned plan holds its award, certificate and badge, verifiable as any.
            earned = Submission.objects.filter(
                district=small, status=Submission.Status.EARNED
            ).order_by("pk")
            for submission in earned:
                award_issue_for_submission(submission_id=submission.pk)
    state_admin = User.objects.filter(email=STATE_ADMIN_EMAIL).first()
    if state_admin is None:
        state_admin = user_create(
            state=state,
            is_state_admin=True,
            email=STATE_ADMIN_EMAIL,
            first_name="Sylvia",
            last_name="Stone",
            password=DEMO_PASSWORD,
            email_verified=True,
        )
    if not Endorsement.objects.filter(endorser_state=state).exists():
        entry = (
            MicroCredential.objects.filter(
                district=district, status=MicroCredential.Status.PUBLISHED
            )
            .order_by("title", "pk")
            .first()
        )
        if entry is not None:
            endorsement_give(
                microcredential=entry,
                comment="Meets the Sunflower State's re-licensure rule for professional "
                "learning: its hours count toward renewal of a teaching license.",
                actor=state_admin,
            )
    if not StateCatalogEntry.objects.filter(state=state).exists():
        state_catalog_seed(state=state, state_admin=state_admin)


def _package(spec: dict) -> dict:
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "entry": {
            **{k: spec[k] for k in ("title", "competency", "key_method", "method_components")},
            "research_and_resources": spec["research_and_resources"],
            "submission_guidelines": spec["submission_guidelines"],
            "estimated_hours": spec["estimated_hours"],
            "pd_points": spec["pd_points"],
            "rigor": spec["rigor"],
            "grade_band": "all",
            "tags": "state",
            "valid_for_days": None,
            "state_standard": "",
            "state_standard_url": "",
        },
        "stack": STATE_STACK,
        "evidence_types": [
            {"name": name, "description": "", "accepts": accepts}
            for name, accepts in spec["evidence"]
        ],
        "rubric": {
            "passing_rule": "all",
            "minimum_passing_criteria": None,
            "criteria": [
                {
                    "title": title,
                    "description": "",
                    "component": component,
                    "passing_score": 3,
                    "evidence_type": evidence,
                    "levels": [
                        {"score": score, "label": label, "description": ""}
                        for score, label in STATE_LEVELS
                    ],
                }
                for title, component, evidence in spec["criteria"]
            ],
        },
        "provider": {"name": "", "version": None},
    }


def state_catalog_seed(*, state: State, state_admin: User) -> None:
    """The state publishes its two entries; Cedar Bluffs adopts the first."""
    entries = [
        state_entry_publish(state=state, actor=state_admin, package=_package(spec))
        for spec in STATE_ENTRIES
    ]
    adopting_admin = User.objects.filter(
        district__slug=ADOPTING_DISTRICT, is_district_admin=True
    ).first()
    if adopting_admin is not None:
        state_entry_adopt(state_entry=entries[0], actor=adopting_admin)
