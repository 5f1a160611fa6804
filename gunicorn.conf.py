"""How the web container serves the app: the Dockerfile's CMD and docker compose's web service
start gunicorn with this file (``make bench BENCH=load`` starts it the same way).

Threaded workers (gthread): a sync worker is one request at a time, held while a slow client
sends its request and while it lingers after the response, and it cannot keep a connection alive;
here a worker's main loop parks idle keep-alive connections and slow clients in its poller, and
its threads serve whichever request is ready, overlapping one request's wait on PostgreSQL or
Redis with another's Python.

Every thread keeps its own PostgreSQL connection (``CONN_MAX_AGE``), so the web container holds
up to ``workers × threads`` connections: 5 × 4 = 20 on two cores, well within PostgreSQL's
default ``max_connections`` of 100 beside the Celery worker's. Raise ``WEB_CONCURRENCY`` or
``WEB_THREADS`` only with that sum in mind.

A kept-alive connection stays with the worker that accepted it (``WEB_KEEPALIVE`` seconds idle at
most): gthread workers do not hand connections to each other, so one worker may hold many more
of them than another. A client that announces a body and stalls holds a thread up to 5 s and
its worker's main loop up to 2 s (gunicorn drains the body, then lingers on close): a buffering
proxy in front spares the workers that."""

import os


def _cores() -> int:
    # The CPUs this process may run on (a container's cpuset), not the host's count.
    return len(os.sched_getaffinity(0))


worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
threads = int(os.environ.get("WEB_THREADS", 4))
# A request that takes longer than this is stuck; the worker is replaced.
timeout = 60
# Browsers reuse their connection for the page's next click; idle ones cost a poller slot. Longer
# than a person's pause between clicks: at 2 s, with 1-3 s pauses, a click now and then met a
# connection the worker was closing (25 failed requests of 1,744 in the load benchmark; none at
# 5 s, at the same throughput and latency).
keepalive = int(os.environ.get("WEB_KEEPALIVE", 5))
# The workers' heartbeat files: in memory, since a container's /tmp may be a slow overlay.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
