"""The completeness check: exactly what is missing, per component."""

from submissions.models import Plan
from submissions.selectors import plan_missing
from tests.submissions.factories import PlanFactory, PlanSourceFactory, complete_plan


def test_an_empty_plan_lists_every_missing_part_per_component(db):
    plan = PlanFactory()
    assert plan_missing(plan) == [
        (
            "Overview",
            [
                "Write the rationale.",
                "Write the hypothesis or purpose.",
                "Tie the plan to a personal goal.",
                "Tie the plan to a building goal.",
                "Choose at least one district goal (or describe the tie in the notes).",
            ],
        ),
        ("Basis of Knowledge", ["Add at least 3 research sources (0 so far)."]),
        (
            "Implementation",
            [
                "Describe the job-embedded actions.",
                "Choose the setting (classroom, building or district).",
                "Give the timeline.",
                "Say which students or staff are affected.",
            ],
        ),
        ("Impact", ["Describe how you will measure the impact."]),
    ]


def test_a_complete_plan_misses_nothing(db):
    assert plan_missing(complete_plan(PlanFactory())) == []


def test_whitespace_is_not_text_and_each_source_needs_what_was_learned(db):
    plan = complete_plan(PlanFactory())
    plan.timeline = "   \n"
    plan.save()
    source = plan.sources.all()[1]
    source.learned = ""
    source.save()
    assert plan_missing(plan) == [
        ("Basis of Knowledge", ["Say what you learned from source 2."]),
        ("Implementation", ["Give the timeline."]),
    ]


def test_two_sources_are_not_enough_and_goal_notes_can_stand_for_the_list(db):
    plan = complete_plan(PlanFactory())
    plan.sources.first().delete()
    plan.district_goals.clear()
    assert (
        "Overview",
        ["Choose at least one district goal (or describe the tie in the notes)."],
    ) in plan_missing(plan)
    Plan.objects.filter(pk=plan.pk).update(district_goal_notes="Our literacy initiative.")
    plan.refresh_from_db()
    assert plan_missing(plan) == [
        ("Basis of Knowledge", ["Add at least 3 research sources (2 so far)."])
    ]
    PlanSourceFactory(plan=plan)
    assert plan_missing(plan) == []
