"""The demo district's catalog: evidence types, the NEA "Classroom Management" stack with its
five micro-credentials, an Arkansas-style packaged entry, a goal-setting entry the demo educator
has not started, the Kansas self-designed template, a revised entry (two versions) and an
unfinished draft. Written through the services, as an admin would, so every entry is validated
and audited."""

from collections.abc import Sequence
from decimal import Decimal

from accounts.models import Building, District, User

from . import services
from .models import EvidenceType, MicroCredential, Rubric, RubricCriterion, RubricLevel
from .services import LevelInput

NOT_YET_DEMONSTRATED = [
    LevelInput(1, "Not yet", "The evidence does not yet show the criterion."),
    LevelInput(2, "Demonstrated", "The evidence shows the criterion clearly and completely."),
]
DEMONSTRATED = NOT_YET_DEMONSTRATED[1].score
FOUR_POINT = [
    LevelInput(1, "Not evident", "The artifact is missing or does not address the criterion."),
    LevelInput(2, "Emerging", "The artifact addresses the criterion in part."),
    LevelInput(3, "Proficient", "The artifact addresses every part of the criterion."),
    LevelInput(4, "Exemplary", "Proficient, with depth and evidence of student impact."),
]

EVIDENCE_TYPES = [
    ("Written artifact", "A written description, analysis or plan.", "document"),
    ("Lesson plan", "The plan of a lesson as taught.", "document"),
    ("Lesson plan analysis", "An annotated lesson plan explaining the choices made.", "document"),
    ("Video", "A classroom video, usually 3–5 minutes; no student names visible.", "video"),
    ("Video analysis", "A time-stamped commentary on a classroom video.", "document"),
    ("Student work samples", "De-identified samples of student work.", "any"),
    ("Photo", "Photos of the classroom, a drawing or a photo journal.", "image"),
    ("Observation record", "Notes of a colleague's or coach's observation.", "document"),
    ("Journal or reflection", "A reflective journal kept during implementation.", "document"),
    ("Chart", "A chart or table of data, e.g. behavior or engagement tallies.", "any"),
]

STACK_DESCRIPTION = (
    "What you'll learn: tools to create a student-centered learning community that is "
    "supportive of all learners. Who should apply: K-12 educators, student support "
    "professionals, agency leaders. You will explore classroom organization and routines and "
    "discover new ways to support students who face behavioral challenges due to trauma in "
    "their communities. (Modelled on the NEA micro-credential stack of the same name.)"
)

