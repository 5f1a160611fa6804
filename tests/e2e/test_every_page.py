"""In Chromium, over the demo district: every page each role can reach by following the site's
own links opens without a console error or a failed request, shows no status by colour alone,
and the pages people use on their phones fit 390 px without scrolling sideways.

The walk starts at each role's home and follows every same-origin link, opening at most two
pages of each route (the second with other arguments), so every page a role has is opened once
or twice whatever the size of the demo."""

from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from accounts.models import User
from badges.models import Award
from submissions.models import Submission

# One demo district for the module (``seeded_demo``); the tests take turns on it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES_PER_ROUTE = 2
# Files and documents for machines, not pages: downloads, images, JSON, signed-URL redirects.
NOT_PAGES = {
    "badges:award_download",
    "badges:badge_png",
    "badges:badge_svg",
    "badges:credential",
    "badges:did",
    "badges:ob2_assertion",
    "badges:ob2_badge_class",
    "badges:ob2_badge_image",
    "badges:ob2_issuer",
    "badges:ob2_png",
    "badges:status_list",
    "badges:state_did",
    "badges:state_status_list",
    "badges:endorsement_credential",
    "wallets:discovery",
    "badges:transcript",
    "people:person_transcript",
    "reports:export",
    "reports:export_download",
    "reports:panel_export",
    "people:roster_example",
    "artifacts:open",
    "artifacts:thumbnail",
    "artifacts:local_file",
    "healthz",
    "states:figures_csv",
    "api:schema",
    "credentials:export",
    "credentials:state_entry_export",
    "states:catalog_version_export",
}
ROLES = {
    "anonymous": (None, ["/accounts/login/", "/verify/"]),
    "educator": ("educator@example.org", ["/"]),
    "reviewer": ("reviewer@example.org", ["/"]),
    "chair": ("dana.whitaker@example.org", ["/"]),
    "admin": ("admin@example.org", ["/"]),
    "state": ("state@example.org", ["/"]),
}
# A state admin has few pages of their own (the state's, a new district, their account).
FEWEST_PAGES = {"anonymous": 3, "state": 4}


class Watch:
    """Everything that goes wrong while a page is open: console errors, failed requests and
    same-origin responses of 400 or more."""

    def __init__(self, page, origin: str):
        self.problems: list[str] = []
        self.origin = origin
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _failed(self, request) -> None:
        # A request cancelled because the test moved on is not a failure of the page.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400 and response.url.startswith(self.origin):
            self.problems.append(f"{response.status}: {response.url}")

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found


def route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def walk(page, server, start: list[str]) -> tuple[dict[str, list[str]], Counter]:
    """Open every page reachable from ``start`` by links; returns the problems of each page and
    how many pages of each route were opened."""
    watch = Watch(page, server.url)
    problems: dict[str, list[str]] = {}
    opened: Counter = Counter()
    queue, queued = deque(start), set(start)
    linked_from: dict[str, str] = {}
    while queue:
        path = queue.popleft()
        route = route_of(path)
        if route is None or route in NOT_PAGES or opened[route] >= PAGES_PER_ROUTE:
            continue
        opened[route] += 1
        response = page.goto(f"{server.url}{path}")
        page.wait_for_load_state("networkidle")
        found = watch.take()
        if response.status >= 400:
            found.append(f"the page answered {response.status}, linked from {linked_from[path]}")
        colourless = page.eval_on_selector_all(
            ".status",
            "els => els.filter(e => e.offsetParent !== null && !e.innerText.trim()).length",
        )
        if colourless:
            found.append(f"{colourless} status shown by colour alone")
        if found:
            problems[path] = found
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != server.url:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in queued:
                queued.add(target)
                queue.append(target)
                linked_from[target] = path
    return problems, opened


@pytest.fixture
def site_url(settings, demo_server):
    """Absolute links (badge images, verification links) point at this server, as SITE_URL
    does in production."""
    settings.SITE_URL = demo_server.url
    return demo_server.url


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_each_role_opens_cleanly(
    page, demo_server, seeded_demo, browser_sign_in, site_url, role
):
    email, start = ROLES[role]
    if email:
        browser_sign_in(page, demo_server, email, seeded_demo)
    problems, opened = walk(page, demo_server, start)
    assert problems == {}
    assert sum(opened.values()) >= FEWEST_PAGES.get(role, 8), opened


