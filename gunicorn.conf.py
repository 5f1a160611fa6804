"""How the web container serves the app: the Dockerfile's CMD and docker compose's web service
start gunicorn with this file (``make bench BENCH=load`` starts it the same way).

Threaded workers (gthread, see below): a sync worker is one request at a time, held while a slow
client sends its request and while it lingers after the response, and it cannot keep a connection
alive; here a worker's main loop parks idle keep-alive connections and slow clients in its poller,
and its threads serve whichever request is ready, overlapping one request's wait on PostgreSQL or
Redis with another's Python.

Every thread keeps its own PostgreSQL connection (``CONN_MAX_AGE``), so the web container holds
up to ``workers × threads`` connections: 5 × 4 = 20 on two cores, well within PostgreSQL's
default ``max_connections`` of 100 beside the Celery worker's. Raise ``WEB_CONCURRENCY`` or
``WEB_THREADS`` only with that sum in mind.

Each response closes its connection (``keepalive = 0``), so every request is a new connection,
and a worker serving a request leaves new ones to the idle workers
(``microcreds.workers.IdleFirstThreadWorker``, gunicorn's threaded worker otherwise): in
gunicorn's own, the first worker to call ``accept`` has the connection, and that was often a busy
one, whose main loop runs whenever its request waits on PostgreSQL, while an idle one waited for
a core; 18 % of the load benchmark's requests then shared a process (and its GIL) with another
while a worker idled. A worker busy for longer than ``WEB_BUSY_ACCEPT_AFTER_MS`` (250) takes
connections beside its requests again. A kept-alive connection would stay with the worker that
accepted it (gthread workers do not hand connections to each other), so two busy clients could
share one worker's core while another worker idled. Measured with wrk, 6 connections on two cores:
the plan page 64–171 requests/s (median 105 of 8 runs of 3 s) with connections kept alive for
5 s, depending on how they fell among the 5 workers; 117–190 (median 176 of 5) with each one
closed, at 8.6–13.9 instead of 9.6–15.3 ms of CPU per request (fewer threads of one process
contending for its GIL). ``WEB_KEEPALIVE`` (seconds) keeps connections alive instead, for
clients far enough away that a new connection costs more than a busy worker: an idle one is
kept that long at most.

A client that announces a body and stalls holds a thread up to 5 s and its worker's main loop up
to 2 s (gunicorn drains the body, then lingers on close): a buffering proxy in front spares the
workers that."""

import os


def _cores() -> int:
    # The CPUs this process may run on (a container's cpuset), not the host's count.
    return len(os.sched_getaffinity(0))


worker_class = "microcreds.workers.IdleFirstThreadWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
threads = int(os.environ.get("WEB_THREADS", 4))
# A request that takes longer than this is stuck; the worker is replaced.
timeout = 60
# 0: "Connection: close" on every response (see above). Kept alive (WEB_KEEPALIVE seconds), it
# should be longer than a person's pause between clicks: at 2 s, with 1-3 s pauses, a click now
# and then met a connection the worker was closing (25 failed requests of 1,744 in the load
# benchmark; none at 5 s). A closed connection is never reused, so no click meets one closing.
keepalive = int(os.environ.get("WEB_KEEPALIVE", 0))
# The workers' heartbeat files: in memory, since a container's /tmp may be a slow overlay.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