# title, competency, key method, method components, research, evidence, criteria, tags, band
CLASSROOM_MANAGEMENT = [
    {
        "title": "Addressing Challenging Behaviors",
        "competency": (
            "Educator demonstrates an understanding and application of multiple strategies "
            "when addressing challenging classroom behaviors to meet the needs of all learners."
        ),
        "key_method": (
            "The educator understands how to address challenging behaviors by analyzing "
            "particular situations and matching them to an appropriate strategy. In "
            "collaboration with other adults, as needed, the educator formulates a plan to guide "
            "the learner in making positive choices in the future."
        ),
        "method_components": (
            "Successfully addressing challenging behaviors begins with a strong relationship "
            "with each learner: what they value, how they learn best, and why they shut out "
            "learning.\n"
            "Behaviors are not personal; they may stem from family, peer or other issues "
            "outside school. Know your state's reporting requirements.\n"
            "In the moment: make the situation safe, call for assistance if appropriate, stay "
            "calm and de-escalate with a quiet, respectful voice, talk privately to avoid "
            "shaming, and document what occurred in a secure way.\n"
            "If a behavior recurs, create a behavior plan with input from families, the "
            "counselor, the principal and other educators in the student's life."
        ),
        "research": (
            "Simonsen, B., Fairbanks, S., Briesch, A., Myers, D., & Sugai, G. (2008). "
            "Evidence-based practices in classroom management: Considerations for research to "
            "practice. Education and Treatment of Children, 31(3), 351–380.\n"
            "Cole, S. F., et al. (2005). Helping Traumatized Children Learn. Massachusetts "
            "Advocates for Children.\n"
            "Center on PBIS: https://www.pbis.org"
        ),
        "evidence": ["Written artifact", "Lesson plan analysis", "Journal or reflection"],
        "criteria": [
            ("Analysis of a challenging behavior", "Written artifact", "overview"),
            (
                "Strategy matched to the situation, in a lesson plan",
                "Lesson plan analysis",
                "implementation",
            ),
            (
                "Reflection on the learner's response over time",
                "Journal or reflection",
                "reflection",
            ),
        ],
        "tags": "behavior, de-escalation, trauma-informed, PBIS",
    },
    {
        "title": "Aspects of an Engaged Classroom",
        "competency": (
            "Educator demonstrates an understanding of the value of student engagement in "
            "classroom management to provide an environment that is conducive to learning."
        ),
        "key_method": (
            "The educator plans for behavioral, emotional and cognitive engagement, uses "
            "active-participation strategies during a lesson, and checks engagement with a "
            "simple tally or scan."
        ),
        "method_components": (
            "1. Describe what engagement looks and sounds like in your classroom.\n"
            "2. Choose two active-participation strategies (e.g. turn-and-talk, response cards, "
            "movement).\n"
            "3. Teach a lesson using them and record a short video.\n"
            "4. Compare engagement before and after with an engagement scan."
        ),
        "research": (
            "Fredricks, J. A., Blumenfeld, P. C., & Paris, A. H. (2004). School engagement: "
            "Potential of the concept, state of the evidence. Review of Educational Research, "
            "74(1), 59–109."
        ),
        "evidence": ["Written artifact", "Video"],
        "criteria": [
            ("Description of engagement in this classroom", "Written artifact", "overview"),
            ("Video showing active-participation strategies", "Video", "impact"),
        ],
        "tags": "engagement, participation, management",
    },
    {
        "title": "Classroom Expectations and Routines",
        "competency": (
            "Educator demonstrates an understanding of a successful use of classroom "
            "expectations and routines to provide an environment that is conducive to learning."
        ),
        "key_method": (
            "The educator states a few positively worded expectations, teaches each routine "
            "explicitly (explain, model, practice, reinforce) and reviews routines after breaks."
        ),
        "method_components": (
            "1. List three to five expectations and the routines that carry them (entering, "
            "transitions, materials, asking for help, dismissal).\n"
            "2. Teach one routine explicitly and record it.\n"
            "3. Ask a colleague to observe the routine two weeks later.\n"
            "4. Chart the time lost to transitions before and after."
        ),
        "research": (
            "Wong, H. K., & Wong, R. T. (2018). The First Days of School: How to Be an "
            "Effective Teacher (5th ed.). Harry K. Wong Publications.\n"
            "Marzano, R. J. (2003). Classroom Management That Works. ASCD."
        ),
        "evidence": ["Chart", "Video analysis", "Video", "Observation record"],
        "criteria": [
            ("Chart of expectations and routines", "Chart", "overview"),
            ("Video of a routine being taught", "Video", "implementation"),
            ("Video analysis", "Video analysis", "reflection"),
            ("Colleague's observation record", "Observation record", "impact"),
        ],
        "tags": "routines, expectations, procedures, management",
    },
    {
        "title": "Creating a Classroom Community",
        "competency": (
            "The educator understands the importance of building key relationships for a "
            "positive classroom community."
        ),
        "key_method": (
            "The educator builds relationships deliberately (greetings, check-ins, class "
            "meetings) and gives students shared responsibility for the community."
        ),
        "method_components": (
            "1. Plan daily relationship routines such as greeting every student at the door.\n"
            "2. Hold a class meeting where students set community agreements.\n"
            "3. Record a 3–5 minute video of a community-building activity.\n"
            "4. Collect student work or a journal showing how students experience the class."
        ),
        "research": (
            "Cornelius-White, J. (2007). Learner-centered teacher-student relationships are "
            "effective: A meta-analysis. Review of Educational Research, 77(1), 113–143."
        ),
        "evidence": ["Video", "Journal or reflection", "Student work samples", "Written artifact"],
        "criteria": [
            ("Video of a community-building activity (3–5 min)", "Video", "implementation"),
            ("Journal or student work samples", "Student work samples", "impact"),
        ],
        "tags": "relationships, community, belonging, SEL",
    },
    {
        "title": "Organizing the Physical Layout of the Classroom",
        "competency": (
            "Educator demonstrates an understanding of how organizing the physical layout of "
            "his or her classroom can contribute to a positive learning environment."
        ),
        "key_method": (
            "The educator designs the room for the learning planned: clear traffic paths, "
            "sight lines to every student, zones for group and independent work, and "
            "accessible materials."
        ),
        "method_components": (
            "1. Draw the current layout and mark traffic paths and problem spots.\n"
            "2. Redesign it for the kinds of learning you plan.\n"
            "3. Take photos (or a short video) of the new layout in use.\n"
            "4. Write what changed for students."
        ),
        "research": (
            "Guardino, C. A., & Fullerton, E. (2010). Changing behaviors by changing the "
            "classroom environment. TEACHING Exceptional Children, 42(6), 8–13.\n"
            "Barrett, P., Davies, F., Zhang, Y., & Barrett, L. (2015). The impact of classroom "
            "design on pupils' learning. Building and Environment, 89, 118–133."
        ),
        "evidence": ["Written artifact", "Video", "Photo"],
        "criteria": [
            ("Written rationale of the layout", "Written artifact", "overview"),
            ("Photos, drawing or video of the layout in use", "Photo", "impact"),
        ],
        "tags": "layout, environment, room arrangement",
    },
]

