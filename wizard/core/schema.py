"""The JSON Schemas (draft 2020-12) of the answers file and of the fleet file (fleet_spec.py), generated from the
answers' declarations in plan.py."""

from __future__ import annotations

from typing import Any

from wizard.core.answers import FORMAT_VERSION
from wizard.core.plan import ANSWERS
from wizard.core.spec import AnswerSpec, Kind

SCHEMA_ID = "urn:brik-onboard:answers:1"  # an identifier, not a place: the schema ships with the tool
FLEET_SCHEMA_ID = "urn:brik-onboard:fleet:1"
# A name as fleet_spec.py takes it: `name` (the owner from `org:`) or `owner/name`; the loader checks the rest.
REPO_NAME_PATTERN = r"^\s*[^/\s]+(/[^/\s]+)?\s*$"


def answers_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "brik-onboard answers",
        "description": "The answers of `brik-onboard` for one repository (.github/brik-onboard.yml). No secret values.",
        "type": "object",
        # Answers that decide where credentials go are not answers-file keys (they belong to the user, not the repo).
        "properties": {spec.name: _property(spec) for spec in ANSWERS if spec.meta.from_repo},
        # `version` is the file format's, not an answer: it has no flag.
        "patternProperties": {"^version$": {"const": FORMAT_VERSION, "description": "answers file format version"}},
        "additionalProperties": False,
    }


def fleet_schema() -> dict[str, Any]:
    """The fleet file's: `org`, `defaults` (any answer, those about credentials included: the file is the platform
    team's, like the command line) and `repos` (names, or a name with its own answers)."""
    answers = {spec.name: _property(spec) for spec in ANSWERS if spec.name != "repo"}
    name = {"type": "string", "pattern": REPO_NAME_PATTERN, "description": "owner/name, or a name under `org`"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": FLEET_SCHEMA_ID,
        "title": "brik-onboard fleet file",
        "description": "Many repositories for `brik-onboard fleet plan|apply FILE`: the defaults' answers, then each repository.",
        "type": "object",
        "properties": {
            "org": {"type": ["string", "null"], "description": "the owner of the repositories named without one"},
            "defaults": {"$ref": "#/$defs/answers", "description": "answers for every repository"},
            "repos": {
                "type": "array",
                "minItems": 1,
                "description": "each repository once: a name, or a mapping of its name and its own answers over the defaults",
                "items": {
                    "oneOf": [
                        name,
                        {
                            "type": "object",
                            "properties": {"name": name, **answers},
                            "required": ["name"],
                            "additionalProperties": False,
                        },
                    ]
                },
            },
        },
        "required": ["repos"],
        "additionalProperties": False,
        "$defs": {"answers": {"type": ["object", "null"], "properties": answers, "additionalProperties": False}},
    }


def _property(spec: AnswerSpec) -> dict[str, Any]:
    prop: dict[str, Any] = {"description": spec.meta.help}
    if spec.kind is Kind.BOOL:
        prop["type"] = "boolean"
    elif spec.kind is Kind.LIST:
        prop["oneOf"] = [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        if spec.may_be_empty:
            prop["oneOf"].append({"type": "null"})  # older answers files wrote `target: null`
        if spec.meta.options:
            prop["examples"] = [[o.value] for o in spec.meta.options]
    elif spec.kind is Kind.MAP:
        prop["type"] = ["object", "null"]
        prop["additionalProperties"] = {"type": "string"}
    elif spec.kind is Kind.CHOICE:
        prop["enum"] = list(spec.choices)
        prop["markdownEnumDescriptions"] = [f"{o.label}: {o.help}" if o.help else o.label for o in spec.meta.options]
    else:
        prop["type"] = ["string", "null"] if spec.optional else "string"
    default = spec.default
    if default is not None:
        prop["default"] = list(default) if isinstance(default, tuple) else default
    return prop
