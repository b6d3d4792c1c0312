"""The answers file (`.github/brik-onboard.yml`): a Plan in, a Plan out, the user's comments kept.

Text in, text out: reading and the atomic write are the caller's job. Unknown keys are an error rather than
silently ignored, so a typo never turns into a default the user did not choose.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from wizard.core.plan import ANSWERS_BY_NAME, Plan
from wizard.core.spec import AnswerSpec, Kind
from wizard.errors import InputError

HEADER = (
    "brik-onboard answers: re-run `brik-onboard` to change them; edits and comments here are kept.\n"
    "Secret VALUES are never stored here, only secret names and the variables to read them from."
)

FORMAT_VERSION = 1
SCHEMA_FILE = "brik-onboard.schema.json"  # beside the answers file; `brik-onboard schema > FILE` writes it
SCHEMA_COMMENT = f"yaml-language-server: $schema={SCHEMA_FILE}"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_answers(text: str, source: str = "answers file") -> Plan:
    """Parse an answers file into a Plan; InputError names the file, the key and what is wrong."""
    data = _parse(text, source)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "version":
            if raw != FORMAT_VERSION:
                raise InputError(f"{source}: version {raw!r} is not one this brik-onboard reads", f"version: {FORMAT_VERSION}")
            continue
        spec = ANSWERS_BY_NAME.get(str(key))
        if spec is None:
            known = ", ".join(sorted(ANSWERS_BY_NAME))
            raise InputError(f"{source}: unknown key {key!r}", f"known keys: {known}")
        values[spec.name] = _coerce(spec, raw, source)
    return Plan(**values)


def _parse(text: str, source: str) -> CommentedMap:
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        pos = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise InputError(f"{source} is not valid YAML{pos}", "fix the file or delete it to start over") from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise InputError(f"{source} must be a mapping of answers", "see `brik-onboard schema` for the keys")
    return data


def _coerce(spec: AnswerSpec, raw: Any, source: str) -> Any:
    key = spec.name
    if spec.kind is Kind.LIST:
        if isinstance(raw, str):
            return (raw,)
        if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            return tuple(raw)
        raise InputError(f"{source}: {key} must be a string or a list of strings", None)
    if spec.kind is Kind.BOOL:
        if not isinstance(raw, bool):
            raise InputError(f"{source}: {key} must be true or false", None)
        return raw
    if spec.kind is Kind.MAP:
        if raw is None:
            return {}
        if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
            raise InputError(f"{source}: {key} must map names to names", None)
        return dict(raw)
    if raw is None and spec.optional:
        return None
    if not isinstance(raw, str):
        raise InputError(f"{source}: {key} must be a string", None)
    return str(raw)


def dump_answers(plan: Plan, existing_text: str | None = None) -> str:
    """The answers file for `plan`; when a file exists, it is edited in place so comments and order survive."""
    yaml = _yaml()
    if existing_text and existing_text.strip():
        data = _parse(existing_text, "answers file")
    else:
        data = CommentedMap()
        data["version"] = FORMAT_VERSION
        data.yaml_set_start_comment(f"{SCHEMA_COMMENT}\n{HEADER}")
    defaults = Plan()
    for key, value in asdict(plan).items():
        plain = _plain(value)
        if key in data:
            if _plain(data[key]) != plain:
                data[key] = _node(plain)
        elif plain != _plain(getattr(defaults, key)) or not existing_text:
            data[key] = _node(plain)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _node(value: Any) -> Any:
    if isinstance(value, list):
        seq = CommentedSeq(value)
        return seq
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = v
        return m
    return value
