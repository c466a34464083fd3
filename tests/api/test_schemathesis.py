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
from hypothesis import HealthCheck, settings
from schemathesis import checks

from ruam.accounts.services import create_api_key
from ruam.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("RUAM_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def key():
    return create_api_key(name="schemathesis")[1]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes old connections at each request's start and end; the test's own
    transaction lives on that connection (PostgreSQL), so keep it open as Django's test client
    does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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
