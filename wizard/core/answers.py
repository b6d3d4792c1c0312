"""The answers file (`.github/brik-onboard.yml`): a Plan in, a Plan out, the user's comments kept.

Text in, text out: reading and the atomic write are the caller's job. Unknown keys are an error rather than
silently ignored, so a typo never turns into a default the user did not choose.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, replace
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
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
_DUPLICATE_KEY_RE = re.compile(r'found duplicate key "([^"]*)"')
# Answers an answers file may hold; the others (where the token goes, where secret values come from) are the user's.
REPO_ANSWERS = frozenset(name for name, spec in ANSWERS_BY_NAME.items() if spec.meta.from_repo)
USER_CONFIG_HINT = "config file (~/.config/brik-onboard/config.yml)"
_DEFAULTS = Plan()
# A real answers file is a few hundred bytes; the YAML parser is pure Python, so bound what it is given.
MAX_ANSWERS_BYTES = 64 * 1024
MAX_FLOW_DEPTH = 64  # brackets nested deeper are no answers file (see flow_depth)
# Answers that were one string before they could hold several: a single value is still written `target: NAME`.
_ONE_AS_TEXT = frozenset({"target"})


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
            known = ", ".join(sorted(REPO_ANSWERS))
            raise InputError(f"{source}: unknown key {key!r}", f"known keys: {known}")
        if not spec.meta.from_repo:
            raise InputError(
                f"{source}: {key} may not be set in an answers file: it decides where credentials go, and anyone who can "
                "change a file in the repository could change it",
                f"pass {spec.flag} or set {key} in your own {USER_CONFIG_HINT}",
            )
        values[spec.name] = coerce_answer(spec, raw, source)
    return Plan(**values)


def load_user_settings(text: str, source: str) -> dict[str, Any]:
    """The user's config file: only the answers an answers file may not hold (by answer name, typed)."""
    values: dict[str, Any] = {}
    for key, raw in _parse(text, source).items():
        spec = ANSWERS_BY_NAME.get(str(key))
        if spec is None or spec.meta.from_repo:
            known = ", ".join(sorted(set(ANSWERS_BY_NAME) - REPO_ANSWERS))
            raise InputError(f"{source}: {key!r} is not a setting of this file", f"it holds {known}; answers go in the answers file")
        values[spec.name] = coerce_answer(spec, raw, source)
    plan = Plan(**values)
    for name, value in values.items():
        ANSWERS_BY_NAME[name].check(value, plan)
    return values


def _parse(text: str, source: str) -> CommentedMap:
    if len(text) > MAX_ANSWERS_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_ANSWERS_BYTES:
        raise InputError(
            f"{source} is over the {MAX_ANSWERS_BYTES // 1024} KiB an answers file may have",
            "keep only the answers in it (see `brik-onboard schema`)",
        )
    if flow_depth(text) > MAX_FLOW_DEPTH:
        raise InputError(f"{source} nests too deeply to be an answers file", "see `brik-onboard schema` for its shape")
    return parse_yaml_mapping(text, source)


def parse_yaml_mapping(text: str, source: str, *, max_depth: int = 8) -> CommentedMap:
    """YAML text that must be a mapping (empty: an empty one), without anchors; InputError says where it is not."""
    try:
        data = _yaml().load(text)
    except DuplicateKeyError as exc:
        where = exc.problem_mark
        key = _DUPLICATE_KEY_RE.search(str(exc.problem or ""))
        name = f" {key[1]!r}" if key else ""
        raise InputError(f"{source}: the key{name} appears twice (line {where.line + 1})", "keep one of them") from None
    except YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        pos = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise InputError(f"{source} is not valid YAML{pos}", "fix the file or delete it to start over") from None
    except RecursionError:
        raise InputError(f"{source} nests too deeply to be an answers file", "see `brik-onboard schema` for its shape") from None
    _refuse_anchors(data, source, max_depth=max_depth)
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise InputError(f"{source} must be a mapping of answers", "see `brik-onboard schema` for the keys")
    return data


def flow_depth(text: str) -> int:
    """How deep `[` and `{` nest (a bound: brackets inside quoted values count too). Checked before parsing:
    ruamel.yaml's scanner takes seconds on a few thousand nested brackets, and an answers file needs two."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _refuse_anchors(node: Any, source: str, depth: int = 0, *, max_depth: int = 8) -> None:
    """Anchors and aliases make one value stand for many (alias bombs); an answers file never needs them."""
    anchor = getattr(node, "anchor", None)
    if anchor is not None and getattr(anchor, "value", None):
        raise InputError(f"{source}: YAML anchors and aliases (&{anchor.value}) are not allowed here", "write each value out")
    if depth > max_depth:  # answers are at most a mapping of lists or maps; deeper is not an answers file
        raise InputError(f"{source} nests too deeply to be an answers file", "see `brik-onboard schema` for its shape")
    if isinstance(node, dict):
        for key, value in node.items():
            _refuse_anchors(key, source, depth + 1, max_depth=max_depth)
            _refuse_anchors(value, source, depth + 1, max_depth=max_depth)
    elif isinstance(node, list):
        for value in node:
            _refuse_anchors(value, source, depth + 1, max_depth=max_depth)


def coerce_answer(spec: AnswerSpec, raw: Any, source: str) -> Any:
    """A YAML value as the answer's type; InputError names `source` and the key."""
    key = spec.name
    if spec.kind is Kind.LIST:
        if raw is None and spec.may_be_empty:
            return ()  # `target: null`, as versions before several targets wrote an unset target
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


def for_repo(plan: Plan) -> Plan:
    """The plan as an answers file records it: answers that may not live in the repository left at their defaults."""
    return replace(plan, **{name: getattr(_DEFAULTS, name) for name, spec in ANSWERS_BY_NAME.items() if not spec.meta.from_repo})


def dump_answers(plan: Plan, existing_text: str | None = None) -> str:
    """The answers file for `plan`; when a file exists, it is edited in place so comments and order survive."""
    yaml = _yaml()
    if existing_text and existing_text.strip():
        data = _parse(existing_text, "answers file")
    else:
        data = CommentedMap()
        data["version"] = FORMAT_VERSION
        data.yaml_set_start_comment(f"{SCHEMA_COMMENT}\n{HEADER}")
    defaults = _DEFAULTS
    for key, value in asdict(plan).items():
        if key not in REPO_ANSWERS:
            if key in data:
                del data[key]  # written by an older version: it never belonged here
            continue
        plain = _plain(value)
        if key in _ONE_AS_TEXT and isinstance(plain, list) and len(plain) == 1:
            plain = plain[0]
        if key in data:
            if _plain(_as_read(ANSWERS_BY_NAME[key], data[key])) != plain:
                data[key] = _node(plain)
        elif plain != _plain(getattr(defaults, key)) or not existing_text:
            data[key] = _node(plain)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _as_read(spec: AnswerSpec, raw: Any) -> Any:
    """A value in the file as loading reads it (`target: runtime` is the list [runtime]): the same answer written
    another way is left as the user (or an older version) wrote it."""
    try:
        return coerce_answer(spec, raw, "answers file")
    except InputError:
        return raw


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
