"""The API keeps its contract: schemathesis drives every operation of /api/schema/.

Each response must match the OpenAPI description (status code, content type, body), no
request may cause a 5xx, and requests the description forbids must be refused. A bounded,
derandomized number of examples per operation, so a run is repeatable; in-process (WSGI),
against the catalogue fixture's films.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from catalogue.wsgi import application

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 60


# Loaded when the module is collected: the description needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def films(catalogue):
    return catalogue


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction (PostgreSQL), which schemathesis's WSGI calls would otherwise do.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_response_matches_the_schema(case):
    # Every check but "a schema-valid request is accepted": the language and franchise
    # filters name catalogue data no schema can list, and an unknown one is a documented 400.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
