"""Badge images: one encode per look of a badge, baked copies that only add the iTXt chunk."""

import io
import struct

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from badges import images
from tests.credentials.factories import MicroCredentialFactory, StackFactory

pytestmark = pytest.mark.django_db


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, in order."""
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks.append((kind, data[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return chunks


@pytest.fixture
def microcredential(district):
    stack = StackFactory(district=district, color="#2a6f4e")
    return MicroCredentialFactory(district=district, title="Classroom Routines", stack=stack)


def test_a_baked_png_is_the_badge_plus_one_itxt_chunk(microcredential):
    badge = images.badge_png(microcredential)
    payload = '{"name": "Routines — “quoted”", "emoji": "✓"}'

    baked = images.baked_png(badge, keyword="openbadgecredential", payload=payload)

    with Image.open(io.BytesIO(baked)) as image:
        image.verify()  # every chunk's CRC
    assert images.read_png_text(baked, "openbadgecredential") == payload
    chunks = png_chunks(baked)
    assert [kind for kind, _ in chunks if kind == b"iTXt"] == [b"iTXt"]
    assert [chunk for chunk in chunks if chunk[0] != b"iTXt"] == png_chunks(badge)
    with Image.open(io.BytesIO(baked)) as baked_image, Image.open(io.BytesIO(badge)) as plain:
        assert baked_image.tobytes() == plain.tobytes()


def test_the_baked_chunk_is_the_one_pillow_writes(microcredential):
    badge = images.badge_png(microcredential)
    info = PngInfo()
    info.add_itxt("openbadges", '{"type": "Assertion"}', lang="", tkey="", zip=False)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(badge)).save(buffer, "PNG", pnginfo=info)

    ours = images.baked_png(badge, keyword="openbadges", payload='{"type": "Assertion"}')

    def itxt(data: bytes) -> bytes:
        return next(chunk for kind, chunk in png_chunks(data) if kind == b"iTXt")

    assert itxt(ours) == itxt(buffer.getvalue())


def test_something_that_is_not_a_png_is_not_baked():
    with pytest.raises(ValueError):
        images.baked_png(b"GIF89a" + bytes(40), keyword="openbadges", payload="{}")


def test_a_new_title_or_color_draws_a_new_badge(microcredential):
    before = images.badge_png(microcredential)
    assert images.badge_png(microcredential) == before

    microcredential.title = "Restorative Circles"
    microcredential.save()
    retitled = images.badge_png(microcredential)
    microcredential.stack.color = "#7a1f3d"
    microcredential.stack.save()
    recolored = images.badge_png(microcredential)

    assert len({before, retitled, recolored}) == 3
    with Image.open(io.BytesIO(recolored)) as image:
        assert image.convert("RGB").getpixel((300, 80)) == (0x7A, 0x1F, 0x3D)


def test_a_new_upload_is_used_at_once(microcredential):
    def upload(color: tuple[int, int, int]) -> str:
        buffer = io.BytesIO()
        Image.new("RGB", (300, 300), color).save(buffer, "PNG")
        return default_storage.save("badges/images/upload.png", ContentFile(buffer.getvalue()))

    microcredential.badge_image.name = upload((200, 10, 10))
    microcredential.save()
    red = images.badge_png(microcredential)
    microcredential.badge_image.name = upload((10, 10, 200))
    microcredential.save()
    blue = images.badge_png(microcredential)

    for data, color in [(red, (200, 10, 10)), (blue, (10, 10, 200))]:
        with Image.open(io.BytesIO(data)) as image:
            assert image.convert("RGB").getpixel((300, 300)) == color
