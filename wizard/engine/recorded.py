"""The recorded onboarding: the answers file this tool committed on the repository's default branch.

A re-run starts from it: flags and edits made in a face win, then the recorded answers, then the defaults. A value
nobody asked to change is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from wizard.core.answers import load_answers
from wizard.core.plan import ANSWERS_PATH, Plan
from wizard.engine.port import FileInfo, GitHubPort

# Answers whose change by a flag is worth a word: they decide where credentials live and how the caller arrives.
NOTEWORTHY = ("strategy", "scope", "visibility", "environment", "delivery", "registry", "cache_enabled")


def read_recorded(port: GitHubPort, full_name: str, branch: str) -> Plan | None:
    """The answers file on `branch`, or None when the repository was never onboarded (InputError if unreadable)."""
    return parse_recorded(port.get_file(full_name, ANSWERS_PATH, ref=branch), branch)


def parse_recorded(found: FileInfo | None, branch: str) -> Plan | None:
    """The answers of the answers file read from `branch` (None: there is none); InputError if unreadable."""
    if found is None:
        return None
    return load_answers(found.text, f"{ANSWERS_PATH} on {branch}")


def rebase(recorded: Plan, explicit: Mapping[str, Any]) -> Plan:
    """The recorded answers with what was asked for on top."""
    return replace(recorded, **dict(explicit))


def changed_by_flags(recorded: Plan, explicit: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(answer, recorded value, new value) for each noteworthy recorded answer a flag or an edit changes."""
    return [(k, getattr(recorded, k), explicit[k]) for k in NOTEWORTHY if k in explicit and explicit[k] != getattr(recorded, k)]
