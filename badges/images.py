"""Badge images: the uploaded one or one drawn from the stack's color and the title, and the
baked copies that carry the credential (PNG iTXt chunk, SVG element) as Open Badges specify."""

import io
import json
import re
import struct
import textwrap
import zlib
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from credentials.images import SIZE
from credentials.models import MicroCredential

HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NAMESPACE = "http://openbadges.org"


@cache
def _font_path(bold: bool) -> str | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for directory in FONT_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return None


def _font(size: int, bold: bool = True) -> ImageFont.ImageFont:
    path = _font_path(bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _hex_to_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _readable_on(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return (17, 17, 17) if luminance > 150 else (255, 255, 255)


def badge_color(microcredential: MicroCredential) -> str:
    """The stack's color (else the district's), only ever as a checked ``#rrggbb``."""
    color = microcredential.district.primary_color
    if microcredential.stack_id and microcredential.stack:
        color = microcredential.stack.color
    return color if HEX_COLOR.fullmatch(color or "") else "#1f4e79"


def title_lines(title: str) -> list[str]:
    return textwrap.wrap(title, width=16)[:4] or [title[:16]]


def generated_badge(microcredential: MicroCredential) -> Image.Image:
    """A round badge in the stack's color with the title, drawn with a local font."""
    return _drawn_badge(
        badge_color(microcredential), microcredential.title, microcredential.district.name
    )


def _drawn_badge(color: str, title: str, district_name: str) -> Image.Image:
    rgb = _hex_to_rgb(color)
    ink = _readable_on(rgb)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill=rgb + (255,), outline=ink, width=8)
    draw.ellipse((40, 40, SIZE - 40, SIZE - 40), outline=ink, width=3)
    lines = title_lines(title)
    font = _font(44)
    line_height = 56
    top = SIZE // 2 - (len(lines) * line_height) // 2 - 20
    for number, line in enumerate(lines):
        draw.text((SIZE // 2, top + number * line_height), line, font=font, fill=ink, anchor="mt")
    draw.text(
        (SIZE // 2, SIZE - 120),
        district_name[:36],
        font=_font(22, bold=False),
        fill=ink,
        anchor="mt",
    )
    return image


def badge_image(microcredential: MicroCredential) -> Image.Image:
    """The uploaded badge image (squared to 600 px) or a generated one."""
    if microcredential.badge_image:
        return _uploaded_badge(microcredential.badge_image.name)
    return generated_badge(microcredential)


def _uploaded_badge(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as handle:
        uploaded = Image.open(io.BytesIO(handle.read()))
        uploaded.load()
    uploaded = uploaded.convert("RGBA")
    uploaded.thumbnail((SIZE, SIZE))
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    canvas.paste(uploaded, ((SIZE - uploaded.width) // 2, (SIZE - uploaded.height) // 2))
    return canvas


def badge_png(microcredential: MicroCredential) -> bytes:
    """The badge image as PNG bytes, with nothing baked in.

    Encoded once per process for each look of a badge: a 600 px PNG encode costs more than
    signing the credential, and every award of a micro-credential has the same picture."""
    if microcredential.badge_image:
        # Storage never reuses the name of a file it holds, and setting an upload saves the
        # entry: together they stand for the upload's content.
        name = microcredential.badge_image.name
        return _encoded_badge(("uploaded", name, str(microcredential.updated_at)))
    color = badge_color(microcredential)
    return _encoded_badge(
        ("generated", color, microcredential.title, microcredential.district.name)
    )


@lru_cache(maxsize=32)
def _encoded_badge(look: tuple[str, ...]) -> bytes:
    if look[0] == "uploaded":
        image = _uploaded_badge(look[1])
    else:
        image = _drawn_badge(*look[1:])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The signature, then IHDR: length, type, 13 bytes of header, CRC.
_PNG_HEADER_END = len(_PNG_SIGNATURE) + 4 + 4 + 13 + 4


def baked_png(png: bytes, *, keyword: str, payload: str) -> bytes:
    """``png`` with an uncompressed iTXt chunk ``keyword`` holding ``payload``, inserted right
    after IHDR (a text chunk may stand anywhere between IHDR and IEND); the image data is not
    touched, so one encode serves every baked copy."""
    if png[: len(_PNG_SIGNATURE)] != _PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("Not a PNG.")
    # keyword, NUL, compression flag 0 and method 0, empty language tag + NUL, empty
    # translated keyword + NUL, then the UTF-8 text.
    data = keyword.encode("latin-1") + b"\0" + b"\0\0" + b"\0" + b"\0" + payload.encode("utf-8")
    chunk = (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )
    return png[:_PNG_HEADER_END] + chunk + png[_PNG_HEADER_END:]


def read_png_text(data: bytes, keyword: str) -> str | None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.text.get(keyword)


def baked_svg(microcredential: MicroCredential, credential: dict) -> str:
    """An SVG badge carrying the credential in ``<openbadges:credential>`` (OB 3.0 baking)."""
    color = badge_color(microcredential)
    ink = "#111111" if sum(_readable_on(_hex_to_rgb(color))) < 100 else "#ffffff"
    lines = title_lines(microcredential.title)
    top = 300 - (len(lines) * 56) // 2
    texts = "\n".join(
        f'  <text x="300" y="{top + 40 + n * 56}" text-anchor="middle" '
        f'font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="44" '
        f'fill="{ink}">{escape(line)}</text>'
        for n, line in enumerate(lines)
    )
    payload = json.dumps(credential, ensure_ascii=False).replace("]]>", "]]]]><![CDATA[>")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3_SVG_NAMESPACE}" '
        f'width="600" height="600" viewBox="0 0 600 600" role="img" '
        f'aria-label="{escape(microcredential.title, {chr(34): "&quot;"})}">\n'
        f"  <openbadges:credential><![CDATA[{payload}]]></openbadges:credential>\n"
        f'  <circle cx="300" cy="300" r="290" fill="{escape(color)}" stroke="{ink}" '
        f'stroke-width="8"/>\n'
        f'  <circle cx="300" cy="300" r="260" fill="none" stroke="{ink}" stroke-width="3"/>\n'
        f"{texts}\n"
        f"</svg>\n"
    )


def read_svg_credential(svg: str) -> dict:
    """The credential baked into an SVG by :func:`baked_svg`."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(svg)
    element = root.find(f"{{{OB3_SVG_NAMESPACE}}}credential")
    if element is None or not element.text:
        raise ValueError("No baked credential in this SVG.")
    return json.loads(element.text)
