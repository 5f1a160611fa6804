"""The certificate renders hostile text as text and fetches nothing but our static files."""

import socket
from contextlib import contextmanager

import pytest
from django.conf import settings
from weasyprint import HTML

from badges import certificates
from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission

pytestmark = pytest.mark.django_db

FILE_IMG = "<img src=file:///etc/passwd>"
METADATA_URL = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"


def layout_text(html: str, fetcher) -> str:
    """Every piece of text WeasyPrint laid out on the pages."""
    document = HTML(string=html, base_url=settings.SITE_URL, url_fetcher=fetcher).render()
    texts: list[str] = []

    def walk(box) -> None:
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


@contextmanager
def network_refused():
    """Record (and refuse) every connection attempt made inside the block."""
    attempts: list = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network refused in this test")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        yield attempts


def test_hostile_names_render_as_text_and_fetch_nothing(educator):
    educator.first_name = FILE_IMG
    educator.last_name = f'<img src="{METADATA_URL}">'
    educator.save()
    submission = earned_submission(
        educator=educator,
        title=f'<link rel="stylesheet" href="{METADATA_URL}">Routines',
        competency=f"<style>@import url({METADATA_URL});</style><iframe src=file:///etc/passwd>",
    )
    award = award_issue_for_submission(submission_id=submission.pk)
    html = certificates.certificate_html(award)
    assert FILE_IMG not in html
    assert "&lt;img src=file:///etc/passwd&gt;" in html
    fetcher = certificates.StaticOnlyURLFetcher()

    with network_refused() as attempts:
        text = layout_text(html, fetcher)
        pdf = certificates.render_pdf(html, certificates.StaticOnlyURLFetcher())

    assert FILE_IMG in text
    assert METADATA_URL in text
    assert fetcher.refused == []
    assert fetcher.served[0] == f"{settings.SITE_URL}/static/badges/certificate.css"
    assert all(url.startswith("data:") for url in fetcher.served[1:])
    assert attempts == []
    assert pdf.startswith(b"%PDF")


def test_the_fetcher_refuses_files_and_the_network():
    html = (
        "<p>x</p><img src='file:///etc/passwd'>"
        f"<img src='{METADATA_URL}'>"
        "<link rel=stylesheet href='https://example.org/x.css'>"
        f"<img src='{settings.SITE_URL}/static/../../etc/passwd'>"
    )
    fetcher = certificates.StaticOnlyURLFetcher()

    with network_refused() as attempts:
        pdf = certificates.render_pdf(html, fetcher)

    assert pdf.startswith(b"%PDF")
    assert "file:///etc/passwd" in fetcher.refused
    assert METADATA_URL in fetcher.refused
    assert "https://example.org/x.css" in fetcher.refused
    assert fetcher.served == []
    assert attempts == []


def test_certificate_shows_the_award(issued_award):
    html = certificates.certificate_html(issued_award)
    text = layout_text(html, certificates.StaticOnlyURLFetcher())
    assert issued_award.educator.display_name in text
    assert "Classroom Routines" in text
    assert str(issued_award.uuid) in text
    assert f"http://testserver/verify/{issued_award.uuid}/" in text.replace(" ", "")
    assert "15 hours" in text and "1.5 PD points" in text
    assert "Dr. Pat Lee" in text and "Superintendent" in text
    assert 'alt="QR code' in html


def test_the_qr_code_draws_exactly_the_dark_modules_of_the_verification_url(issued_award):
    import base64
    import re

    import qrcode

    context = certificates.certificate_context(issued_award)
    svg = base64.b64decode(context["qr_code"].removeprefix("data:image/svg+xml;base64,")).decode()
    path = re.search(r'<path d="([^"]*)"/>', svg).group(1)
    runs = re.findall(r"M(\d+),(\d+)h(\d+)v1h-\3z", path)
    assert "".join(f"M{x},{y}h{w}v1h-{w}z" for x, y, w in runs) == path
    drawn = [(int(x) + step, int(y)) for x, y, w in runs for step in range(int(w))]
    code = qrcode.QRCode(border=1)
    code.add_data(context["verify_url"])
    code.make(fit=True)
    matrix = code.get_matrix()
    dark = {(x, y) for y, row in enumerate(matrix) for x, on in enumerate(row) if on}

    assert len(drawn) == len(set(drawn))
    assert set(drawn) == dark
    assert f'viewBox="0 0 {len(matrix)} {len(matrix)}"' in svg


def test_certificate_carries_the_district_logo_and_colors(educator):
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 20, 200)).save(buffer, "PNG")
    district = educator.district
    district.logo.name = default_storage.save(
        "districts/logos/pv.png", ContentFile(buffer.getvalue())
    )
    district.primary_color = "#7a1f5c"
    district.save()
    award = award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    html = certificates.certificate_html(award)

    assert 'class="logo" src="data:image/png;base64,' in html
    assert "border-color: #7a1f5c" in html
    fetcher = certificates.StaticOnlyURLFetcher()
    certificates.render_pdf(html, fetcher)
    assert fetcher.refused == []
    assert sum(url.startswith("data:image/png") for url in fetcher.served) == 1
