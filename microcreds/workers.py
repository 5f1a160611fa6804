"""The web container's gunicorn worker (``gunicorn.conf.py``): gunicorn's threaded worker, except
that a worker serving a request leaves new connections to the idle ones.

Every worker waits on the one listening socket, and a new connection wakes them all; the first
to call ``accept`` has it. In gunicorn's threaded worker that is often a busy one: its main loop
runs whenever its request thread waits on PostgreSQL or Redis, while an idle worker may still be
waiting for a core. Two requests in one process then share its GIL, and each
takes up to twice as long. Under the load benchmark's hundred people on two cores, 18 % of
requests shared a worker while others idled; their p95 was 43 ms against 23 ms for the rest.

Here a worker stops taking connections while it serves a request, so the idle workers take them
(when every worker is busy, the kernel holds a new connection until the first one is free). A
worker busy for longer than ``WEB_BUSY_ACCEPT_AFTER_MS`` (250 ms unless set: an upload, an
export, a slow backend, a client that connects and sends nothing) takes connections again, so
its free threads keep serving beside it as gunicorn's would. With one worker there is nobody to
leave connections to, and it takes them as gunicorn's does.

A new connection wakes one idle worker, not every one (``ExclusiveListenerSelector``): with four
workers, 3.2 main-loop wake-ups per request instead of 6.1; in the load benchmark gunicorn's time
runnable but waiting for a core fell from 3.2-3.3 s to 1.9-2.1 s a run (the pages' p95, as
locust measures them, did not move).
"""

import os
import select
import selectors
import time

from gunicorn.workers.gthread import ThreadWorker


class ExclusiveListenerSelector(selectors.EpollSelector):
    """An epoll selector on which a listening socket wakes one waiting worker, not all.

    Every worker polls the same listening socket. Without ``EPOLLEXCLUSIVE`` each new connection
    wakes every idle worker: one accepts it, the others find nothing and go back to waiting, but
    meanwhile they were all runnable at once, in line for the cores with the one that has the
    request. With it the kernel wakes one of the workers waiting on the socket (the others go
    on sleeping); a worker that is not waiting when the connection comes still finds it ready
    in its next poll, so no connection waits for a wake-up that went elsewhere.
    """

    def __init__(self, listeners):
        super().__init__()
        self._listeners = {listener.fileno() for listener in listeners}

    def register(self, fileobj, events, data=None):
        key = super().register(fileobj, events, data)
        if key.fd in self._listeners and events == selectors.EVENT_READ:
            # EPOLLEXCLUSIVE can only be given when a descriptor is added, not modified.
            self._selector.unregister(key.fd)
            self._selector.register(key.fd, select.EPOLLIN | select.EPOLLEXCLUSIVE)
        return key


class IdleFirstThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.serving = 0  # requests handed to the thread pool and not finished
        self.busy_since = None  # when ``serving`` last went from 0 to 1
        # Seconds a worker serves before it takes new connections beside its requests anyway.
        self.busy_accept_after = int(os.environ.get("WEB_BUSY_ACCEPT_AFTER_MS", 250)) / 1000

    def run(self):
        # Linux (epoll with EPOLLEXCLUSIVE); elsewhere gunicorn's own poller, as before.
        if isinstance(self.poller, selectors.EpollSelector) and hasattr(select, "EPOLLEXCLUSIVE"):
            self.poller.close()
            self.poller = ExclusiveListenerSelector(self.sockets)
        super().run()

    def _accept_in(self) -> float:
        """Seconds until this worker takes new connections again; 0: now."""
        if self.busy_since is None or self.cfg.workers == 1:
            return 0.0
        return max(0.0, self.busy_since + self.busy_accept_after - time.monotonic())

    def set_accept_enabled(self, enabled):
        # gunicorn's loop asks for accepting whenever it has room for a connection; a busy
        # worker declines until it is idle or has been busy for ``busy_accept_after``.
        super().set_accept_enabled(enabled and self._accept_in() == 0)

    def enqueue_req(self, conn):
        if self.serving == 0:
            self.busy_since = time.monotonic()
        self.serving += 1
        super().enqueue_req(conn)
        if self._accepting and self._accept_in() > 0:
            super().set_accept_enabled(False)

    def finish_request(self, conn, fs):
        # Called in the main loop when a thread is done with a connection (answered, or parked
        # in the poller because its client has sent nothing yet); it may hand it back at once
        # (``enqueue_req``), which counts it again.
        self.serving -= 1
        if self.serving == 0:
            self.busy_since = None
        super().finish_request(conn, fs)

    def wait_for_and_dispatch_events(self, timeout):
        # While it declines connections, wake up when it would take them again.
        wait = self._accept_in()
        if not self._accepting and self.alive and wait > 0:
            timeout = min(timeout, wait)
        super().wait_for_and_dispatch_events(timeout)
