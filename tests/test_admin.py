"""Django admin for plans, submissions, evidence, program rules and exports: staff find the
records by district and by search; lists read in a fixed number of queries; nothing there writes
(the services own every change)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from artifacts.models import Artifact, ArtifactAccess
from reports.models import ExportJob
from submissions.models import Attempt, PlanRevision
from tests.accounts.factories import EducatorFactory
from tests.programs.factories import CreditRuleFactory, ProgramCycleFactory, RenewalRuleFactory
from tests.submissions.factories import PlanSourceFactory, SubmissionFactory

MODELS = [
    "submissions.plan",
    "submissions.submission",
    "submissions.planrevision",
    "artifacts.artifact",
    "artifacts.artifactaccess",
    "programs.programcycle",
    "programs.creditrule",
    "programs.renewalrule",
    "reports.exportjob",
]


def make_records(district) -> dict:
    """One record of each model in ``district``, each found by searching for the returned term
    (an educator's e-mail address, which is unique)."""
    educator = EducatorFactory(district=district)
    term = educator.email
    submission = SubmissionFactory(plan__lead=educator)
    plan = submission.plan
    PlanSourceFactory(plan=plan)
    Attempt.objects.create(submission=submission, number=1)
    artifact = Artifact.objects.create(
        district=district,
        submission=submission,
        title="Exit tickets, week 3",
        kind=Artifact.Kind.LINK,
        url="https://example.org/exit-tickets",
        status=Artifact.Status.ACCEPTED,
        uploaded_by=educator,
    )
    cycle = ProgramCycleFactory(district=district, name=f"Spring, {term}")
    records = {
        "submissions.plan": plan,
        "submissions.submission": submission,
        "submissions.planrevision": PlanRevision.objects.create(
            plan=plan, author=educator, version=2, snapshot={}
        ),
        "artifacts.artifact": artifact,
        "artifacts.artifactaccess": ArtifactAccess.objects.create(
            artifact=artifact, district=district, user=educator
        ),
        "programs.programcycle": cycle,
        "programs.creditrule": CreditRuleFactory(district=district, note=f"Salary step, {term}"),
        "programs.renewalrule": RenewalRuleFactory(
            district=district, first_cycle=cycle, name=f"Renewal, {term}"
        ),
        "reports.exportjob": ExportJob.objects.create(
            district=district, requested_by=educator, dataset="completions", file_format="csv"
        ),
    }
    return records, term


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_{view}", args=args)


def change_url(record) -> str:
    return admin_url(record._meta.label_lower, "change", record.pk)


@pytest.fixture
def staff_client(client, db):
    client.force_login(User.objects.create_superuser(email="staff@example.org", password="x"))
    return client


@pytest.fixture
def records(district, other_district):
    return make_records(district), make_records(other_district)


@pytest.mark.parametrize("model", MODELS)
def test_staff_find_a_record_by_its_district_and_by_search(staff_client, district, records, model):
    (ours, term), (theirs, _) = ((by_model[model], term) for by_model, term in records)
    # Each list's first filter is its district (a plan revision's is its plan's).
    district_filter = admin.site._registry[ours.__class__].list_filter[0]

    by_district = staff_client.get(
        admin_url(model, "changelist"), {f"{district_filter}__id__exact": district.pk}
    )
    by_search = staff_client.get(admin_url(model, "changelist"), {"q": term})

    for response in (by_district, by_search):
        assert response.status_code == 200
        assert change_url(ours) in response.content.decode()
        assert change_url(theirs) not in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_staff_read_a_record_but_cannot_add_change_or_delete(staff_client, records, model):
    record = records[0][0][model]

    page = staff_client.get(change_url(record))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    assert staff_client.get(admin_url(model, "add")).status_code == 403
    assert staff_client.post(change_url(record), {}).status_code == 403
    assert staff_client.get(admin_url(model, "delete", record.pk)).status_code == 403
    assert record.__class__.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", MODELS)
def test_a_list_reads_in_the_same_number_of_queries_however_many_rows(
    staff_client, district, other_district, model
):
    make_records(district)
    with CaptureQueriesContext(connection) as one_row:
        assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    make_records(district)
    make_records(other_district)
    with CaptureQueriesContext(connection) as three_rows:
        assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert len(three_rows) == len(one_row)


def test_people_who_are_not_staff_are_sent_to_the_admin_sign_in(client, district_admin):
    client.force_login(district_admin)
    response = client.get(admin_url("submissions.submission", "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_sign_in_goes_through_allauth_and_its_second_factor(client, db):
    """Django's own admin password form would sign staff in without their second factor and
    past allauth's rate limits: it sends everyone to allauth's sign-in, and signs no one in."""
    User.objects.create_superuser(email="staff@example.org", password="right-password-1")
    response = client.get(reverse("admin:login"), {"next": "/django-admin/"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fdjango-admin%2F"
    response = client.post(
        reverse("admin:login"),
        {"username": "staff@example.org", "password": "right-password-1", "next": "/django-admin/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
