"""A web process ready before its first request (``microcreds.wsgi`` calls ``warm()`` once the
application is loaded, in every worker, before the worker accepts a connection).

Django loads most of what a page needs at that page's first request in each process: the URL
configuration with every view module it imports (allauth's two-factor views bring in the
WebAuthn library, the API its schema validators), each template, compiled on its first render,
and each prepared query's SQL (``microcreds.prepared``). Measured in a fresh process: the first
page cost 400–600 ms of CPU and the first view of each further page 10–25 ms, against 3–10 ms
warm. Under a Monday morning's load every gunicorn worker paid that once per page, so that a
page viewed 40 times in a minute had five slow views among its forty (its 95th percentile).
Loaded here instead, at boot, they cost each worker about a second before it serves anyone.

Then what the worker has loaded is frozen out of the garbage collector's walks (``gc.freeze()``):
Python's full collections walk every object the process holds, and a worker's first ones, made
while it served, took 130-225 ms each (in the load benchmark two of them fell on people's
sign-in pages, at 216 and 232 ms against a 10 ms median). The modules, views, templates and
queries a worker loaded at boot live as long as it does; frozen, they are never walked again,
and the collections it makes while it serves walk only what its requests made.
"""

import gc
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.validators import EmailValidator, URLValidator
from django.db import connections
from django.template import TemplateSyntaxError
from django.template.loader import get_template
from django.urls import URLResolver, get_resolver

from microcreds.prepared import PreparedQuery

logger = logging.getLogger(__name__)


def _resolvers(resolver: URLResolver):
    yield resolver
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _resolvers(pattern)


def load_urls() -> int:
    """Import the URL configuration and every view module it names, and build the lookup
    tables ``reverse()`` reads; the number of resolvers."""
    count = 0
    for resolver in _resolvers(get_resolver()):
        resolver._populate()
        count += 1
    return count


def project_templates() -> list[str]:
    """The names of the project's own templates (``templates/``): the ones its pages render,
    and its overrides of allauth's."""
    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        names += sorted(
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.suffix in {".html", ".txt"}
        )
    return names


def compile_templates() -> int:
    """Compile the project's templates into the template loaders' cache; the number compiled."""
    count = 0
    for name in project_templates():
        try:
            get_template(name)
        except TemplateSyntaxError:
            # Not served anyway; the page that renders it reports the error where it is used.
            logger.exception("template %s does not compile", name)
            continue
        count += 1
    return count


def load_on_first_use() -> int:
    """What Django and allauth load at its first use in each process, paid by a worker's first
    requests: the template context processors, the form renderer, the message storage, the
    authentication backends and allauth's adapters (imported by name from the settings), the
    preferred password hasher's library (argon2, 25 ms), and the regular expressions of the
    e-mail and URL validators (80-95 ms each: a worker's first sign-in, its first form with a
    link), of signed values and of Cache-Control headers. The number of steps run."""
    from allauth.account.adapter import get_adapter
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter
    from django.contrib.auth import get_backends
    from django.contrib.auth.hashers import get_hasher
    from django.core.signing import Signer
    from django.forms.renderers import get_default_renderer
    from django.http import HttpResponse
    from django.template import engines
    from django.utils.cache import patch_cache_control
    from django.utils.module_loading import import_string

    steps = [
        lambda: engines["django"].engine.template_context_processors,
        get_default_renderer,
        lambda: import_string(settings.MESSAGE_STORAGE),
        get_backends,
        get_adapter,
        get_social_adapter,
        lambda: (
            getattr(get_hasher("default"), "library", None)
            and get_hasher("default")._load_library()
        ),
        lambda: EmailValidator()("warm-up@example.org"),
        lambda: URLValidator()("https://example.org/warm-up"),
        Signer,
        lambda: patch_cache_control(HttpResponse(), private=True),
    ]
    for step in steps:
        step()
    return len(steps)


def warm() -> dict:
    """Load URLs, templates and prepared queries' SQL; how many of each, and the seconds.

    Never stops a worker from starting: a step that fails (the database not answering yet, for
    the prepared queries) is logged and left to the first request that needs it, as before."""
    started = time.perf_counter()
    figures = {}
    steps = [
        ("resolvers", load_urls),
        ("templates", compile_templates),
        # Before the queries: the adapters' modules may define prepared queries of their own.
        ("first uses", load_on_first_use),
        ("prepared queries", PreparedQuery.prepare_all),
    ]
    for name, step in steps:
        try:
            figures[name] = step()
        except Exception:
            logger.exception("warming the %s failed; the first request that needs them will", name)
            figures[name] = None
    # Preparing asks the database its version: that connection belongs to the thread that
    # boots the worker, which serves no request.
    connections.close_all()
    figures["frozen objects"] = freeze_what_is_loaded()
    figures["seconds"] = round(time.perf_counter() - started, 3)
    logger.info("worker warmed: %s", figures)
    return figures


def freeze_what_is_loaded() -> int:
    """Collect once, then move every object left into the collector's permanent generation,
    which its collections skip; how many objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
