"""Schemathesis against the published OpenAPI document: every operation, with an API key.

Each answer must not be a server error, its status must be one the document declares for the
operation, its headers and body must match what is declared, and data the document does not
allow must be refused. Short form for every run of the suite
(a handful of examples per operation); `RUAM_SCHEMATHESIS_EXAMPLES=200` for a longer run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, settings

from ruam.accounts.services import create_api_key
from ruam.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("RUAM_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def key():
    return create_api_key(name="schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, key):
    response = case.call(headers={"X-Api-Key": key})
    # Every check but one: the document cannot say everything Ruam checks (a description that
    # is not empty, years 1900–2999 …), so some data it allows is refused, with a declared 422.
    case.validate_response(response, excluded_checks=[checks.positive_data_acceptance])
