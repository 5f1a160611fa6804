import copy
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (
        Path(settings.BASE_DIR) / "static/badges/schema/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)


def validate(document: dict) -> None:
    jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    ).validate(document)


def test_the_credential_validates_against_the_vendored_schema(issued_award):
    validate(issued_award.credential)


@pytest.mark.parametrize(
    "breaks",
    [
        lambda c: c.pop("validFrom"),
        lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
        lambda c: c["credentialSubject"]["identifier"][0].update(identityType="phone"),
        lambda c: c.update(type=["VerifiableCredential"]),
    ],
)
def test_the_schema_rejects_a_broken_credential(issued_award, breaks):
    credential = copy.deepcopy(issued_award.credential)
    breaks(credential)
    with pytest.raises(jsonschema.ValidationError):
        validate(credential)
