"""Artifact pages and the upload API the evidence page's script talks to. Thin: parse, check
access, call one service, answer (JSON for the script, HTML for people)."""

import uuid as uuid_lib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import district_admin_required, educator_required
from accounts.uploads import district_families, families_text
from microcreds.pagination import paginate
from submissions.permissions import get_submission_for_user

from . import selectors, services, storage
from .checks import max_artifact_bytes
from .forms import (
    ArtifactDetailsForm,
    ArtifactEditForm,
    ArtifactLinkForm,
    ArtifactStartForm,
    PartChecksumsForm,
)
from .models import Artifact, ArtifactAccess
from .permissions import get_artifact_for_user, get_own_artifact
from .services import ArtifactError


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return " ".join(parts)


def _page_context(request: HttpRequest, submission, link_form=None) -> dict:
    replacing = None
    if request.GET.get("replaces"):
        try:
            replacing = get_own_artifact(request.user, uuid_lib.UUID(request.GET["replaces"]))
        except ValueError:
            raise Http404("No such evidence.") from None
    artifacts = list(selectors.artifacts_of_submission(submission))
    return {
        "submission": submission,
        "artifacts": artifacts,
        "coverage": (
            selectors.criteria_coverage(submission, artifacts)
            if submission.accepts_evidence
            else []
        ),
        "start_form": ArtifactDetailsForm(submission=submission),
        "link_form": link_form or ArtifactLinkForm(submission=submission, prefix="link"),
        "replacing": replacing,
        "max_bytes": max_artifact_bytes(),
        "accepted_families": families_text(district_families(submission.district)),
    }


