"""Whether an evidence file may be accepted: its name, size and family against what the
district and the evidence type accept, SVG scripts, and a clamd client speaking the INSTREAM
protocol. What a file really is (its type from the bytes, images re-encoded without metadata)
and the families a district chooses from are ``accounts.uploads``'s. Storage and statuses live
in ``services``.
"""

import re
import socket
import struct
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings

from accounts.uploads import (
    AUDIO,
    DOCUMENT,
    FAMILIES,
    FAMILY_LABELS,
    IMAGE,
    OFFICE_TYPES,
    TYPE_NAMES,
    VIDEO,
    FileRefused,
    deployment_families,
    families_text,
    human_size,
)

FAMILY_NOUNS = {
    DOCUMENT: "a document",
    IMAGE: "an image",
    VIDEO: "a video",
    AUDIO: "an audio recording",
}

TYPE_FAMILIES: dict[str, str] = {
    "application/pdf": DOCUMENT,
    "text/plain": DOCUMENT,
    "text/csv": DOCUMENT,
    "application/csv": DOCUMENT,
    "text/rtf": DOCUMENT,
    "application/rtf": DOCUMENT,
    **{t: DOCUMENT for t in OFFICE_TYPES},
    "image/jpeg": IMAGE,
    "image/png": IMAGE,
    "image/gif": IMAGE,
    "image/webp": IMAGE,
    "image/tiff": IMAGE,
    "image/bmp": IMAGE,
    "image/x-ms-bmp": IMAGE,
    "image/svg+xml": IMAGE,
    "video/mp4": VIDEO,
    "video/quicktime": VIDEO,
    "video/webm": VIDEO,
    "video/x-msvideo": VIDEO,
    "video/x-matroska": VIDEO,
    "video/mpeg": VIDEO,
    "video/3gpp": VIDEO,
    "audio/mpeg": AUDIO,
    "audio/x-wav": AUDIO,
    "audio/wav": AUDIO,
    "audio/ogg": AUDIO,
    "audio/mp4": AUDIO,
    "audio/x-m4a": AUDIO,
    "audio/aac": AUDIO,
    "audio/flac": AUDIO,
    "audio/x-flac": AUDIO,
    "audio/webm": AUDIO,
}
# Shown in the browser when opened; every other type is sent as an attachment (SVG never inline).
INLINE_SAFE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "video/webm",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/x-wav",
}
# What the upload form accepts by name, only to refuse early what can never pass.
EXTENSIONS: dict[str, str] = {
    **{e: DOCUMENT for e in "pdf txt csv rtf doc docx xls xlsx ppt pptx odt ods odp".split()},
    **{e: IMAGE for e in "jpg jpeg png gif webp tif tiff bmp svg".split()},
    **{e: VIDEO for e in "mp4 m4v mov webm avi mkv mpeg mpg 3gp".split()},
    **{e: AUDIO for e in "mp3 wav ogg oga m4a aac flac weba".split()},
}
SVG_MAX_BYTES = 5 * 1024 * 1024
# An SVG drawing is kept as the picture it draws, at most this many pixels (16 megapixels).
SVG_MAX_PIXELS = 4096 * 4096


class DetailsRefused(FileRefused):
    """Refused for what the file was sent as (the evidence type chosen for it), not for what it
    is: sent again as another kind of evidence, the same file can pass."""


def refusal_retryable(refusal: Exception) -> bool:
    """Whether trying again can change the answer: a check that could not run (a scanner or
    storage that did not answer: ``CheckUnavailable``), or a refusal of the details the file was
    sent with (``DetailsRefused``). A refusal of the file itself (its name, size, type, content,
    a virus) is final: the same file gets the same answer, so it is removed, never retried.

    The one home of that rule: the upload script offers Retry from it (the ``retryable`` of an
    error answer), and a stored refusal keeps it (``Artifact.may_retry_check``)."""
    return isinstance(refusal, (CheckUnavailable, DetailsRefused))


def max_artifact_bytes() -> int:
    return settings.ARTIFACT_MAX_BYTES


