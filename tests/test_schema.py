"""`compliance schema` is the record format: every example record validates against it, no
reference is left dangling, and it refuses what the loader refuses."""
import datetime as dt
import json

import jsonschema
import pytest
import yaml

from compliance.schema import record_schema

from .conftest import CASES, ROOT

SCHEMA = record_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
RECORDS = sorted([*CASES.glob("*.yaml"), *(CASES / "legal").glob("P-*.yaml"),
                  *(ROOT / "rules" / "_examples").glob("*.yaml")])


def _as_json(value):
    """YAML reads dates as dates; a record file holds them as text."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_no_reference_is_left_dangling():
    assert "$ref" not in json.dumps(SCHEMA) and "$defs" not in SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", [p for p in RECORDS if "format: decision-record/1" in p.read_text(encoding="utf-8")],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_record_validates(path):
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = sorted(VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, f"{list(errors[0].path)}: {errors[0].message}"


def test_schema_refuses_a_typo_and_a_wrong_kind():
    data = _as_json(yaml.safe_load((CASES / "01-compliant-expropriation.yaml").read_text(encoding="utf-8")))
    assert not list(VALIDATOR.iter_errors(data))
    typo = {**data, "housholds": 3}
    assert list(VALIDATOR.iter_errors(typo))
    wrong = {**data, "steps": [*data["steps"], {"kind": "no_such_step", "date": "2025-01-01"}]}
    assert list(VALIDATOR.iter_errors(wrong))
