"""schemathesis against the live schema: for every operation, generated requests (a few per
operation, bounded in time) never get a 5xx, and every response conforms to the schema, its
status codes, content types and headers."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from badges.services import award_issue_for_submission
from tests.badges.factories import earned_submission

from .conftest import ALL_SCOPES


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.API_RATE = "100000/min"


@contextmanager
def in_process():
    """The app is called in-process, inside the test's transaction: its requests keep the
    connection open, as Django's test client has them do (which reconnects the closing after
    each of its own requests, hence here, around the call)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(connect, district_admin, educator):
    award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)
    return {"Authorization": f"Bearer {connect(district_admin, ALL_SCOPES).token}"}


# A request the schema allows may still be refused by the program's rules, and says so: 404
# (nothing of the district has this id), 409 and 422 (a building that does not exist, an award
# already revoked, an address of another district).
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "409", "422"]}}}
)
# Loaded when the module is collected: generating the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_to_the_schema(case, bearer):
    with in_process():
        case.call_and_validate(headers=bearer)
