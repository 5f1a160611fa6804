"""Every write of an artifact: upload grants, completion, checks, opening, freezing, retention.

An uploaded file lands under a quarantine prefix as an opaque octet stream. ``artifact_check``
(run by a Celery task) decides what it really is, re-encodes images, optionally asks clamd, and
moves an accepted file out of quarantine; a refused file is deleted and the reason kept. When the
scanner or storage stays unreachable, ``artifact_check_give_up`` refuses it with a reason that
says so, keeping the file, which ``artifact_check_retry`` checks again when the educator asks.
"""

import functools
import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as StorageConnectionError
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import District, User
from accounts.services import audit_record
from accounts.uploads import (
    REENCODE_FORMATS,
    FileRefused,
    detect_type,
    district_families,
    human_size,
    reencode_image,
)
from credentials.models import EvidenceType, RubricCriterion
from outbox.services import outbox_enqueue
from submissions.models import Attempt, Component, Submission
from submissions.transitions import FINAL_STATUSES

from . import storage
from .checks import (
    INLINE_SAFE_TYPES,
    CheckUnavailable,
    check_declared,
    check_family,
    check_not_empty,
    clamd_scan,
    max_artifact_bytes,
    rasterize_svg,
    refusal_retryable,
)
from .models import Artifact, ArtifactAccess

logger = logging.getLogger(__name__)

SubmissionStatus = Submission.Status
ArtifactStatus = Artifact.Status
HEAD_BYTES = 8192
# Whole-file reads (images, SVG, office containers) are capped; beyond this they are refused.
WHOLE_READ_MAX = 100 * 1024 * 1024


