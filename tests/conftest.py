"""Shared fixtures of the suite."""

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # PostgreSQL-only tests are skipped, visibly, on the SQLite run.
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _axes_off_unless_asked(request, settings):
    # django-axes wants a request in authenticate(), which client.login() does not pass; only
    # tests marked `axes` exercise the lockout.
    settings.AXES_ENABLED = "axes" in request.keywords
