"""Pages and documents of awards. Verification and the credential documents are public."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import District, State
from accounts.permissions import district_admin_required, educator_required
from credentials.models import MicroCredential
from credentials.selectors import current_version
from microcreds.downloads import content_disposition, download_filename
from microcreds.pagination import paginate

from . import (
    images,
    keys,
    open_badges,
    permissions,
    selectors,
    services,
    transcripts,
    verification,
)
from .forms import (
    EndorseForm,
    PortfolioForm,
    PublicEvidenceForm,
    RevokeForm,
    VerifyLookupForm,
    WithdrawEndorsementForm,
)
from .models import ISSUANCE_RETRY_AFTER, Award, Portfolio, StatusList

VC_MEDIA_TYPE = "application/vc+ld+json"
# Each download: the award's field, its content type, and what the file is (its name's start).
DOWNLOADS = {
    "pdf": ("certificate_key", "application/pdf", "certificate"),
    "png": ("badge_png_key", "image/png", "badge"),
    "svg": ("badge_svg_key", "image/svg+xml", "badge"),
}


def download_name(award: Award, what: str, extension: str) -> str:
    """What the file is and whose: certificate-<credential>-<name>.pdf."""
    return download_filename(
        what, award.microcredential.title, award.educator.display_name, extension=extension
    )


def _json(document: dict, content_type: str = "application/json", status: int = 200):
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type=f"{content_type}; charset=utf-8",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _public_award_or_404(award_uuid) -> Award:
    award = selectors.public_award(award_uuid)
    if award is None:
        raise Http404("No such award.")
    return award


def _stored(key: str, content_type: str, filename: str | None = None) -> HttpResponse:
    if not key:
        raise Http404("Not ready yet.")
    with default_storage.open(key, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    if filename:
        response["Content-Disposition"] = content_disposition(filename)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def linkedin_url(award: Award) -> str:
    """LinkedIn's add-to-profile link with the certification's fields filled in."""
    verify_url = open_badges.absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.microcredential.title,
        "organizationName": award.district.name,
        "issueYear": award.issued_at.year,
        "issueMonth": award.issued_at.month,
        "certUrl": verify_url,
        "certId": str(award.uuid),
    }
    if award.expires_at:
        params["expirationYear"] = award.expires_at.year
        params["expirationMonth"] = award.expires_at.month
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def signature_snippet(award: Award, *, preview: bool = False) -> str:
    """The HTML an educator pastes into an e-mail signature: absolute links to this site. Its
    preview on our own page loads the image from the page's origin instead, which the CSP
    admits whatever host and port SITE_URL names."""
    from django.utils.html import format_html

    verify_url = open_badges.absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    image_url = award.badge_image_path if preview else open_badges.absolute(award.badge_image_path)
    return format_html(
        '<a href="{}"><img src="{}" alt="{} — verified micro-credential" width="80" '
        'height="80"></a>',
        verify_url,
        image_url,
        award.microcredential.title,
    )


# --- Public -----------------------------------------------------------------------------------


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """Anyone types or scans a certificate ID (or pastes its link) and lands on its page."""
    form = VerifyLookupForm(request.GET or None)
    status = 200
    if form.is_valid():
        award = selectors.public_award(form.cleaned_data["certificate"])
        if award is not None:
            return redirect("badges:verify", award_uuid=award.uuid)
        form.add_error(
            "certificate",
            "No certificate has this ID. Check it against the certificate, character by "
            "character; if it is right, the certificate was not issued here.",
        )
        status = 404
    return render(request, "badges/verify_lookup.html", {"form": form}, status=status)


@require_GET
def verify(request: HttpRequest, award_uuid) -> HttpResponse:
    award = _public_award_or_404(award_uuid)
    return render(
        request,
        "badges/verify.html",
        {
            "award": award,
            "issuer_did": keys.issuer_did(award.district),
            "verification": verification.award_verification(award),
            "rubric_results": open_badges.rubric_summary(award.credential),
            "public_evidence": open_badges.shared_evidence(award.credential),
            "endorsements": verification.carried_endorsements(award),
        },
    )


@require_GET
def credential_json(request: HttpRequest, award_uuid) -> HttpResponse:
    credential = selectors.public_credential(award_uuid)
    if credential is None:
        raise Http404("No such award.")
    return _json(credential, VC_MEDIA_TYPE)


@require_GET
def badge_png(request: HttpRequest, award_uuid) -> HttpResponse:
    award = _public_award_or_404(award_uuid)
    return _stored(award.badge_png_key, "image/png")


@require_GET
def badge_svg(request: HttpRequest, award_uuid) -> HttpResponse:
    award = _public_award_or_404(award_uuid)
    return _stored(award.badge_svg_key, "image/svg+xml")


@require_GET
def ob2_png(request: HttpRequest, award_uuid) -> HttpResponse:
    award = _public_award_or_404(award_uuid)
    return _stored(award.ob2_png_key, "image/png")


@require_GET
def ob2_assertion(request: HttpRequest, award_uuid) -> HttpResponse:
    award = _public_award_or_404(award_uuid)
    # OB 2.0: a revoked hosted assertion answers 410 Gone (its body says revoked, and why).
    status = 410 if award.is_revoked else 200
    return _json(open_badges.ob2_assertion(award), "application/ld+json", status=status)


def _awarded_microcredential_or_404(pk: int) -> MicroCredential:
    """Badge classes are public once something has been awarded under them, not before."""
    microcredential = (
        MicroCredential.objects.filter(pk=pk, awards__state=Award.State.ISSUED)
        .select_related("district", "stack")
        .first()
    )
    if microcredential is None:
        raise Http404("No badge class has been awarded under this id.")
    return microcredential


@require_GET
def ob2_badge_class(request: HttpRequest, pk: int) -> HttpResponse:
    microcredential = _awarded_microcredential_or_404(pk)
    image_url = open_badges.absolute(reverse("badges:ob2_badge_image", kwargs={"pk": pk}))
    return _json(
        open_badges.ob2_badge_class(microcredential, image_url=image_url), "application/ld+json"
    )


@require_GET
def ob2_badge_class_image(request: HttpRequest, pk: int) -> HttpResponse:
    microcredential = _awarded_microcredential_or_404(pk)
    response = HttpResponse(images.badge_png(microcredential), content_type="image/png")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def ob2_issuer(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    return _json(open_badges.ob2_issuer(district), "application/ld+json")


@require_GET
def did_document(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    document = keys.did_document(district)
    if not document["verificationMethod"]:
        raise Http404("This district has no badge keys.")
    return _json(document, "application/did+ld+json")


@require_GET
def status_list(request: HttpRequest, slug: str) -> HttpResponse:
    status = StatusList.objects.filter(district__slug=slug).exclude(credential={}).first()
    return _status_list_response(status)


def _status_list_response(status: StatusList | None) -> HttpResponse:
    if status is None:
        raise Http404("No status list.")
    response = _json(status.credential, VC_MEDIA_TYPE)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def state_did_document(request: HttpRequest, slug: str) -> HttpResponse:
    state = get_object_or_404(State, slug=slug)
    document = keys.did_document(state)
    if not document["verificationMethod"]:
        raise Http404("This state office has no signing keys.")
    return _json(document, "application/did+ld+json")


@require_GET
def state_status_list(request: HttpRequest, slug: str) -> HttpResponse:
    status = StatusList.objects.filter(state__slug=slug).exclude(credential={}).first()
    return _status_list_response(status)


@require_GET
def public_portfolio(request: HttpRequest, slug) -> HttpResponse:
    portfolio = selectors.published_portfolio(slug)
    if portfolio is None:
        raise Http404("No such portfolio.")
    return render(
        request,
        "badges/public_portfolio.html",
        {"portfolio": portfolio, "awards": list(selectors.portfolio_awards(portfolio))},
    )


# --- Educator ---------------------------------------------------------------------------------


@require_GET
@educator_required
def portfolio(request: HttpRequest) -> HttpResponse:
    awards = list(selectors.awards_for_educator(request.user))
    portfolio_record = Portfolio.objects.filter(educator=request.user).first()
    return render(
        request,
        "badges/portfolio.html",
        {
            "awards": [
                {
                    "award": award,
                    # Only an award that counts is offered for sharing (and download): a
                    # revoked or expired one is not put on a profile or in a signature.
                    "linkedin_url": linkedin_url(award) if award.counts else "",
                    "signature": signature_snippet(award) if award.counts else "",
                    "signature_preview": signature_snippet(award, preview=True)
                    if award.counts
                    else "",
                }
                for award in awards
                if award.state == Award.State.ISSUED
            ],
            # A transcript lists the awards that count: offered once there is one.
            "has_transcript": any(
                award.counts for award in awards if award.state == Award.State.ISSUED
            ),
            "preparing": list(selectors.earned_without_award(request.user)),
            "portfolio": portfolio_record,
            "form": PortfolioForm(
                initial={
                    "published": bool(portfolio_record and portfolio_record.published),
                    "headline": portfolio_record.headline if portfolio_record else "",
                }
            ),
        },
    )


def transcript_download(educator) -> HttpResponse:
    """The educator's transcript (CLR 2.0) as a JSON download named after them."""
    document = transcripts.educator_transcript(educator, now=timezone.now())
    if document is None:
        raise Http404(
            "There is no transcript yet: a transcript lists the micro-credentials that count, "
            f"and {educator.display_name} holds none yet. It is offered from the first one on."
        )
    response = _json(document, VC_MEDIA_TYPE)
    filename = download_filename("transcript", educator.display_name, extension="json")
    response["Content-Disposition"] = content_disposition(filename)
    return response


