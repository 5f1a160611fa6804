"""In Chromium: an educator moves from North to South, two districts of one state. South's admin
invites her at her personal address; she signs in with it, accepts, and finds her portfolio whole
(North's certificate, still North's) and her re-licensure progress counting both districts'
awards. The plan she was carrying out in North was closed by the move: she finds it, reads it,
and starts it again in South with her text."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from outbox.models import Mail
from tests.accounts.factories import (
    PASSWORD,
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    StateFactory,
)
from tests.programs.factories import ProgramCycleFactory, RenewalRuleFactory
from tests.reports.factories import earned_submission
from tests.reviews.factories import submission_in

pytestmark = [pytest.mark.browser]
HOME_ADDRESS = "rosa@home.example.net"


@pytest.fixture
def state(transactional_db):
    """North and South, one state; South asks two micro-credentials within two semesters."""
    kansas = StateFactory(name="Kansas")
    north = DistrictFactory(state=kansas, name="North USD")
    south = DistrictFactory(state=kansas, name="South USD")
    today = timezone.localdate()
    fall = ProgramCycleFactory(
        district=south, starts_on=today - dt.timedelta(days=200), ends_on=today
    )
    ProgramCycleFactory(
        district=south,
        starts_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=150),
    )
    RenewalRuleFactory(
        district=south,
        name="License renewal",
        first_cycle=fall,
        window_cycles=2,
        effective_from=today - dt.timedelta(days=400),
    )
    rosa = EducatorFactory(district=north, first_name="Rosa", email="rosa@north.example.org")
    EmailAddress.objects.create(user=rosa, email=HOME_ADDRESS, verified=True)
    north_award = earned_submission(educator=rosa, decided_on=today - dt.timedelta(days=30)).award
    under_way = submission_in("in_progress", educator=rosa)
    return {
        "rosa": rosa,
        "under_way": under_way,
        "north_award": north_award,
        "south": south,
        "south_admin": DistrictAdminFactory(district=south, email="admin@south.example.org"),
    }


def test_an_educator_moves_and_keeps_her_portfolio_and_progress(
    page, live_server, browser_sign_in, state
):
    expect.set_options(timeout=20_000)
    browser_sign_in(page, live_server, "admin@south.example.org", PASSWORD)
    page.get_by_role("link", name="People, invitations and roster import").click()
    page.get_by_role("link", name="Invite from another district").click()
    page.get_by_label("Their e-mail address").fill(HOME_ADDRESS)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("If an educator of another district")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    mail = Mail.objects.get(to=["rosa@north.example.org"])
    link = re.search(r"https?://\S+(/district/moves/\S+/)", mail.text).group(1)
    browser_sign_in(page, live_server, HOME_ADDRESS, PASSWORD)
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Move to South USD")
    page.get_by_role("button", name="Accept and move to South USD").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome to South USD")
    rosa = User.objects.get(pk=state["rosa"].pk)
    assert rosa.district == state["south"]

    # Her first award in South, decided after the move.
    south_award = earned_submission(educator=rosa, decided_on=timezone.localdate()).award
    page.goto(f"{live_server.url}/plans/")
    progress = page.locator(".educator-progress")
    expect(progress).to_contain_text("License renewal")
    expect(progress).to_contain_text("2 of 2")

    # Her plan under way in North: closed by the move, listed here, hers to read.
    title = state["under_way"].plan.title
    left = page.get_by_role("region", name="Plans from North USD")
    left.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".left-behind")).to_contain_text(
        "this plan stays with North USD’s records and can no longer be changed"
    )
    expect(page.get_by_text(state["under_way"].plan.rationale)).to_be_visible()
    page.get_by_role("button", name="Start this plan in South USD").click()
    expect(page.locator(".messages")).to_contain_text("Your plan is started in South USD")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_label("Rationale")).to_have_value(state["under_way"].plan.rationale)
    expect(page.locator(".left-behind")).to_have_count(0)

    page.get_by_role("link", name="My badges").click()
    cards = page.locator(".award-card")
    expect(cards).to_have_count(2)
    north_card = cards.filter(has_text=state["north_award"].microcredential.title)
    expect(north_card).to_contain_text("Issued by North USD")
    expect(cards.filter(has_text=south_award.microcredential.title)).to_contain_text(
        "Issued by South USD"
    )
    north_card.get_by_role("link", name="Verification page").click()
    expect(page.locator("body")).to_contain_text("North USD")