ARKANSAS = {
    "title": "Checking for Understanding: Formative Assessment in Daily Lessons",
    "competency": (
        "The educator uses formative assessment techniques during instruction to check for "
        "student understanding and adjusts instruction in response to the evidence gathered."
    ),
    "key_method": (
        "The educator plans checks for understanding at key points of a lesson, gathers "
        "evidence from every student, and uses it to re-teach, extend or regroup within the "
        "lesson or the next one."
    ),
    "method_components": (
        "Formative assessment is a process, not a test: the evidence is used to adapt "
        "teaching while learning is still under way.\n"
        "Plan: identify the learning target and success criteria; decide where in the lesson "
        "understanding must be checked.\n"
        "Gather: use all-student response techniques (mini whiteboards, exit tickets, hinge "
        "questions, signals) rather than calling on volunteers.\n"
        "Respond: sort the responses and decide on the spot or for the next lesson: re-teach, "
        "small-group support, or extension.\n"
        "Questions such as 'What will I do if half the class misses the hinge question?' are "
        "for planning only and need no written answer."
    ),
    "research_and_resources": (
        "Black, P., & Wiliam, D. (1998). Inside the black box: Raising standards through "
        "classroom assessment. Phi Delta Kappan, 80(2), 139–148.\n"
        "Wiliam, D. (2011). Embedded Formative Assessment. Solution Tree Press.\n"
        "Fisher, D., & Frey, N. (2014). Checking for Understanding: Formative Assessment "
        "Techniques for Your Classroom (2nd ed.). ASCD.\n"
        "No purchase is required to earn this micro-credential."
    ),
    "submission_guidelines": (
        "Part 1 — Overview (no more than 300 words): describe your students and classroom "
        "and what you already do to check for understanding.\n"
        "Part 2 — Work examples and artifacts:\n"
        "  Artifact 1: a lesson plan marking each planned check for understanding.\n"
        "  Artifact 2: three de-identified student work samples (one below, one at, one "
        "above the target) with your analysis and the instructional decision you made.\n"
        "  Artifact 3: a 5-minute video segment showing an all-student response technique.\n"
        "Part 3 — Reflection (no more than 400 words): how has checking for understanding "
        "changed your practice, and what will you do next?\n"
        "Each part is scored with the 1–4 rubric; every part must reach Proficient (3)."
    ),
    "evidence": ["Lesson plan", "Student work samples", "Video", "Written artifact"],
    "criteria": [
        ("Part 1: Overview of the classroom context", "Written artifact", "overview"),
        ("Artifact 1: Lesson plan with planned checks", "Lesson plan", "implementation"),
        ("Artifact 2: Student work samples and analysis", "Student work samples", "impact"),
        ("Artifact 3: Video of an all-student response technique", "Video", "implementation"),
        ("Part 3: Reflection on practice", "Written artifact", "reflection"),
    ],
}

