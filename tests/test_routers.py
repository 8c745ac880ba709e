"""Which database a read goes to; a real streaming replica is in tests/test_read_replica.py.

Here the replica is an alias whose server refuses connections (a free port): a real connect
attempt that fails, on either database run.
"""

import logging
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.utils import load_backend
from django.test import RequestFactory

from catalogue import routers
from catalogue.routers import ReplicaHealth, ReplicaRouter, reads_may_use_replica
from catalogue.settings import replica_database
from films.models import Film
from tests.servers import free_port

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}
ROUTER = "catalogue.routers.ReplicaRouter"
UNAVAILABLE = "read replica refused unavailable"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(routers, "health", ReplicaHealth(clock=clock))
    return clock


@contextmanager
def only_replica(settings, alias: str, port: int) -> Iterator[str]:
    """Make ``alias``, on ``port`` of this machine, the one replica, with the router on."""
    url = f"postgres://postgres@127.0.0.1:{port}/catalogue"
    config = connections.configure_settings({"default": {}, alias: replica_database(url, POSTGRES)})
    config[alias]["OPTIONS"]["connect_timeout"] = 2  # as settings.py gives every replica
    # A connection made here, as Django's handler makes one: tests may use it (it is not in
    # settings.DATABASES, so no test database is created for it).
    connections[alias] = load_backend(config[alias]["ENGINE"]).DatabaseWrapper(config[alias], alias)
    settings.DATABASE_REPLICAS = [alias]
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.REPLICA_RETRY_SECONDS = 10
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


@pytest.fixture
def refused_replica(settings, clock):
    """A replica on a port nothing listens on: its connections are refused."""
    with only_replica(settings, "refused", free_port()) as alias:
        yield alias


def failed_connects(caplog) -> int:
    return sum(UNAVAILABLE in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_a_replica_that_refuses_is_skipped_until_its_retry_time(
    refused_replica, clock, client, catalogue, caplog
):
    caplog.set_level(logging.WARNING, logger="catalogue.routers")
    response = client.get("/en/films/rocky/")
    assert response.status_code == 200  # read from the primary
    assert failed_connects(caplog) == 1
    for _ in range(3):
        assert client.get("/en/films/").status_code == 200
    assert failed_connects(caplog) == 1  # remembered: no new attempt
    clock.now += 10
    assert client.get("/en/films/").status_code == 200
    assert failed_connects(caplog) == 2  # tried again once the retry time came


@pytest.mark.django_db
def test_editors_and_writes_never_try_a_replica(refused_replica, client, admin_user, caplog):
    caplog.set_level(logging.WARNING, logger="catalogue.routers")
    client.force_login(admin_user)
    assert client.get("/en/films/").status_code == 200
    assert client.get("/admin/films/franchise/").status_code == 200
    response = client.post(
        "/admin/films/franchise/add/",
        {"name": "Saved", "slug": "saved", "films-TOTAL_FORMS": "0", "films-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    assert failed_connects(caplog) == 0


@pytest.mark.django_db
def test_outside_a_request_everything_uses_the_primary(refused_replica):
    # The importer, management commands and the shell read what they just wrote.
    router = ReplicaRouter()
    assert router.db_for_read(Film) == router.db_for_write(Film) == "default"
    assert router.allow_migrate(refused_replica, "films") is False
    assert router.allow_migrate("default", "films") is None


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("GET", "/films/", {}, True),
        ("HEAD", "/films/rocky/", {}, True),
        ("GET", "/api/films/", {"theme": "dark"}, True),
        ("GET", "/films/", {"sessionid": "x"}, False),
        ("GET", "/films/", {"csrftoken": "x"}, False),
        ("POST", "/films/", {}, False),
        ("OPTIONS", "/api/films/", {}, False),
        ("GET", "/admin/login/", {}, False),
    ],
)
def test_reads_may_use_replica(method, path, cookies, expected):
    request = RequestFactory().generic(method, path)
    request.COOKIES.update(cookies)
    assert reads_may_use_replica(request, admin_prefix="/admin/") is expected


def test_replica_health_forgets_a_failure_after_its_seconds():
    clock = Clock()
    health = ReplicaHealth(clock=clock)
    assert health.is_up("replica1")
    health.mark_down("replica1", 5)
    assert not health.is_up("replica1")
    assert health.is_up("replica2")
    clock.now += 4.9
    assert not health.is_up("replica1")
    clock.now += 0.1
    assert health.is_up("replica1")


def test_replica_database_mirrors_the_primary_in_tests():
    replica = replica_database("postgres://reader@replica-1:5433/catalogue", POSTGRES)
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == ("replica-1", 5433, "reader")
    assert replica["CONN_MAX_AGE"] == 60
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize(
    ("url", "primary", "message"),
    [
        ("mysql://replica/catalogue", POSTGRES, "PostgreSQL streaming replicas"),
        ("postgres://replica/catalogue", {"ENGINE": "django.db.backends.sqlite3"}, "PostgreSQL"),
        ("replica-1:5432", POSTGRES, "DATABASE_REPLICA_URLS"),
    ],
)
def test_replica_database_refuses_what_cannot_be_a_replica(url, primary, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        replica_database(url, {"CONN_MAX_AGE": 0, **primary})


@pytest.fixture
def hung_replica(settings, clock):
    """A replica whose host takes the connection and never answers (a server that hangs)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel accepts connections that nobody ever serves
        with only_replica(settings, "hung", listener.getsockname()[1]) as alias:
            yield alias


@pytest.mark.slow
@pytest.mark.django_db
def test_a_hung_replica_costs_one_connect_timeout_per_retry_time(
    hung_replica, client, catalogue, caplog
):
    caplog.set_level(logging.WARNING, logger="catalogue.routers")
    timings = []
    for _ in range(4):
        started = time.perf_counter()
        assert client.get("/en/films/rocky/").status_code == 200
        timings.append(time.perf_counter() - started)
    print(
        f"\nhung replica: first request {timings[0]:.2f} s, then {max(timings[1:]):.3f} s at most"
    )
    [failure] = [r for r in caplog.records if r.name == "catalogue.routers"]
    # One request waited for the connect timeout; the memo spared the others.
    assert failure.getMessage() == "read replica hung unavailable, reading the primary"
    assert "timeout" in str(failure.exc_info[1])
