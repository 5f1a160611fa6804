"""Every journey a district lives, in Chromium, through pages and clicks alone.

An educator picks a catalog entry, drafts the plan and submits it; a reviewer asks for changes;
the educator reads the comment on the plan page, revises and submits again; the reviewer, who
sees what changed, approves. The educator uploads evidence, writes the results and reflection
and submits them; two reviewers score, one says "not yet", the chair decides; the educator reads
why on the plan page, adds evidence and resubmits; both reviewers pass it. The certificate and
badge are linked from the plan and the portfolio, the verification page says valid, the admin's
ledger counts it; the admin revokes it and it stops counting.

One browser context per person, each signed in once. Every page is checked with axe (nothing
serious or critical); the educator's pages also at 390 px wide (no sideways scrolling).
Screenshots of each step go to ``test-results/journey/``.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import DistrictGoal, User
from artifacts.forms import PRIVACY_CONSENT, PRIVACY_NO_IDENTIFYING
from badges.models import Award
from credentials.models import EvidenceType, Rubric
from submissions.models import Submission
from tests.accounts.factories import (
    PASSWORD,
    BuildingFactory,
    DistrictAdminFactory,
    DistrictFactory,
    EducatorFactory,
    ReviewerFactory,
)
from tests.artifacts.conftest import png_bytes
from tests.credentials.factories import (
    EvidenceTypeFactory,
    MicroCredentialFactory,
    RubricCriterionFactory,
)
from tests.reviews.factories import PanelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results/journey")
NARROW = 390
WIDE = {"width": 1280, "height": 900}
ENTRY = "Classroom routines"
PLAN = "Calm transitions in grade 3"
TAUGHT = "Routines are taught explicitly"
MEASURED = "Instructional time is measured"
CHANGES = "Say how often you will time the transitions, and against which baseline."
NOT_YET = "The timings for the second routine are missing."
REVOKED = "Issued in error: the evidence belongs to another plan."


@pytest.fixture(autouse=True)
def patient_expect():
    """The machine running the suite is shared: give each page time to answer."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@dataclass
class District:
    educator: User
    first_reviewer: User
    second_reviewer: User
    chair: User
    admin: User


@pytest.fixture
def district(transactional_db) -> District:
    """A district with a panel of two reviewers and a chair, a catalog entry with a rubric of two
    criteria and an evidence type for photos, an educator and an admin."""
    district = DistrictFactory(name="Prairie View USD", slug="prairie-view", max_attempts=3)
    north = BuildingFactory(district=district, name="North Elementary")
    south = BuildingFactory(district=district, name="South Middle")
    DistrictGoal.objects.create(district=district, title="Safe and supportive classrooms")
    people = District(
        educator=EducatorFactory(
            district=district,
            building=north,
            email="elena@pv.example.org",
            first_name="Elena",
            last_name="Ruiz",
        ),
        first_reviewer=ReviewerFactory(
            district=district,
            building=south,
            email="omar@pv.example.org",
            first_name="Omar",
            last_name="Haddad",
        ),
        second_reviewer=ReviewerFactory(
            district=district,
            building=south,
            email="june@pv.example.org",
            first_name="June",
            last_name="Park",
        ),
        chair=ReviewerFactory(
            district=district,
            building=south,
            email="ruth@pv.example.org",
            first_name="Ruth",
            last_name="Okafor",
        ),
        admin=DistrictAdminFactory(
            district=district, email="admin@pv.example.org", first_name="Pat", last_name="Lee"
        ),
    )
    PanelFactory(
        district=district,
        name="Elementary panel",
        chair=people.chair,
        members=[people.first_reviewer, people.second_reviewer],
    )
    photos = EvidenceTypeFactory(
        district=district,
        name="Photos of student work",
        accepts=EvidenceType.FileFamily.IMAGE,
        description="Charts, anchor posters, student work.",
    )
    entry = MicroCredentialFactory(
        district=district,
        title=ENTRY,
        competency="The educator teaches, models and reinforces classroom routines that give "
        "back instructional time.",
        pd_points=1.5,
        criteria=0,
        evidence_types=[photos],
    )
    rubric = Rubric.objects.create(microcredential=entry)
    RubricCriterionFactory(rubric=rubric, position=0, title=TAUGHT)
    RubricCriterionFactory(rubric=rubric, position=1, title=MEASURED)
    return people