KANSAS_TEMPLATE = {
    "title": "Self-designed micro-credential (Kansas template)",
    "competency": (
        "The educator names a competency of their own choosing, tied to personal, building or "
        "district goals, and demonstrates it through a personalized, job-embedded unit of "
        "study that has an impact on students or the school's program."
    ),
    "key_method": (
        "Write your own plan with the five required components: Overview, Basis of Knowledge, "
        "Implementation, Impact and Reflection. The panel pre-approves the plan before you "
        "implement it."
    ),
    "method_components": (
        "Overview: rationale (description), hypothesis (purpose), ties to personal, building "
        "and district goals.\n"
        "Basis of Knowledge: supporting research — literature review or other resources, at "
        "least three sources — that the educator uses to gain knowledge.\n"
        "Implementation: job-embedded, applied learning; action in classrooms, buildings or "
        "the district.\n"
        "Impact: results, data and artifacts (sample student work, video, pictures, "
        "documents) verifying that the application has had an impact on student performance "
        "or on the educational program.\n"
        "Reflection: on professional practice and/or student learning, personal thoughts, "
        "student or staff feedback, and changes for future practice.\n"
        "Share (optional): staff meetings, conferences, blogs, vlogs, PLCs."
    ),
    "research_and_resources": (
        "Kansas State Department of Education, Teacher Licensure and Accreditation. "
        "Personalized Professional Learning for Educators: Required Components of a "
        "Microcredential (informational sheet).\n"
        "May be completed individually, in small groups (grade level, content teams, "
        "interdisciplinary groups) or system-wide."
    ),
    "submission_guidelines": (
        "Submit the plan for pre-approval once the Overview, Basis of Knowledge (three or more "
        "sources), Implementation and Impact measures are complete. After implementing, add "
        "your results, artifacts and reflection and submit for review."
    ),
    "evidence": ["Student work samples", "Video", "Photo", "Written artifact"],
    "criteria": [
        ("Overview: rationale, hypothesis and goals", None, "overview"),
        ("Basis of Knowledge: at least three sources", None, "knowledge"),
        ("Implementation: job-embedded action", None, "implementation"),
        ("Impact: results, data and artifacts", None, "impact"),
        ("Reflection: practice, feedback and next steps", None, "reflection"),
    ],
}


# The demo educator has not started it: she finds it waiting in the catalog.
GOAL_SETTING = {
    "title": "Student Goal Setting and Self-Assessment",
    "competency": (
        "The educator teaches students to set learning goals, track their progress and assess "
        "their own work against clear success criteria."
    ),
    "key_method": (
        "Students write one goal per unit in their own words, check their work weekly against "
        "a student-friendly checklist, and confer with the educator about the next step."
    ),
    "method_components": (
        "1. Turn the unit's learning targets into student-friendly success criteria.\n"
        "2. Model writing a goal and checking work against the criteria.\n"
        "3. Give students a weekly tracker and five minutes to update it.\n"
        "4. Hold short goal conferences and record what students decide to do next."
    ),
    "research": (
        "Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational "
        "Research, 77(1), 81–112.\n"
        "Andrade, H. L. (2019). A critical review of research on student self-assessment. "
        "Frontiers in Education, 4, 87."
    ),
    "evidence": ["Student work samples", "Journal or reflection", "Written artifact"],
    "criteria": [
        ("Success criteria written for students", "Written artifact", "implementation"),
        ("Students' goal trackers, de-identified", "Student work samples", "impact"),
        ("Reflection on what changed for students", "Journal or reflection", "reflection"),
    ],
    "tags": "goal setting, self-assessment, student agency, success criteria",
}


