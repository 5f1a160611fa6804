"""The authorization matrix: one row per route of ours, the expected outcome for every actor.

HOW TO ADD A ROW (a new route in any ``urls.py``)
--------------------------------------------------
1. Find the route's namespaced name (``"submissions:detail"``) and the methods its view accepts.
2. Append a ``Row`` to ``ROWS`` below, in the block of its app:

       Row(
           "submissions:detail",
           kwargs=lambda w: {"pk": w.submission.pk},  # the URL's arguments, from the world
           #     anon  owner colleague reviewer assigned chair admin other_admin
           get="login ok    403       403      ok       ok    ok    404",
       ),

   and for a route that takes a POST, the outcomes and a body that would be ACCEPTED from an
   allowed actor (so that a refusal is the permission check's doing, never form validation):

       Row(
           "submissions:withdraw",
           kwargs=lambda w: {"pk": w.submission.pk},
           post="login ok 404 404 404 404 404 404",
           data=lambda w, actor: {"reason": "Moving schools"},
       ),

3. ``make test ... PYTEST_ARGS="tests/authz -q"``. If an object the route needs is not in the
   world yet, add it in ``tests/authz/world.py`` through the app's services.

The eight columns are always in the order of ``ACTORS``:
    anon         not signed in
    owner        the educator who owns the plan/submission (``w.owner``)
    colleague    another educator of the same district and building
    reviewer     a reviewer of the district NOT assigned to the owner's submission
    assigned     the reviewer assigned to the owner's submission
    chair        the chair of the panel that reviews it
    admin        the district admin
    other_admin  the district admin of ANOTHER district

Outcome tokens:
    ok     allowed: 2xx, or a 3xx that does not go to sign-in (``redirect=`` narrows where to)
    login  302 to /accounts/login/
    403    PermissionDenied
    404    not found (another district's object, or one this actor may not know exists)
    405    method not allowed
    -      this actor is not tested on this method (use sparingly; say why in ``note``)

Other ``Row`` options:
    variant   a label when one route has several rows (e.g. the same view on objects in
              different states); the coverage test only needs one row per route name
    data      ``(w, actor) -> dict``: the POST body (required when ``post`` is given); it may
              depend on the actor when an allowed actor must name things of their own
              district (``w.own(actor)``), never to make a refusal easier
    query     ``w -> dict``: query-string parameters for every request of the row
    headers   extra request headers, e.g. ``{"HTTP_HX_REQUEST": "true"}`` for htmx partials
    hidden    ``(w, actor) -> list[str]``: text that must NOT appear in any allowed response
              (public pages: the private parts of a record; lists: the other district's
              records, ``w.foreign(actor)``)
    shown     ``(w, actor) -> list[str]``: text that MUST appear in every allowed 200 response
    redirect  ``w -> str``: where an allowed 3xx must go (its path prefix)
    changes   an allowed POST must change the database (default True): proves the body valid
    note      why the row is as it is, when it is not obvious

A method a row does not list (GET or POST) is probed too: whoever is allowed on the route must
get 405, everyone else must be refused, and a POST must change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World

ACTORS = (
    "anon",
    "owner",
    "colleague",
    "reviewer",
    "assigned",
    "chair",
    "admin",
    "other_admin",
)

ALLOW = "ok"
LOGIN = "login"
FORBIDDEN = "403"
NOT_FOUND = "404"
METHOD_NOT_ALLOWED = "405"
SKIP = "-"
OUTCOMES = (ALLOW, LOGIN, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, SKIP)
METHODS = ("get", "post")


def parse(outcomes: str, where: str) -> dict[str, str]:
    tokens = outcomes.split()
    if len(tokens) != len(ACTORS):
        raise ValueError(f"{where}: {len(tokens)} outcomes for {len(ACTORS)} actors: {outcomes!r}")
    unknown = [t for t in tokens if t not in OUTCOMES]
    if unknown:
        raise ValueError(f"{where}: unknown outcome(s) {unknown}; use one of {OUTCOMES}")
    return dict(zip(ACTORS, tokens, strict=True))


def no_kwargs(w: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    get: str | None = None
    post: str | None = None
    kwargs: Callable[[World], dict[str, Any]] = no_kwargs
    data: Callable[[World, str], dict[str, Any]] | None = None
    query: Callable[[World], dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hidden: Callable[[World, str], list[str]] | None = None
    shown: Callable[[World, str], list[str]] | None = None
    redirect: Callable[[World], str] | None = None
    changes: bool = True
    variant: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.get is None and self.post is None:
            raise ValueError(f"{self.id}: a row needs outcomes for at least one method")
        if self.post is not None and self.data is None:
            raise ValueError(f"{self.id}: a POST row needs data= (a body an allowed actor sends)")

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def outcomes(self, method: str) -> dict[str, str] | None:
        raw = getattr(self, method)
        return None if raw is None else parse(raw, f"{self.id} {method.upper()}")

    @property
    def methods(self) -> list[str]:
        return [m for m in METHODS if getattr(self, m) is not None]


# --- bodies of the POST rows ---------------------------------------------------------------


def credential_body(w: World, actor: str) -> dict[str, Any]:
    own = w.own(actor)
    return {
        "title": f"Matrix entry by {actor}",
        "competency": "The educator checks for understanding every lesson.",
        "key_method": "Exit tickets.",
        "method_components": "",
        "research_and_resources": "",
        "submission_guidelines": "",
        "estimated_hours": "8",
        "pd_points": "1",
        "rigor": "2",
        "origin": "district",
        "stack": own.extra["stack"].pk,
        "tags": "assessment",
        "grade_band": "all",
        "valid_for_days": "",
        "evidence_types": [own.extra["evidence_type"].pk],
    }


def criterion_body(w: World, actor: str) -> dict[str, Any]:
    return {
        "criterion-title": "Routines are taught and practised",
        "criterion-description": "",
        "criterion-component": "",
        "criterion-evidence_type": "",
        "criterion-passing_score": "2",
        "criterion-position": "0",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "8",
        "levels-0-score": "1",
        "levels-0-label": "Not yet met",
        "levels-1-score": "2",
        "levels-1-label": "Demonstrated well",
    }


def scores_body(w: World, actor: str) -> dict[str, Any]:
    body: dict[str, Any] = {"overall_comment": "The evidence shows the routine in place."}
    rubric = w.submission.plan.microcredential.rubric
    for criterion in rubric.criteria.prefetch_related("levels"):
        passing = [lv for lv in criterion.levels.all() if lv.score >= criterion.passing_score]
        body[f"level_{criterion.pk}"] = passing[0].pk
        body[f"feedback_{criterion.pk}"] = "Clear."
    return body


def panel_body(w: World, actor: str) -> dict[str, Any]:
    own = w.own(actor)
    return {
        "name": f"Second panel by {actor}",
        "description": "",
        "chair": own.people["chair"].pk,
        "members": [own.people["reviewer"].pk],
        "active": "on",
    }


def pk_of(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.x(key).pk}


# fmt: off
ROWS: list[Row] = [
    # --- the front door ---------------------------------------------------------------------
    Row(
        "home",
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login ok    ok        ok       ok       ok    ok    ok",
        note="Every signed-in person is sent on to the dashboard of their role.",
    ),
    Row(
        "healthz",
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        note="Load balancers call it without a session; it reveals only ok/error per service.",
        hidden=lambda w, actor: [w.district.name, w.owner.email],
    ),
    # --- accounts ---------------------------------------------------------------------------
    Row(
        "accounts:admin_dashboard",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).district.name],
        note="other_admin sees their own district's dashboard, never this district's.",
    ),
    Row(
        "accounts:no_role",
        get="login ok    ok        ok       ok       ok    ok    ok",
    ),
    # --- credentials (catalog) --------------------------------------------------------------
    Row(
        "credentials:catalog",
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login ok    ok        ok       ok       ok    ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).credential.title],
        shown=lambda w, actor: [w.own(actor).credential.title],
    ),
    Row(
        "credentials:detail", variant="published",
        kwargs=lambda w: {"pk": w.credential.pk},
        get="login ok    ok        ok       ok       ok    ok    404",
    ),
    Row(
        "credentials:detail", variant="draft",
        kwargs=pk_of("draft_credential"),
        get="login 404   404       404      404      404   ok    404",
        note="A draft is the admins' until published: nobody else learns it exists.",
    ),
    Row(
        "credentials:detail", variant="proposed",
        kwargs=pk_of("proposed_credential"),
        get="login ok    404       ok       ok       ok    ok    404",
        note="An educator's proposal: its author, the reviewers who read it, the admins.",
    ),
    Row(
        "credentials:detail", variant="retired",
        kwargs=pk_of("retired_credential"),
        get="login ok    ok        ok       ok       ok    ok    404",
    ),
    Row(
        "credentials:manage",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).extra["draft_credential"].title],
    ),
    Row(
        "credentials:create",
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=credential_body,
    ),
    Row(
        "credentials:preview",
        kwargs=pk_of("draft_credential"),
        get="login 403   403       403      403      403   ok    404",
    ),
    Row(
        "credentials:edit",
        kwargs=pk_of("draft_credential"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=credential_body,
    ),
    Row(
        "credentials:publish",
        kwargs=pk_of("draft_credential"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:retire",
        kwargs=lambda w: {"pk": w.credential.pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:new_draft",
        kwargs=lambda w: {"pk": w.credential.pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:rubric",
        kwargs=pk_of("draft_credential"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {
            "form": "rule", "rule-passing_rule": "all", "rule-minimum_passing_criteria": "",
        },
    ),
    Row(
        "credentials:criterion_edit",
        kwargs=pk_of("criterion"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=criterion_body,
    ),
    Row(
        "credentials:criterion_delete",
        kwargs=pk_of("criterion"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:stacks",
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"name": f"Stack by {actor}", "description": "", "color": "#225588"},
        hidden=lambda w, actor: [w.foreign(actor).extra["stack"].name],
    ),
    Row(
        "credentials:stack_edit",
        kwargs=pk_of("stack"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {"name": "Renamed stack", "description": "", "color": "#225588"},
    ),
    Row(
        "credentials:evidence_types",
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"name": f"Video by {actor}", "description": "", "accepts": "any"},
        hidden=lambda w, actor: [w.foreign(actor).extra["evidence_type"].name],
    ),
    Row(
        "credentials:evidence_type_edit",
        kwargs=pk_of("evidence_type"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {"name": "Renamed evidence", "description": "", "accepts": "any"},
    ),
    # --- submissions (plans) ----------------------------------------------------------------
    Row(
        "submissions:dashboard",
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login ok    ok        403      403      403   403   403",
        hidden=lambda w, actor: [w.foreign(actor).credential.title],
    ),
    # --- reviews ----------------------------------------------------------------------------
    Row(
        "reviews:queue",
        get="login 403   403       ok       ok       ok    403   403",
    ),
    Row(
        "reviews:review", variant="plan",
        kwargs=lambda w: {"pk": w.assignment("plan_submitted").pk},
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login 403   403       403      ok       403   403   403",
        post="login 403  403       403      ok       403   403   403",
        data=lambda w, actor: {"decision": "approve", "reason": "", "conditions": ""},
        note="Only the reviewer it is assigned to; the role check answers 403 before the lookup.",
    ),
    Row(
        "reviews:review", variant="final",
        kwargs=lambda w: {"pk": w.assignment("submitted_for_review").pk},
        get="login 403   403       403      ok       403   403   403",
        post="login 403  403       403      ok       403   403   403",
        data=scores_body,
    ),
    Row(
        "reviews:round",
        kwargs=lambda w: {"pk": w.round("submitted_for_review").pk},
        get="login 403   403       403      403      ok    ok    404",
    ),
    Row(
        "reviews:chair_decide",
        kwargs=pk_of("chair_round"),
        post="login 403  403       403      403      ok    ok    404",
        data=lambda w, actor: {"outcome": "earned", "reason": "Confirmed."},
    ),
    Row(
        "reviews:reassign",
        kwargs=lambda w: {"pk": w.assignment("submitted_for_review").pk},
        post="login 403  403       403      403      ok    ok    404",
        data=lambda w, actor: {
            f"a{w.assignment('submitted_for_review').pk}-to_reviewer": w.a.people["reviewer"].pk
        },
    ),
    Row(
        "reviews:feedback",
        kwargs=lambda w: {"submission_pk": w.submissions["earned"].pk},
        get="login ok    404       403      ok       ok    ok    404",
        note="Other educators do not learn it exists (404); an unassigned reviewer is told no.",
    ),
    Row(
        "reviews:notifications",
        get="login ok    ok        ok       ok       ok    ok    ok",
        hidden=lambda w, actor: [] if actor == "owner" else [w.x("owner_notification").title],
    ),
    Row(
        "reviews:notifications_badge",
        get="login ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "reviews:notification_open",
        kwargs=pk_of("owner_notification"),
        post="login ok   404       404      404      404   404   404",
        data=lambda w, actor: {},
        note="Only its recipient; anyone else is told it does not exist.",
    ),
    Row(
        "reviews:notifications_read_all",
        post="login ok   ok        ok       ok       ok    ok    ok",
        data=lambda w, actor: {},
        changes=False,
        note="Marks the signed-in person's own notifications only; some actors have none.",
    ),
    Row(
        "reviews:panels",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).extra["panel"].name],
    ),
    Row(
        "reviews:panel_create",
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=panel_body,
    ),
    Row(
        "reviews:panel_edit",
        kwargs=pk_of("panel"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {**panel_body(w, "admin"), "name": "Renamed panel"},
    ),
    Row(
        "reviews:report",
        get="login 403   403       403      403      ok    ok    ok",
        note="District admins and panel chairs; other_admin sees their own district's.",
    ),
]
# fmt: on


@dataclass(frozen=True)
class Exemption:
    """Routes that are not ours to put in the matrix, and why."""

    label: str
    reason: str
    applies: Callable[[Any], bool]


def _is_static_serve(route: Any) -> bool:
    from django.views.static import serve

    return route.callback is serve


# The ONE list of routes the matrix does not cover. ``route`` has .name, .namespace, .pattern,
# .module (the view's module), .callback and .urlconfs (the urls modules it was included from).
EXEMPT: list[Exemption] = [
    Exemption(
        "django-allauth",
        "allauth's own sign-in, sign-up, password, e-mail, MFA and social-login routes under "
        "/accounts/: they guard themselves (their job is to be reachable signed out) and "
        "tests/accounts/ covers our configuration of them.",
        lambda route: any(conf.startswith("allauth.") for conf in route.urlconfs),
    ),
    Exemption(
        "django admin",
        "Django's admin site under /django-admin/: every view is wrapped in "
        "admin.site.admin_view, which admits active staff only; no district data is reached "
        "there without is_staff.",
        lambda route: route.namespace.split(":")[0] == "admin",
    ),
    Exemption(
        "static/media",
        "Development-only file serving (DEBUG without S3); not mounted in tests or production, "
        "and artifacts never go through it.",
        _is_static_serve,
    ),
]