@require_GET
@educator_required
def transcript(request: HttpRequest) -> HttpResponse:
    """The educator's Comprehensive Learner Record (CLR 2.0): their badges that count, signed."""
    return transcript_download(request.user)


@require_http_methods(["POST"])
@educator_required
def portfolio_settings(request: HttpRequest) -> HttpResponse:
    form = PortfolioForm(request.POST)
    if form.is_valid():
        services.portfolio_update(
            educator=request.user,
            published=form.cleaned_data["published"],
            headline=form.cleaned_data["headline"],
            actor=request.user,
        )
        messages.success(request, "Your portfolio settings are saved.")
    else:
        messages.error(request, "The headline is too long (200 characters at most).")
    return redirect("badges:portfolio")


@require_GET
@login_required
def award_download(request: HttpRequest, award_uuid, kind: str) -> HttpResponse:
    award = permissions.get_award_for_user(request.user, award_uuid)
    if award.state != Award.State.ISSUED:
        raise Http404("Not ready yet.")
    if award.is_superseded:
        raise Http404(
            "This micro-credential was renewed: the certificate and badge of its renewal are "
            "offered in its place. This award's verification page says so."
        )
    if not award.counts:
        # As on the plan page and in the portfolio: an award that no longer counts offers its
        # verification page only, which says why.
        raise Http404(
            f"This micro-credential was {award.verification_status} and no longer counts, so its "
            "certificate and badge are no longer offered. Its verification page says so."
        )
    if kind == "json":
        response = _json(award.credential, VC_MEDIA_TYPE)
        response["Content-Disposition"] = content_disposition(download_name(award, "badge", "json"))
        return response
    if kind not in DOWNLOADS:
        raise Http404("No such download.")
    field, content_type, what = DOWNLOADS[kind]
    return _stored(getattr(award, field), content_type, download_name(award, what, kind))