def _add_criteria(
    entry: MicroCredential,
    *,
    admin: User,
    criteria: list[tuple[str, str | None, str]],
    evidence: dict[str, EvidenceType],
    levels: list[LevelInput],
    passing_score: int,
) -> None:
    for title, evidence_name, component in criteria:
        services.rubric_criterion_create(
            microcredential=entry,
            actor=admin,
            title=title,
            component=component,
            evidence_type=evidence[evidence_name] if evidence_name else None,
            levels=levels,
            passing_score=passing_score,
        )


def template_rubrics_bulk_create(entries: Sequence[MicroCredential]) -> None:
    """Give each of ``entries`` (none with a rubric yet) the rubric of the Kansas template as
    ``seed_demo`` writes it: its five components, each "Not yet" or "Demonstrated", every one to
    be demonstrated. In three inserts, for seeds of many entries made published at once
    (``reports.scale``), which the services, adding criteria to a draft one by one, would
    slow down."""
    rubrics = Rubric.objects.bulk_create(
        [Rubric(microcredential=entry, passing_rule=Rubric.PassingRule.ALL) for entry in entries]
    )
    criteria = RubricCriterion.objects.bulk_create(
        [
            RubricCriterion(
                rubric=rubric,
                position=position,
                title=title,
                component=component,
                passing_score=DEMONSTRATED,
            )
            for rubric in rubrics
            for position, (title, _, component) in enumerate(KANSAS_TEMPLATE["criteria"])
        ]
    )
    RubricLevel.objects.bulk_create(
        [
            RubricLevel(
                criterion=criterion,
                score=level.score,
                label=level.label,
                description=level.description,
            )
            for criterion in criteria
            for level in NOT_YET_DEMONSTRATED
        ]
    )


