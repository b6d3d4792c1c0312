"""The fleet file: many repositories' answers in one YAML file, for `brik-onboard fleet plan|apply FILE`.

    org: BrikByte-Studios            # optional: the owner of repos named without one
    defaults: {strategy: pat, ...}   # any answers, as flags would give them
    repos:
      - service-a                    # a name (owner from `org:`), or owner/name
      - name: service-b              # or a name with its own answers over the defaults
        tags: [latest]

The file is the platform team's own, like the command line: it may hold every answer (where credentials go
included), unlike a repository's answers file. `brik-onboard schema --fleet` prints its JSON Schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap

from wizard.core.answers import MAX_FLOW_DEPTH, coerce_answer, flow_depth, parse_yaml_mapping
from wizard.core.plan import ANSWERS_BY_NAME, Plan
from wizard.errors import InputError

MAX_FLEET_BYTES = 4 * 1024 * 1024  # thousands of repos with their own answers
FLEET_KEYS = ("org", "defaults", "repos")


@dataclass(frozen=True)
class FleetRepo:
    repo: str  # owner/name
    answers: Mapping[str, Any] = field(default_factory=dict)  # the defaults, then this repo's own (no `repo`)


@dataclass(frozen=True)
class FleetSpec:
    repos: tuple[FleetRepo, ...]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    org: str | None = None


def load_fleet(text: str, source: str = "fleet file", *, org: str | None = None) -> FleetSpec:
    """Parse a fleet file; `org` (from --org) names the owner of bare names when the file has no `org:`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FLEET_BYTES:
        raise InputError(f"{source} is over {MAX_FLEET_BYTES // (1024 * 1024)} MiB", "split the repositories over several files")
    if flow_depth(text) > MAX_FLOW_DEPTH:
        raise InputError(f"{source} nests too deeply to be a fleet file", "see `brik-onboard schema --fleet` for its shape")
    data = parse_yaml_mapping(text, source, max_depth=10)
    unknown = [str(k) for k in data if k not in FLEET_KEYS]
    if unknown:
        raise InputError(f"{source}: unknown key {unknown[0]!r}", f"a fleet file has {', '.join(FLEET_KEYS)}")
    owner = data.get("org") or org
    if owner is not None and not isinstance(owner, str):
        raise InputError(f"{source}: org must be a string", "org: YourOrg")
    defaults = _answers(data.get("defaults"), f"{source}: defaults")
    raw_repos = data.get("repos")
    if not isinstance(raw_repos, list) or not raw_repos:
        raise InputError(f"{source}: repos must be a list of at least one repository", "repos: [service-a, service-b]")
    repos: list[FleetRepo] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw_repos, 1):
        where = f"{source}: repos item {index}"
        own: Mapping[str, Any] = {}
        if isinstance(item, CommentedMap):
            name = item.get("name")
            own = _answers({k: v for k, v in item.items() if k != "name"}, where)
        else:
            name = item
        full = _full_name(name, owner, where)
        if full.lower() in seen:
            raise InputError(f"{where}: {full} is already item {seen[full.lower()]}", "list each repository once")
        seen[full.lower()] = index
        repos.append(FleetRepo(full, {**defaults, **own}))
    return FleetSpec(tuple(repos), defaults, owner)


def _answers(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InputError(f"{where} must be a mapping of answers", "see `brik-onboard schema --fleet`")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = ANSWERS_BY_NAME.get(str(key))
        if spec is None or spec.name == "repo":
            known = ", ".join(sorted(n for n in ANSWERS_BY_NAME if n != "repo"))
            raise InputError(f"{where}: unknown answer {key!r}", f"known answers: {known}")
        values[spec.name] = coerce_answer(spec, value, where)
    return values


def _full_name(raw: Any, owner: str | None, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(f"{where}: a repository is a name or owner/name", "- service-a, or - name: service-a")
    name = raw.strip()
    if "/" not in name:
        if not owner:
            raise InputError(f"{where}: {name!r} names no owner", "write owner/name, or set `org:` in the file (or pass --org)")
        name = f"{owner}/{name}"
    try:
        ANSWERS_BY_NAME["repo"].check(name, Plan())
    except InputError as exc:
        raise InputError(f"{where}: {exc.message}", "write owner/name") from None
    return name
