"""The badge image a district admin uploads for a catalog entry: checked, and re-encoded as a
PNG without its metadata. Drawing badges and baking credentials into them is ``badges.images``'s.
"""

import io

from PIL import Image, ImageOps

# The side of a badge image, in pixels: uploads are scaled down to it, and badges drawn at it.
SIZE = 600

# An uploaded badge image: what Pillow can bake (so no SVG), nearly square, sensibly sized.
UPLOAD_FORMATS = {"PNG", "JPEG"}
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MIN_SIDE = 200
UPLOAD_MAX_SIDE = 4000
UPLOAD_MAX_ASPECT = 1.25


class BadgeImageRejected(ValueError):
    """An uploaded badge image we will not use; the message tells the admin why."""


def uploaded_badge_png(data: bytes) -> bytes:
    """A checked upload, re-encoded as a PNG of at most 600 px a side, without its metadata.

    Re-encoding means we never store or serve the bytes as they came (EXIF, trailing data)."""
    if len(data) > UPLOAD_MAX_BYTES:
        raise BadgeImageRejected(
            f"The image is {len(data) / 1048576:.1f} MB; upload one of 2 MB at most."
        )
    unreadable = BadgeImageRejected(
        "This file is not a PNG or JPEG image we can read. Upload a PNG or JPEG "
        "(an SVG can be exported as PNG)."
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except Image.DecompressionBombError as error:
        raise BadgeImageRejected(
            f"The image is too large; upload one of at most {UPLOAD_MAX_SIDE} px a side."
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise unreadable from error
    if kind not in UPLOAD_FORMATS:
        raise unreadable
    if min(width, height) < UPLOAD_MIN_SIDE:
        raise BadgeImageRejected(
            f"The image is {width}×{height} px; upload one of at least {UPLOAD_MIN_SIDE} px "
            "a side so the badge stays sharp."
        )
    if max(width, height) > UPLOAD_MAX_SIDE:
        raise BadgeImageRejected(
            f"The image is {width}×{height} px; upload one of at most {UPLOAD_MAX_SIDE} px a side."
        )
    if max(width, height) / min(width, height) > UPLOAD_MAX_ASPECT:
        raise BadgeImageRejected(
            f"The image is {width}×{height} px; a badge is square, so upload a square (or "
            "nearly square) image."
        )
    try:
        # verify() leaves the image unusable: open it again to decode every pixel.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            pixels = ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, SyntaxError, ValueError) as error:
        raise unreadable from error
    pixels.thumbnail((SIZE, SIZE))
    buffer = io.BytesIO()
    pixels.save(buffer, "PNG")
    return buffer.getvalue()