def seed_demo(*, district: District, people: dict[str, User], buildings: dict[str, Building]):
    admin = people["admin"]
    if MicroCredential.objects.filter(district=district).exists():
        return
    evidence = {
        name: services.evidence_type_create(
            actor=admin, name=name, description=description, accepts=accepts
        )
        for name, description, accepts in EVIDENCE_TYPES
    }
    stack = services.stack_create(
        actor=admin, name="Classroom Management", description=STACK_DESCRIPTION, color="#1e6b34"
    )
    for item in CLASSROOM_MANAGEMENT:
        entry = services.microcredential_create(
            actor=admin,
            title=item["title"],
            competency=item["competency"],
            key_method=item["key_method"],
            method_components=item["method_components"],
            research_and_resources=item["research"],
            submission_guidelines=(
                "Submit the evidence listed below with a short written overview of your "
                "classroom and a reflection on what changed for your students."
            ),
            evidence_types=[evidence[name] for name in item["evidence"]],
            estimated_hours=15,
            pd_points=Decimal("1.5"),
            rigor=MicroCredential.Rigor.DEVELOPING,
            origin=MicroCredential.Origin.PACKAGED,
            stack=stack,
            tags=item["tags"],
            grade_band=MicroCredential.GradeBand.ALL,
        )
        _add_criteria(
            entry,
            admin=admin,
            criteria=item["criteria"],
            evidence=evidence,
            levels=NOT_YET_DEMONSTRATED,
            passing_score=DEMONSTRATED,
        )
        services.rubric_update(
            microcredential=entry, actor=admin, passing_rule=Rubric.PassingRule.ALL
        )
        services.microcredential_publish(microcredential=entry, actor=admin)

    arkansas = services.microcredential_create(
        actor=admin,
        title=ARKANSAS["title"],
        competency=ARKANSAS["competency"],
        key_method=ARKANSAS["key_method"],
        method_components=ARKANSAS["method_components"],
        research_and_resources=ARKANSAS["research_and_resources"],
        submission_guidelines=ARKANSAS["submission_guidelines"],
        evidence_types=[evidence[name] for name in ARKANSAS["evidence"]],
        estimated_hours=12,
        pd_points=1,
        rigor=MicroCredential.Rigor.PROFICIENT,
        origin=MicroCredential.Origin.PACKAGED,
        tags="formative assessment, checking for understanding, exit tickets, Arkansas DESE",
        grade_band=MicroCredential.GradeBand.ALL,
    )
    _add_criteria(
        arkansas,
        admin=admin,
        criteria=ARKANSAS["criteria"],
        evidence=evidence,
        levels=FOUR_POINT,
        passing_score=3,
    )
    services.rubric_update(
        microcredential=arkansas, actor=admin, passing_rule=Rubric.PassingRule.ALL
    )
    services.microcredential_publish(microcredential=arkansas, actor=admin)

    goal_setting = services.microcredential_create(
        actor=admin,
        title=GOAL_SETTING["title"],
        competency=GOAL_SETTING["competency"],
        key_method=GOAL_SETTING["key_method"],
        method_components=GOAL_SETTING["method_components"],
        research_and_resources=GOAL_SETTING["research"],
        submission_guidelines=(
            "Submit the success criteria, three students' trackers (names removed) and a "
            "reflection on what changed for your students."
        ),
        evidence_types=[evidence[name] for name in GOAL_SETTING["evidence"]],
        estimated_hours=12,
        pd_points=Decimal("1.5"),
        rigor=MicroCredential.Rigor.DEVELOPING,
        origin=MicroCredential.Origin.PACKAGED,
        tags=GOAL_SETTING["tags"],
        grade_band=MicroCredential.GradeBand.ALL,
    )
    _add_criteria(
        goal_setting,
        admin=admin,
        criteria=GOAL_SETTING["criteria"],
        evidence=evidence,
        levels=NOT_YET_DEMONSTRATED,
        passing_score=DEMONSTRATED,
    )
    services.rubric_update(
        microcredential=goal_setting, actor=admin, passing_rule=Rubric.PassingRule.ALL
    )
    services.microcredential_publish(microcredential=goal_setting, actor=admin)

    kansas = services.microcredential_create(
        actor=admin,
        title=KANSAS_TEMPLATE["title"],
        competency=KANSAS_TEMPLATE["competency"],
        key_method=KANSAS_TEMPLATE["key_method"],
        method_components=KANSAS_TEMPLATE["method_components"],
        research_and_resources=KANSAS_TEMPLATE["research_and_resources"],
        submission_guidelines=KANSAS_TEMPLATE["submission_guidelines"],
        evidence_types=[evidence[name] for name in KANSAS_TEMPLATE["evidence"]],
        estimated_hours=30,
        pd_points=3,
        rigor=MicroCredential.Rigor.PROFICIENT,
        origin=MicroCredential.Origin.EDUCATOR,
        tags="self-designed, personalized, Kansas, five components",
        grade_band=MicroCredential.GradeBand.ALL,
    )
    _add_criteria(
        kansas,
        admin=admin,
        criteria=KANSAS_TEMPLATE["criteria"],
        evidence=evidence,
        levels=NOT_YET_DEMONSTRATED,
        passing_score=DEMONSTRATED,
    )
    services.microcredential_publish(microcredential=kansas, actor=admin)

    # A revision after publishing: version 1 stays for plans started on it.
    engaged = MicroCredential.objects.get(
        district=district, title="Aspects of an Engaged Classroom", status="published"
    )
    services.microcredential_update(
        microcredential=engaged,
        actor=admin,
        estimated_hours=12,
        tags="engagement, participation, management, active learning",
    )

    # An unfinished draft, to show the admin's publish checklist.
    services.microcredential_create(
        actor=admin,
        title="Family Partnerships for Early Literacy",
        competency=(
            "The educator partners with families to support reading at home for students "
            "in grades K–3."
        ),
        key_method="Plan family literacy nights and a two-way home reading log.",
        origin=MicroCredential.Origin.DISTRICT,
        grade_band=MicroCredential.GradeBand.PREK_2,
        tags="literacy, families, reading",
    )
