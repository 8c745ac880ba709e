"""Read replicas: public reads from a streaming replica, everything else from the primary.

``DATABASE_REPLICA_URLS`` adds one alias per replica (``settings.DATABASE_REPLICAS``) and this
router. A request may read from a replica when :func:`reads_may_use_replica` says so: a GET or
HEAD outside the admin that carries no session or CSRF cookie, i.e. a public visitor (the
public site sets no cookies). Editors carry a session cookie, so every request of theirs,
public pages included, reads the primary: they see their own save at once however far a
replica lags, and a visitor's request never pays a session look-up to find that out.
Writes, the admin, management commands (the importer) and anything outside a request use the
primary. A replica that does not connect is skipped for ``REPLICA_RETRY_SECONDS`` (a memo per
process), so the site answers from the primary without every request waiting for a connect
timeout. docs/scaling.md has the topology and the figures measured against a real standby.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})


class ReplicaHealth:
    """Which replicas failed to connect lately: each is skipped until its retry time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def is_up(self, alias: str) -> bool:
        with self._lock:
            until = self._down_until.get(alias)
            if until is None:
                return True
            if self._clock() >= until:
                del self._down_until[alias]
                return True
            return False

    def mark_down(self, alias: str, seconds: float) -> None:
        with self._lock:
            self._down_until[alias] = self._clock() + seconds


health = ReplicaHealth()


@dataclass
class RequestReads:
    """The database one request reads from: a replica chosen on its first read, then kept."""

    alias: str | None = None


# Set by ReplicaReadsMiddleware for the requests that may read from a replica; None (the
# default, also outside any request) means the primary.
_request_reads: ContextVar[RequestReads | None] = ContextVar("request_reads", default=None)


def replica_connects(alias: str) -> bool:
    """Connect (or check the kept connection, once per request); False if the replica is away."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error:
        logger.warning("read replica %s unavailable, reading the primary", alias, exc_info=True)
        connection.close()
        return False
    return True


def choose_read_database() -> str:
    """Return a replica that connects, in random order, or the primary when none does."""
    replicas = [alias for alias in settings.DATABASE_REPLICAS if health.is_up(alias)]
    random.shuffle(replicas)
    for alias in replicas:
        if replica_connects(alias):
            return alias
        health.mark_down(alias, settings.REPLICA_RETRY_SECONDS)
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Route public reads to a replica and everything else to the primary (``default``)."""

    def db_for_read(self, model, **hints) -> str:
        reads = _request_reads.get()
        if reads is None:
            return DEFAULT_DB_ALIAS
        if reads.alias is None:
            reads.alias = choose_read_database()
        return reads.alias

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Every alias holds the same data: a replica is a physical copy of the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        # Replicas replay the primary's WAL: migrations run on the primary only.
        return False if db in settings.DATABASE_REPLICAS else None


def reads_may_use_replica(request: HttpRequest, *, admin_prefix: str) -> bool:
    """Only a cookieless GET or HEAD outside the admin, i.e. a public visitor's, reads a replica."""
    if request.method not in SAFE_METHODS or request.path.startswith(admin_prefix):
        return False
    own = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    return not (own & request.COOKIES.keys())


class ReplicaReadsMiddleware:
    """Let the router send this request's reads to a replica when it is a public visitor's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.DATABASE_REPLICAS or not reads_may_use_replica(
            request, admin_prefix=reverse("admin:index")
        ):
            return self.get_response(request)
        token = _request_reads.set(RequestReads())
        try:
            return self.get_response(request)
        finally:
            _request_reads.reset(token)
