"""Uploaded files: what a file really is, and the kinds of file a district accepts.

The type is read from the content (libmagic through python-magic, never the name), raster images
are re-encoded without their metadata, and the families of evidence files (document, image,
video, audio) are the vocabulary a district chooses from on its settings page. District logos
use them here; evidence files build their checks on them in ``artifacts.checks``.
"""

import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import magic
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

DOCUMENT = "document"
IMAGE = "image"
VIDEO = "video"
AUDIO = "audio"
FAMILIES = (DOCUMENT, IMAGE, VIDEO, AUDIO)
FAMILY_LABELS = {
    DOCUMENT: "documents (PDF, office files, text)",
    IMAGE: "images",
    VIDEO: "video",
    AUDIO: "audio",
}

OFFICE_TYPES = {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
# Raster images Pillow re-encodes; the value is the format written back.
REENCODE_FORMATS = {
    "image/jpeg": ("JPEG", "image/jpeg", ".jpg"),
    "image/png": ("PNG", "image/png", ".png"),
    "image/gif": ("PNG", "image/png", ".png"),
    "image/webp": ("WEBP", "image/webp", ".webp"),
    "image/tiff": ("PNG", "image/png", ".png"),
    "image/bmp": ("PNG", "image/png", ".png"),
    "image/x-ms-bmp": ("PNG", "image/png", ".png"),
}
TYPE_NAMES = {
    "text/html": "an HTML web page",
    "application/x-executable": "a program",
    "application/x-dosexec": "a Windows program",
    "application/x-sharedlib": "a program library",
    "application/zip": "a ZIP archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "application/x-rar": "a RAR archive",
    "application/javascript": "a script",
    "text/x-shellscript": "a shell script",
    "application/x-shockwave-flash": "a Flash file",
    "application/octet-stream": "a file of unknown type",
}
_ZIP_OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class FileRefused(Exception):
    """The file cannot be accepted; the message tells the person who sent it why and what to do."""


def human_size(size: int | None) -> str:
    """A file's size as people read it: "0 bytes", "1 byte", "900 bytes", then "1.5 KB",
    "2.0 MB", "3.1 GB" (1024 to a unit). The one way sizes are written: messages here, the
    ``human_size`` template filter (``artifacts_tags``) and, for the files a browser is
    about to send, its port ``humanSize`` in ``static/js/human-size.js`` (a browser test keeps
    the two the same)."""
    if size is None:
        return "unknown size"
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    for power, unit in enumerate(("KB", "MB", "GB"), start=1):
        # Tenths of the unit, rounded half up in integers: the same digits in every language.
        divisor = 1024**power
        tenths = (size * 20 + divisor) // (2 * divisor)
        if tenths < 10240 or unit == "GB":
            break
    return f"{tenths // 10}.{tenths % 10} {unit}"


def deployment_families() -> tuple[str, ...]:
    """The families this deployment accepts at all (``ARTIFACT_ALLOWED_FAMILIES``)."""
    configured = getattr(settings, "ARTIFACT_ALLOWED_FAMILIES", FAMILIES)
    return tuple(f for f in FAMILIES if f in configured)


def district_families(district) -> tuple[str, ...]:
    """The families ``district`` accepts: its own choice within the deployment's. A district
    that never chose (``artifact_families`` is None) accepts all the deployment accepts."""
    offered = deployment_families()
    chosen = district.artifact_families
    if chosen is None:
        return offered
    return tuple(f for f in offered if f in chosen)


def families_text(families: Iterable[str]) -> str:
    labels = [FAMILY_LABELS[f] for f in families]
    return ", ".join(labels) if labels else "links only"


def detect_type(head: bytes, *, name: str = "", open_zip=None) -> str:
    """The MIME type decided from the first bytes; ZIP containers are looked into for office."""
    detected = magic.from_buffer(head, mime=True) or "application/octet-stream"
    if detected in ("application/zip", "application/octet-stream") and open_zip is not None:
        office = _office_type(open_zip)
        if office:
            return office
    if detected == "image/svg" or (detected in ("text/xml", "application/xml") and b"<svg" in head):
        return "image/svg+xml"
    return detected


def _office_type(open_zip) -> str | None:
    try:
        with zipfile.ZipFile(open_zip()) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for prefix, mime in _ZIP_OFFICE.items():
                    if any(n.startswith(prefix) for n in names):
                        return mime
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "ignore").strip()
                if declared in OFFICE_TYPES:
                    return declared
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


@dataclass
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    thumbnail: bytes
    width: int
    height: int


def max_image_pixels() -> int:
    return getattr(settings, "ARTIFACT_MAX_IMAGE_PIXELS", 50_000_000)


def reencode_image(data: bytes, *, mime: str, name: str) -> CleanImage:
    """Decode with bomb protection, apply the EXIF orientation, write back without metadata."""
    fmt, out_type, extension = REENCODE_FORMATS[mime]
    limit = max_image_pixels()
    bomb = FileRefused(
        f"“{name}” declares an image far larger than its file (a “decompression bomb”); "
        f"images up to {limit // 1_000_000} megapixels are accepted."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Checksums and end marker first: decoding alone pads a cut-off file once anything in
            # the process (WeasyPrint does) has set ImageFile.LOAD_TRUNCATED_IMAGES.
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > limit:
                raise bomb
            image.load()
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise bomb from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise FileRefused(f"“{name}” is damaged or not a readable image ({exc}).") from exc
    if fmt == "JPEG":
        mode = "RGB"
    elif image.mode in ("RGB", "RGBA", "L", "LA"):
        mode = image.mode
    else:
        mode = "RGBA"
    if image.mode != mode:
        image = image.convert(mode)
    # A fresh image from the pixels alone: no EXIF, GPS, XMP, comments or ICC text survive.
    clean = Image.frombytes(mode, image.size, image.tobytes())
    out = io.BytesIO()
    options = {"quality": 90, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(out, format=fmt, **options)
    thumb = clean.convert("RGB")
    thumb.thumbnail((480, 480))
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="JPEG", quality=80)
    return CleanImage(
        data=out.getvalue(),
        content_type=out_type,
        extension=extension,
        thumbnail=thumb_out.getvalue(),
        width=clean.width,
        height=clean.height,
    )
