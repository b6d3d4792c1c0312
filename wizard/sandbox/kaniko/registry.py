"""The sandbox's container registry: a ghcr.io-like store of packages, tags and who may write them.

GHCR's write rules, as the build emulation needs them:
- a classic PAT writes when it has `write:packages`; a fine-grained PAT is refused outright;
- a workflow's GITHUB_TOKEN writes a package linked to its repository, or creates a new one under its
  own owner (the new package is then linked to that repository, as GHCR does on the first push);
- without credentials nothing is written.
And its read rules (packages are private here): a classic PAT reads with `read:packages` or `write:packages`;
a GITHUB_TOKEN reads its owner's packages linked to its repository; anything else is refused (the token
request answers DENIED, or UNAUTHORIZED without credentials). A missing tag is MANIFEST_UNKNOWN, a
missing package NAME_UNKNOWN: those are misses, not refusals.
A cache entry is an ordinary tag in the cache repository (Kaniko pushes `<cache-repo>:<key>`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

FINE_GRAINED_DENIAL = "DENIED: permission_denied: The token provided does not match expected scopes"
WRITE_DENIAL = "DENIED: permission_denied: write_package"
ANONYMOUS_DENIAL = "UNAUTHORIZED: authentication required"
READ_DENIAL = "DENIED: requested access to the resource is denied"


@dataclass(frozen=True)
class RegistryCredential:
    kind: str  # "github-token" (the run's GITHUB_TOKEN), "pat", or "none"
    repo: str  # full name of the repository whose workflow runs, e.g. "BrikByte-Studios/example-node-api"
    scopes: frozenset[str] = frozenset()  # classic PAT scopes
    fine_grained: bool = False  # GHCR refuses fine-grained PATs


def split_repo_ref(ref: str) -> tuple[str, str]:
    """`ghcr.io/org/name[:tag]` -> ("ghcr.io/org/name", tag or ""), lower-cased; a port is not a tag."""
    ref = ref.strip()
    colon = ref.rfind(":")
    if colon > ref.rfind("/"):
        return ref[:colon].lower(), ref[colon + 1 :]
    return ref.lower(), ""


def registry_host(repo_ref: str) -> str:
    first = repo_ref.split("/", 1)[0]
    if "/" in repo_ref and ("." in first or ":" in first or first == "localhost"):
        return first
    return "index.docker.io"


def repo_path(repo_ref: str) -> str:
    """The repository path the registry's /v2/ API uses (no host)."""
    repo, _ = split_repo_ref(repo_ref)
    host = registry_host(repo)
    if repo.startswith(host + "/"):
        return repo[len(host) + 1 :]
    return repo if "/" in repo else "library/" + repo


class Registry:
    """Thread-safe: the sandbox's HTTP threads and its runner share one instance."""

    def __init__(self, packages: dict[str, dict[str, Any]] | None = None) -> None:
        self._lock = threading.RLock()
        self._linked: dict[str, list[str]] = {}
        self._tags: dict[str, dict[str, str]] = {}
        for ref, acl in (packages or {}).items():
            repo, _ = split_repo_ref(ref)
            self._linked[repo] = [r.lower() for r in acl.get("linked_repos", [])]
            self._tags.setdefault(repo, {})

    def exists(self, repo_ref: str) -> bool:
        repo, _ = split_repo_ref(repo_ref)
        with self._lock:
            return repo in self._linked or repo in self._tags

    def denial(self, repo_ref: str, cred: RegistryCredential) -> str | None:
        """The registry's refusal text for a write by `cred`, or None when the write is allowed."""
        repo, _ = split_repo_ref(repo_ref)
        if cred.kind == "pat":
            if cred.fine_grained:
                return FINE_GRAINED_DENIAL
            return None if "write:packages" in cred.scopes else WRITE_DENIAL
        if cred.kind != "github-token":
            return ANONYMOUS_DENIAL
        owner = repo_path(repo).split("/", 1)[0]
        if owner != cred.repo.split("/", 1)[0].lower():
            return WRITE_DENIAL  # a GITHUB_TOKEN only reaches packages of its own owner
        with self._lock:
            linked = self._linked.get(repo)
            if linked is None and repo not in self._tags:
                return None  # a new package: the first push creates it
            return None if cred.repo.lower() in (linked or []) else WRITE_DENIAL

    def read_denial(self, repo_ref: str, cred: RegistryCredential) -> str | None:
        """The registry's refusal text for a read by `cred` of an existing package, or None when it may read."""
        repo, _ = split_repo_ref(repo_ref)
        with self._lock:
            linked = self._linked.get(repo)
            if linked is None and repo not in self._tags:
                return None  # nothing to read: NAME_UNKNOWN, a miss
        if cred.kind == "pat":
            if cred.fine_grained:
                return FINE_GRAINED_DENIAL
            return None if cred.scopes & {"read:packages", "write:packages"} else READ_DENIAL
        if cred.kind != "github-token":
            return ANONYMOUS_DENIAL
        if repo_path(repo).split("/", 1)[0] != cred.repo.split("/", 1)[0].lower():
            return READ_DENIAL
        return None if cred.repo.lower() in (linked or []) else READ_DENIAL

    def can_write(self, repo_ref: str, cred: RegistryCredential) -> bool:
        return self.denial(repo_ref, cred) is None

    def has_cache(self, cache_repo: str, key: str) -> bool:
        repo, _ = split_repo_ref(cache_repo)
        with self._lock:
            return key in self._tags.get(repo, {})

    def put_cache(self, cache_repo: str, key: str, digest: str, *, by: RegistryCredential | None = None) -> None:
        self.push(cache_repo, key, digest, by=by)

    def push(self, repo_ref: str, tag: str, digest: str, *, by: RegistryCredential | None = None) -> None:
        """Store `tag` -> `digest`. With `by` a GITHUB_TOKEN, a new package gets linked to its repository."""
        repo, _ = split_repo_ref(repo_ref)
        with self._lock:
            if repo not in self._linked and repo not in self._tags:
                self._linked[repo] = [by.repo.lower()] if by and by.kind == "github-token" else []
            self._tags.setdefault(repo, {})[tag] = digest

    def tags(self, repo_ref: str) -> dict[str, str]:
        repo, _ = split_repo_ref(repo_ref)
        with self._lock:
            return dict(self._tags.get(repo, {}))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            repos = sorted(set(self._linked) | set(self._tags))
            return {
                "packages": {
                    repo: {"linked_repos": list(self._linked.get(repo, [])), "tags": dict(self._tags.get(repo, {}))} for repo in repos
                }
            }
