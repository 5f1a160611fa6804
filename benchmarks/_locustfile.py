"""Monday at 8 a.m. (issue 15): people sign in once, then work, with 1–3 s to read each page.

Run by ``benchmarks/load.py`` (``locust --headless``); not a benchmark module of its own. Who
signs in is read from the JSON file named by ``LOAD_PEOPLE``: for each role, the e-mail
addresses (and, for educators, the plan each one edits) and the one password they share. Every
page is fetched as a browser would: after each full page, the fragments htmx requests on load.
Requests are named by page, so each page has one line in locust's statistics. A refused sign-in
(429, a form error) is a failure, tried again after the think time as a person would.

People arrive independently: each at a moment of its own, uniformly random within the first
``arrive_within`` seconds (how independent arrivals spread over a known stretch of time, with
the clusters chance brings), not in locust's lockstep batches.
"""

import itertools
import json
import os
import random
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, task

from benchmarks._pages import (
    AUTOSAVE_HEADERS,
    LOGIN,
    REPORTS,
    autosave_body,
    csrf_token,
    load_fragments,
    plan_editor,
    review_links,
    with_version,
)

with open(os.environ["LOAD_PEOPLE"]) as _file:
    PEOPLE = json.load(_file)
LANDINGS = {
    "/plans/": "educator dashboard",
    "/reviews/": "reviewer queue",
    "/district/": "admin dashboard",
}
_next = {role: itertools.count() for role in ("educator", "reviewer", "admin")}


class Person(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        people = PEOPLE[self.role]
        self.me = people[next(_next[self.role]) % len(people)]
        gevent.sleep(random.uniform(0, PEOPLE["arrive_within"]))
        while not self._sign_in():
            self.wait()

    def _sign_in(self) -> bool:
        """The allauth form, GET then POST with its CSRF token; True once signed in."""
        with self.client.get(LOGIN, name="sign-in page", catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"status {page.status_code}")
                return False
            token = csrf_token(page.text)
        form = {"login": self.me["email"], "password": PEOPLE["password"]}
        with self.client.post(
            LOGIN,
            data={**form, "csrfmiddlewaretoken": token},
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # No headers: the request failed on the way (a timeout, a reset), status 0.
            location = (response.headers or {}).get("Location", "")
            if response.status_code != 302 or location.startswith(LOGIN):
                response.failure(f"not signed in: status {response.status_code}")
                return False
        # The sign-in answers with the role's own dashboard (accounts.adapters).
        self.page(location, LANDINGS.get(location, "page after sign-in"))
        return True

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            html = response.text or ""
        for fragment in load_fragments(html):
            self.fragment(fragment)
        return html

    def fragment(self, url: str) -> None:
        with self.client.get(
            url, name=f"{url} (htmx on load)", headers={"HX-Request": "true"}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class Educator(Person):
    role = "educator"
    weight = PEOPLE["weights"]["educator"]

    def on_start(self) -> None:
        super().on_start()
        self.save_url, self.fields = "", []
        self.saves = 0

    @task(2)
    def dashboard(self) -> None:
        self.page("/plans/", "educator dashboard")

    @task(2)
    def catalog(self) -> None:
        self.page("/catalog/", "catalog")

    @task(3)
    def plan(self) -> None:
        html = self.page(self.me["plan"], "plan")
        if html:
            self.save_url, self.fields = plan_editor(html)

    @task(3)
    def autosave(self) -> None:
        if not self.fields:
            return self.plan()
        self.saves += 1
        # Encoded here, as the browser does: locust's client url-encodes a dict but not a list of
        # pairs (a repeated field such as the district goals), which it would announce with a
        # Content-Length and never send, leaving a server thread waiting for the body.
        with self.client.post(
            self.save_url,
            data=urlencode(autosave_body(self.fields, self.saves)),
            headers={
                **AUTOSAVE_HEADERS,
                "HX-Current-URL": self.me["plan"],
                "Content-Type": "application/x-www-form-urlencoded",
            },
            name="autosave",
            catch_response=True,
        ) as response:
            outcome = (response.headers or {}).get("X-Autosave", "")
            if response.status_code != 200 or outcome not in ("saved", "unchanged"):
                response.failure(f"status {response.status_code}, autosave {outcome!r}")
                self.fields = []
                return
            self.fields = with_version(self.fields, response.headers["X-Autosave-Version"])


class Reviewer(Person):
    role = "reviewer"
    weight = PEOPLE["weights"]["reviewer"]

    def on_start(self) -> None:
        super().on_start()
        self.reviews: list[str] = []

    @task(1)
    def queue(self) -> None:
        self.reviews = review_links(self.page("/reviews/", "reviewer queue")) or self.reviews

    @task(2)
    def review(self) -> None:
        if not self.reviews:
            return self.queue()
        self.page(random.choice(self.reviews), "review page")


class Admin(Person):
    role = "admin"
    weight = PEOPLE["weights"]["admin"]

    @task(2)
    def dashboard(self) -> None:
        self.page("/district/", "admin dashboard")

    @task(3)
    def report(self) -> None:
        name = random.choice(REPORTS)
        self.page(f"/reports/{name}/", f"report: {name}")
