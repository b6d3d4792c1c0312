"""Tree edits on a loaded workflow for what the caller needs around its job: the triggers (`push` on the default
branch and `workflow_dispatch`) and the token permissions (`contents: read`, `packages: write` on the job).

They add what is missing and take away one thing only: a workflow-level `packages: write` that older versions
wrote and no other job inherits (it moves to the caller job). User triggers, other branches and other permissions
stay. Each returns True when it changed the tree.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from wizard.core.workflow.render import flow_list, permissions_map, triggers
from wizard.core.workflow.roundtrip import insert_at, own_keys
from wizard.errors import InputError

_LEVELS = {"none": 0, "read": 1, "write": 2}
NEEDED_PERMISSIONS = (("contents", "read"), ("packages", "write"))
# What `read-all` grants, spelled out so `packages` can be raised alone (id-token has no read level).
READ_ALL_SCOPES = (
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)


def insert_before(parent: CommentedMap, before: str | None, key: str, value: Any) -> None:
    """Add key before `before` (or at the end when absent) without touching other keys."""
    keys = own_keys(parent)
    insert_at(parent, keys.index(before) if before in keys else len(keys), key, value)


def ensure_triggers(doc: CommentedMap, default_branch: str) -> bool:
    on = doc.get("on")
    if on is None:
        insert_before(doc, "jobs" if "jobs" in doc else None, "on", triggers(default_branch))
        return True
    if isinstance(on, str):
        on = [on]
        events = on
    elif isinstance(on, list):
        events = [str(e) for e in on]
    elif isinstance(on, CommentedMap):
        return _ensure_map_triggers(on, default_branch)
    else:
        raise InputError("the workflow's `on:` is neither an event, a list nor a mapping", "fix `on:` and re-run")
    if "push" in events:  # a bare `push` runs on every branch, the default one included
        if "workflow_dispatch" in events:
            return False
        if isinstance(doc["on"], CommentedSeq):
            doc["on"].append("workflow_dispatch")
        else:
            doc["on"] = flow_list(*events, "workflow_dispatch")
        return True
    # A bare `push` would build every branch: switch to the mapping form to name the default branch.
    as_map = CommentedMap((e, None) for e in events)
    _ensure_map_triggers(as_map, default_branch)
    doc["on"] = as_map
    return True


def _ensure_map_triggers(on: CommentedMap, default_branch: str) -> bool:
    changed = False
    if "push" not in on:
        on["push"] = CommentedMap(branches=flow_list(default_branch))
        changed = True
    else:
        changed = _ensure_push_branch(on["push"], default_branch)
    if "workflow_dispatch" not in on:
        on["workflow_dispatch"] = None
        changed = True
    return changed


def _ensure_push_branch(push: Any, branch: str) -> bool:
    if push is None:
        return False  # every branch
    if not isinstance(push, CommentedMap):
        raise InputError("the workflow's `on.push` is not a mapping", "fix `on.push` and re-run")
    if "branches" in push:
        patterns = push["branches"]
        if isinstance(patterns, str):
            if branch_matches([patterns], branch):
                return False
            push["branches"] = flow_list(patterns, branch)
            return True
        if isinstance(patterns, CommentedSeq):
            if branch_matches([str(p) for p in patterns], branch):
                return False
            patterns.append(branch)
            return True
        raise InputError("the workflow's `on.push.branches` is not a list", "fix it and re-run")
    if "branches-ignore" in push:
        ignored = push["branches-ignore"]
        ignored = [ignored] if isinstance(ignored, str) else [str(p) for p in ignored or []]
        if any(_glob(p).fullmatch(branch) for p in ignored):
            raise InputError(
                f"the workflow's on.push.branches-ignore excludes the default branch {branch!r}",
                "remove that pattern so pushes to the default branch build the image, then re-run",
            )
        return False
    if "tags" in push or "tags-ignore" in push:  # only tag filters: branch pushes do not run the workflow
        insert_at(push, 0, "branches", flow_list(branch))
        return True
    return False


def branch_matches(patterns: list[str], branch: str) -> bool:
    """GitHub's filter rule: patterns apply in order, a later `!pattern` can exclude what an earlier one matched."""
    matched = False
    for pattern in patterns:
        if pattern.startswith("!"):
            if _glob(pattern[1:]).fullmatch(branch):
                matched = False
        elif _glob(pattern).fullmatch(branch):
            matched = True
    return matched


def _glob(pattern: str) -> re.Pattern[str]:
    """GitHub's filter pattern syntax: * (not /), ** (anything), ? and + after a character, [..] classes."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch in "?+" and out:
            out.append(ch)
        elif ch == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            out.append("[" + pattern[i + 1 : end].replace("\\", "\\\\") + "]")
            i = end
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(re.escape(pattern))


def ensure_permissions(doc: CommentedMap, job: CommentedMap, job_id: str, indent: int = 2) -> bool:
    """Grant contents: read and packages: write on the caller job itself, and drop a workflow-level
    `packages: write` that only this job used: a write scope at workflow level reaches every job (zizmor's
    excessive-permissions)."""
    if "permissions" in job:
        changed = _raise_permissions(job, "permissions")
    else:
        insert_before(job, "uses", "permissions", permissions_map(indent))
        changed = True
    return _drop_workflow_packages(doc, job_id) or changed


def _drop_workflow_packages(doc: CommentedMap, job_id: str) -> bool:
    perms = doc.get("permissions")
    if not isinstance(perms, CommentedMap) or str(perms.get("packages")) != "write" or "packages" not in own_keys(perms):
        return False
    jobs = doc.get("jobs")
    others = [j for name, j in jobs.items() if name != job_id] if isinstance(jobs, CommentedMap) else []
    if any(not isinstance(j, CommentedMap) or "permissions" not in j for j in others):
        return False  # another job inherits the workflow level and may need it: the user's to decide
    del perms["packages"]
    return True


def _raise_permissions(owner: CommentedMap, key: str) -> bool:
    perms = owner[key]
    if perms == "write-all":
        return False
    if perms == "read-all":
        expanded = CommentedMap((scope, "read") for scope in READ_ALL_SCOPES)
        expanded["packages"] = "write"
        owner[key] = expanded
        return True
    if perms is None:
        owner[key] = perms = CommentedMap()
    if not isinstance(perms, CommentedMap):
        raise InputError(f"the workflow's `permissions: {perms}` is not a mapping, read-all or write-all", "fix it and re-run")
    changed = False
    for scope, level in NEEDED_PERMISSIONS:
        current = perms.get(scope)
        if _LEVELS.get(str(current), -1) < _LEVELS[level]:
            perms[scope] = level
            changed = True
    return changed
