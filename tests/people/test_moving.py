"""An educator moves from one district of a state to another: one account, memberships with
dates, an invitation the person accepts, and what each district sees afterwards."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, MoveInvitation, User
from accounts.services import (
    LicenseError,
    district_settings_update,
    license_number_set,
    user_create,
)
from badges import selectors as badge_selectors
from outbox.models import Mail
from people import services
from people.services import PeopleError
from reports import selectors as report_selectors
from reports.selectors import ReportFilters
from submissions.models import Submission
from tests.accounts.factories import (
    PASSWORD,
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    StateFactory,
)
from tests.programs.factories import CreditRuleFactory, ProgramCycleFactory, RenewalRuleFactory
from tests.reports.factories import PlanFactory, SubmissionFactory, earned_submission
from webhooks.models import EventType, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def kansas():
    return StateFactory(name="Kansas", slug="kansas")


@pytest.fixture
def north(kansas):
    return DistrictFactory(state=kansas, name="North USD", slug="north")


@pytest.fixture
def south(kansas):
    return DistrictFactory(state=kansas, name="South USD", slug="south")


@pytest.fixture
def north_admin(north):
    return DistrictAdminFactory(district=north, email="admin@north.example.org")


@pytest.fixture
def south_admin(south):
    return DistrictAdminFactory(district=south, email="admin@south.example.org")


@pytest.fixture
def mover(north):
    person = user_create(
        district=north,
        email="pat@north.example.org",
        first_name="Pat",
        last_name="Mover",
        password=PASSWORD,
        is_educator=True,
        email_verified=True,
    )
    EmailAddress.objects.create(user=person, email="pat@home.example.net", verified=True)
    return person


def invite(admin, **lookup) -> MoveInvitation | None:
    return services.move_invite(actor=admin, roles=["educator"], **lookup)


def moved(mover, south_admin) -> User:
    invitation = invite(south_admin, email="pat@home.example.net")
    services.person_move(invitation=invitation, actor=mover)
    mover.refresh_from_db()
    return mover


# --- Memberships ----------------------------------------------------------------------------------


def test_a_new_person_has_one_open_membership_with_their_roles(mover, north):
    membership = Membership.objects.get(user=mover)
    assert (membership.district, membership.roles, membership.ended_on) == (
        north,
        ["educator"],
        None,
    )


def test_the_database_refuses_a_second_open_membership(mover, south):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=mover, district=south, started_on=TODAY)


def test_the_migration_gives_everyone_in_a_district_their_membership(north):
    person = EducatorFactory(district=north, is_reviewer=True)  # made without the service
    assert not Membership.objects.filter(user=person).exists()
    migration = importlib.import_module("accounts.migrations.0007_memberships_of_existing_people")
    migration.memberships_create(apps, None)
    migration.memberships_create(apps, None)  # run twice: nobody gets a second one
    membership = Membership.objects.get(user=person)
    assert membership.district == north and membership.roles == ["educator", "reviewer"]


def test_changing_roles_keeps_the_open_membership_in_step(mover, north_admin):
    services.person_update(
        person=mover,
        actor=north_admin,
        first_name="Pat",
        last_name="Mover",
        building=None,
        is_educator=True,
        is_reviewer=True,
        is_district_admin=False,
    )
    assert Membership.objects.get(user=mover).roles == ["educator", "reviewer"]


# --- License numbers ------------------------------------------------------------------------------


def test_a_license_number_is_unique_in_the_state_not_across_states(mover, north, kansas):
    license_number_set(person=mover, number=" ks-1234 ", actor=mover)
    mover.refresh_from_db()
    assert (mover.license_number, mover.license_state) == ("KS-1234", kansas)
    colleague = EducatorFactory(district=DistrictFactory(state=kansas))
    with pytest.raises(LicenseError, match="already on another account in your state"):
        license_number_set(person=colleague, number="KS-1234", actor=colleague)
    elsewhere = EducatorFactory(district=DistrictFactory(state=StateFactory()))
    license_number_set(person=elsewhere, number="KS-1234", actor=elsewhere)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=colleague.pk).update(license_number="KS-1234", license_state=kansas)


def test_the_districts_admin_may_set_it_another_districts_may_not(mover, north_admin, south_admin):
    license_number_set(person=mover, number="KS-9", actor=north_admin)
    with pytest.raises(PermissionDenied):
        license_number_set(person=mover, number="KS-10", actor=south_admin)
    mover.refresh_from_db()
    assert mover.license_number == "KS-9"
    assert AuditEvent.objects.filter(action="person.license_changed", target_id=mover.pk).count()


def test_no_license_number_outside_a_state(educator):
    with pytest.raises(LicenseError, match="belongs to no state"):
        license_number_set(person=educator, number="X1", actor=educator)


def test_the_person_sets_it_on_their_account_page(client, mover):
    client.force_login(mover)
    response = client.post(reverse("accounts:license_number"), {"license_number": "KS-77"})
    assert response.status_code == 302
    mover.refresh_from_db()
    assert mover.license_number == "KS-77"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "North USD" in page and reverse("account_email") in page


def test_a_taken_number_is_refused_beside_the_field_and_nothing_changes(client, mover, north):
    other = EducatorFactory(district=north)
    license_number_set(person=other, number="KS-5", actor=other)
    client.force_login(mover)
    response = client.post(reverse("accounts:license_number"), {"license_number": "ks-5"})
    assert response.status_code == 400
    assert "already on another account" in response.content.decode()
    mover.refresh_from_db()
    assert mover.license_number == ""


def test_the_admin_sets_it_on_the_person_page(client, mover, north_admin):
    client.force_login(north_admin)
    response = client.post(
        reverse("people:person_edit", args=[mover.pk]),
        {"first_name": "Pat", "last_name": "Mover", "is_educator": "on", "license_number": "K1"},
    )
    assert response.status_code == 302
    mover.refresh_from_db()
    assert mover.license_number == "K1"


# --- Signing in with any verified address ---------------------------------------------------------


def test_sign_in_with_the_personal_address(client, mover):
    response = client.post(
        reverse("account_login"), {"login": "pat@home.example.net", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"] == mover


def test_an_unverified_address_does_not_sign_in(client, mover):
    EmailAddress.objects.create(user=mover, email="pat@unverified.example.net", verified=False)
    client.post(
        reverse("account_login"), {"login": "pat@unverified.example.net", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session


def test_the_address_page_adds_an_address_to_verify(client, mover):
    client.force_login(mover)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "pat@third.example.net"}
    )
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="pat@third.example.net").verified is False


# --- The invitation -------------------------------------------------------------------------------


def test_an_admin_invites_by_personal_address_or_license_number(mover, south_admin):
    license_number_set(person=mover, number="KS-42", actor=mover)
    by_address = invite(south_admin, email="PAT@home.example.net")
    by_license = invite(south_admin, license_number="ks-42")
    assert by_address.person == mover and by_license.person == mover
    mail = Mail.objects.filter(to=[mover.email]).latest("id")
    assert "South USD" in mail.subject
    assert reverse("people:move_accept", args=[by_license.token]) in mail.text


def test_nobody_outside_the_state_is_invited_and_the_admin_cannot_tell(
    client, mover, south_admin, kansas
):
    stranger = EducatorFactory(district=DistrictFactory(state=StateFactory()))
    EmailAddress.objects.filter(user=stranger).update(verified=True)
    unverified = EducatorFactory(district=DistrictFactory(state=kansas))
    EmailAddress.objects.create(user=unverified, email="maybe@home.example.net", verified=False)
    client.force_login(south_admin)
    answers = set()
    for email in (stranger.email, "nobody@example.net", "maybe@home.example.net", mover.email):
        response = client.post(
            reverse("people:move_invite"), {"email": email, "roles": ["educator"]}, follow=True
        )
        answers.add(str(list(response.context["messages"])[0]))
    assert len(answers) == 1
    assert MoveInvitation.objects.get().person == mover
    assert not Mail.objects.filter(to=[stranger.email]).exists()


def test_someone_already_here_is_named_as_such(mover, north_admin):
    with pytest.raises(PeopleError, match="already in your district"):
        invite(north_admin, email=mover.email)


def test_a_district_of_no_state_cannot_invite(client, district_admin, mover):
    with pytest.raises(PeopleError, match="no state"):
        invite(district_admin, email=mover.email)
    client.force_login(district_admin)
    assert "belongs to no state" in client.get(reverse("people:move_invite")).content.decode()


def test_the_form_asks_for_one_of_address_or_number(client, south_admin):
    client.force_login(south_admin)
    response = client.post(reverse("people:move_invite"), {"roles": ["educator"]})
    assert response.status_code == 200
    assert "Give their e-mail address or their license number" in response.content.decode()
    assert not MoveInvitation.objects.exists()


# --- The move -------------------------------------------------------------------------------------


def test_accepting_ends_one_membership_and_starts_the_next(
    client, mover, north, south, south_admin, django_capture_on_commit_callbacks
):
    WebhookSubscription.objects.create(
        district=north, url="https://hr.north.example/hook", events=[EventType.PERSON_MOVED]
    )
    WebhookSubscription.objects.create(
        district=south, url="https://hr.south.example/hook", events=[EventType.PERSON_MOVED]
    )
    invitation = invite(south_admin, email=mover.email)
    client.force_login(mover)
    url = reverse("people:move_accept", args=[invitation.token])
    assert "leaving North USD" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    mover.refresh_from_db()
    assert mover.district == south and mover.is_educator
    old, new = Membership.objects.filter(user=mover).order_by("started_on", "id")
    assert (old.district, old.ended_on) == (north, TODAY)
    assert (new.district, new.ended_on, new.roles) == (south, None, ["educator"])
    audited = AuditEvent.objects.filter(action="person.moved", target_id=mover.pk)
    assert {e.district for e in audited} == {north, south}
    deliveries = WebhookDelivery.objects.filter(event_type=EventType.PERSON_MOVED)
    assert {d.subscription.district for d in deliveries} == {north, south}
    assert deliveries[0].payload["data"]["to_district"]["slug"] == "south"
    assert Mail.objects.filter(subject__startswith="You have moved to South USD").exists()
    assert client.post(url).status_code == 404  # accepted: the link is spent


def test_another_persons_invitation_is_not_found(client, mover, south_admin, north):
    invitation = invite(south_admin, email=mover.email)
    client.force_login(EducatorFactory(district=north))
    url = reverse("people:move_accept", args=[invitation.token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.person_move(invitation=invitation, actor=south_admin)


def test_an_expired_invitation_is_refused_and_nothing_moves(client, mover, north, south_admin):
    invitation = invite(south_admin, email=mover.email)
    MoveInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(mover)
    response = client.post(reverse("people:move_accept", args=[invitation.token]))
    assert response.status_code == 400 and "has expired" in response.content.decode()
    mover.refresh_from_db()
    assert mover.district == north
    assert Membership.objects.filter(user=mover).count() == 1


def test_a_person_without_a_membership_row_still_moves(south_admin, north):
    person = EducatorFactory(district=north)
    invitation = invite(south_admin, email=person.email)
    services.person_move(invitation=invitation, actor=person)
    assert [m.ended_on is None for m in Membership.objects.filter(user=person)] == [False, True]


# --- After the move -------------------------------------------------------------------------------


def test_the_portfolio_stays_whole_and_each_award_keeps_its_issuer(client, mover, south_admin):
    old = earned_submission(educator=mover, decided_on=TODAY - timedelta(days=30))
    waiting = SubmissionFactory(
        plan=PlanFactory(district=mover.district, lead=mover),
        educator=mover,
        status=Submission.Status.EARNED,
        decided_at=timezone.now(),
    )
    moved(mover, south_admin)
    awards = list(badge_selectors.awards_for_educator(mover))
    assert [a.district.name for a in awards] == ["North USD"]
    client.force_login(mover)
    page = client.get(reverse("badges:portfolio"))
    assert old.plan.microcredential.title in page.content.decode()
    assert list(page.context["preparing"]) == [waiting]
    progress = reverse("badges:issuance_progress", args=[waiting.pk])
    assert client.get(progress).status_code == 200
    verify = client.get(reverse("badges:verify", args=[awards[0].uuid]))
    assert verify.status_code == 200 and "North USD" in verify.content.decode()


def two_semesters(district):
    fall = ProgramCycleFactory(
        district=district, starts_on=TODAY - timedelta(days=200), ends_on=TODAY - timedelta(1)
    )
    ProgramCycleFactory(district=district, starts_on=TODAY, ends_on=TODAY + timedelta(days=150))
    RenewalRuleFactory(
        district=district,
        first_cycle=fall,
        required_count=2,
        window_cycles=2,
        effective_from=TODAY - timedelta(days=400),
    )


def test_relicensure_counts_the_awards_of_both_districts(mover, north, south, south_admin):
    two_semesters(south)
    earned_submission(educator=mover, decided_on=TODAY - timedelta(days=20))
    moved(mover, south_admin)
    earned_submission(educator=mover, decided_on=TODAY, district=south)
    outside = earned_submission(
        educator=mover, decided_on=TODAY, district=DistrictFactory(state=StateFactory())
    )
    progress = report_selectors.educator_progress(user=mover)
    assert progress["renewal"]["earned_total"] == 2 and progress["renewal"]["met"]
    report = report_selectors.relicensure(district=south, filters=ReportFilters())
    assert [p.renewal for p in report["people"] if p.pk == mover.pk] == ["met"]
    assert outside.district.state_id != south.state_id


def test_the_old_district_keeps_its_records_and_does_not_see_the_new_work(
    client, mover, north_admin, south_admin
):
    old_plan = SubmissionFactory(plan=PlanFactory(district=mover.district, lead=mover))
    old_award = earned_submission(educator=mover, decided_on=TODAY - timedelta(days=5)).award
    moved(mover, south_admin)
    new_plan = SubmissionFactory(plan=PlanFactory(district=mover.district, lead=mover))

    def feedback(admin, submission) -> int:
        client.force_login(admin)
        return client.get(reverse("reviews:feedback", args=[submission.pk])).status_code

    assert feedback(north_admin, old_plan) == 200
    assert feedback(north_admin, new_plan) == 404
    assert feedback(south_admin, new_plan) == 200
    assert feedback(south_admin, old_plan) == 404
    assert list(badge_selectors.awards_for_district(north_admin)) == [old_award]
    assert not badge_selectors.awards_for_district(south_admin).exists()
    client.force_login(north_admin)
    assert client.get(reverse("people:person_edit", args=[mover.pk])).status_code == 404
    # The new district sees the award on the person's page, never the old plan.
    client.force_login(south_admin)
    page = client.get(reverse("people:person_edit", args=[mover.pk]))
    assert [a.pk for a in page.context["awards"]] == [old_award.pk]
    assert old_plan.plan.title not in page.content.decode()
    # The person reads their old plan (closed by the move), and changes nothing of it.
    client.force_login(mover)
    page = client.get(reverse("submissions:detail", args=[old_plan.pk]))
    assert page.status_code == 200
    assert "can no longer be changed" in page.content.decode()
    assert "plan_form" not in page.context
    assert client.get(reverse("submissions:detail", args=[new_plan.pk])).status_code == 200


def test_each_district_lists_the_salary_it_agreed_to_pay(mover, north, south, south_admin):
    CreditRuleFactory(district=north, salary_amount=300)
    CreditRuleFactory(district=south, salary_amount=500)
    old = earned_submission(educator=mover, decided_on=TODAY - timedelta(days=20))
    moved(mover, south_admin)
    new = earned_submission(educator=mover, decided_on=TODAY, district=south)

    def ledger(district):
        rows = report_selectors.salary_ledger(district=district, filters=ReportFilters())
        return {row.pk: row.salary for row in rows}

    assert ledger(north) == {old.pk: Decimal("300")}
    assert ledger(south) == {new.pk: Decimal("500")}
    assert report_selectors.educator_progress(user=mover)["salary_total"] == Decimal("500")
    district_settings_update(district=south, actor=south_admin, accept_state_awards_for_salary=True)
    assert ledger(south) == {new.pk: Decimal("500"), old.pk: Decimal("500")}
    assert ledger(north) == {old.pk: Decimal("300")}
    mover.district.refresh_from_db()
    assert report_selectors.educator_progress(user=mover)["salary_total"] == Decimal("1000")
    totals = report_selectors.salary_totals(district=south, filters=ReportFilters())
    assert totals["total_salary"] == Decimal("1000")
