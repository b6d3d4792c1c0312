"""Progress kept beside the answers file so an interrupted run resumes without a second branch, PR or run.

Only names, numbers and SHAs: nothing secret is ever stored here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wizard.errors import InputError
from wizard.fsutil import atomic_write_text

STATE_NAME = "brik-onboard.state.json"


@dataclass
class ProgressState:
    repo: str = ""
    step: str = ""  # the last step completed
    branch: str | None = None
    setup_base: str | None = None  # the default branch's head the setup branch was last started from
    setup_head: str | None = None  # the setup branch's head after this tool's last commit on it
    pull_number: int | None = None
    workflow_commit: str | None = None  # commit that put the caller on the default branch
    run_id: int | None = None
    rerun_requested: bool = False
    validated_sha: str | None = None  # blob SHA of the caller the last passing validation built
    validated_run: int | None = None
    created_environments: list[str] = field(default_factory=list)


class StateStore:
    """Loads and saves ProgressState atomically; `path=None` keeps it in memory only."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self, repo: str) -> ProgressState:
        if self.path is None or not self.path.is_file():
            return ProgressState(repo=repo)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            state = ProgressState(**data)
        except (ValueError, TypeError):
            raise InputError(f"the progress file {self.path} is damaged", f"delete {self.path} to start the steps over") from None
        # Progress of another repo is not ours to resume.
        return state if state.repo.lower() == repo.lower() else ProgressState(repo=repo)

    def save(self, state: ProgressState) -> None:
        if self.path is not None:
            atomic_write_text(self.path, json.dumps(asdict(state), indent=2, sort_keys=True) + "\n")

    def clear(self) -> None:
        if self.path is not None and self.path.exists():
            self.path.unlink()
