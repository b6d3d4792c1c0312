"""Workflow files in a repository: discovery, parsing, ids, triggers and branch filters."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from wizard.core.workflow.triggers import branch_matches  # GitHub's filter patterns, one implementation
from wizard.sandbox.model import Repo
from wizard.sandbox.state import SandboxState, utcnow

WORKFLOW_DIR = ".github/workflows/"


@dataclass(frozen=True)
class WorkflowFile:
    id: int
    path: str
    name: str
    doc: dict[str, Any] | None  # None when the YAML does not parse to a mapping


def parse_yaml(text: str) -> Any:
    """Plain Python data from YAML 1.2 (so `on:` stays the string "on"); a copy, the caller's own."""
    return copy.deepcopy(_parse_yaml(text))


@functools.lru_cache(maxsize=64)
def _parse_yaml(text: str) -> Any:
    # Every job of every run reads the same few workflow files: each text is parsed once (the pure-Python loader
    # is the one that reads YAML 1.2, and the slowest part of planning a run).
    yaml = YAML(typ="safe", pure=True)
    try:
        return yaml.load(StringIO(text))
    except YAMLError:
        return None


def _is_workflow_path(path: str) -> bool:
    rest = path[len(WORKFLOW_DIR) :] if path.startswith(WORKFLOW_DIR) else ""
    return bool(rest) and "/" not in rest and rest.endswith((".yml", ".yaml"))


def workflow_id(st: SandboxState, repo: Repo, path: str) -> int:
    """A workflow's id: assigned the first time the path is seen, then stable."""
    if path not in repo.workflow_ids:
        repo.workflow_ids[path] = st.next_id() + 160000000
        repo.workflow_seen_at[path] = utcnow()
    return repo.workflow_ids[path]


def load_workflow(st: SandboxState, repo: Repo, sha: str, path: str) -> WorkflowFile | None:
    data = repo.git.read(sha, path)
    if data is None:
        return None
    doc = parse_yaml(data.decode("utf-8", errors="replace"))
    doc = doc if isinstance(doc, dict) else None
    raw_name = doc.get("name") if doc else None
    name = raw_name if isinstance(raw_name, str) else path
    return WorkflowFile(workflow_id(st, repo, path), path, name, doc)


def workflow_files(st: SandboxState, repo: Repo, sha: str) -> list[WorkflowFile]:
    paths = sorted(p for p in repo.git.commits[sha].files if _is_workflow_path(p))
    return [wf for wf in (load_workflow(st, repo, sha, p) for p in paths) if wf]


def find_workflow(st: SandboxState, repo: Repo, ident: str) -> WorkflowFile | None:
    """By numeric id or file name, among the workflows on the default branch (GitHub's rule)."""
    for wf in workflow_files(st, repo, repo.branches[repo.default_branch]):
        if ident == str(wf.id) or ident == wf.path.rsplit("/", 1)[-1]:
            return wf
    return None


def triggers(doc: dict[Any, Any] | None) -> dict[str, Any]:
    """`on:` as a mapping event -> config (a string or a list of events becomes {event: None})."""
    if not doc:
        return {}
    on = doc.get("on", doc.get(True))  # YAML 1.1 writers may have turned `on` into True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(e): None for e in on}
    return dict(on) if isinstance(on, dict) else {}


def dispatch_inputs(doc: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    config = triggers(doc).get("workflow_dispatch") or {}
    inputs = config.get("inputs") if isinstance(config, dict) else None
    return {str(k): (v if isinstance(v, dict) else {}) for k, v in (inputs or {}).items()}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def push_matches(doc: dict[str, Any] | None, branch: str) -> bool:
    on = triggers(doc)
    if "push" not in on:
        return False
    config = on["push"] if isinstance(on["push"], dict) else {}
    if "branches" in config:
        return branch_matches(_as_list(config["branches"]), branch)
    if "branches-ignore" in config:
        return not branch_matches(_as_list(config["branches-ignore"]), branch)
    if "tags" in config or "tags-ignore" in config:
        return False  # only tag pushes would trigger it
    return True
