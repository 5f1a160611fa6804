"""A WSGI app for the web worker's tests: each answer is the serving process's id, after
``?sleep=`` seconds."""

import os
import time
from urllib.parse import parse_qs


def app(environ, start_response):
    sleep = float(parse_qs(environ.get("QUERY_STRING", "")).get("sleep", ["0"])[0])
    time.sleep(sleep)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