class ArtifactError(Exception):
    """A request about an artifact that cannot be done now; the message is for the user.
    ``retryable``: asking again (after correcting the details, or later) can succeed; False when
    the answer is final, as for a file refused for what it is (``checks.refusal_retryable``)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class StorageUnavailable(CheckUnavailable):
    """Object storage did not answer while checking a file; the check is retried."""

    reason = (
        "We could not read this file from storage to check it right now, so it is not accepted "
        "yet. The file is kept: press Retry in a little while to check it again, or remove it."
    )


@contextmanager
def _storage_answering() -> Iterator[None]:
    """No answer, a dropped connection or a server error (5xx) from storage says nothing about
    the file: raised as ``StorageUnavailable``, which the check task retries."""
    try:
        yield
    except (ConnectionError, StorageConnectionError, HTTPClientError) as exc:
        raise StorageUnavailable(f"The file storage could not be reached: {exc}") from exc
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) < 500:
            raise
        raise StorageUnavailable(f"The file storage answered with an error: {exc}") from exc


class StorageDown(ArtifactError):
    """Object storage did not answer a person's request (an upload, a resume, an open): nothing
    changed, and they are told so in words, with a 503, instead of an error page."""

    http_status = 503

    def __init__(self) -> None:
        super().__init__(
            "The file storage is not answering right now, so this could not be done. Your plan "
            "and your other evidence are safe. Try again in a few minutes: an upload continues "
            "where it stopped."
        )


def _storage_reachable(service: Callable) -> Callable:
    """A service that talks to storage for a person raises ``StorageDown`` when it does not
    answer (see ``_storage_answering``)."""

    @functools.wraps(service)
    def wrapped(*args, **kwargs):
        try:
            with _storage_answering():
                return service(*args, **kwargs)
        except StorageUnavailable as exc:
            logger.warning("%s: %s", service.__name__, exc)
            raise StorageDown() from exc

    return wrapped


def multipart_threshold() -> int:
    return getattr(settings, "ARTIFACT_MULTIPART_THRESHOLD", 64 * 1024 * 1024)


def part_size() -> int:
    return getattr(settings, "ARTIFACT_PART_BYTES", 16 * 1024 * 1024)


def post_grant_seconds() -> int:
    return getattr(settings, "ARTIFACT_UPLOAD_SECONDS", 3600)


def multipart_grant_seconds() -> int:
    # Long enough to resume a large video the next morning.
    return getattr(settings, "ARTIFACT_MULTIPART_SECONDS", 24 * 3600)


def submission_prefix(submission: Submission) -> str:
    return (
        f"districts/{submission.district_id}/plans/{submission.plan_id}/"
        f"submissions/{submission.pk}/"
    )


def quarantine_key(artifact: Artifact, safe_name: str) -> str:
    return f"{submission_prefix(artifact.submission)}quarantine/{artifact.uuid}/{safe_name}"


def accepted_key(artifact: Artifact, safe_name: str) -> str:
    return f"{submission_prefix(artifact.submission)}artifacts/{artifact.uuid}/{safe_name}"


def _require_owner(submission: Submission, actor: User) -> None:
    if submission.educator_id != actor.pk or submission.district_id != actor.district_id:
        raise ArtifactError("Only the educator of this plan can change its evidence.")


def _require_open(submission: Submission) -> None:
    if not submission.accepts_evidence:
        raise ArtifactError(
            f"This plan is “{submission.get_status_display()}”; evidence cannot be added or "
            "changed now."
        )


def _require_editable(artifact: Artifact, actor: User) -> None:
    _require_owner(artifact.submission, actor)
    if artifact.is_frozen:
        raise ArtifactError(
            f"“{artifact.title}” was submitted for review and is kept as it was scored. "
            "After a “not yet” decision you can add a replacement instead."
        )
    _require_open(artifact.submission)


def _check_links(
    submission: Submission,
    criterion: RubricCriterion | None,
    evidence_type: EvidenceType | None,
    replaces: Artifact | None,
) -> EvidenceType | None:
    if criterion is not None and criterion.rubric.microcredential_id != (
        submission.plan.microcredential_id
    ):
        raise ArtifactError("That rubric criterion belongs to another micro-credential.")
    if evidence_type is not None and evidence_type.district_id != submission.district_id:
        raise ArtifactError("That evidence type belongs to another district.")
    if replaces is not None:
        if replaces.submission_id != submission.pk:
            raise ArtifactError("Only evidence of this plan can be replaced.")
        if not replaces.is_frozen:
            raise ArtifactError(
                "Only evidence already submitted for review is replaced; delete and add a draft "
                "file instead."
            )
    if evidence_type is None and criterion is not None:
        return criterion.evidence_type
    return evidence_type


@dataclass
class ArtifactDetails:
    title: str
    description: str = ""
    component: str = Component.IMPACT
    criterion: RubricCriterion | None = None
    evidence_type: EvidenceType | None = None
    confirmed_no_identifying_info: bool = False
    confirmed_consent_on_file: bool = False
    replaces: Artifact | None = None


def _new_artifact(
    *, submission: Submission, actor: User, details: ArtifactDetails, kind: str
) -> Artifact:
    _require_owner(submission, actor)
    _require_open(submission)
    if not (details.confirmed_no_identifying_info and details.confirmed_consent_on_file):
        raise ArtifactError("Confirm both points of the privacy checklist first.")
    evidence_type = _check_links(
        submission, details.criterion, details.evidence_type, details.replaces
    )
    return Artifact(
        district_id=submission.district_id,
        submission=submission,
        kind=kind,
        title=details.title[:200],
        description=details.description,
        component=details.component,
        criterion=details.criterion,
        evidence_type=evidence_type,
        confirmed_no_identifying_info=True,
        confirmed_consent_on_file=True,
        uploaded_by=actor,
        replaces=details.replaces,
    )


# --- Links --------------------------------------------------------------------------------------


def artifact_link_create(
    *, submission: Submission, actor: User, url: str, details: ArtifactDetails
) -> Artifact:
    """A link as evidence (the district's video platform, a shared document): accepted at once."""
    artifact = _new_artifact(
        submission=submission, actor=actor, details=details, kind=Artifact.Kind.LINK
    )
    accepts = artifact.evidence_type.accepts if artifact.evidence_type else None
    if accepts not in (None, "any", "link"):
        raise ArtifactError(
            f"“{artifact.evidence_type}” asks for a file ({artifact.evidence_type.accepts}), "
            "not a link."
        )
    artifact.url = url
    artifact.status = ArtifactStatus.ACCEPTED
    artifact.checked_at = timezone.now()
    with transaction.atomic():
        artifact.save()
        audit_record(
            actor=actor,
            action="artifact.link_added",
            target=artifact,
            to_status=ArtifactStatus.ACCEPTED,
        )
    return artifact


# --- File uploads -------------------------------------------------------------------------------


def _endpoints(artifact: Artifact) -> dict[str, str]:
    kwargs = {"uuid": artifact.uuid}
    return {
        "uuid": str(artifact.uuid),
        "finish_url": reverse("artifacts:finish", kwargs=kwargs),
        "abort_url": reverse("artifacts:abort", kwargs=kwargs),
        "status_url": reverse("artifacts:status", kwargs=kwargs),
        "parts_url": reverse("artifacts:parts", kwargs=kwargs),
        "sign_url": reverse("artifacts:sign_parts", kwargs=kwargs),
    }


@_storage_reachable
def artifact_upload_start(
    *,
    submission: Submission,
    actor: User,
    file_name: str,
    size: int | None,
    details: ArtifactDetails,
) -> tuple[Artifact, dict]:
    """Create the artifact and the grant to upload its bytes (refusing early what cannot pass).

    The grant is one of: a presigned POST (``method: post``), a multipart upload whose part
    URLs are signed on request (``multipart``), or the app's own chunked endpoint (``local``).
    """
    artifact = _new_artifact(
        submission=submission, actor=actor, details=details, kind=Artifact.Kind.FILE
    )
    accepts = artifact.evidence_type.accepts if artifact.evidence_type else None
    try:
        safe_name = check_declared(
            name=file_name,
            size=size,
            accepts=accepts,
            district_accepts=district_families(submission.district),
        )
    except FileRefused as exc:
        raise ArtifactError(str(exc), retryable=refusal_retryable(exc)) from exc
    artifact.title = (details.title or file_name)[:200]
    artifact.original_name = file_name[:255]
    artifact.declared_size = size
    artifact.storage_key = quarantine_key(artifact, safe_name)
    now = timezone.now()
    grant: dict = {}
    if not storage.use_s3():
        artifact.upload_expires_at = now + timedelta(seconds=post_grant_seconds())
        method = "local"
    elif size is not None and size > multipart_threshold():
        artifact.upload_id = storage.multipart_create(key=artifact.storage_key)
        artifact.upload_expires_at = now + timedelta(seconds=multipart_grant_seconds())
        method = "multipart"
        grant = {"part_size": part_size(), "part_count": -(-size // part_size())}
    else:
        artifact.upload_expires_at = now + timedelta(seconds=post_grant_seconds())
        method = "post"
        grant = storage.presigned_post(
            key=artifact.storage_key,
            max_bytes=min(size or 0, max_artifact_bytes()),
            expires_in=post_grant_seconds(),
        )
    with transaction.atomic():
        artifact.save()
        audit_record(
            actor=actor,
            action="artifact.upload_started",
            target=artifact,
            to_status=ArtifactStatus.UPLOADING,
            detail={"name": file_name[:255], "size": size, "method": method},
        )
    if method == "local":
        grant = {"url": reverse("artifacts:local_upload", kwargs={"uuid": artifact.uuid})}
    return artifact, {"method": method, **grant, **_endpoints(artifact)}


def _require_uploading(artifact: Artifact, actor: User) -> None:
    _require_owner(artifact.submission, actor)
    if artifact.kind != Artifact.Kind.FILE or artifact.status != ArtifactStatus.UPLOADING:
        raise ArtifactError(f"“{artifact.title}” is not waiting for an upload.")
    if artifact.upload_expires_at and artifact.upload_expires_at < timezone.now():
        _discard_upload(artifact)
        raise ArtifactError(
            f"The upload of “{artifact.original_name}” expired before it finished; choose the "
            "file again to start a new upload."
        )


def _discard_upload(artifact: Artifact) -> None:
    """Throw away an unfinished upload: its bytes and its row (nothing was submitted)."""
    if storage.use_s3() and artifact.upload_id:
        storage.multipart_abort(key=artifact.storage_key, upload_id=artifact.upload_id)
    storage.delete(artifact.storage_key)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="artifact.upload_discarded",
            target=artifact,
            from_status=artifact.status,
            detail={"name": artifact.original_name},
        )
        artifact.delete()


def artifact_local_receive(*, artifact: Artifact, actor: User, stream: IO[bytes]) -> Artifact:
    """Local files: stream the request body to the quarantine file in chunks."""
    _require_uploading(artifact, actor)
    if storage.use_s3():
        raise ArtifactError("Uploads go straight to object storage here.")
    limit = min(artifact.declared_size or 0, max_artifact_bytes())
    received = storage.local_receive(key=artifact.storage_key, stream=stream, max_bytes=limit)
    if received > limit:
        storage.delete(artifact.storage_key)
        raise ArtifactError(
            f"“{artifact.original_name}” is larger than announced; the largest file accepted is "
            f"{human_size(limit)}."
        )
    return artifact


@_storage_reachable
def artifact_parts(*, artifact: Artifact, actor: User) -> list[dict]:
    """The parts already in storage, so a broken upload resumes where it stopped."""
    _require_uploading(artifact, actor)
    if not artifact.upload_id:
        raise ArtifactError("This upload is not a multipart upload.")
    parts = storage.multipart_parts(key=artifact.storage_key, upload_id=artifact.upload_id)
    return [{"part_number": p["PartNumber"], "size": p["Size"]} for p in parts]


def artifact_sign_parts(*, artifact: Artifact, actor: User, checksums: dict[int, str]) -> dict:
    """A PUT URL for each part number, signed for the CRC32 the browser computed for that part.

    Storage verifies each part's bytes against it and refuses a part that does not match, so a
    part damaged on its way is sent again instead of becoming part of the evidence.
    """
    _require_uploading(artifact, actor)
    if not artifact.upload_id:
        raise ArtifactError("This upload is not a multipart upload.")
    count = -(-(artifact.declared_size or 0) // part_size())
    if not checksums or any(n < 1 or n > count for n in checksums) or len(checksums) > 100:
        raise ArtifactError(f"Part numbers must be between 1 and {count}, at most 100 at a time.")
    urls = storage.multipart_part_urls(
        key=artifact.storage_key,
        upload_id=artifact.upload_id,
        checksums=dict(sorted(checksums.items())),
        expires_in=3600,
    )
    return {str(n): url for n, url in urls.items()}


@_storage_reachable
def artifact_upload_finish(*, artifact: Artifact, actor: User, key: str = "") -> Artifact:
    """The browser says the bytes are in: complete a multipart upload, then queue the checks."""
    _require_uploading(artifact, actor)
    if key and key != artifact.storage_key:
        raise ArtifactError(
            "This upload was sent to a place that does not belong to this plan's evidence; it "
            "was not accepted."
        )
    if artifact.upload_id:
        parts = storage.multipart_parts(key=artifact.storage_key, upload_id=artifact.upload_id)
        expected = -(-(artifact.declared_size or 0) // part_size())
        numbers = [p["PartNumber"] for p in parts]
        if numbers != list(range(1, expected + 1)):
            missing = sorted(set(range(1, expected + 1)) - set(numbers))
            raise ArtifactError(
                f"The upload is not complete yet: {len(missing)} of {expected} parts are missing."
            )
        total = sum(p["Size"] for p in parts)
        if total > max_artifact_bytes():
            _discard_upload(artifact)
            raise ArtifactError(
                f"“{artifact.original_name}” is {human_size(total)}; the largest file accepted "
                f"is {human_size(max_artifact_bytes())}.",
                retryable=False,
            )
        storage.multipart_complete(
            key=artifact.storage_key, upload_id=artifact.upload_id, parts=parts
        )
    with transaction.atomic():
        updated = Artifact.objects.filter(pk=artifact.pk, status=ArtifactStatus.UPLOADING).update(
            status=ArtifactStatus.CHECKING, upload_id=""
        )
        if not updated:
            raise ArtifactError(f"“{artifact.title}” is not waiting for an upload.")
        artifact.status = ArtifactStatus.CHECKING
        artifact.upload_id = ""
        audit_record(
            actor=actor,
            action="artifact.uploaded",
            target=artifact,
            from_status=ArtifactStatus.UPLOADING,
            to_status=ArtifactStatus.CHECKING,
        )
        _queue_check(artifact.pk)
    return artifact


def _queue_check(artifact_id: int) -> None:
    """Queue the checks of an uploaded file for after the commit (the outbox)."""
    from .tasks import check_artifact

    outbox_enqueue(task=check_artifact, args=[artifact_id])


@_storage_reachable
def artifact_upload_cancel(*, artifact: Artifact, actor: User) -> None:
    """Cancel an unfinished upload; nothing else of the plan changes."""
    _require_owner(artifact.submission, actor)
    if artifact.status != ArtifactStatus.UPLOADING:
        raise ArtifactError(f"“{artifact.title}” has finished uploading; delete it instead.")
    _discard_upload(artifact)


# --- Details, deletion --------------------------------------------------------------------------


def artifact_update(*, artifact: Artifact, actor: User, details: ArtifactDetails) -> Artifact:
    _require_editable(artifact, actor)
    if not (details.confirmed_no_identifying_info and details.confirmed_consent_on_file):
        raise ArtifactError("Confirm both points of the privacy checklist first.")
    evidence_type = _check_links(
        artifact.submission, details.criterion, details.evidence_type, None
    )
    artifact.title = details.title[:200] or artifact.title
    artifact.description = details.description
    artifact.component = details.component
    artifact.criterion = details.criterion
    artifact.evidence_type = evidence_type
    with transaction.atomic():
        artifact.save(
            update_fields=["title", "description", "component", "criterion", "evidence_type"]
        )
        audit_record(actor=actor, action="artifact.updated", target=artifact)
    return artifact


def artifact_delete(*, artifact: Artifact, actor: User) -> None:
    """Remove a draft artifact (never one submitted for review) and its stored files."""
    _require_editable(artifact, actor)
    if artifact.status == ArtifactStatus.UPLOADING:
        _discard_upload(artifact)
        return
    if artifact.is_being_checked:
        raise ArtifactError(f"“{artifact.title}” is still being checked; try again in a moment.")
    keys = [artifact.storage_key, artifact.thumbnail_key]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="artifact.deleted",
            target=artifact,
            from_status=artifact.status,
            detail={"title": artifact.title, "name": artifact.original_name},
        )
        artifact.delete()
        transaction.on_commit(lambda: [storage.delete(k) for k in keys if k])


# --- Checks (run by the Celery task) ------------------------------------------------------------


@dataclass
class _Accepted:
    key: str
    content_type: str
    size: int
    sha256: str
    thumbnail_key: str = ""


def _scan(key: str) -> str:
    """Hash the file and, when clamd is configured, scan it in the same pass."""
    digest = hashlib.sha256()

    def chunks():
        for chunk in storage.iter_chunks(key):
            digest.update(chunk)
            yield chunk

    if settings.CLAMD_HOST:
        found = clamd_scan(chunks(), host=settings.CLAMD_HOST, port=settings.CLAMD_PORT)
        if found:
            raise FileRefused(
                f"The virus scanner found “{found}” in this file; it was deleted. Check the "
                "computer it came from before uploading again."
            )
    else:
        for _ in chunks():
            pass
    return digest.hexdigest()


def _moved_out_of_quarantine(artifact: Artifact) -> _Accepted | None:
    """What a check stopped midway (its worker killed) left: the file already moved out of
    quarantine, its verdict not yet written. Only a check that passed puts a file under the
    artifact's accepted prefix (uploads can only reach its quarantine key), so the verdict is
    written from that file, and the check rerun by the redelivered task finishes the job."""
    thumbnail = accepted_key(artifact, "thumbnail.jpg")
    keys = storage.list_keys(accepted_key(artifact, ""))
    files = [k for k in keys if k != thumbnail]
    if len(files) != 1:
        return None
    key = files[0]
    size = storage.size_of(key) or 0
    mime = detect_type(
        storage.read_head(key, HEAD_BYTES),
        name=key,
        open_zip=(lambda: io.BytesIO(storage.read_all(key))) if size <= WHOLE_READ_MAX else None,
    )
    return _Accepted(
        key=key,
        content_type=mime,
        size=size,
        sha256=storage.sha256_of(storage.iter_chunks(key)),
        thumbnail_key=thumbnail if thumbnail in keys else "",
    )


def _inspect(artifact: Artifact) -> _Accepted:
    key = artifact.storage_key
    name = artifact.original_name
    if not key.startswith(f"{submission_prefix(artifact.submission)}quarantine/{artifact.uuid}/"):
        raise FileRefused("This upload does not belong to this plan's evidence.")
    size = storage.size_of(key)
    if size is None:
        moved = _moved_out_of_quarantine(artifact)
        if moved is not None:
            return moved
        raise FileRefused(f"“{name}” never arrived in storage; choose the file again.")
    check_not_empty(name=name, size=size)
    if size > max_artifact_bytes():
        raise FileRefused(
            f"“{name}” is {human_size(size)}; the largest file accepted is "
            f"{human_size(max_artifact_bytes())}."
        )
    sha256 = _scan(key)
    head = storage.read_head(key, HEAD_BYTES)
    mime = detect_type(
        head,
        name=name,
        open_zip=(lambda: io.BytesIO(storage.read_all(key))) if size <= WHOLE_READ_MAX else None,
    )
    accepts = artifact.evidence_type.accepts if artifact.evidence_type else None
    check_family(
        mime=mime, name=name, accepts=accepts, district_accepts=district_families(artifact.district)
    )
    safe_name = key.rsplit("/", 1)[-1]
    if mime == "image/svg+xml" or mime in REENCODE_FORMATS:
        if size > WHOLE_READ_MAX:
            raise FileRefused(
                f"“{name}” is {human_size(size)}; images up to {human_size(WHOLE_READ_MAX)} are "
                "accepted."
            )
        data = storage.read_all(key)
    if mime == "image/svg+xml":
        # Kept as the picture it draws: a PNG, made like any uploaded PNG from here on.
        data, mime = rasterize_svg(data, name=name), "image/png"
    if mime in REENCODE_FORMATS:
        clean = reencode_image(data, mime=mime, name=name)
        stem = safe_name.rsplit(".", 1)[0]
        target = accepted_key(artifact, f"{stem}{clean.extension}")
        thumb = accepted_key(artifact, "thumbnail.jpg")
        storage.put(key=target, data=clean.data, content_type=clean.content_type)
        storage.put(key=thumb, data=clean.thumbnail, content_type="image/jpeg")
        storage.delete(key)
        return _Accepted(
            key=target,
            content_type=clean.content_type,
            size=len(clean.data),
            sha256=hashlib.sha256(clean.data).hexdigest(),
            thumbnail_key=thumb,
        )
    target = accepted_key(artifact, safe_name)
    storage.move(source=key, target=target, content_type=mime)
    return _Accepted(key=target, content_type=mime, size=size, sha256=sha256)


def artifact_check(*, artifact_id: int) -> Artifact | None:
    """Decide an artifact in quarantine: accepted (moved out) or refused (deleted, with why).

    Safe to run twice: only an artifact still "checking" is looked at, and only one run's
    verdict is written.
    """
    artifact = (
        Artifact.objects.select_related("submission", "evidence_type", "district")
        .filter(pk=artifact_id, status=ArtifactStatus.CHECKING)
        .first()
    )
    if artifact is None:
        return None
    with _storage_answering():
        try:
            accepted = _inspect(artifact)
        except FileRefused as exc:
            # Its bytes are deleted: whatever the refusal, only a new upload can follow.
            storage.delete(artifact.storage_key)
            return _verdict(
                artifact,
                status=ArtifactStatus.REFUSED,
                refusal_reason=str(exc),
                refusal_retryable=False,
                storage_key="",
            )
    return _verdict(
        artifact,
        status=ArtifactStatus.ACCEPTED,
        storage_key=accepted.key,
        thumbnail_key=accepted.thumbnail_key,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
        inline_safe=accepted.content_type in INLINE_SAFE_TYPES,
    )


def artifact_check_give_up(*, artifact_id: int, cause: CheckUnavailable) -> Artifact | None:
    """The check's last retry failed for a reason that says nothing about the file (``cause``):
    refuse it, so it no longer hangs on "checking". The educator reads ``cause.reason``;
    reviewers never open it.

    The quarantined bytes are kept (``refusal_retryable``): once the scanner or storage answers
    again, the educator checks the same file again (``artifact_check_retry``) instead of
    uploading it again; removing the artifact deletes them.
    """
    artifact = (
        Artifact.objects.select_related("submission", "district")
        .filter(pk=artifact_id, status=ArtifactStatus.CHECKING)
        .first()
    )
    if artifact is None:
        return None
    return _verdict(
        artifact,
        status=ArtifactStatus.REFUSED,
        refusal_reason=cause.reason,
        refusal_retryable=refusal_retryable(cause),
        error=str(cause),
    )


def artifact_check_retry(*, artifact: Artifact, actor: User) -> Artifact:
    """Check again a file refused because its check could not run (``Artifact.may_retry_check``);
    a file refused for what it is gets the same answer, so it is refused here, unchanged."""
    _require_editable(artifact, actor)
    with transaction.atomic():
        locked = Artifact.objects.select_for_update().get(pk=artifact.pk)
        if not locked.may_retry_check:
            if locked.status == ArtifactStatus.REFUSED:
                raise ArtifactError(
                    f"“{locked.title}” was refused for what the file is: {locked.refusal_reason} "
                    "Checking it again would give the same answer; remove it instead.",
                    retryable=False,
                )
            raise ArtifactError(
                f"“{locked.title}” is {locked.get_status_display().lower()}; there is no refusal "
                "to check again.",
                retryable=False,
            )
        locked.status = ArtifactStatus.CHECKING
        locked.refusal_reason = ""
        locked.refusal_retryable = False
        locked.checked_at = None
        locked.save(update_fields=["status", "refusal_reason", "refusal_retryable", "checked_at"])
        audit_record(
            actor=actor,
            action="artifact.check_retried",
            target=locked,
            from_status=ArtifactStatus.REFUSED,
            to_status=ArtifactStatus.CHECKING,
        )
        _queue_check(locked.pk)
    return locked


def _verdict(artifact: Artifact, *, error: str = "", **fields) -> Artifact | None:
    """Write the check's outcome if no other run did; ``error`` (for the audit) is why a check
    could not run."""
    fields["checked_at"] = timezone.now()
    if fields["status"] == ArtifactStatus.REFUSED:
        detail = {"reason": fields["refusal_reason"], **({"error": error} if error else {})}
    else:
        detail = {"content_type": fields["content_type"], "size": fields["size"]}
    with transaction.atomic():
        if not Artifact.objects.filter(pk=artifact.pk, status=ArtifactStatus.CHECKING).update(
            **fields
        ):
            return None
        for name, value in fields.items():
            setattr(artifact, name, value)
        audit_record(
            actor=None,
            action=f"artifact.{fields['status']}",
            target=artifact,
            from_status=ArtifactStatus.CHECKING,
            to_status=fields["status"],
            detail=detail,
        )
    return artifact


# --- Opening ------------------------------------------------------------------------------------


def download_name(artifact: Artifact, *, thumbnail: bool = False) -> str:
    key = artifact.thumbnail_key if thumbnail else artifact.storage_key
    return key.rsplit("/", 1)[-1] if key else "artifact"


@_storage_reachable
def artifact_open(
    *,
    artifact: Artifact,
    user: User,
    ip_address: str | None,
    purpose: str = ArtifactAccess.Purpose.OPEN,
) -> str:
    """Log the access, then return a URL that lives at most five minutes (or the link)."""
    if artifact.deleted_at is not None:
        raise ArtifactError(artifact.deletion_note or "This file was deleted.")
    thumbnail = purpose == ArtifactAccess.Purpose.THUMBNAIL
    if artifact.kind == Artifact.Kind.LINK and not thumbnail:
        url = artifact.url
    elif not artifact.opens:
        if artifact.status == ArtifactStatus.REFUSED:
            raise ArtifactError(f"“{artifact.title}” was refused: {artifact.refusal_reason}")
        raise ArtifactError(f"“{artifact.title}” is still being checked; it opens once accepted.")
    elif thumbnail and not artifact.thumbnail_key:
        raise ArtifactError(f"“{artifact.title}” has no thumbnail.")
    else:
        key = artifact.thumbnail_key if thumbnail else artifact.storage_key
        # Storage must answer before the person is sent to it: when it does not, they get a
        # page that says so instead of a browser error, and nothing is logged as disclosed.
        storage.size_of(key)
        url = storage.open_url(
            key=key,
            filename=download_name(artifact, thumbnail=thumbnail),
            content_type="image/jpeg" if thumbnail else artifact.content_type,
            inline=thumbnail or artifact.inline_safe,
            user_id=user.pk,
        )
    ArtifactAccess.objects.create(
        artifact=artifact,
        district_id=artifact.district_id,
        user=user,
        ip_address=ip_address,
        purpose=purpose,
    )
    return url


# --- Freezing and retention ---------------------------------------------------------------------


def artifacts_attach_to_attempt(*, attempt: Attempt) -> int:
    """Freeze the accepted, not yet submitted artifacts of the attempt's submission."""
    return Artifact.objects.filter(
        submission_id=attempt.submission_id, status=ArtifactStatus.ACCEPTED, attempt__isnull=True
    ).update(attempt=attempt)


def artifacts_purge_expired_uploads(*, now=None) -> int:
    """Uploads abandoned past their grant: abort them and drop their rows."""
    now = now or timezone.now()
    expired = Artifact.objects.select_related("submission").filter(
        status=ArtifactStatus.UPLOADING, upload_expires_at__lt=now
    )
    count = 0
    for artifact in expired:
        _discard_upload(artifact)
        count += 1
    return count


def artifacts_apply_retention(*, now=None) -> int:
    """Delete artifact files N days after the final decision; keep the row and a note."""
    now = now or timezone.now()
    count = 0
    for district in District.objects.filter(artifact_retention_days__isnull=False):
        days = district.artifact_retention_days
        cutoff = now - timedelta(days=days)
        due = Artifact.objects.select_related("submission").filter(
            district=district,
            kind=Artifact.Kind.FILE,
            deleted_at__isnull=True,
            submission__status__in=list(FINAL_STATUSES),
            submission__status_changed_at__lte=cutoff,
        )
        for artifact in due:
            _retention_delete(artifact, now=now, days=days)
            count += 1
    return count


def _retention_delete(artifact: Artifact, *, now, days: int) -> None:
    submission = artifact.submission
    if artifact.status == ArtifactStatus.UPLOADING and artifact.upload_id and storage.use_s3():
        storage.multipart_abort(key=artifact.storage_key, upload_id=artifact.upload_id)
    for key in (artifact.storage_key, artifact.thumbnail_key):
        storage.delete(key)
    note = (
        f"File “{artifact.original_name or artifact.title}” ({human_size(artifact.size)}"
        f"{', sha256 ' + artifact.sha256[:16] if artifact.sha256 else ''}) deleted on "
        f"{timezone.localdate(now):%Y-%m-%d} under the district's {days}-day retention, after "
        f"the final decision ({submission.get_status_display()} on "
        f"{timezone.localdate(submission.status_changed_at):%Y-%m-%d})."
    )
    with transaction.atomic():
        previous = artifact.status
        Artifact.objects.filter(pk=artifact.pk).update(
            status=ArtifactStatus.DELETED,
            deleted_at=now,
            deletion_note=note[:300],
            storage_key="",
            thumbnail_key="",
            upload_id="",
        )
        audit_record(
            actor=None,
            action="artifact.retention_deleted",
            target=artifact,
            district=artifact.district,
            from_status=previous,
            to_status=ArtifactStatus.DELETED,
            detail={"note": note[:300]},
        )
