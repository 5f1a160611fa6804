"""What a browser reads off a page, for the load benchmark's simulated people.

Shared by ``benchmarks/_locustfile.py`` (run by locust, in its own gevent process) and
``benchmarks/load.py`` (the single-user pass), so both send the very same requests: the sign-in
form with its CSRF token, the fragments htmx fetches when a page loads (``hx-trigger="load"``),
and the plan editor's autosave (the form htmx posts, as ``templates/submissions/detail.html``
declares it).
"""

import json
import re
from html import unescape

LOGIN = "/accounts/login/"
REPORTS = ["funnel", "completions", "turnaround", "relicensure", "salary"]
# The htmx request headers of the plan editor's autosave (hx-post on #plan-editor).
AUTOSAVE_HEADERS = {
    "HX-Request": "true",
    "HX-Target": "save-status-plan",
    "HX-Trigger": "plan-editor",
}
_MARKER = re.compile(r"\s*\[load \d+\]$")


# A start or end tag (attribute values may hold ">"), a comment, or the raw text of an element
# whose content is not markup (script, style: skipped; textarea: its text).
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(?P<raw>script|style|textarea)\b(?P<raw_attrs>[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>"
    r"(?P<text>.*?)</(?P=raw)\s*>"
    r"|<(?P<end>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>",
    re.S | re.I,
)
_FORM_TAGS = {"form", "template", "input", "select", "option"}
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _attrs(text: str) -> dict[str, str]:
    return {
        name.lower(): unescape(double or single or bare or "")
        for name, double, single, bare in _ATTR.findall(text)
    }


class _Reader:
    """The fields one form would submit (outside its <template>s), and htmx's load requests.

    Read with two regular expressions, not ``html.parser``: the plan page's form took the
    simulated browser 3.7-4.9 ms of CPU with ``html.parser`` and 0.9 ms this way, 500 plan pages
    a run, and while it reads, locust's one gevent loop times nobody else's response.
    ``tests/test_bench_pages.py`` checks that both read the same fields off a real plan page."""

    def __init__(self, form_id: str = ""):
        self.form_id = form_id
        self.fields: list[tuple[str, str, str]] = []  # (name, value, kind)
        self.load_urls: list[str] = []
        self.form_post = ""

    def feed(self, html: str) -> None:
        in_form, in_template, select = False, 0, None
        for token in _TOKEN.finditer(html):
            raw = (token["raw"] or "").lower()
            if raw:
                a = _attrs(token["raw_attrs"])
                if raw == "textarea" and in_form and not in_template and a.get("name"):
                    # Browsers drop the one newline that follows <textarea>.
                    text = unescape(token["text"])
                    text = text[1:] if text.startswith("\n") else text
                    self.fields.append((a["name"], text, "textarea"))
                continue
            tag = (token["tag"] or "").lower()
            if not tag:
                continue  # a comment
            if token["end"]:
                if tag == "select":
                    select = None
                elif tag == "template" and in_template:
                    in_template -= 1
                elif tag == "form" and in_form:
                    in_form = False
                continue
            if tag not in _FORM_TAGS and "hx-get" not in token["attrs"]:
                continue  # neither part of a form nor an htmx request
            a = _attrs(token["attrs"])
            triggers = [p.split()[0] for p in a.get("hx-trigger", "").split(",") if p.split()]
            if "hx-get" in a and "load" in triggers:
                self.load_urls.append(a["hx-get"])
            if tag == "form" and self.form_id and a.get("id") == self.form_id:
                in_form = True
                self.form_post = a.get("hx-post") or a.get("action", "")
            if tag == "template":
                in_template += 1
            if not in_form or in_template or not a.get("name") and tag != "option":
                continue
            if tag == "input":
                kind = a.get("type", "text")
                if kind in ("submit", "button", "file", "image", "reset"):
                    continue
                if kind in ("checkbox", "radio") and "checked" not in a:
                    continue
                default = "on" if kind == "checkbox" else ""
                self.fields.append((a["name"], a.get("value", default), kind))
            elif tag == "select":
                select = a["name"]
            elif tag == "option" and select and "selected" in a:
                self.fields.append((select, a.get("value", ""), "select"))


def _read(html: str, form_id: str = "") -> _Reader:
    reader = _Reader(form_id)
    reader.feed(html)
    return reader


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise ValueError("no CSRF token in the page")
    return match.group(1)


_TRIGGERS = re.compile(r"""hx-trigger=(?:"([^"]*)"|'([^']*)')""")


def load_fragments(html: str) -> list[str]:
    """The URLs htmx requests as soon as the page has loaded.

    A page is parsed only if one of its ``hx-trigger`` attributes names ``load``: parsing every
    page in Python cost the simulated browser 1–6 ms of CPU each, on the cores the server uses."""
    for double, single in _TRIGGERS.findall(html):
        if any(part.split()[0] == "load" for part in (double or single).split(",") if part.split()):
            return _read(html).load_urls
    return []


def review_links(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="(/reviews/review/\d+/)"', html)))


def plan_editor(html: str) -> tuple[str, list[tuple[str, str, str]]]:
    """Where the plan editor autosaves to (its hx-post), and the fields it sends. Only the form
    is parsed (forms do not nest): from its start tag to the first ``</form>`` after it."""
    match = re.search(r"""<form\b[^>]*\bid=["']plan-editor["']""", html)
    end = html.find("</form>", match.end()) if match else -1
    reader = _read(html[match.start() : end + len("</form>")] if end >= 0 else html, "plan-editor")
    if not reader.fields or not reader.form_post:
        raise ValueError("no plan editor on the page")
    return reader.form_post, reader.fields


def autosave_body(fields: list[tuple[str, str, str]], counter: int) -> list[tuple[str, str]]:
    """The editor's fields with its first text area edited, as a person typing would, and, as
    ``static/submissions/autosave.js`` adds it, which field changed and the text it started
    from (``edited``), without the page's ``started`` (every field's text, for a browser without
    the script), which the script disables."""
    body, edited = [], {}
    for name, value, kind in fields:
        if name == "started":
            continue  # the script disables it: its saves say what changed in ``edited``
        if kind == "textarea" and not edited:
            edited[name] = value
            value = f"{_MARKER.sub('', value)} [load {counter}]".strip()
        body.append((name, value))
    body.append(("edited", json.dumps(edited)))
    return body


def with_version(fields: list[tuple[str, str, str]], version: str) -> list[tuple[str, str, str]]:
    """The fields after a save: the next autosave edits the version the server returned."""
    return [(n, version if n == "version" else v, k) for n, v, k in fields]
