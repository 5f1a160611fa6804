"""What a browser reads off a page, for the load benchmark's simulated people.

Shared by ``benchmarks/_locustfile.py`` (run by locust, in its own gevent process) and
``benchmarks/load.py`` (the single-user pass), so both send the very same requests: the sign-in
form with its CSRF token, the fragments htmx fetches when a page loads (``hx-trigger="load"``),
and the plan editor's autosave (the form htmx posts, as ``templates/submissions/detail.html``
declares it).
"""

import re
from html.parser import HTMLParser

LOGIN = "/accounts/login/"
REPORTS = ["funnel", "completions", "turnaround", "relicensure", "salary"]
# The htmx request headers of the plan editor's autosave (hx-post on #plan-editor).
AUTOSAVE_HEADERS = {
    "HX-Request": "true",
    "HX-Target": "save-status-plan",
    "HX-Trigger": "plan-editor",
}
_MARKER = re.compile(r"\s*\[load \d+\]$")


class _Reader(HTMLParser):
    """The fields one form would submit (outside its <template>s), and htmx's load requests."""

    def __init__(self, form_id: str = ""):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.in_template = 0
        self.fields: list[tuple[str, str, str]] = []  # (name, value, kind)
        self.load_urls: list[str] = []
        self.form_post = ""
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        triggers = [part.split()[0] for part in a.get("hx-trigger", "").split(",") if part.split()]
        if "hx-get" in a and "load" in triggers:
            self.load_urls.append(a["hx-get"])
        if tag == "form" and self.form_id and a.get("id") == self.form_id:
            self.in_form = True
            self.form_post = a.get("hx-post") or a.get("action", "")
        if tag == "template":
            self.in_template += 1
        if not self.in_form or self.in_template or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind == "checkbox" else ""
            self.fields.append((a["name"], a.get("value", default), kind))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", ""), "select"))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text, tag))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "template" and self.in_template:
            self.in_template -= 1
        elif tag == "form" and self.in_form:
            self.in_form = False


def _read(html: str, form_id: str = "") -> _Reader:
    reader = _Reader(form_id)
    reader.feed(html)
    reader.close()
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
    """The editor's fields with its first text area edited, as a person typing would."""
    body, edited = [], False
    for name, value, kind in fields:
        if kind == "textarea" and not edited:
            value, edited = f"{_MARKER.sub('', value)} [load {counter}]".strip(), True
        body.append((name, value))
    return body


def with_version(fields: list[tuple[str, str, str]], version: str) -> list[tuple[str, str, str]]:
    """The fields after a save: the next autosave edits the version the server returned."""
    return [(n, version if n == "version" else v, k) for n, v, k in fields]
