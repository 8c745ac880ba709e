"""Shared fixtures of the suite."""

import signal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from .factories import make_catalogue


def pytest_collection_modifyitems(config, items):
    # PostgreSQL-only tests are skipped, visibly, on the SQLite run.
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_interface_language():
    # A request through the test client leaves its interface language active in the thread
    # (LocaleMiddleware activates it, nothing deactivates it): a test that follows a /da/
    # page would otherwise name languages in Danish.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Signals django-tasks' worker handles (finish the task, then stop) once it has run here.
_WORKER_SIGNALS = [
    signal.SIGINT,
    signal.SIGTERM,
    *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []),
]


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    # A test that runs the import worker in this process (import_worker --batch) leaves its
    # handlers installed: every process forked afterwards (an import's worker pool, the
    # benchmark's) would inherit them. Restored after each test.
    saved = {number: signal.getsignal(number) for number in _WORKER_SIGNALS}
    yield
    for number, handler in saved.items():
        if signal.getsignal(number) is not handler:
            signal.signal(number, handler)


@pytest.fixture
def catalogue(db):
    """The Rocky franchise in four languages, an unofficial film and The Karate Kid."""
    return make_catalogue()


@pytest.fixture
def count_queries():
    """Return a function that GETs a URL with a client and returns (response, query count)."""

    def count(client, url, **headers):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, headers=headers)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response, len(context.captured_queries)

    return count


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's 1,000,000 rounds cost a second per login; the tests check who may log in,
    # not how a password is stored. Lockouts count failed attempts, whatever the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _axes_off_unless_asked(request, settings):
    # django-axes wants a request in authenticate(), which client.login() does not pass; only
    # tests marked `axes` exercise the lockout.
    settings.AXES_ENABLED = "axes" in request.keywords


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached catalogue counts must not outlive the test (and its rolled-back rows), nor the
    generation this process last read."""
    from django.core.cache import cache

    from films.caching import forget_last_read
    from films.pagecache import local_pages

    cache.clear()
    local_pages.clear()
    forget_last_read()
    yield
    cache.clear()
    local_pages.clear()
    forget_last_read()