def allowed_families(accepts: str | None, *, district_accepts: tuple[str, ...]) -> tuple[str, ...]:
    """The families a file may belong to: the district's, narrowed by the evidence type's."""
    if accepts in (None, "", "any"):
        return district_accepts
    if accepts == "link":
        return ()
    return tuple(f for f in district_accepts if f == accepts)


def safe_file_name(name: str) -> str:
    """A storage-safe version of the browser's file name; refuse names that carry folders."""
    if not name or not name.strip():
        raise FileRefused("The file has no name.")
    if any(ord(ch) < 32 for ch in name):
        raise FileRefused("The file name contains control characters; rename the file.")
    parts = re.split(r"[\\/]", name)
    if len(parts) > 1 or name.strip() in (".", ".."):
        raise FileRefused(
            f"The file name “{name[:120]}” contains folder parts (/ or \\ or ..); "
            "choose the file itself, with a plain name."
        )
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = cleaned, ""
    stem = stem[:80] or "file"
    return f"{stem}.{ext[:10].lower()}" if ext else stem


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def _family_refused(
    name: str,
    family: str,
    *,
    verb: str,
    families: tuple[str, ...],
    district_accepts: tuple[str, ...],
) -> FileRefused:
    """Why a file of ``family`` is refused: the district turned the family off, or the evidence
    type (or the deployment) does not take it. ``families`` is what is accepted here. Only a
    refusal by the evidence type is of the details: another evidence type may take the file."""
    if family in deployment_families() and family not in district_accepts:
        return FileRefused(
            f"“{name}” {verb} {FAMILY_NOUNS[family]}; your district does not accept "
            f"{FAMILY_LABELS[family]} as evidence files. Accepted here: {families_text(families)}."
        )
    refusal = DetailsRefused if family in district_accepts else FileRefused
    return refusal(
        f"“{name}” {verb} {FAMILY_NOUNS[family]}; this evidence accepts {families_text(families)}."
    )


def check_not_empty(*, name: str, size: int) -> None:
    """An empty file is never evidence: there is nothing in it for a reviewer to open. Refused
    when the browser announces it and again if what arrived in storage is empty."""
    if size <= 0:
        raise FileRefused(
            f"“{name}” is empty (0 bytes): there is nothing in it for reviewers to open. Check "
            "that it is the file you meant, or save it again from the program that made it."
        )


def check_declared(
    *, name: str, size: int | None, accepts: str | None, district_accepts: tuple[str, ...]
) -> str:
    """Refuse before any byte moves what can never pass; return the safe file name.

    ``district_accepts`` is what ``district_families`` says of the plan's district."""
    safe = safe_file_name(name)
    families = allowed_families(accepts, district_accepts=district_accepts)
    if not families:
        if accepts == "link":
            raise DetailsRefused("This evidence type takes a link, not a file.")
        what = f"{FAMILY_LABELS[accepts]} files" if accepts in FAMILIES else "files"
        raise FileRefused(f"Your district does not accept {what} as evidence; add a link instead.")
    if size is None:
        raise FileRefused("The browser did not say how large the file is.")
    check_not_empty(name=name, size=size)
    limit = max_artifact_bytes()
    if size > limit:
        raise FileRefused(
            f"“{name}” is {human_size(size)}; the largest file accepted is {human_size(limit)}."
        )
    family = EXTENSIONS.get(extension_of(safe))
    if family is None:
        raise FileRefused(
            f"Files like “{name}” are not accepted. Accepted here: {families_text(families)}."
        )
    if family not in families:
        raise _family_refused(
            name, family, verb="looks like", families=families, district_accepts=district_accepts
        )
    return safe


