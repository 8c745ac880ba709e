"""gunicorn settings for ``make serve``: ``gunicorn --config python:catalogue.gunicorn``.

Environment: GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (worker processes,
default 2 per CPU + 1, at most 9), GUNICORN_TIMEOUT (seconds, default 30),
GUNICORN_LOG_LEVEL (default info), GUNICORN_MAX_REQUESTS (default 20000).

Sync workers serve one request at a time each: in production they sit behind nginx
(deploy/nginx.conf, ``make serve-proxy``), which buffers slow clients (docs/production.md).
"""

import logging
import multiprocessing
import os
import sys

wsgi_app = "catalogue.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so a slow leak cannot grow without bound, but rarely (minutes
# at full load, not seconds) and at different moments, so they do not all go cold at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 4
# Load Django, the Thai dictionary and the templates once in the master; workers fork warm.
# (A code change then needs a restart, not a HUP.)
preload_app = True


def when_ready(server) -> None:
    # What the workers inherit is never collected: the collector's passes neither copy its
    # pages into every worker (copy-on-write) nor walk it again, nor at shutdown.
    from catalogue.warmup import prepare_worker_heap

    prepare_worker_heap()


def post_request(worker, req, environ, resp) -> None:
    # The response is written by now: the garbage collector runs here rather than inside a
    # later request (catalogue/warmup.py).
    from catalogue.warmup import collect_between_requests

    collect_between_requests()


def worker_exit(server, worker) -> None:
    """End a worker that is done at once, without tearing down the heap it shares.

    Python's shutdown touches every object the worker inherited from the preloaded master,
    copying those pages one by one: on a busy machine a worker took 9-12 s to go, holding its
    slot. Logs are flushed first; any other exit (a boot error) keeps its code and its way.
    """
    exiting = sys.exc_info()[1]
    if isinstance(exiting, SystemExit) and exiting.code in (0, None):
        logging.shutdown()
        os._exit(0)


# The app logs every request itself (catalogue.middleware.AccessLogMiddleware).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn 25.1+ opens a control socket at one fixed path per user; two servers on one machine
# (a colleague's, a test's) would fight over it. Nothing here uses it.
control_socket_disable = True