def test_the_navigation_fits_one_row_at_1280(
    page, demo_server, seeded_demo, browser_sign_in, site_url
):
    page.set_viewport_size({"width": 1280, "height": 900})
    for email in (
        "admin@example.org",
        "educator@example.org",
        "reviewer@example.org",
        "state@example.org",
    ):
        page.context.clear_cookies()
        browser_sign_in(page, demo_server, email, seeded_demo)
        rows = page.evaluate(
            """() => {
              const brand = document.querySelector('.brand').getBoundingClientRect();
              const items = [...document.querySelectorAll('.nav > li')];
              return {
                tops: [...new Set(items.map(li => Math.round(li.getBoundingClientRect().top)))],
                besideBrand: items.every(li => li.getBoundingClientRect().top < brand.bottom),
              };
            }"""
        )
        assert len(rows["tops"]) == 1 and rows["besideBrand"], (email, rows)


def test_the_pages_people_use_on_their_phones_fit_390_px(
    page, demo_server, seeded_demo, browser_sign_in, site_url
):
    elena = User.objects.get(email="educator@example.org")
    plan = Submission.objects.filter(educator=elena, status=Submission.Status.IN_PROGRESS).first()
    page.set_viewport_size({"width": 390, "height": 844})
    pages = {
        "educator@example.org": ["/plans/", f"/plans/{plan.pk}/", "/badges/"],
        "reviewer@example.org": ["/reviews/"],
        # An admin's lists too: a table stacks, each row a card, its hidden words with it.
        "admin@example.org": ["/district/", "/district/people/", "/badges/district/"],
        # A certificate's page: the issuer's DID is one long word.
        "state@example.org": [
            f"/verify/{Award.objects.filter(revoked_at__isnull=True).first().uuid}/"
        ],
    }
    too_wide = {}
    for email, paths in pages.items():
        page.context.clear_cookies()
        browser_sign_in(page, demo_server, email, seeded_demo)
        for path in paths:
            page.goto(f"{demo_server.url}{path}")
            page.wait_for_load_state("networkidle")
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[path] = widths
    assert too_wide == {}
    # The reviewer's queue stacks rather than scrolls: every cell within the screen, under the
    # name of its column.
    page.context.clear_cookies()
    browser_sign_in(page, demo_server, "reviewer@example.org", seeded_demo)
    page.goto(f"{demo_server.url}/reviews/")
    page.wait_for_load_state("networkidle")
    cells = page.evaluate(
        """() => [...document.querySelectorAll('main table tbody td')].map(td => ({
             right: td.getBoundingClientRect().right,
             label: getComputedStyle(td, '::before').content,
           }))"""
    )
    assert cells and all(cell["right"] <= 390 for cell in cells), cells
    assert {cell["label"] for cell in cells} >= {'"Educator"', '"Due"'}, cells


def test_overdue_stands_out(page, demo_server, seeded_demo, browser_sign_in, site_url):
    browser_sign_in(page, demo_server, "reviewer@example.org", seeded_demo)
    overdue = page.locator(".status-overdue").first
    assert "Overdue" in overdue.inner_text()
    style = overdue.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color,"
        " getComputedStyle(e).fontWeight]"
    )
    background, colour, weight = style
    assert background not in ("rgba(0, 0, 0, 0)", "transparent") and background != colour
    assert int(weight) >= 700


# The pages this work changed, for each who sees them.
CHANGED_PAGES = {
    None: ["/verify/", "/verify/?certificate=00000000-0000-4000-8000-000000000000", "/no/such/"],
    "educator@example.org": ["/plans/", "/badges/", "/district/"],
    "reviewer@example.org": ["/reviews/"],
    "admin@example.org": [
        "/district/",
        # Buttons drawn as links (Deactivate, Revoke) in the link colour, not the header's white.
        "/district/people/",
        "/district/api/clients/",
        "/badges/district/",
        "/reports/funnel/",
        "/reports/completions/",
        "/reports/turnaround/",
        "/reports/relicensure/",
        "/district/webhooks/",
        "/district/webhooks/new/",
    ],
}


def test_the_changed_pages_have_no_serious_accessibility_violations(
    page, demo_server, seeded_demo, browser_sign_in, site_url, axe
):
    from badges.models import Award

    award = Award.objects.filter(revoked_at__isnull=True).first()
    violations = {}
    for email, paths in CHANGED_PAGES.items():
        page.context.clear_cookies()
        if email:
            browser_sign_in(page, demo_server, email, seeded_demo)
        else:
            paths = [*paths, f"/verify/{award.uuid}/"]
        for path in paths:
            page.goto(f"{demo_server.url}{path}")
            found = axe(page)
            if found:
                violations[f"{email}: {path}"] = found
    assert violations == {}