def check_family(
    *, mime: str, name: str, accepts: str | None, district_accepts: tuple[str, ...]
) -> str:
    """Refuse a type the district or evidence type does not accept; return its family."""
    family = TYPE_FAMILIES.get(mime)
    families = allowed_families(accepts, district_accepts=district_accepts)
    claimed = EXTENSIONS.get(extension_of(name))
    what = TYPE_NAMES.get(mime, f"a file of type {mime}")
    if family is None:
        named = f", though it is named like {FAMILY_NOUNS[claimed]}" if claimed else ""
        raise FileRefused(
            f"“{name}” is really {what}{named}. That type is not accepted; accepted here: "
            f"{families_text(families)}."
        )
    if family not in families:
        raise _family_refused(
            name, family, verb="is", families=families, district_accepts=district_accepts
        )
    # Audio in an MP4/WebM container is often reported as video; both play the same way.
    if claimed is not None and claimed != family and {claimed, family} != {AUDIO, VIDEO}:
        raise FileRefused(
            f"“{name}” is named like {FAMILY_NOUNS[claimed]}, but its content is "
            f"{FAMILY_NOUNS[family]} ({mime}). Rename it to match what it is, or choose the "
            "right file."
        )
    return family


def _fetch_inside_only(url: str, resource_type: str | None = None):
    """The drawing may use what it carries (``data:`` URLs) and reach nothing outside itself:
    no file, no address, no network."""
    from cairosvg.url import fetch

    if url.startswith("data:"):
        return fetch(url, resource_type)
    raise FileRefused("An SVG drawing may not load other files or addresses.")


def rasterize_svg(data: bytes, *, name: str) -> bytes:
    """An SVG drawing as the PNG picture it draws (CairoSVG).

    What is kept is pixels only: whatever the drawing held of scripts, event handlers, links,
    embedded pages or styles cannot survive, however it is spelled, so nothing of it is screened
    by patterns. The drawing loads nothing but what it carries (data: URLs): no SSRF, no local file,
    XML entities are not expanded (CairoSVG's safe parser), and its size is bounded.
    """
    from cairosvg.surface import PNGSurface

    if len(data) > SVG_MAX_BYTES:
        raise FileRefused(f"“{name}”: SVG drawings over {human_size(SVG_MAX_BYTES)} are refused.")
    too_large = FileRefused(
        f"“{name}” is an SVG drawing of a picture larger than {SVG_MAX_PIXELS // 1_000_000} "
        "megapixels; export it smaller, or as PNG or PDF."
    )

    class BoundedPNG(PNGSurface):
        def _create_surface(self, width: float, height: float):
            if not (0 < width and 0 < height and width * height <= SVG_MAX_PIXELS):
                raise too_large
            return super()._create_surface(width, height)

    try:
        png = BoundedPNG.convert(bytestring=data, url_fetcher=_fetch_inside_only, unsafe=False)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to draw refuses the file, never accepts it
        raise FileRefused(
            f"“{name}” is an SVG drawing that could not be drawn ({exc.__class__.__name__}); "
            "export it as PNG or PDF instead."
        ) from exc
    if not png:
        raise FileRefused(f"“{name}” is an SVG drawing that draws nothing.")
    return png


class CheckUnavailable(Exception):
    """The check could not run now because a service it needs did not answer; this says nothing
    about the file. The check task retries; when it gives up, the file is refused with ``reason``
    (what the educator reads), never accepted unchecked, and kept so that the educator can ask
    for the check again (``refusal_retryable``)."""

    reason: str


class ClamdError(CheckUnavailable):
    """The scanner could not be reached or answered with an error; the check is retried."""

    reason = (
        "We could not check this file for viruses right now, so it is not accepted yet. The file "
        "is kept: press Retry in a little while to check it again, or remove it."
    )


def clamd_scan(chunks: Iterable[bytes], *, host: str, port: int, timeout: float = 60.0) -> str:
    """Stream bytes to clamd with INSTREAM; return "" when clean, else the signature found.

    Protocol: ``zINSTREAM\\0``, then chunks each prefixed by their length as a 4-byte big-endian
    integer, then a zero length; clamd answers ``stream: OK`` or ``stream: <name> FOUND``.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), 1 << 20):
                    piece = chunk[start : start + (1 << 20)]
                    conn.sendall(struct.pack("!L", len(piece)) + piece)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = conn.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        raise ClamdError(f"The virus scanner at {host}:{port} could not be reached: {exc}") from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return ""
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ClamdError(f"The virus scanner answered: {text or 'nothing'}")
