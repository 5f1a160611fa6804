"""The authorization matrix: one row per route of ours, the expected outcome for every actor.

HOW TO ADD A ROW (a new route in any ``urls.py``)
--------------------------------------------------
1. Find the route's namespaced name (``"submissions:detail"``) and the methods its view accepts.
2. Append a ``Row`` to ``ROWS`` below, in the block of its app:

       Row(
           "reviews:feedback",
           kwargs=lambda w: {"submission_pk": w.submissions["earned"].pk},  # from the world
           #    anon  owner colleague reviewer assigned chair admin other_admin
           get="login ok    404       403      ok       ok    ok    404",
       ),

   and for a route that takes a POST, the outcomes and a body that would be ACCEPTED from an
   allowed actor (so that a refusal is the permission check's doing, never form validation):

       Row(
           "reviews:chair_decide",
           kwargs=lambda w: {"pk": w.x("chair_round").pk},
           post="login 403  403       403      403      ok    ok    404",
           data=lambda w, actor: {"outcome": "earned", "reason": "Confirmed."},
       ),

   A route with a fixed shape across districts (a list, a "new" form) is usually
   ``ok`` for other_admin (they see their own district's); a route naming one object of
   district A is ``404`` for other_admin.
3. ``make test ... PYTEST_ARGS="tests/authz -q"``. If an object the route needs is not in the
   world yet, add it in ``tests/authz/world.py`` through the app's services, and reach it
   with ``w.x("key")`` (district A's ``extra``), ``w.submissions[status]``, ``w.owner``...

The eight columns are always in the order of ``ACTORS``:
    anon         not signed in
    owner        the educator who owns the plan/submission (``w.owner``)
    colleague    another educator of the same district and building
    reviewer     a reviewer of the district NOT assigned to the owner's submission
    assigned     the reviewer assigned to the owner's submission
    chair        the chair of the panel that reviews it
    admin        the district admin
    other_admin  the district admin of ANOTHER district

Two more actors are not written in the rows; their outcome is derived from a column that is
(``CROSS_DISTRICT``): an educator and a reviewer of the other district, as ``colleague`` and
``reviewer`` are in this one. On a route that names an object of district A they must be refused
(403 or 404: ``no``); on a public page (anonymous allowed), or a route without an object (a
list, a "new" form), they get what their counterpart gets, and the row's ``hidden`` applies.

Two state admins are not in the eight columns either (``STATE_ACTORS``): ``state_admin``, of
the state that district A belongs to, and ``other_state_admin``, of a second state (district
B's). A state page's row writes their two outcomes in ``state=`` ("ok 404"). Every other row
derives them: they hold no role in any district, so a district's page refuses them (403 or 404:
``no``; FERPA: a district's plans, reviews and evidence are its records), except a public page
(anonymous allowed), where they get what ``other_admin``, a signed-in stranger, gets.

One more actor is written only on the rows about the plans an educator left behind when they
moved (``LEAVER``): ``leaver``, who moved from district A to its neighbour (``w.x("leaving")``).
A row's ``leaver=`` is their outcome for every method the row lists: they read their own plan
left in A (``ok``) and change nothing of it (``404``). Rows without it do not test them.

Outcome tokens:
    ok     allowed: 2xx, or a 3xx to where the row's ``redirect=`` says
    login  302 to /accounts/login/
    403    PermissionDenied
    404    not found (another district's object, or one this actor may not know exists)
    405    method not allowed
    4xx    any other exact status, when the permission check lets the actor through and the
           view then answers with a rule of its own (e.g. 409: the evidence is not uploaded
           yet); refused or not, such a request must change nothing
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
    redirect  ``(w, actor) -> pattern``: where an allowed 3xx must go, required on every row
              that redirects; helpers: ``to(route, kwargs)``, ``new_object(regex)``,
              ``stored(key)`` for a signed URL of one object in the bucket
    changes   an allowed POST/PUT must change the database (default True): proves the body
              valid; set False (with a note) for a POST that legitimately writes nothing
    note      why the row is as it is, when it is not obvious

A method a row does not list (GET or POST) is probed too, for anonymous and for every actor
allowed on the route: the allowed must get 405, anonymous must be refused, and nothing changes.
Every refused request (any method) must leave every table of our apps exactly as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.authz.world import WALLET_REGISTRATION

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

# Educator and reviewer of the other district, derived from the counterpart of their role here.
CROSS_DISTRICT = {"other_educator": "colleague", "other_reviewer": "reviewer"}
# The admin of the state district A belongs to, and of the second state (district B's): written
# in a row's ``state`` (the state pages), else derived (``state_admins``).
STATE_ACTORS = ("state_admin", "other_state_admin")
ALL_ACTORS = (*ACTORS, *CROSS_DISTRICT, *STATE_ACTORS)
# The educator who moved from district A to its neighbour: tested on the rows that say ``leaver=``.
LEAVER = "leaver"

ALLOW = "ok"
LOGIN = "login"
FORBIDDEN = "403"
NOT_FOUND = "404"
METHOD_NOT_ALLOWED = "405"
SKIP = "-"
# Derived outcomes only: refused with 403 or 404, whichever the view's checks reach first.
REFUSED = "no"
OUTCOMES = (ALLOW, LOGIN, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, SKIP)
METHODS = ("get", "post", "put")
# Methods probed on every row that does not list them (see test_unlisted_method_is_refused).
PROBED_METHODS = ("get", "post")


def parse(outcomes: str, where: str) -> dict[str, str]:
    tokens = outcomes.split()
    if len(tokens) != len(ACTORS):
        raise ValueError(f"{where}: {len(tokens)} outcomes for {len(ACTORS)} actors: {outcomes!r}")
    unknown = [t for t in tokens if t not in OUTCOMES and not (t.isdigit() and len(t) == 3)]
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
    put: str | None = None
    kwargs: Callable[[World], dict[str, Any]] = no_kwargs
    data: Callable[[World, str], dict[str, Any]] | None = None
    query: Callable[[World], dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hidden: Callable[[World, str], list[str]] | None = None
    shown: Callable[[World, str], list[str]] | None = None
    redirect: Callable[[World, str], str] | None = None
    changes: bool = True
    variant: str = ""
    note: str = ""
    # The state admins' outcomes on a state page, for every method the row lists (STATE_ACTORS).
    state: str | None = None
    # The educator who left district A (LEAVER), on the rows about the plans they left there.
    leaver: str | None = None
    # The other district's educator and reviewer (CROSS_DISTRICT), written where deriving them
    # from their counterparts here would be wrong: a route about the actor's own records, which
    # the two worlds do not give alike (the colleague here holds no award; theirs does).
    cross: str | None = None

    def __post_init__(self) -> None:
        if self.get is None and self.post is None and self.put is None:
            raise ValueError(f"{self.id}: a row needs outcomes for at least one method")
        for method in ("post", "put"):
            if getattr(self, method) is not None and self.data is None:
                raise ValueError(f"{self.id}: a {method.upper()} row needs data= (the body)")

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    def outcomes(self, method: str) -> dict[str, str] | None:
        raw = getattr(self, method)
        if raw is None:
            return None
        written = parse(raw, f"{self.id} {method.upper()}")
        leaver = {} if self.leaver is None else {LEAVER: self.leaver}
        return {
            **written,
            **self.cross_district(written),
            **self.state_admins(written),
            **leaver,
        }

    @property
    def actors(self) -> tuple[str, ...]:
        """Every actor the row is tested with."""
        return ALL_ACTORS if self.leaver is None else (*ALL_ACTORS, LEAVER)

    def state_admins(self, written: dict[str, str]) -> dict[str, str]:
        """The state admins: written in ``state``, or refused on a district's pages."""
        if self.state is not None:
            tokens = self.state.split()
            if len(tokens) != len(STATE_ACTORS):
                raise ValueError(f"{self.id}: state= takes {len(STATE_ACTORS)} outcomes")
            return dict(zip(STATE_ACTORS, tokens, strict=True))
        stranger = written["other_admin"]
        if (
            stranger in (SKIP, METHOD_NOT_ALLOWED)
            or (written["anon"] == ALLOW and stranger == ALLOW)
            or len(set(written.values())) == 1
        ):
            # A public page, or a route that answers everyone alike (the API's 401 to every
            # session): the state admins get what a stranger gets.
            derived = stranger
        else:
            derived = REFUSED
        return dict.fromkeys(STATE_ACTORS, derived)

    def cross_district(self, written: dict[str, str]) -> dict[str, str]:
        """The other district's educator and reviewer: written in ``cross``, or from their
        counterparts here."""
        if self.cross is not None:
            tokens = self.cross.split()
            if len(tokens) != len(CROSS_DISTRICT):
                raise ValueError(f"{self.id}: cross= takes {len(CROSS_DISTRICT)} outcomes")
            return dict(zip(CROSS_DISTRICT, tokens, strict=True))
        derived = {}
        for actor, counterpart in CROSS_DISTRICT.items():
            base = written[counterpart]
            if base in (SKIP, METHOD_NOT_ALLOWED) or len(set(written.values())) == 1:
                # A route that answers everyone alike (the API's 401 to every session, say)
                # answers them alike too.
                derived[actor] = base
            elif base == ALLOW and (written["anon"] == ALLOW or self.kwargs is no_kwargs):
                derived[actor] = ALLOW
            else:
                derived[actor] = REFUSED
        return derived

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
        "renewal_plan": "full",
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
        passing = [lv for lv in criterion.levels.all() if criterion.passes(lv.score)]
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


