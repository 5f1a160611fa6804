"""Each pytest-xdist worker gets Redis databases of its own, before Django reads its settings.

Loaded with ``-p tests.worker_env`` (pyproject), so it runs before pytest-django sets Django up.
Worker ``gwN`` moves the broker and cache databases of ``REDIS_URL`` / ``REDIS_CACHE_URL`` up by
``2 * N``: with the Makefile's 0 and 1, gw0 uses 0 and 1, gw1 uses 2 and 3. A test flushing its
cache, or a real worker draining its broker, never touches another worker's keys. Subprocesses
(a Celery worker, ``manage.py``) inherit the same variables. The test databases are suffixed per
worker by pytest-django itself (``test_microcreds_gw0``).
"""

import os
import re


def _shifted(url: str, by: int) -> str:
    match = re.fullmatch(r"(redis://[^/]+)/(\d+)", url)
    if not match:
        return url
    return f"{match.group(1)}/{int(match.group(2)) + by}"


def _isolate_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    shift = 2 * int(worker[2:])
    for name in ("REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        if os.environ.get(name):
            os.environ[name] = _shifted(os.environ[name], shift)


_isolate_worker()
