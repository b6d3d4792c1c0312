"""`brik-onboard schema --fleet`: the fleet file's JSON Schema accepts the fleet files the tests (and the README) use
and refuses what the loader (wizard/core/fleet_spec.py) refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from tests.engine_helpers import run_brik
from tests.fleet_helpers import ANSWERS as HELPER_ANSWERS
from wizard.core.fleet_spec import load_fleet
from wizard.core.plan import ANSWERS
from wizard.core.schema import fleet_schema
from wizard.errors import InputError

VALIDATOR = Draft202012Validator(fleet_schema())

# The fleet files of tests/test_fleet.py and tests/fleet_helpers.py, and a YAML one with a repository's own answers.
GOOD = [
    {
        "org": "BrikByte-Studios",
        "defaults": {"strategy": "pat", "scope": "org", "visibility": "selected", "delivery": "commit", "api_url": "http://127.0.0.1:1"},
        "repos": ["service-000", "service-001"],
    },
    {"org": "BrikByte-Studios", "defaults": {**HELPER_ANSWERS, "api_url": "http://127.0.0.1:1"}, "repos": ["service-000"]},
    """\
org: BrikByte-Studios
defaults: {strategy: pat, scope: org, secret_env: {REGISTRY_PAT: FLEET_PAT}}
repos:
  - service-a
  - other-org/service-b
  - name: service-c
    tags: [latest, "sha-${{ github.sha }}"]
    cache_enabled: false
""",
    "repos: [a/b]\n",
]

BAD = [
    {"repos": []},
    {"repos": ["a/b"], "owner": "x"},  # not a key of the file
    {"repos": ["a/b"], "defaults": {"servise": "typo"}},
    {"repos": ["a/b"], "defaults": {"repo": "a/c"}},  # a repository is named in `repos`, never in the answers
    {"repos": ["a/b"], "defaults": {"cache_enabled": "yes"}},
    {"repos": ["a/b"], "defaults": {"tags": [1, 2]}},
    {"repos": [{"tags": ["latest"]}]},  # a mapping without its name
    {"repos": [{"name": "a/b", "strategy": 3}]},
    {"repos": ["a/b/c"]},
    {"repos": "a/b"},
]


def as_data(item: dict[str, Any] | str) -> tuple[dict[str, Any], str]:
    if isinstance(item, str):
        return YAML(typ="safe").load(item), item
    return item, json.dumps(item)  # JSON is YAML


def test_schema_fleet_prints_a_valid_2020_12_schema_with_every_answer_but_the_repo() -> None:
    result = run_brik("schema", "--fleet")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema == fleet_schema() and schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    # Unlike a repository's answers file, the platform team's file may say where credentials go.
    assert set(schema["$defs"]["answers"]["properties"]) == {a.name for a in ANSWERS} - {"repo"}
    assert json.loads(run_brik("schema").stdout)["$id"] != schema["$id"]  # without --fleet: the answers file's


@pytest.mark.parametrize("item", GOOD, ids=range(len(GOOD)))
def test_the_fleet_files_in_use_validate_and_load(item: dict[str, Any] | str) -> None:
    data, text = as_data(item)
    VALIDATOR.validate(data)
    assert load_fleet(text, "fleet.yml").repos


@pytest.mark.parametrize("item", BAD, ids=range(len(BAD)))
def test_the_schema_and_the_loader_refuse_the_same_bad_files(item: dict[str, Any]) -> None:
    data, text = as_data(item)
    assert list(VALIDATOR.iter_errors(data)), f"the schema accepted {item}"
    with pytest.raises(InputError):
        load_fleet(text, "fleet.yml", org="BrikByte-Studios")


def test_a_fleet_file_written_by_a_test_validates(tmp_path: Path) -> None:
    from tests.test_fleet import fleet_file

    path = fleet_file(tmp_path, ["service-000", "service-001"], api_url="http://127.0.0.1:1")
    VALIDATOR.validate(json.loads(path.read_text()))