def reassign_body(w: World, actor: str) -> dict[str, Any]:
    """The review goes to ``reviewer``, whom a district admin first adds to the round's panel:
    a round of a panel is reviewed by its members (``reviews.selectors.reviewers_who_may_take``).
    Added before the request, so it is no change of the request's own."""
    w.a.extra["panel"].members.add(w.a.people["reviewer"])
    assignment = w.assignment("submitted_for_review")
    return {f"a{assignment.pk}-to_reviewer": w.a.people["reviewer"].pk}


def pk_of(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.x(key).pk}


def sub_of(status: str, name: str = "pk") -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: w.submissions[status].pk}


# Where an allowed redirect goes: a regular expression the Location's path must match in full
# (or, when it starts with a scheme, the whole Location: signed URLs of object storage).
Redirect = Callable[["World", str], str]


def to(route: str, kwargs: Callable[[World], dict[str, Any]] | None = None) -> Redirect:
    """The page of ``route``, its arguments built from the world like a row's ``kwargs``."""
    return lambda w, actor: re.escape(reverse(route, kwargs=kwargs(w) if kwargs else None))


def new_object(pattern: str) -> Redirect:
    """A page of an object the request just made (its id is not known beforehand)."""
    return lambda w, actor: pattern


def stored(key: Callable[[World], str]) -> Redirect:
    """A short-lived signed URL of one object in the bucket, and no other."""
    return lambda w, actor: (
        re.escape(f"{settings.AWS_S3_ENDPOINT_URL}/{settings.AWS_STORAGE_BUCKET_NAME}/{key(w)}?")
        + r".*X-Amz-Signature=.*"
    )


HOME_OF = {
    "owner": "submissions:dashboard",
    "colleague": "submissions:dashboard",
    "reviewer": "reviews:queue",
    "assigned": "reviews:queue",
    "chair": "reviews:queue",
    "admin": "people:admin_dashboard",
    "other_admin": "people:admin_dashboard",
    "other_educator": "submissions:dashboard",
    "other_reviewer": "reviews:queue",
    "state_admin": "states:dashboard",
    "other_state_admin": "states:dashboard",
}


def package_file(w: World) -> SimpleUploadedFile:
    """District A's published entry as a package file (``credentials.packages``)."""
    from credentials.packages import package_dumps, package_of_entry

    package = package_of_entry(w.credential, provider="Elsewhere")
    return SimpleUploadedFile("entry.json", package_dumps(package), content_type="application/json")


def uuid_of(key: str, name: str = "uuid") -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: w.x(key).uuid}


def award_of(w: World, **extra: Any) -> dict[str, Any]:
    return {"award_uuid": w.x("award").uuid, **extra}


def private_parts(w: World, actor: str) -> list[str]:
    """What an award's public pages must never show: the plan, the results, the panel's words,
    the educator's e-mail address."""
    from tests.authz.world import PLAN_TEXT, RESULTS

    return [
        PLAN_TEXT["rationale"],
        RESULTS["reflection_practice"],
        "Private panel comment from the matrix world.",
        w.owner.email,
    ]


def plan_body(w: World, actor: str) -> dict[str, Any]:
    """The draft's plan editor as the browser posts it, with one change."""
    from submissions.models import PLAN_TEXT_FIELDS, SOURCE_FIELDS, Plan

    plan = Plan.objects.get(pk=w.submissions["draft"].plan_id)
    sources = list(plan.sources.all())
    body: dict[str, Any] = {
        "version": plan.version,
        **{name: getattr(plan, name) for name in PLAN_TEXT_FIELDS},
        "rationale": f"Transitions take too long ({actor}).",
        "district_goals": [str(pk) for pk in plan.district_goals.values_list("pk", flat=True)],
        "sources-TOTAL_FORMS": str(len(sources)),
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "30",
    }
    for index, source in enumerate(sources):
        for name in SOURCE_FIELDS:
            body[f"sources-{index}-{name}"] = getattr(source, name)
    return body


def results_body(w: World, actor: str) -> dict[str, Any]:
    from submissions.models import Submission
    from tests.authz.world import RESULTS

    current = Submission.objects.get(pk=w.submissions["in_progress"].pk)
    return {
        **RESULTS,
        "version": current.version,
        "impact_results": f"Transitions now take 60 seconds ({actor}).",
    }


def person_body(w: World, actor: str) -> dict[str, Any]:
    return {
        "first_name": "Olivia",
        "last_name": "Renamed",
        "building": w.a.buildings[0].pk,
        "is_educator": "on",
    }


def district_settings_body(w: World, actor: str) -> dict[str, Any]:
    """The actor's own district as it is, with a longer review turnaround."""
    district = w.own(actor).district
    return {
        "name": district.name,
        "primary_color": district.primary_color,
        "secondary_color": district.secondary_color,
        "signatory_name": district.signatory_name,
        "signatory_title": district.signatory_title,
        "email_domains": district.email_domains,
        "plan_reviewers_required": district.plan_reviewers_required,
        "final_reviewers_required": district.final_reviewers_required,
        "review_turnaround_days": district.review_turnaround_days + 7,
        "exclude_same_building_reviewers": "on",
        "max_attempts": "",
        "artifact_retention_days": "",
        "artifact_families": ["document", "image", "video", "audio"],
    }


def new_password_body() -> dict[str, Any]:
    return {
        "new_password1": "a-long-new-password-2026",
        "new_password2": "a-long-new-password-2026",
    }


def invitation_of(w: World) -> dict[str, Any]:
    from django.utils.http import int_to_base36

    from people.services import invitation_tokens

    invitee = w.x("invitee")
    return {"uidb36": int_to_base36(invitee.pk), "token": invitation_tokens.make_token(invitee)}