WIDER_THAN_THE_SCREEN = """(limit) => Array.from(document.querySelectorAll("body *"))
    .filter((e) => e.getBoundingClientRect().right > limit)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : "")
        + " " + Math.round(e.getBoundingClientRect().right))
    .slice(-8)"""


class Person:
    """One person's browser context, signed in once; every page they see is checked."""

    def __init__(self, browser, context_args, live_server, user: User, role: str, shots: list):
        self.context = browser.new_context(**{**context_args, "viewport": WIDE})
        self.page: Page = self.context.new_page()
        self.server = live_server
        self.role = role
        self.shots = shots
        self.page.goto(f"{live_server.url}/accounts/login/")
        self.page.get_by_label("E-mail address").fill(user.email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()

    def check(self, step: str, axe, narrow: bool = False) -> None:
        """Screenshot the page, run axe on it and, for the educator's pages, look at it 390 px
        wide too: nothing may scroll sideways."""
        page = self.page
        page.wait_for_load_state("load")
        number = len(self.shots) + 1
        name = f"{number:02d}-{self.role}-{step}"
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
        self.shots.append(name)
        assert axe(page) == [], f"axe on {step}"
        if narrow:
            page.set_viewport_size({"width": NARROW, "height": 900})
            width = page.evaluate("() => document.documentElement.scrollWidth")
            # What sticks out, to say where the page is too wide.
            wide = page.evaluate(WIDER_THAN_THE_SCREEN, NARROW)
            page.screenshot(path=SHOTS / f"{name}-390.png", full_page=True)
            page.set_viewport_size(WIDE)
            assert width <= NARROW, f"{step} is {width} px wide at {NARROW} px: {wide}"


def wait_saved(page: Page, kind: str = "plan") -> None:
    expect(page.locator(f"#save-status-{kind}")).to_have_text(
        re.compile(r"^(Saved at|All changes saved)")
    )


def upload_photo(educator: Person, axe, *, title: str, criterion: str, file_name: str) -> None:
    """On the evidence page: describe the photo, tie it to a criterion, upload it, watch its
    progress reach done."""
    page = educator.page
    page.get_by_role("link", name="Add or manage evidence").click()
    form = page.locator("#artifact-upload-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Rubric criterion it evidences").select_option(label=criterion)
    form.get_by_label("Evidence type").select_option(label="Photos of student work (takes images)")
    expect(page.get_by_text("What each evidence type takes")).to_be_visible()
    form.get_by_label(PRIVACY_NO_IDENTIFYING).check()
    form.get_by_label(PRIVACY_CONSENT).check()
    form.get_by_label("Files").set_input_files(
        files=[{"name": file_name, "mimeType": "image/png", "buffer": png_bytes((640, 480))}]
    )
    form.get_by_role("button", name="Upload").click()
    row = page.locator("[data-upload-list] li").filter(has_text=file_name)
    expect(row).to_have_attribute("data-state", "done")
    expect(row.locator("progress")).to_have_js_property("value", 100)
    expect(row.get_by_role("status")).to_have_text("Done: accepted.")
    expect(form.get_by_label("Title")).to_have_value("")
    expect(page.locator("[data-artifact-list]")).to_contain_text(title)
    educator.check(f"evidence-{file_name.removesuffix('.png')}", axe, narrow=True)
    page.get_by_role("link", name="Back to the plan").click()


def open_review(reviewer: Person, plan: str = PLAN) -> None:
    reviewer.nav("Review queue")
    reviewer.page.get_by_role("link", name=plan).first.click()


def score(reviewer: Person, axe, step: str, levels: dict[str, str], comment: str) -> None:
    """On the scoring page: read the aim, see the evidence previewed, choose a level per
    criterion (with feedback where given), submit."""
    page = reviewer.page
    open_review(reviewer)
    expect(page.get_by_role("heading", name=re.compile("^Scoring:"))).to_be_visible()
    expect(page.get_by_text("The micro-credential: competency and rubric")).to_be_visible()
    previews = page.locator("img.artifact-preview")
    expect(previews.first).to_be_visible()
    # The preview really loads: the page asked for it through the evidence's permission check,
    # which sent the browser to a five-minute link of the storage.
    for index in range(previews.count()):
        expect(previews.nth(index)).to_have_js_property("complete", True)
    assert all(
        width > 0 for width in previews.evaluate_all("images => images.map(i => i.naturalWidth)")
    )
    reviewer.check(step, axe)
    for criterion, choice in levels.items():
        level, _, feedback = choice.partition(": ")
        page.get_by_role("group", name=f"Level for “{criterion}”").get_by_label(level).check()
        if feedback:
            page.get_by_label(f"Feedback on “{criterion}”").fill(feedback)
    page.get_by_label("Overall comment to the educator").fill(comment)
    page.get_by_role("button", name="Submit scores").click()
    expect(page.locator(".messages")).to_contain_text("Your scores are recorded.")


@pytest.fixture
def people(browser, browser_context_args, live_server):
    """Signs a person in, in a browser context of their own; closes every context at the end."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[str] = []
    opened: list[Person] = []

    def sign_in(user: User, role: str) -> Person:
        opened.append(Person(browser, browser_context_args, live_server, user, role, shots))
        return opened[-1]

    yield sign_in
    for signed_in in opened:
        signed_in.context.close()


def test_a_district_lives_the_whole_journey(people, live_server, axe, district):
    person = people

    # --- The educator picks a catalog entry and drafts the plan ---------------------------------
    educator = person(district.educator, "educator")
    page = educator.page
    expect(page.get_by_role("heading", level=1)).to_have_text("My micro-credential plans")
    educator.check("dashboard", axe, narrow=True)
    educator.nav("Catalog")
    page.get_by_role("link", name=ENTRY).click()
    educator.check("catalog-entry", axe, narrow=True)
    page.get_by_role("button", name="Start a plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ENTRY)
    educator.check("plan-new", axe, narrow=True)
    page.get_by_label("Plan title").fill(PLAN)
    page.get_by_label("Rationale").fill(
        "Transitions between centres take nine to twelve minutes in my third-grade class, "
        "forty minutes of instruction lost every day."
    )
    page.get_by_label("Hypothesis or purpose").fill(
        "Explicitly taught routines will cut transitions under four minutes within six weeks."
    )
    page.get_by_label("Personal goal it ties to").fill("Protect instructional time.")
    page.get_by_label("Building goal it ties to").fill("Fewer office referrals.")
    page.get_by_label("Safe and supportive classrooms").check()
    for index, (citation, learned) in enumerate(
        [
            ("Wong, H. & Wong, R. (2018). The First Days of School.", "Teach and rehearse."),
            ("Lemov, D. (2021). Teach Like a Champion 3.0.", "Tight transitions save minutes."),
            ("Cameron, C. (2009). Journal of School Psychology 47.", "Routines lower anxiety."),
        ]
    ):
        row = page.locator("[data-source-row]").nth(index)
        row.get_by_label("Citation").fill(citation)
        row.get_by_label("Link").fill(f"https://example.org/research/{index + 1}")
        row.get_by_label("What you learned").fill(learned)
    page.get_by_label("Job-embedded actions").fill("Teach, model and rehearse three routines.")
    page.get_by_label("Classroom", exact=True).check()
    page.get_by_label("Timeline").fill("Six weeks from February 2.")
    page.get_by_label("Students or staff affected").fill("24 third-grade students.")
    page.get_by_label("How you will measure the impact").fill("Stopwatch timings.")
    expect(page.locator("#completeness")).to_contain_text("Ready to submit for pre-approval")
    wait_saved(page)
    educator.check("plan-drafted", axe, narrow=True)
    page.get_by_role("button", name="Submit the plan for pre-approval").click()
    expect(page.locator("[data-status]")).to_have_text("Plan submitted")
    submission = Submission.objects.get(educator=district.educator)

    # --- A reviewer asks for changes, with a comment ---------------------------------------------
    assignment = submission.review_assignments.get(stage="plan")
    plan_reviewer = person(assignment.reviewer, "reviewer")
    page = plan_reviewer.page
    open_review(plan_reviewer)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pre-approval: {PLAN}")
    expect(page.get_by_text("The micro-credential: competency and rubric")).to_be_visible()
    expect(page.locator(".rubric-table")).to_contain_text(TAUGHT)
    plan_reviewer.check("plan-review", axe)
    page.get_by_label("Your comment on Impact measures").fill(CHANGES)
    page.get_by_label("Request changes").check()
    page.get_by_label("Reason the educator will read").fill("The impact measures need a plan.")
    page.get_by_role("button", name="Submit decision").click()
    expect(page.locator(".messages")).to_contain_text("Your decision is recorded.")

    # --- The educator reads the comment on the plan page, revises and submits again ------------
    page = educator.page
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Changes requested")
    feedback = page.locator("#panel-feedback")
    expect(feedback).to_contain_text("The panel asked for changes to your plan")
    expect(feedback).to_contain_text(CHANGES)
    expect(feedback).to_contain_text("The impact measures need a plan.")
    expect(feedback).to_contain_text("Submit the revised plan")
    expect(page.locator("#completeness")).to_contain_text("Answer the panel’s feedback")
    expect(page.locator("#completeness")).not_to_contain_text("Ready to submit")
    educator.check("plan-changes-requested", axe, narrow=True)
    page.get_by_label("How you will measure the impact").fill(
        "Stopwatch timings every Friday for six weeks, against two baseline weeks in January."
    )
    wait_saved(page)
    expect(page.locator("#completeness")).to_contain_text(
        "Changed since the panel’s decision: How you will measure the impact."
    )
    page.get_by_role("link", name="History of this plan").first.click()
    expect(page.get_by_text("Plan pre-approval: Request changes.")).to_be_visible()
    expect(page.get_by_text(f"Reviewer 1 on Impact measures: {CHANGES}")).to_be_visible()
    educator.check("history", axe, narrow=True)
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("button", name="Submit the revised plan").click()
    expect(page.locator("[data-status]")).to_have_text("Plan submitted")

    # --- The reviewer sees what changed and approves ----------------------------------------------
    page = plan_reviewer.page
    open_review(plan_reviewer)
    changed = page.locator(".changes-since")
    expect(changed).to_contain_text("What the educator changed since round 1")
    expect(changed).to_contain_text("against two baseline weeks in January")
    plan_reviewer.check("plan-review-round-2", axe)
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Submit decision").click()
    expect(page.locator(".messages")).to_contain_text("Your decision is recorded.")

    # --- The educator does the work: evidence, results, reflection; submits --------------------
    page = educator.page
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Plan approved")
    page.get_by_role("button", name="Start the work").click()
    expect(page.locator("[data-status]")).to_have_text("In progress")
    upload_photo(
        educator, axe, title="Anchor chart of the routines", criterion=TAUGHT, file_name="chart.png"
    )
    results = page.get_by_role("textbox", name="Results and data")
    results.fill("Transitions fell from nine minutes to five.")
    page.get_by_label("Reflection on your practice and student learning").fill(
        "Rehearsing the routine mattered more than explaining it."
    )
    page.get_by_label("Student or staff feedback").fill("Students like the countdown timer.")
    page.get_by_label("Changes for future practice").fill("Start the routines in week one.")
    expect(page.locator("#completeness")).to_contain_text("Ready to submit for review")
    wait_saved(page, "results")
    educator.check("results-written", axe, narrow=True)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("[data-status]")).to_have_text("Submitted for review")

    # --- Two reviewers score; one says "not yet"; the chair decides ------------------------------
    first = person(district.first_reviewer, "first-reviewer")
    second = person(district.second_reviewer, "second-reviewer")
    score(
        first,
        axe,
        "scoring",
        {TAUGHT: "Demonstrated (2)", MEASURED: "Demonstrated (2)"},
        "Clear routines.",
    )
    score(
        second,
        axe,
        "scoring",
        {TAUGHT: "Demonstrated (2)", MEASURED: f"Not yet (1): {NOT_YET}"},
        "Nearly there.",
    )
    chair = person(district.chair, "chair")
    page = chair.page
    chair.nav("Review queue")
    page.get_by_role("region", name=re.compile("Waiting for your decision as chair")).get_by_role(
        "link", name=PLAN
    ).click()
    chair.check("chair-round", axe)
    page.get_by_label("Not yet", exact=True).check()
    page.get_by_label("Comment to the educator").fill(
        "Not yet: show the timings for every routine, as the second reviewer asks."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("The decision is recorded")

    # --- The educator reads why on the plan page, adds evidence and resubmits --------------------
    page = educator.page
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Not yet")
    feedback = page.locator("#panel-feedback")
    expect(feedback).to_contain_text("Not yet: what the panel said of your evidence")
    expect(feedback.get_by_role("row", name=re.compile(NOT_YET))).to_contain_text("not yet met")
    expect(feedback).to_contain_text("show the timings for every routine")
    expect(feedback).to_contain_text("You have 2 attempts left.")
    expect(page.locator("#completeness")).not_to_contain_text("Ready to submit")
    educator.check("plan-not-yet", axe, narrow=True)
    upload_photo(
        educator, axe, title="Transition timings", criterion=MEASURED, file_name="timings.png"
    )
    results.fill(
        "Transitions fell from nine minutes to five, then to three and a half (chart attached)."
    )
    wait_saved(page, "results")
    page.get_by_role("button", name="Resubmit for review").click()
    expect(page.locator("[data-status]")).to_have_text("Resubmitted")

    # --- Both reviewers pass it: earned, the award is issued ------------------------------------
    for reviewer in (first, second):
        score(
            reviewer,
            axe,
            "scoring-again",
            {TAUGHT: "Demonstrated (2)", MEASURED: "Demonstrated (2)"},
            "Met.",
        )
    award = Award.objects.get(submission=submission)
    assert award.state == Award.State.ISSUED

    # --- The certificate and badge are linked from the plan and the portfolio ---------------------
    page = educator.page
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Earned")
    earned = page.locator("#plan-award")
    expect(earned).to_contain_text("Valid.")
    certificate = earned.get_by_role("link", name="Certificate (PDF)")
    response = page.request.get(live_server.url + certificate.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    response = page.request.get(
        live_server.url + earned.get_by_role("link", name="Badge (PNG)").get_attribute("href")
    )
    assert response.ok and response.headers["content-type"] == "image/png"
    educator.check("plan-earned", axe, narrow=True)
    earned.get_by_role("link", name="Verification page").click()
    expect(page.locator(".verdict")).to_contain_text("Valid.")
    educator.check("verification", axe, narrow=True)
    educator.nav("My badges")
    card = page.locator(".award-card").filter(has_text=ENTRY)
    expect(card.get_by_role("link", name="Certificate (PDF)")).to_be_visible()
    expect(card.get_by_role("link", name="Add to LinkedIn")).to_be_visible()
    educator.check("portfolio", axe, narrow=True)
    educator.nav("My plans")
    pd_points = page.locator(".educator-progress div").filter(has_text="PD points earned")
    plan_status = page.get_by_role("row", name=re.compile(PLAN)).locator(".status")
    expect(pd_points.locator("dd")).to_have_text("1.5")
    expect(plan_status).to_have_text("Earned")
    educator.check("dashboard-earned", axe, narrow=True)

    # --- The admin's report counts it; the admin revokes it ---------------------------------------
    admin = person(district.admin, "admin")
    page = admin.page
    admin.nav("Reports")
    page.get_by_role("link", name="Salary ledger").first.click()
    ledger_url = page.url
    awards = page.locator(".stats div").filter(has_text="Awards").locator("dd")
    expect(awards).to_have_text("1")
    expect(page.get_by_role("row", name=re.compile("Elena Ruiz"))).to_contain_text(ENTRY)
    admin.check("ledger", axe)
    admin.nav("Awards")
    award_row = page.get_by_role("row", name=re.compile("Elena Ruiz"))
    award_row.get_by_role("link", name="Revoke").click()
    page.get_by_label("Reason for revoking").fill(REVOKED)
    admin.check("revoke", axe)
    page.get_by_role("button", name="Revoke the award").click()
    # Back on the district's awards, which say so; its verification page says why.
    award_row = page.get_by_role("row", name=re.compile("Elena Ruiz"))
    expect(award_row).to_contain_text("Revoked")
    admin.check("awards-revoked", axe)
    award_row.get_by_role("link", name="Verify", exact=True).click()
    expect(page.locator(".verdict")).to_contain_text("Revoked")
    admin.check("verification-revoked", axe)

    # --- It no longer counts, nor is it offered for sharing ---------------------------------------
    page = educator.page
    page.goto(f"{live_server.url}/plans/{submission.pk}/")
    revoked = page.locator("#plan-award")
    expect(revoked).to_contain_text("Revoked")
    expect(revoked).to_contain_text(REVOKED)
    expect(revoked.get_by_role("link", name="Certificate (PDF)")).to_have_count(0)
    educator.check("plan-revoked", axe, narrow=True)
    educator.nav("My badges")
    card = page.locator(".award-card").filter(has_text=ENTRY)
    expect(card.get_by_role("link", name="Add to LinkedIn")).to_have_count(0)
    expect(card).not_to_contain_text("Show it in your e-mail signature")
    educator.check("portfolio-revoked", axe, narrow=True)
    educator.nav("My plans")
    educator.check("dashboard-revoked", axe, narrow=True)
    admin.page.goto(ledger_url)

    # "An award that counts" (badges.models.award_counts_q): the revoked award is out of the
    # ledger, the progress card and the plan's status.
    expect(awards).to_have_text("0", timeout=5_000)
    expect(pd_points.locator("dd")).to_have_text("0", timeout=5_000)
    expect(plan_status).to_have_text("Earned · award revoked", timeout=5_000)
