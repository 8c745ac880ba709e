"""The API keeps its contract: schemathesis drives every operation of /api/schema/.

Each response must match the OpenAPI description (status code, content type, body), no
request may cause a 5xx, and requests the description forbids must be refused. A bounded,
derandomized number of examples per operation, so a run is repeatable; in-process (WSGI),
against the catalogue fixture's films.
"""

import pytest
import schemathesis
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