def local_file_token(w: World) -> dict[str, Any]:
    from django.core import signing

    from artifacts.storage import LOCAL_URL_SALT

    grant = {"k": "quarantine/none", "d": "attachment", "t": "text/plain", "u": w.owner.pk}
    return {"token": signing.dumps(grant, salt=LOCAL_URL_SALT)}


def artifact_start_body(w: World, actor: str) -> dict[str, Any]:
    return {
        "file_name": "reflection.pdf",
        "size": "4096",
        "title": "Reflection",
        "component": "reflection",
        "confirmed_no_identifying_info": "on",
        "confirmed_consent_on_file": "on",
    }


def artifact_link_body(w: World, actor: str) -> dict[str, Any]:
    return {
        "link-url": "https://video.example.org/second-lesson",
        "link-title": "Second lesson",
        "link-component": "impact",
        "link-confirmed_no_identifying_info": "on",
        "link-confirmed_consent_on_file": "on",
    }


def artifact_edit_body(w: World, actor: str) -> dict[str, Any]:
    return {
        "title": "Lesson video, renamed",
        "description": "",
        "component": "impact",
        "confirmed_no_identifying_info": "on",
        "confirmed_consent_on_file": "on",
    }


# fmt: off
API_NOTE = (
    "The API answers bearer tokens only: a signed-in session is no credential there (401). "
    "Its client-scope dimension (no token, a token without the route's scope, another "
    "district's token) is walked route by route in tests/api/test_access.py."
)

WALLET_NOTE = (
    "The wallet API answers a connected wallet's bearer token only: a signed-in session is no "
    "credential there (401). Tokens of wallets and of district clients are kept apart, and "
    "scopes checked, in tests/wallets/test_tokens_stay_apart.py."
)


def wallet_authorization(w) -> dict:
    """An authorization request of the world's wallet, with its PKCE challenge (S256)."""
    return {
        "client_id": w.x("wallet").application.client_id,
        "response_type": "code",
        "scope": w.x("wallet").scopes[0],
        "redirect_uri": "https://wallet.example/cb",
        "state": "matrix",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }


