"""The PDF certificate: a Django template (auto-escaped) rendered by WeasyPrint.

The URL fetcher given to WeasyPrint serves our own static files from disk and ``data:`` URLs,
and refuses everything else (``file:``, http(s) to anywhere, link-local metadata addresses):
a name or title typed by a person can never make the renderer read a file or call the network.
"""

import base64
import itertools
import mimetypes

import qrcode
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .images import HEX_COLOR
from .models import Award
from .open_badges import absolute, rubric_summary


class StaticOnlyURLFetcher(URLFetcher):
    """Serve ``<SITE_URL>/static/...`` from local files and ``data:``; refuse the rest."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "http", "https"), fail_on_errors=False)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            self.served.append(url[:40])
            return super().fetch(url, headers)
        static_prefix = f"{settings.SITE_URL}{settings.STATIC_URL}"
        if url.startswith(static_prefix):
            relative = url[len(static_prefix) :].split("?")[0].split("#")[0]
            path = finders.find(relative) if ".." not in relative else None
            if path:
                self.served.append(url)
                mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                with open(path, "rb") as handle:
                    body = handle.read()
                return URLFetcherResponse(url, body, {"Content-Type": mime})
        self.refused.append(url)
        raise ValueError(f"Refused to fetch {url}: certificates load only our static files.")


def data_url(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def qr_code_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG of one path, one rectangle per run of dark modules in
    a row: a third of the subpaths qrcode's own SVG (one square per module) has, which
    WeasyPrint parses and draws in pure Python on every certificate."""
    code = qrcode.QRCode(border=1)
    code.add_data(text)
    code.make(fit=True)
    modules = code.get_matrix()
    runs = []
    for y, row in enumerate(modules):
        x = 0
        for dark, run in itertools.groupby(row):
            width = len(list(run))
            if dark:
                runs.append(f"M{x},{y}h{width}v1h-{width}z")
            x += width
    size = len(modules)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}mm" height="{size}mm" shape-rendering="crispEdges">'
        f'<path d="{"".join(runs)}"/></svg>'
    )


def qr_code_data_url(text: str) -> str:
    return data_url(qr_code_svg(text).encode(), "image/svg+xml")


def _logo_data_url(award: Award) -> str | None:
    logo = award.district.logo
    if not logo:
        return None
    try:
        with default_storage.open(logo.name, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    mime = mimetypes.guess_type(logo.name)[0] or "image/png"
    return data_url(content, mime) if mime.startswith("image/") else None


def _checked_color(color: str, fallback: str) -> str:
    return color if HEX_COLOR.fullmatch(color or "") else fallback


def certificate_context(award: Award) -> dict:
    verify_url = absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))
    district = award.district
    return {
        "primary_color": _checked_color(district.primary_color, "#1f4e79"),
        "secondary_color": _checked_color(district.secondary_color, "#f2b134"),
        "award": award,
        "district": district,
        "educator_name": award.educator.display_name,
        "microcredential": award.microcredential,
        "rubric_results": rubric_summary(award.credential),
        "verify_url": verify_url,
        "qr_code": qr_code_data_url(verify_url),
        "logo": _logo_data_url(award),
        "stylesheet": f"{settings.SITE_URL}{settings.STATIC_URL}badges/certificate.css",
    }


def certificate_html(award: Award) -> str:
    return render_to_string("badges/certificate.html", certificate_context(award))


def render_pdf(html: str, fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    fetcher = fetcher or StaticOnlyURLFetcher()
    return HTML(string=html, base_url=settings.SITE_URL, url_fetcher=fetcher).write_pdf()


def certificate_pdf(award: Award) -> bytes:
    return render_pdf(certificate_html(award))