@require_http_methods(["GET", "POST"])
@educator_required
def renew(request: HttpRequest, award_uuid) -> HttpResponse:
    """The educator renews their award: what the renewal asks, and the button to start it
    (from ``Award.is_renewable``); a renewal under way is opened instead."""
    award = permissions.get_award_for_user(request.user, award_uuid)
    under_way = selectors.renewal_under_way(award)
    if request.method == "POST":
        try:
            renewal, created = services.award_renewal_start(award=award, actor=request.user)
        except services.AwardError as error:
            messages.error(request, str(error))
            return redirect("badges:renew", award_uuid=award.uuid)
        if created:
            messages.success(
                request,
                "Your renewal is started: "
                f"{renewal.plan.microcredential.get_renewal_plan_display()}.",
            )
        return redirect("submissions:detail", pk=renewal.pk)
    return render(
        request,
        "badges/renew.html",
        {
            "award": award,
            "under_way": under_way,
            # The renewal is made on the entry's published version: its renewal plan applies.
            "microcredential": current_version(award.microcredential),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def public_evidence(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The educator chooses the evidence their badge will show, until it is issued."""
    submission = permissions.get_own_submission_for_user(request.user, submission_id)
    award = selectors.award_of_submission(submission)
    entries = list(submission.public_evidence.all())
    form = PublicEvidenceForm(
        request.POST or None, slots=services.PUBLIC_EVIDENCE_SLOTS, entries=entries
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.public_evidence_set(
                submission=submission, entries=form.entries(), actor=request.user
            )
        except services.AwardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Saved: your badge will show this evidence.")
            return redirect("badges:public_evidence", submission_id=submission.pk)
    return render(
        request,
        "badges/public_evidence.html",
        {
            "submission": submission,
            "award": award,
            "entries": entries,
            "form": form,
            "open": services.public_evidence_open(submission, has_award=award is not None),
        },
    )


@require_GET
@login_required
def issuance_progress(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The progress note of an earned submission's award; htmx polls it until it is ready."""
    submission = permissions.get_earned_submission_for_user(request.user, submission_id)
    award = Award.objects.filter(submission=submission).first()
    ready = award is not None and award.state == Award.State.ISSUED
    template = "badges/_progress.html" if request.htmx else "badges/progress.html"
    return render(request, template, {"submission": submission, "award": award if ready else None})


# --- District admin ---------------------------------------------------------------------------


@require_GET
@district_admin_required
def district_awards(request: HttpRequest) -> HttpResponse:
    awards = selectors.awards_for_district(request.user).order_by("-issued_at")[:200]
    late = selectors.issuance_overdue_for_district(
        request.user, decided_before=timezone.now() - ISSUANCE_RETRY_AFTER
    )[:200]
    return render(request, "badges/district_awards.html", {"awards": awards, "late": late})


@require_POST
@district_admin_required
def issuance_retry(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = permissions.get_late_submission_for_admin(request.user, submission_id)
    try:
        services.award_issuance_retry(submission=submission, actor=request.user)
    except services.AwardError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"The certificate of {submission.educator.display_name} for "
            f"“{submission.plan.microcredential.title}” was handed back to issuance; it leaves "
            "this list once it is issued.",
        )
    return redirect("badges:district_awards")


@require_http_methods(["GET", "POST"])
@login_required
def revoke(request: HttpRequest, award_uuid) -> HttpResponse:
    """Revoke an award; one already revoked says when, by whom and why instead (a second
    revocation, say from a page left open, is refused by ``award_revoke`` and changes nothing)."""
    award = permissions.get_award_for_admin(request.user, award_uuid)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.award_revoke(
                award=award, reason=form.cleaned_data["reason"], actor=request.user
            )
        except services.AwardError as error:
            form.add_error(None, str(error))
            award.refresh_from_db()  # revoked meanwhile: the page says by whom
            status = 409
        else:
            messages.success(
                request,
                f"The award of “{award.microcredential.title}” to {award.educator.display_name} "
                "is revoked: its verification page says so, and reports and the salary ledger "
                "no longer count it.",
            )
            return redirect("badges:district_awards")
    return render(request, "badges/revoke.html", {"award": award, "form": form}, status=status)


# --- Endorsements ---------------------------------------------------------------------------

ENDORSABLE_PAGE_SIZE = 50


def _public_endorsement_or_404(endorsement_uuid):
    endorsement = selectors.public_endorsement(endorsement_uuid)
    if endorsement is None:
        raise Http404("No endorsement has this id.")
    return endorsement


@require_GET
def endorsement_verify(request: HttpRequest, endorsement_uuid) -> HttpResponse:
    endorsement = _public_endorsement_or_404(endorsement_uuid)
    return render(
        request,
        "badges/endorsement_verify.html",
        {
            "endorsement": endorsement,
            "endorser_did": keys.issuer_did(endorsement.endorser),
            "verification": verification.endorsement_verification(endorsement),
        },
    )


@require_GET
def endorsement_credential(request: HttpRequest, endorsement_uuid) -> HttpResponse:
    endorsement = _public_endorsement_or_404(endorsement_uuid)
    return _json(endorsement.credential, VC_MEDIA_TYPE)


@require_GET
@login_required
def endorsements(request: HttpRequest) -> HttpResponse:
    """An endorser's page: the entries it may endorse, and the endorsements it gave."""
    permissions.require_endorser(request.user)
    query = request.GET.get("q", "")[:200]
    entries = selectors.endorsable_entries(request.user, query=query)
    return render(
        request,
        "badges/endorsements.html",
        {
            "endorser": selectors.endorser_of(request.user),
            "page": paginate(request, entries, ENDORSABLE_PAGE_SIZE),
            "query": query,
            "pager_query": urlencode({"q": query}) if query else "",
            "given": selectors.endorsements_given(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_endorsable_entry_for_user(request.user, pk)
    form = EndorseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endorsement = services.endorsement_give(
                microcredential=entry, comment=form.cleaned_data["comment"], actor=request.user
            )
        except services.EndorsementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Endorsed. Badges of this entry issued from now on carry it.")
            return redirect("badges:endorsement_verify", endorsement_uuid=endorsement.uuid)
    return render(
        request,
        "badges/endorse.html",
        {"entry": entry, "form": form, "endorser": selectors.endorser_of(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def endorsement_withdraw(request: HttpRequest, endorsement_uuid) -> HttpResponse:
    endorsement = permissions.get_endorsement_for_endorser(request.user, endorsement_uuid)
    form = WithdrawEndorsementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_withdraw(
                endorsement=endorsement, reason=form.cleaned_data["reason"], actor=request.user
            )
        except services.EndorsementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Withdrawn; its page and every verifier now say so.")
            return redirect("badges:endorsement_verify", endorsement_uuid=endorsement.uuid)
    return render(
        request, "badges/endorsement_withdraw.html", {"endorsement": endorsement, "form": form}
    )