ROWS: list[Row] = [
    # --- the front door ---------------------------------------------------------------------
    Row(
        "home",
        redirect=lambda w, actor: re.escape(reverse(HOME_OF[actor])),
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login ok    ok        ok       ok       ok    ok    ok",
        state="ok ok",
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
        "people:admin_dashboard",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).district.name],
        note="other_admin sees their own district's dashboard, never this district's.",
    ),
    Row(
        "accounts:no_role",
        get="login ok    ok        ok       ok       ok    ok    ok",
        state="ok ok",
    ),
    Row(
        "accounts:district_settings",
        redirect=to("accounts:district_settings"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=district_settings_body,
        hidden=lambda w, actor: [w.foreign(actor).district.signatory_name],
        note="Always the admin's own district: other_admin sees and changes Lakeside only.",
    ),
    Row(
        "accounts:profile",
        get="login ok    ok        ok       ok       ok    ok    ok",
        state="ok ok",
        shown=lambda w, actor: ["E-mail addresses"],
        note="Everyone's own account page; a state admin's has no license number.",
    ),
    Row(
        "accounts:license_number",
        redirect=to("accounts:profile"),
        post="login ok   ok        ok       ok       ok    ok    ok",
        state="404 404",
        data=lambda w, actor: {"license_number": f"KS-{actor.upper().replace('_', '-')}"},
        note="Each person sets their own number; a state admin has no district, so no state "
        "license to record.",
    ),
    Row(
        "accounts:district_logo",
        get="login 403   403       403      403      403   ok    ok",
        note="The admin's own district's logo (other_admin gets Lakeside's, or 404 with none).",
    ),
    Row(
        "people:list",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).owner.email],
    ),
    Row(
        "people:person_invite",
        redirect=to("people:list"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {
            "first_name": "New", "last_name": "Person", "email": f"new-{actor}@example.org",
            "building": "", "is_educator": "on",
        },
    ),
    Row(
        "people:person_edit",
        redirect=to("people:list"),
        kwargs=lambda w: {"pk": w.owner.pk},
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=person_body,
    ),
    Row(
        "people:move_invite",
        redirect=to("people:list"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {
            "email": w.own(actor).extra["neighbour"].email, "roles": ["educator"],
        },
        hidden=lambda w, actor: [w.foreign(actor).extra["neighbour"].last_name],
        note="Each admin invites the neighbour of their own state; never names anyone.",
    ),
    Row(
        "people:move_accept",
        redirect=to("home"),
        kwargs=lambda w: {"token": w.x("move_invitation").token},
        get="login ok    404       404      404      404   404   404",
        post="login ok   404       404      404      404   404   404",
        data=lambda w, actor: {},
        note="Only the invited person may read or accept their invitation; to anyone else "
        "the link does not exist.",
    ),
    Row(
        "people:person_edit",
        variant="moved in",
        redirect=to("people:list"),
        kwargs=lambda w: {"pk": w.x("arriving").pk},
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=person_body,
        shown=lambda w, actor: [w.x("arriving_award").microcredential.title],
        hidden=lambda w, actor: [w.x("arriving_old_plan").plan.title],
        note="The new district sees the awards the person brought, not their old plans.",
    ),
    Row(
        "people:person_edit",
        variant="moved out",
        kwargs=lambda w: {"pk": w.x("leaving").pk},
        get="login 403   403       403      403      403   404   404",
        post="login 403  403       403      403      403   404   404",
        data=person_body,
        note="The district a person left no longer manages them.",
    ),
    Row(
        "people:person_transcript",
        kwargs=lambda w: {"pk": w.owner.pk},
        get="login 403   403       403      403      403   ok    404",
        shown=lambda w, actor: ["ClrCredential", w.owner.last_name],
    ),
    Row(
        "people:person_resend",
        redirect=to("people:list"),
        kwargs=pk_of("invitee"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "people:person_deactivate",
        redirect=to("people:list"),
        kwargs=lambda w: {"pk": w.a.people["colleague"].pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "people:person_reactivate",
        redirect=to("people:list"),
        kwargs=pk_of("former"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "people:roster_example",
        get="login 403   403       403      403      403   ok    ok",
    ),
    Row(
        "people:roster_import",
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {
            "roster": SimpleUploadedFile(
                "roster.csv",
                b"email,first_name,last_name,building,roles\n"
                b"roster@example.org,Rosa,Roster,,educator\n",
                content_type="text/csv",
            )
        },
        changes=False,
        note="Reading a roster only shows its preview (kept in the session); confirming writes.",
    ),
    Row(
        "people:roster_confirm",
        redirect=to("people:roster_import"),
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"token": "not-the-session-token", "invite_new": "on"},
        changes=False,
        note="Without the preview in the session an admin is sent back to upload: no write.",
    ),
    Row(
        "people:buildings",
        redirect=to("people:buildings"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"name": f"Annex of {actor}"},
        hidden=lambda w, actor: [w.foreign(actor).buildings[0].name],
    ),
    Row(
        "people:building_edit",
        redirect=to("people:buildings"),
        kwargs=lambda w: {"pk": w.a.buildings[1].pk},
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {"name": "Renamed High"},
    ),
    Row(
        "people:building_delete",
        redirect=to("people:buildings"),
        kwargs=lambda w: {"pk": w.a.buildings[1].pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "people:goals",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).goal.title],
    ),
    Row(
        "people:goal_new",
        redirect=to("people:goals"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {
            "title": f"Goal of {actor}", "description": "", "position": "1", "active": "on",
        },
    ),
    Row(
        "people:goal_edit",
        redirect=to("people:goals"),
        kwargs=lambda w: {"pk": w.a.goal.pk},
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {
            "title": "Every reader, renamed", "description": "", "position": "0", "active": "on",
        },
    ),
    Row(
        "people:invitation_accept", variant="valid link",
        redirect=to("home"),
        kwargs=invitation_of,
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="ok    404   404       404      404      404   404   404",
        post="ok   404   404       404      404      404   404   404",
        data=lambda w, actor: new_password_body(),
        note="Public: the link is the credential. Someone else signed in must not use it.",
    ),
    Row(
        "people:invitation_accept", variant="forged link",
        kwargs=lambda w: {**invitation_of(w), "token": "abc-0123456789abcdef"},
        get="404   404   404       404      404      404   404   404",
        post="404  404   404       404      404      404   404   404",
        data=lambda w, actor: new_password_body(),
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
        "credentials:export",
        kwargs=lambda w: {"pk": w.credential.pk},
        get="login ok    ok        ok       ok       ok    ok    404",
        note="Anyone who may read the entry may take it away as a file.",
    ),
    Row(
        "credentials:import_package",
        redirect=new_object(r"/catalog/manage/\d+/"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"package": package_file(w)},
        note="Into the admin's own district, as a draft.",
    ),
    Row(
        "credentials:state_catalog",
        get="login 403   403       403      403      403   ok    ok",
        shown=lambda w, actor: [w.own(actor).extra["state_entry"].title],
        hidden=lambda w, actor: [w.foreign(actor).extra["state_entry"].title],
        note="The entries of the admin's own state only.",
    ),
    Row(
        "credentials:adopt",
        redirect=new_object(r"/catalog/manage/\d+/"),
        kwargs=pk_of("state_entry"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
        note="Another state's entry is not found for a district of another state.",
    ),
    Row(
        "credentials:adopt_stack",
        redirect=to("credentials:state_catalog"),
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"stack": w.own(actor).extra["stack"].name},
        note="The stacks of the admin's own state: another state's name adopts nothing.",
    ),
    Row(
        "credentials:state_entry_export",
        kwargs=pk_of("state_entry"),
        get="login 403   403       403      403      403   ok    404",
    ),
    Row(
        "credentials:adopted_update",
        redirect=new_object(r"/catalog/manage/\d+/"),
        kwargs=pk_of("adopted_credential"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:manage",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).extra["draft_credential"].title],
    ),
    Row(
        "credentials:create",
        redirect=new_object(r"/catalog/manage/\d+/rubric/"),
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
        redirect=to("credentials:preview", pk_of("draft_credential")),
        kwargs=pk_of("draft_credential"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=credential_body,
    ),
    Row(
        "credentials:publish",
        redirect=to("credentials:preview", pk_of("draft_credential")),
        kwargs=pk_of("draft_credential"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:retire",
        redirect=to("credentials:preview", lambda w: {"pk": w.credential.pk}),
        kwargs=lambda w: {"pk": w.credential.pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:new_draft",
        redirect=new_object(r"/catalog/manage/\d+/"),
        kwargs=lambda w: {"pk": w.credential.pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:rubric",
        redirect=to("credentials:rubric", pk_of("draft_credential")),
        kwargs=pk_of("draft_credential"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {
            "form": "rule", "rule-passing_rule": "all", "rule-minimum_passing_criteria": "",
        },
    ),
    Row(
        "credentials:criterion_edit",
        redirect=to("credentials:rubric", pk_of("draft_credential")),
        kwargs=pk_of("criterion"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=criterion_body,
    ),
    Row(
        "credentials:criterion_delete",
        redirect=to("credentials:rubric", pk_of("draft_credential")),
        kwargs=pk_of("criterion"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "credentials:stacks",
        redirect=to("credentials:stacks"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"name": f"Stack by {actor}", "description": "", "color": "#225588"},
        hidden=lambda w, actor: [w.foreign(actor).extra["stack"].name],
    ),
    Row(
        "credentials:stack_edit",
        redirect=to("credentials:stacks"),
        kwargs=pk_of("stack"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {"name": "Renamed stack", "description": "", "color": "#225588"},
    ),
    Row(
        "credentials:evidence_types",
        redirect=to("credentials:evidence_types"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"name": f"Video by {actor}", "description": "", "accepts": "any"},
        hidden=lambda w, actor: [w.foreign(actor).extra["evidence_type"].name],
    ),
    Row(
        "credentials:evidence_type_edit",
        redirect=to("credentials:evidence_types"),
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
    Row(
        "submissions:plan_start",
        redirect=new_object(r"/plans/\d+/"),
        kwargs=lambda w: {"credential_pk": w.credential.pk},
        #     anon  owner colleague reviewer assigned chair admin other_admin
        post="login ok   ok        403      403      403   403   403",
        data=lambda w, actor: {},
        note="An educator starts a plan on a published entry of their own district.",
    ),
    Row(
        "submissions:propose",
        redirect=new_object(r"/plans/\d+/"),
        get="login ok    ok        403      403      403   403   403",
        post="login ok   ok        403      403      403   403   403",
        data=lambda w, actor: {
            "title": f"Morning meetings by {actor}", "competency": "Runs a morning meeting.",
            "proposed_evidence": "A video.", "criteria": "Meetings are held daily",
        },
    ),
    Row(
        "submissions:proposal_edit",
        redirect=to("submissions:detail", pk_of("proposal_plan")),
        kwargs=pk_of("proposal_plan"),
        get="login ok    404       403      403      403   403   403",
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {
            "title": "Morning meetings, revised", "competency": "Runs a morning meeting.",
            "proposed_evidence": "A video.", "criteria": "Meetings are held daily",
        },
        note="The lead changes the micro-credential they proposed while the plan is a draft.",
    ),
    Row(
        "submissions:detail", variant="draft",
        kwargs=sub_of("draft"),
        get="login ok    404       403      403      403   403   403",
        hidden=lambda w, actor: [w.foreign(actor).owner.email],
        note="Only its educator; reviewers read plans in the review pages.",
    ),
    Row(
        "submissions:detail", variant="under review",
        kwargs=sub_of("submitted_for_review"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "submissions:plan_save",
        redirect=to("submissions:detail", sub_of("draft")),
        kwargs=sub_of("draft"),
        post="login ok   404       403      403      403   403   403",
        data=plan_body,
    ),
    Row(
        "submissions:results_save",
        redirect=to("submissions:detail", sub_of("in_progress")),
        kwargs=sub_of("in_progress"),
        post="login ok   404       403      403      403   403   403",
        data=results_body,
    ),
    Row(
        "submissions:history",
        kwargs=sub_of("in_progress"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "submissions:member_add",
        redirect=to("submissions:detail", sub_of("draft")),
        kwargs=sub_of("draft"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {"email": w.a.people["colleague"].email},
    ),
    Row(
        "submissions:submit_plan",
        redirect=to("submissions:detail", sub_of("changes_requested")),
        kwargs=sub_of("changes_requested"),
        post="login ok   404       403      403      403   403   403",
        # Unchanged since the panel's decision: sent as the educator confirms it.
        data=lambda w, actor: {"send_unchanged": "yes"},
    ),
    Row(
        "submissions:start_work",
        redirect=to("submissions:detail", sub_of("plan_approved")),
        kwargs=sub_of("plan_approved"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
    ),
    Row(
        "submissions:submit_for_review",
        redirect=to("submissions:detail", sub_of("in_progress")),
        kwargs=sub_of("in_progress"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
    ),
    Row(
        "submissions:resubmit",
        redirect=to("submissions:detail", sub_of("not_yet")),
        kwargs=sub_of("not_yet"),
        post="login ok   404       403      403      403   403   403",
        # Unchanged since the panel's decision: sent as the educator confirms it.
        data=lambda w, actor: {"send_unchanged": "yes"},
    ),
    Row(
        "submissions:withdraw",
        redirect=to("submissions:detail", sub_of("draft")),
        kwargs=sub_of("draft"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
    ),
    # The plan an educator left in district A when they moved (closed by the move): they read
    # it (``leaver``), change nothing of it, and may start it again in their new district.
    Row(
        "submissions:detail", variant="moved out, plan left here",
        kwargs=pk_of("leaving_old_plan"),
        get="login 404   404       403      403      403   403   403",
        leaver="ok",
        shown=lambda w, actor: ["can no longer be changed"],
    ),
    Row(
        "submissions:history", variant="moved out, plan left here",
        kwargs=pk_of("leaving_old_plan"),
        get="login 404   404       403      403      403   403   403",
        leaver="ok",
    ),
    Row(
        "submissions:plan_save", variant="moved out, plan left here",
        kwargs=pk_of("leaving_old_plan"),
        post="login 404  404       403      403      403   403   403",
        leaver="404",
        data=lambda w, actor: {
            "version": w.x("leaving_old_plan").plan.version, "title": "Changed after leaving",
        },
    ),
    Row(
        "submissions:submit_plan", variant="moved out, plan left here",
        kwargs=pk_of("leaving_old_plan"),
        post="login 404  404       403      403      403   403   403",
        leaver="404",
        data=lambda w, actor: {},
    ),
    Row(
        "submissions:carry_over",
        redirect=new_object(r"/plans/\d+/"),
        kwargs=pk_of("leaving_old_plan"),
        post="login 404  404       403      403      403   403   403",
        leaver="ok",
        data=lambda w, actor: {},
        note="Only its educator, from the district they moved to, starts it again there.",
    ),
    # --- artifacts (evidence) ---------------------------------------------------------------
    Row(
        "artifacts:upload",
        kwargs=sub_of("in_progress", "submission_id"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "artifacts:start",
        kwargs=sub_of("in_progress", "submission_id"),
        post="login ok   404       403      403      403   403   403",
        data=artifact_start_body,
    ),
    Row(
        "artifacts:link",
        redirect=to("artifacts:upload", sub_of("in_progress", "submission_id")),
        kwargs=sub_of("in_progress", "submission_id"),
        post="login ok   404       403      403      403   403   403",
        data=artifact_link_body,
    ),
    Row(
        "artifacts:finish",
        kwargs=uuid_of("uploading_artifact"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {"key": ""},
        note="The owner hands the upload over to the checks (which will refuse missing bytes).",
    ),
    Row(
        "artifacts:parts",
        kwargs=uuid_of("multipart_artifact"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "artifacts:sign_parts",
        kwargs=uuid_of("multipart_artifact"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {"part": ["1:AAAAAA==", "2:q83vEg=="]},
        changes=False,
        note="Signing part URLs writes nothing.",
    ),
    Row(
        "artifacts:abort",
        kwargs=uuid_of("uploading_artifact"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
    ),
    Row(
        "artifacts:local_upload",
        kwargs=uuid_of("uploading_artifact"),
        put="login 400   404       403      403      403   403   403",
        data=lambda w, actor: b"%PDF-1.4 matrix",
        note="Local storage only; with S3 the owner passes the check and is refused (400).",
    ),
    Row(
        "artifacts:status",
        kwargs=uuid_of("uploading_artifact"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "artifacts:edit",
        redirect=to("artifacts:upload", sub_of("in_progress", "submission_id")),
        kwargs=uuid_of("open_artifact"),
        get="login ok    404       403      403      403   403   403",
        post="login ok   404       403      403      403   403   403",
        data=artifact_edit_body,
    ),
    Row(
        "artifacts:delete",
        redirect=to("artifacts:upload", sub_of("in_progress", "submission_id")),
        kwargs=uuid_of("open_artifact"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
    ),
    Row(
        "artifacts:retry_check",
        redirect=to("artifacts:upload", sub_of("in_progress", "submission_id")),
        kwargs=uuid_of("retryable_artifact"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
        note="Checks again a file whose check could not run (the scanner did not answer).",
    ),
    Row(
        "artifacts:open",
        redirect=stored(lambda w: w.x("artifact").storage_key),
        kwargs=uuid_of("artifact"),
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login ok    404       404      ok       ok    ok    404",
        note="Its educator, the reviewers of its submission and its chair, the admins; every "
        "open is logged (ArtifactAccess), so an allowed GET writes.",
    ),
    Row(
        "artifacts:thumbnail",
        redirect=stored(lambda w: w.x("artifact").thumbnail_key),
        kwargs=uuid_of("artifact"),
        get="login ok    404       404      ok       ok    ok    404",
        note="Access as for opening; each thumbnail view is logged too.",
    ),
    Row(
        "artifacts:local_file",
        kwargs=local_file_token,
        get="login 404   404       404      404      404   404   404",
        note="Local storage only: under S3 every signed-in person gets 404.",
    ),
    Row(
        "artifacts:access_log",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).owner.last_name],
    ),
    # --- reviews ----------------------------------------------------------------------------
    Row(
        "reviews:queue",
        get="login 403   403       ok       ok       ok    403   403",
    ),
    Row(
        "reviews:review", variant="plan",
        redirect=to("reviews:review", lambda w: {"pk": w.assignment("plan_submitted").pk}),
        kwargs=lambda w: {"pk": w.assignment("plan_submitted").pk},
        #    anon  owner colleague reviewer assigned chair admin other_admin
        get="login 403   403       403      ok       403   403   403",
        post="login 403  403       403      ok       403   403   403",
        data=lambda w, actor: {"decision": "approve", "reason": "", "conditions": ""},
        note="Only the reviewer it is assigned to; the role check answers 403 before the lookup.",
    ),
    Row(
        "reviews:review", variant="final",
        redirect=to("reviews:review", lambda w: {"pk": w.assignment("submitted_for_review").pk}),
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
        "reviews:rounds",
        get="login 403   403       403      403      ok    ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).owner.last_name],
        note="District admins (all open reviews) and panel chairs (their panels').",
    ),
    Row(
        "reviews:chair_decide",
        redirect=to("reviews:round", pk_of("chair_round")),
        kwargs=pk_of("chair_round"),
        post="login 403  403       403      403      ok    ok    404",
        data=lambda w, actor: {"outcome": "earned", "reason": "Confirmed."},
    ),
    Row(
        "reviews:reassign",
        redirect=to("reviews:round", lambda w: {"pk": w.round("submitted_for_review").pk}),
        kwargs=lambda w: {"pk": w.assignment("submitted_for_review").pk},
        post="login 403  403       403      403      ok    ok    404",
        data=reassign_body,
    ),
    Row(
        "reviews:feedback",
        kwargs=lambda w: {"submission_pk": w.submissions["earned"].pk},
        get="login ok    404       403      ok       ok    ok    404",
        note="Other educators do not learn it exists (404); an unassigned reviewer is told no.",
    ),
    # An educator who moved: each district sees the plans made in it, never those of the other.
    Row(
        "reviews:feedback",
        variant="moved in, plan left behind",
        kwargs=lambda w: {"submission_pk": w.x("arriving_old_plan").pk},
        get="login 404   404       404      404      404   404   404",
        note="The district the person joined does not see the plans they made before.",
    ),
    Row(
        "reviews:feedback",
        variant="moved in, plan made here",
        kwargs=lambda w: {"submission_pk": w.x("arriving_new_plan").pk},
        get="login 404   404       403      403      403   ok    404",
    ),
    Row(
        "reviews:feedback",
        variant="moved out, plan left here",
        kwargs=lambda w: {"submission_pk": w.x("leaving_old_plan").pk},
        get="login 404   404       403      403      403   ok    404",
        leaver="ok",
        note="The district a person left keeps its records of their plans; the person reads "
        "the panel's feedback on theirs.",
    ),
    Row(
        "reviews:feedback",
        variant="moved out, plan made after",
        kwargs=lambda w: {"submission_pk": w.x("leaving_new_plan").pk},
        get="login 404   404       404      404      404   404   404",
        note="The district a person left does not see their new work.",
    ),
    Row(
        "reviews:panels",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).extra["panel"].name],
    ),
    Row(
        "reviews:panel_create",
        redirect=to("reviews:panels"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=panel_body,
    ),
    Row(
        "reviews:panel_edit",
        redirect=to("reviews:panels"),
        kwargs=pk_of("panel"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {**panel_body(w, "admin"), "name": "Renamed panel"},
    ),
    # --- notifications ----------------------------------------------------------------------
    Row(
        "notifications:list",
        get="login ok    ok        ok       ok       ok    ok    ok",
        state="ok ok",
        hidden=lambda w, actor: [] if actor == "owner" else [w.x("owner_notification").title],
        note="Each signed-in person's own notifications (a state admin's too: none of a "
        "district's).",
    ),
    Row(
        "notifications:open",
        redirect=lambda w, actor: re.escape(w.x("owner_notification").url),
        kwargs=pk_of("owner_notification"),
        post="login ok   404       404      404      404   404   404",
        data=lambda w, actor: {},
        note="Only its recipient; anyone else is told it does not exist.",
    ),
    Row(
        "notifications:read_all",
        redirect=to("notifications:list"),
        post="login ok   ok        ok       ok       ok    ok    ok",
        state="ok ok",
        data=lambda w, actor: {},
        changes=False,
        note="Marks the signed-in person's own notifications only; some actors have none.",
    ),
    # --- badges: public pages and documents --------------------------------------------------
    Row(
        "badges:verify_lookup",
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:verify_lookup", variant="an award's id",
        query=lambda w: {"certificate": str(w.x("award").uuid)},
        redirect=to("badges:verify", lambda w: {"award_uuid": w.x("award").uuid}),
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:verify_lookup", variant="unknown id",
        query=lambda w: {"certificate": "00000000-0000-4000-8000-000000000000"},
        get="404   404   404       404      404      404   404   404",
    ),
    Row(
        "badges:verify",
        kwargs=award_of,
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
        shown=lambda w, actor: [w.x("award").microcredential.title],
    ),
    Row(
        "badges:verify", variant="unknown award",
        kwargs=lambda w: {"award_uuid": "00000000-0000-4000-8000-000000000000"},
        get="404   404   404       404      404      404   404   404",
    ),
    Row(
        "badges:credential",
        kwargs=award_of,
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
    ),
    Row(
        "badges:badge_png",
        kwargs=award_of,
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:badge_svg",
        kwargs=award_of,
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
    ),
    Row(
        "badges:ob2_png",
        kwargs=award_of,
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:ob2_assertion",
        kwargs=award_of,
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
    ),
    Row(
        "badges:ob2_badge_class",
        kwargs=lambda w: {"pk": w.x("award").microcredential_id},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
    ),
    Row(
        "badges:ob2_badge_class", variant="never awarded",
        kwargs=pk_of("draft_credential"),
        get="404   404   404       404      404      404   404   404",
        note="A class nobody earned (here a draft) is not published as an Open Badge.",
    ),
    Row(
        "badges:ob2_badge_image",
        kwargs=lambda w: {"pk": w.x("award").microcredential_id},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:ob2_badge_image", variant="never awarded",
        kwargs=pk_of("draft_credential"),
        get="404   404   404       404      404      404   404   404",
    ),
    Row(
        "badges:ob2_issuer",
        kwargs=lambda w: {"slug": w.district.slug},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
    ),
    Row(
        "badges:did",
        kwargs=lambda w: {"slug": w.district.slug},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
    ),
    Row(
        "badges:status_list",
        kwargs=lambda w: {"slug": w.district.slug},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:public_portfolio", variant="published",
        kwargs=lambda w: {"slug": w.x("portfolio").slug},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        hidden=private_parts,
        shown=lambda w, actor: [w.x("award").microcredential.title],
    ),
    Row(
        "badges:public_portfolio", variant="unpublished",
        kwargs=lambda w: {"slug": w.x("hidden_portfolio").slug},
        get="404   404   404       404      404      404   404   404",
        note="Unpublished is 404 for everyone, its educator included: it is not public.",
    ),
    # --- badges: signed in ------------------------------------------------------------------
    Row(
        "badges:portfolio",
        get="login ok    ok        403      403      403   403   403",
    ),
    Row(
        "badges:portfolio_settings",
        redirect=to("badges:portfolio"),
        post="login ok   ok        403      403      403   403   403",
        data=lambda w, actor: {"published": "on", "headline": f"Headline of {actor}"},
    ),
    Row(
        "badges:transcript",
        get="login ok    404       403      403      403   403   403",
        hidden=lambda w, actor: [w.foreign(actor).owner.last_name]
        + ([w.owner.last_name] if actor != "owner" else []),
        cross="ok 403",
        note="Each educator's own transcript; the colleague holds no award yet, so has none.",
    ),
    Row(
        "badges:award_download", variant="pdf",
        kwargs=lambda w: award_of(w, kind="pdf"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "badges:award_download", variant="json",
        kwargs=lambda w: award_of(w, kind="json"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "badges:renew",
        kwargs=award_of,
        redirect=new_object(r"/plans/\d+/"),
        get="login ok    404       403      403      403   403   403",
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
        note="Starts the renewal of the owner's award (it expires within the month): a new "
        "submission marked as its renewal, and audit entries.",
    ),
    Row(
        "badges:public_evidence",
        kwargs=sub_of("in_progress", "submission_id"),
        redirect=to("badges:public_evidence", sub_of("in_progress", "submission_id")),
        get="login ok    404       403      403      403   403   403",
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {"title_1": "Routine chart", "narrative_1": "Made with my class."},
    ),
    Row(
        "badges:public_evidence", variant="issued: shown, not changed",
        kwargs=sub_of("earned", "submission_id"),
        get="login ok    404       403      403      403   403   403",
        post="login 200  404       403      403      403   403   403",
        data=lambda w, actor: {"title_1": "Routine chart", "narrative_1": "Made with my class."},
        changes=False,
        note="The badge is signed: the page says so (200) and the POST changes nothing.",
    ),
    Row(
        "badges:issuance_progress",
        kwargs=sub_of("earned", "submission_id"),
        get="login ok    404       403      403      403   403   403",
    ),
    Row(
        "badges:district_awards",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).owner.last_name],
    ),
    Row(
        "badges:issuance_retry",
        kwargs=lambda w: {"submission_id": w.x("late_submission").pk},
        redirect=to("badges:district_awards"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
        note="Hands a late certificate back to issuance: a recovery record and an audit entry.",
    ),
    Row(
        "badges:revoke",
        redirect=to("badges:district_awards"),
        kwargs=award_of,
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {"reason": "Issued in error."},
    ),
    # --- badges: endorsements ---------------------------------------------------------------
    Row(
        "badges:state_did",
        kwargs=lambda w: {"slug": w.district.state.slug},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:state_status_list",
        kwargs=lambda w: {"slug": w.district.state.slug},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:endorsement_verify",
        kwargs=lambda w: {"endorsement_uuid": w.x("endorsement").uuid},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        shown=lambda w, actor: [w.x("endorsement").comment],
    ),
    Row(
        "badges:endorsement_credential",
        kwargs=lambda w: {"endorsement_uuid": w.x("endorsement").uuid},
        get="ok    ok    ok        ok       ok       ok    ok    ok",
    ),
    Row(
        "badges:endorsements",
        get="login 403   403       403      403      403   ok    ok",
        state="ok ok",
        note="An endorser's page: a state admin's office, or a district admin's district.",
    ),
    Row(
        "badges:endorse",
        kwargs=lambda w: {"pk": w.credential.pk},
        redirect=new_object(r"^/verify/endorsements/[0-9a-f-]{36}/$"),
        get="login 403   403       403      403      403   404   ok",
        post="login 403  403       403      403      403   404   ok",
        state="ok ok",
        data=lambda w, actor: {"comment": f"Meets the rule of {actor}'s office."},
        note="District A's entry: its own admin may not endorse it (404); another district's "
        "admin and any state office may.",
    ),
    Row(
        "badges:endorsement_withdraw",
        kwargs=lambda w: {"endorsement_uuid": w.x("endorsement").uuid},
        redirect=to(
            "badges:endorsement_verify", lambda w: {"endorsement_uuid": w.x("endorsement").uuid}
        ),
        get="login 403   403       403      403      403   404   404",
        post="login 403  403       403      403      403   404   404",
        state="ok 404",
        data=lambda w, actor: {"reason": "The rule changed."},
        note="Only the endorser (district A's state office) withdraws its endorsement.",
    ),
    # --- programs (cycles and rules) --------------------------------------------------------
    Row(
        "programs:rules",
        get="login 403   403       403      403      403   ok    ok",
    ),
    Row(
        "programs:rule_new",
        redirect=to("programs:rules"),
        kwargs=lambda w: {"kind": "cycle"},
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {
            "name": f"Fall 2026 ({actor})", "starts_on": "2026-08-17", "ends_on": "2026-12-18",
            "plan_deadline": "", "evidence_deadline": "",
        },
    ),
    Row(
        "programs:rule_edit",
        redirect=to("programs:rules"),
        kwargs=lambda w: {"kind": "cycle", "pk": w.x("cycle").pk},
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {
            "name": "Spring 2026, renamed", "starts_on": "2026-01-05", "ends_on": "2026-05-29",
            "plan_deadline": "", "evidence_deadline": "",
        },
    ),
    Row(
        "programs:rule_delete",
        redirect=to("programs:rules"),
        kwargs=lambda w: {"kind": "credit", "pk": w.x("credit_rule").pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    # --- reports ----------------------------------------------------------------------------
    *[
        Row(
            f"reports:{name}",
            get="login 403   403       403      403      403   ok    ok",
            hidden=lambda w, actor: [w.foreign(actor).owner.last_name],
        )
        for name in ("index", "funnel", "completions", "turnaround", "relicensure", "salary")
    ],
    Row(
        "reports:panel",
        get="login 403   403       403      403      ok    ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).people["reviewer"].last_name],
        shown=lambda w, actor: [w.own(actor).people["reviewer"].last_name],
        note="District admins and panel chairs; other_admin sees their own district's.",
    ),
    Row(
        "reviews:report_moved",
        get="ok    ok    ok        ok       ok       ok    ok    ok",
        redirect=to("reports:panel"),
        note="The panel report's old address: a redirect to where it lives now, which asks "
        "who is reading (the row above).",
    ),
    Row(
        "reports:panel_export",
        kwargs=lambda w: {"file_format": "csv"},
        get="login 403   403       403      403      ok    ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).people["reviewer"].email],
        shown=lambda w, actor: [w.own(actor).people["reviewer"].email],
        note="The panel report's reviewer workload, for whoever may read the report; "
        "other_admin gets their own district's.",
    ),
    Row(
        "reports:export",
        redirect=new_object(r"/reports/exports/[0-9a-f-]{36}/"),
        kwargs=lambda w: {"dataset": "salary_ledger", "file_format": "csv"},
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {},
        hidden=lambda w, actor: [w.foreign(actor).owner.email],
    ),
    Row(
        "reports:export_job",
        kwargs=lambda w: {"job_uuid": w.x("export_job").uuid},
        get="login 403   403       403      403      403   ok    404",
    ),
    # --- webhooks -------------------------------------------------------------------------
    Row(
        "webhooks:list",
        get="login 403   403       403      403      403   ok    ok",
        hidden=lambda w, actor: [w.foreign(actor).extra["webhook"].url],
        shown=lambda w, actor: [w.own(actor).extra["webhook"].url],
    ),
    Row(
        "webhooks:new",
        redirect=new_object(r"/district/webhooks/\d+/"),
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {
            "url": f"https://127.0.0.1:9/hooks/new-{actor}",
            "description": "SIS",
            "events": ["plan.submitted", "award.issued"],
        },
    ),
    Row(
        "webhooks:detail",
        kwargs=pk_of("webhook"),
        get="login 403   403       403      403      403   ok    404",
        shown=lambda w, actor: [w.x("webhook").url, w.x("webhook_delivery").event_id],
    ),
    Row(
        "webhooks:edit",
        redirect=to("webhooks:detail", pk_of("webhook")),
        kwargs=pk_of("webhook"),
        get="login 403   403       403      403      403   ok    404",
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {
            "url": "https://127.0.0.1:9/hooks/changed",
            "description": "HR, changed",
            "events": ["award.revoked"],
        },
    ),
    Row(
        "webhooks:disable",
        redirect=to("webhooks:detail", pk_of("webhook")),
        kwargs=pk_of("webhook"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "webhooks:enable",
        redirect=to("webhooks:detail", pk_of("disabled_webhook")),
        kwargs=pk_of("disabled_webhook"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "webhooks:rotate",
        redirect=to("webhooks:detail", pk_of("webhook")),
        kwargs=pk_of("webhook"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "webhooks:delete",
        redirect=to("webhooks:list"),
        kwargs=pk_of("webhook"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "webhooks:replay",
        redirect=to("webhooks:detail", pk_of("webhook")),
        kwargs=pk_of("webhook_delivery"),
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
        note="Queues a new attempt of the same event (sent after the commit).",
    ),
    Row(
        "reports:export_download",
        redirect=stored(lambda w: w.x("export_job").storage_key),
        kwargs=lambda w: {"job_uuid": w.x("export_job").uuid},
        get="login 403   403       403      403      403   ok    404",
        note="The admin is sent to a short-lived signed URL of the file.",
    ),
    # --- states: a state admin's pages, of their own state only ------------------------------
    #    anon  owner colleague reviewer assigned chair admin other_admin; state= state_admin other
    Row(
        "states:dashboard",
        get="login 403   403       403      403      403   403   403",
        state="ok ok",
        shown=lambda w, actor: [w.own(actor).district.name],
        hidden=lambda w, actor: [w.foreign(actor).district.name],
        note="Each state admin sees their own state's districts, never the other state's.",
    ),
    Row(
        "states:figures_csv",
        get="login 403   403       403      403      403   403   403",
        state="ok ok",
        shown=lambda w, actor: [w.own(actor).district.name],
        hidden=lambda w, actor: [w.foreign(actor).district.name],
    ),
    Row(
        "states:awards",
        get="login 403   403       403      403      403   403   403",
        state="ok ok",
        shown=lambda w, actor: [w.own(actor).owner.last_name],
        hidden=lambda w, actor: [w.foreign(actor).owner.last_name],
        note="The awards of the state's own districts (an earned one in each world district).",
    ),
    Row(
        "states:district_new",
        redirect=to("states:dashboard"),
        get="login 403   403       403      403      403   403   403",
        post="login 403  403       403      403      403   403   403",
        state="ok ok",
        data=lambda w, actor: {
            "name": f"New district by {actor}",
            "slug": f"new-by-{actor.replace('_', '-')}",
            "domains": "",
            "first_admin_email": f"first-admin-by-{actor}@example.org",
        },
    ),
    Row(
        "states:district_suspend",
        redirect=to("states:dashboard"),
        kwargs=lambda w: {"pk": w.district.pk},
        get="login 403   403       403      403      403   403   403",
        post="login 403  403       403      403      403   403   403",
        state="ok 404",
        data=lambda w, actor: {},
    ),
    Row(
        "states:district_unsuspend",
        redirect=to("states:dashboard"),
        kwargs=lambda w: {"pk": w.x("suspended_district").pk},
        post="login 403  403       403      403      403   403   403",
        state="ok 404",
        data=lambda w, actor: {},
    ),
    Row(
        "states:catalog",
        get="login 403   403       403      403      403   403   403",
        state="ok ok",
        shown=lambda w, actor: [w.own(actor).extra["state_entry"].title],
        hidden=lambda w, actor: [w.foreign(actor).extra["state_entry"].title],
    ),
    Row(
        "states:catalog_new",
        redirect=new_object(r"/state/catalog/\d+/"),
        get="login 403   403       403      403      403   403   403",
        post="login 403  403       403      403      403   403   403",
        state="ok ok",
        data=lambda w, actor: {
            "title": f"Published by {actor}",
            "competency": "The educator plans with data.",
            "estimated_hours": "5",
            "pd_points": "1",
            "rigor": "2",
            "criteria": "Uses data",
        },
    ),
    Row(
        "states:catalog_entry",
        redirect=to("states:catalog_entry", pk_of("state_entry")),
        kwargs=pk_of("state_entry"),
        get="login 403   403       403      403      403   403   403",
        post="login 403  403       403      403      403   403   403",
        state="ok 404",
        data=lambda w, actor: {
            "title": f"Revised by {actor}",
            "competency": "The educator plans with data, revised.",
            "estimated_hours": "5",
            "pd_points": "1",
            "rigor": "2",
        },
    ),
    Row(
        "states:catalog_version_export",
        kwargs=lambda w: {"pk": w.x("state_entry").pk, "number": 1},
        get="login 403   403       403      403      403   403   403",
        state="ok 404",
    ),
    Row(
        "states:renewal_rule",
        redirect=to("states:renewal_rule"),
        get="login 403   403       403      403      403   403   403",
        post="login 403  403       403      403      403   403   403",
        state="ok ok",
        data=lambda w, actor: {
            "name": f"Renewal by {actor}",
            "required_count": 2,
            "window_cycles": 3,
            "effective_from": "2026-01-01",
            "at_risk_days": 120,
        },
    ),
    # --- api ------------------------------------------------------------------------------
    Row(
        "api:clients",
        get="login 403   403       403      403      403   ok    ok",
        post="login 403  403       403      403      403   ok    ok",
        data=lambda w, actor: {"name": f"SIS of {actor}", "scopes": ["people:read"]},
        hidden=lambda w, actor: [w.foreign(actor).extra["api_client"].application.client_id],
    ),
    Row(
        "api:client_revoke",
        redirect=to("api:clients"),
        kwargs=lambda w: {"pk": w.x("api_client").pk},
        post="login 403  403       403      403      403   ok    404",
        data=lambda w, actor: {},
    ),
    Row(
        "api:calls",
        get="login 403   403       403      403      403   ok    ok",
    ),
    Row(
        "api:token",
        post="401  401   401       401      401      401   401   401",
        data=lambda w, actor: {"grant_type": "client_credentials"},
        note="Client credentials only: a session or no credentials at all get 401 invalid_client.",
    ),
    Row("api:schema", get="ok    ok    ok        ok       ok       ok    ok    ok"),
    Row("api:docs", get="ok    ok    ok        ok       ok       ok    ok    ok"),
    Row(
        "api:no_such_route",
        kwargs=lambda w: {"rest": "v1/nowhere/"},
        get="404   404   404       404      404      404   404   404",
        note="Anything else under /api/ is a problem details 404, never a web page.",
    ),
    Row(
        "api:ledger",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:report_figures",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:person-list",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:person-detail",
        kwargs=lambda w: {"external_id": w.owner.external_id},
        get="401   401   401       401      401      401   401   401",
        put="401   401   401       401      401      401   401   401",
        data=lambda w, actor: b'{"name": "Annex"}',
        note=API_NOTE,
    ),
    Row(
        "api:building-list",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:building-detail",
        kwargs=lambda w: {"external_id": w.a.buildings[0].external_id},
        get="401   401   401       401      401      401   401   401",
        put="401   401   401       401      401      401   401   401",
        data=lambda w, actor: b'{"name": "Annex"}',
        note=API_NOTE,
    ),
    Row(
        "api:catalog-list",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:catalog-detail",
        kwargs=lambda w: {"pk": w.credential.pk},
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:submission-list",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:submission-detail",
        kwargs=lambda w: {"pk": w.submission.pk},
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:award-list",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:award-detail",
        kwargs=lambda w: {"uuid": w.x("award").uuid},
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    Row(
        "api:award-revoke",
        kwargs=lambda w: {"uuid": w.x("award").uuid},
        post="401  401   401       401      401      401   401   401",
        data=lambda w, actor: {"reason": "Issued in error."},
        note=API_NOTE,
    ),
    Row(
        "api:relicensure-list",
        get="401   401   401       401      401      401   401   401",
        note=API_NOTE,
    ),
    # --- wallets (the Open Badges 3.0 API) ----------------------------------------------------
    Row("wallets:discovery", get="ok    ok    ok        ok       ok       ok    ok    ok"),
    Row(
        "wallets:register",
        post="ok   ok    ok        ok       ok       ok    ok    ok",
        data=lambda w, actor: json.dumps({**WALLET_REGISTRATION, "client_name": actor}).encode(),
        note="Dynamic client registration is open to anyone (the specification forbids an "
        "initial access token); a wallet reaches nobody's credentials until an educator agrees.",
    ),
    Row(
        "wallets:authorize",
        query=lambda w: wallet_authorization(w),
        get="login ok    ok        403      403      403   403   403",
        post="login ok   ok        403      403      403   403   403",
        data=lambda w, actor: {**wallet_authorization(w), "allow": "yes"},
        redirect=lambda w, actor: r"https://wallet\.example/cb\?.*code=.*",
        note="The consent page: an educator's own (any district's; the wallet names no record).",
    ),
    Row(
        "wallets:token",
        post="401  401   401       401      401      401   401   401",
        data=lambda w, actor: {"grant_type": "authorization_code", "code": "x"},
        note="The wallet authenticates itself: a session or no client at all get 401.",
    ),
    Row(
        "wallets:credentials",
        get="401   401   401       401      401      401   401   401",
        note=WALLET_NOTE,
    ),
    Row(
        "wallets:profile",
        get="401   401   401       401      401      401   401   401",
        note=WALLET_NOTE,
    ),
    Row(
        "wallets:connections",
        get="login ok    ok        403      403      403   403   403",
        shown=lambda w, actor: ["Backpack"] if actor == "owner" else [],
    ),
    Row(
        "wallets:disconnect",
        kwargs=lambda w: {"pk": w.x("wallet_connection").pk},
        redirect=to("wallets:connections"),
        post="login ok   404       403      403      403   403   403",
        data=lambda w, actor: {},
    ),
    Row("wallets:about", get="ok    ok    ok        ok       ok       ok    ok    ok"),
]
# fmt: on


@dataclass(frozen=True)
class Exemption:
    """Routes that are not ours to put in the matrix, and why."""

    label: str
    reason: str
    applies: Callable[[Any], bool]


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
]
