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