@require_GET
@educator_required
def artifact_upload(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The evidence page: add files (with progress) or links; see, edit, remove what is there
    (only see, on a plan of a district its educator has left)."""
    submission = get_submission_for_user(request.user, submission_id, to_read=True)
    context = _page_context(request, submission)
    if request.GET.get("part") == "list":
        return render(request, "artifacts/_artifact_list.html", context)
    return render(request, "artifacts/upload.html", context)


@require_POST
@educator_required
def artifact_start(request: HttpRequest, submission_id: int) -> JsonResponse:
    """Announce one file; answer with the grant to upload it (presigned POST, multipart, local)."""
    submission = get_submission_for_user(request.user, submission_id)
    form = ArtifactStartForm(request.POST, submission=submission)
    if not form.is_valid():
        return JsonResponse({"error": _form_errors(form), "fields": form.errors}, status=400)
    replaces = None
    if form.cleaned_data.get("replaces"):
        replaces = get_own_artifact(request.user, form.cleaned_data["replaces"])
    try:
        _, grant = services.artifact_upload_start(
            submission=submission,
            actor=request.user,
            file_name=form.cleaned_data["file_name"],
            size=form.cleaned_data["size"],
            details=form.details(replaces=replaces),
        )
    except ArtifactError as exc:
        return _json_error(exc)
    return JsonResponse(grant, status=201)


@require_POST
@educator_required
def artifact_link(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = get_submission_for_user(request.user, submission_id)
    form = ArtifactLinkForm(request.POST, submission=submission, prefix="link")
    if form.is_valid():
        replaces = None
        if form.cleaned_data.get("replaces"):
            replaces = get_own_artifact(request.user, form.cleaned_data["replaces"])
        try:
            artifact = services.artifact_link_create(
                submission=submission,
                actor=request.user,
                url=form.cleaned_data["url"],
                details=form.details(replaces=replaces),
            )
        except ArtifactError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Link “{artifact.title}” added.")
            return redirect("artifacts:upload", submission_id=submission.pk)
    context = _page_context(request, submission, link_form=form)
    return render(request, "artifacts/upload.html", context, status=400)


def _json_error(exc: ArtifactError, status: int = 400) -> JsonResponse:
    """The error and whether asking again can help: the upload script offers Retry only then,
    and Remove for a refusal that is final."""
    return JsonResponse(
        {"error": str(exc), "retryable": exc.retryable},
        status=getattr(exc, "http_status", status),
    )


@require_POST
@educator_required
def artifact_finish(request: HttpRequest, uuid) -> JsonResponse:
    """The bytes are in storage: complete a multipart upload, then queue the checks."""
    artifact = get_own_artifact(request.user, uuid)
    try:
        artifact = services.artifact_upload_finish(
            artifact=artifact, actor=request.user, key=request.POST.get("key", "")
        )
    except ArtifactError as exc:
        return _json_error(exc)
    return JsonResponse(_status_payload(artifact))


@require_GET
@educator_required
def artifact_parts(request: HttpRequest, uuid) -> JsonResponse:
    artifact = get_own_artifact(request.user, uuid)
    try:
        parts = services.artifact_parts(artifact=artifact, actor=request.user)
    except ArtifactError as exc:
        return _json_error(exc, status=409)
    return JsonResponse({"parts": parts, "part_size": services.part_size()})


@require_POST
@educator_required
def artifact_sign_parts(request: HttpRequest, uuid) -> JsonResponse:
    artifact = get_own_artifact(request.user, uuid)
    form = PartChecksumsForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _form_errors(form)}, status=400)
    try:
        urls = services.artifact_sign_parts(
            artifact=artifact, actor=request.user, checksums=form.cleaned_data["part"]
        )
    except ArtifactError as exc:
        return _json_error(exc)
    return JsonResponse({"urls": urls})


@require_POST
@educator_required
def artifact_abort(request: HttpRequest, uuid) -> JsonResponse:
    artifact = get_own_artifact(request.user, uuid)
    try:
        services.artifact_upload_cancel(artifact=artifact, actor=request.user)
    except ArtifactError as exc:
        return _json_error(exc, status=409)
    return JsonResponse({"status": "cancelled"})


@require_http_methods(["PUT"])
@educator_required
def artifact_local_upload(request: HttpRequest, uuid) -> JsonResponse:
    """Local files only: the body is read in chunks straight to the quarantine file."""
    artifact = get_own_artifact(request.user, uuid)
    try:
        services.artifact_local_receive(artifact=artifact, actor=request.user, stream=request)
    except ArtifactError as exc:
        return _json_error(exc)
    return JsonResponse({"status": "received"})


def _status_payload(artifact: Artifact) -> dict:
    return {
        "uuid": str(artifact.uuid),
        "status": artifact.status,
        "label": artifact.get_status_display(),
        "reason": artifact.refusal_reason,
        "title": artifact.title,
    }


@require_GET
@educator_required
def artifact_status(request: HttpRequest, uuid) -> JsonResponse:
    artifact = get_own_artifact(request.user, uuid)
    return JsonResponse(_status_payload(artifact))


@require_http_methods(["GET", "POST"])
@educator_required
def artifact_edit(request: HttpRequest, uuid) -> HttpResponse:
    artifact = get_own_artifact(request.user, uuid)
    form = ArtifactEditForm(request.POST or None, artifact=artifact)
    frozen = artifact.is_frozen
    if request.method == "POST" and form.is_valid():
        try:
            services.artifact_update(artifact=artifact, actor=request.user, details=form.details())
        except ArtifactError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{artifact.title}” saved.")
            return redirect("artifacts:upload", submission_id=artifact.submission_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "artifacts/edit.html",
        {"artifact": artifact, "form": form, "frozen": frozen},
        status=status,
    )


@require_POST
@educator_required
def artifact_delete(request: HttpRequest, uuid) -> HttpResponse:
    artifact = get_own_artifact(request.user, uuid)
    submission_id = artifact.submission_id
    title = artifact.title
    try:
        services.artifact_delete(artifact=artifact, actor=request.user)
    except ArtifactError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{title}” removed.")
    return redirect("artifacts:upload", submission_id=submission_id)


@require_POST
@educator_required
def artifact_retry_check(request: HttpRequest, uuid) -> HttpResponse:
    """Check again a file refused because its check could not run (its Retry button)."""
    artifact = get_own_artifact(request.user, uuid)
    try:
        services.artifact_check_retry(artifact=artifact, actor=request.user)
    except ArtifactError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{artifact.title}” is being checked again.")
    return redirect("artifacts:upload", submission_id=artifact.submission_id)


def _open(request: HttpRequest, uuid, purpose: str) -> HttpResponse:
    artifact = get_artifact_for_user(request.user, uuid)
    try:
        url = services.artifact_open(
            artifact=artifact, user=request.user, ip_address=_client_ip(request), purpose=purpose
        )
    except ArtifactError as exc:
        status = getattr(exc, "http_status", 410 if artifact.deleted_at else 409)
        return render(
            request,
            "artifacts/unavailable.html",
            {"artifact": artifact, "message": str(exc)},
            status=status,
        )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@login_required
def artifact_open(request: HttpRequest, uuid) -> HttpResponse:
    """Check access, log the disclosure, redirect to a five-minute presigned URL."""
    return _open(request, uuid, ArtifactAccess.Purpose.OPEN)


@require_GET
@login_required
def artifact_thumbnail(request: HttpRequest, uuid) -> HttpResponse:
    return _open(request, uuid, ArtifactAccess.Purpose.THUMBNAIL)


@require_GET
@login_required
def artifact_local_file(request: HttpRequest, token: str) -> HttpResponse:
    """Local files only: the signed, five-minute URL an open redirected to."""
    try:
        grant = storage.read_local_token(token)
    except signing.BadSignature:
        raise Http404("This link has expired; open the evidence again.") from None
    if grant["u"] != request.user.pk or storage.use_s3():
        raise Http404("This link is not yours.")
    try:
        handle = open(storage.local_path(grant["k"]), "rb")
    except (OSError, ValueError):
        raise Http404("The file is no longer stored.") from None
    response = FileResponse(handle, content_type=grant["t"])
    response["Content-Disposition"] = grant["d"]
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@district_admin_required
def artifact_access_log(request: HttpRequest) -> HttpResponse:
    """The disclosure record: who opened which evidence, when (district admins)."""
    artifact_uuid = None
    if request.GET.get("artifact"):
        try:
            artifact_uuid = uuid_lib.UUID(request.GET["artifact"])
        except ValueError:
            raise Http404("No such evidence.") from None
    log = selectors.access_log_for_admin(request.user, artifact_uuid=artifact_uuid)
    page = paginate(request, log, 50)
    return render(
        request,
        "artifacts/access_log.html",
        {"page": page, "artifact_uuid": artifact_uuid},
    )
