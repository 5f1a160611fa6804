"""Plan and submission factories; ``complete_plan`` fills every part pre-approval requires."""

import factory

from accounts.models import DistrictGoal
from submissions.models import Plan, PlanSource, Submission
from tests.accounts.factories import EducatorFactory
from tests.credentials.factories import MicroCredentialFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    lead = factory.SubFactory(EducatorFactory)
    district = factory.SelfAttribute("lead.district")
    microcredential = factory.SubFactory(
        MicroCredentialFactory, district=factory.SelfAttribute("..district")
    )


class SubmissionFactory(factory.django.DjangoModelFactory):
    """The lead's own submission of a new plan, unless ``plan`` and ``educator`` are given."""

    class Meta:
        model = Submission

    plan = factory.SubFactory(PlanFactory)
    educator = factory.SelfAttribute("plan.lead")
    district = factory.SelfAttribute("plan.district")


class PlanSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanSource

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n)
    citation = factory.Sequence(
        lambda n: f"Author {n}, A. (2020). A study of classroom routines, part {n}. Journal."
    )
    kind = PlanSource.Kind.ARTICLE
    url = factory.Sequence(lambda n: f"https://example.org/research/{n}")
    learned = "Explicitly taught routines reduce lost instructional time."


def complete_plan(plan: Plan) -> Plan:
    """Fill the Overview, three sources, Implementation and Impact measures of ``plan``."""
    plan.rationale = "Transitions eat ten minutes of every lesson in my third-grade class."
    plan.hypothesis = "Teaching routines explicitly will halve transition time within six weeks."
    plan.personal_goal = "Spend more of each lesson on instruction."
    plan.building_goal = "Fewer office referrals from classrooms."
    plan.actions = "Teach, model and practise three routines; reinforce them daily."
    plan.setting = Plan.Setting.CLASSROOM
    plan.timeline = "Six weeks, from the first week of February."
    plan.affected = "24 third-grade students."
    plan.impact_measures = "Time transitions with a stopwatch before and after; count referrals."
    plan.save()
    goal = DistrictGoal.objects.create(district=plan.district, title="Safe classrooms")
    plan.district_goals.add(goal)
    for _ in range(3):
        PlanSourceFactory(plan=plan)
    return plan
