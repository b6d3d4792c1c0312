"""What a caller job can see when the runner evaluates it: its secrets and its GITHUB_TOKEN's permissions."""

from __future__ import annotations

import secrets as pysecrets
from collections.abc import Iterator, Mapping
from typing import Any

from wizard.sandbox.model import Repo
from wizard.sandbox.secretbox import Secret, visible_to


class SecretText(str):
    """A secret's value that remembers where it came from (the run's GITHUB_TOKEN or a stored secret)."""

    kind: str

    def __new__(cls, value: str, kind: str) -> SecretText:
        obj = super().__new__(cls, value)
        obj.kind = kind
        return obj

    def __repr__(self) -> str:  # never show the value
        return f"SecretText(kind={self.kind!r})"


class CallerSecrets(Mapping[str, SecretText]):
    """The `secrets` context of a caller job: GITHUB_TOKEN, repo secrets, then org secrets visible to the repo."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
        self._github_token = SecretText("ghs_" + pysecrets.token_hex(18), "github-token")

    def _stored(self) -> dict[str, Secret]:
        found = {name: s for name, s in self._repo.owner.secrets.secrets.items() if visible_to(s, self._repo.id, self._repo.private)}
        found.update(self._repo.secrets.secrets)  # repository secrets win over organisation ones
        return found

    def __getitem__(self, name: str) -> SecretText:
        if name.upper() == "GITHUB_TOKEN":
            return self._github_token
        secret = self._stored().get(name.upper())
        if secret is None:
            raise KeyError(name)
        return SecretText(secret.reveal(), "stored")

    def __iter__(self) -> Iterator[str]:
        return iter(["GITHUB_TOKEN", *self._stored()])

    def __len__(self) -> int:
        return 1 + len(self._stored())

    def inherited(self) -> dict[str, Any]:
        """`secrets: inherit` passes every secret the caller can see, by name."""
        return {name: self[name] for name in self}


def caller_secrets(repo: Repo) -> CallerSecrets:
    return CallerSecrets(repo)


def _packages_level(permissions: Any) -> str | None:
    """'write' / 'read' / 'none' for packages from a `permissions:` value, None when it is not set."""
    if permissions is None:
        return None
    if isinstance(permissions, str):
        return {"write-all": "write", "read-all": "read"}.get(permissions.strip(), "none")
    if isinstance(permissions, dict):
        return str(permissions.get("packages", "none"))
    return "none"


def packages_write(repo: Repo, doc: dict[str, Any], job: dict[str, Any]) -> bool:
    """Whether the caller job's GITHUB_TOKEN may write packages: job, then workflow, then repo default."""
    for level in (_packages_level(job.get("permissions")), _packages_level(doc.get("permissions"))):
        if level is not None:
            return level == "write"
    return repo.default_workflow_permissions == "write"
