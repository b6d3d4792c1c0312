"""Git objects for one sandbox repository: blobs, flat trees and commits with real SHA-1 names.

Blob SHAs are git's own (`blob <len>\\0<data>`), so the contents API answers the same `sha` a real
GitHub would for the same bytes. Trees are kept flat (path -> blob sha) and named by the SHA-1 of a
canonical listing; commits by the SHA-1 of a git-like serialisation. That is enough for branches,
refs, pull requests, merges and "the repo at commit X" without a git binary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: datetime


@dataclass(frozen=True)
class Commit:
    sha: str
    tree_sha: str
    files: Mapping[str, str]  # path -> blob sha
    parents: tuple[str, ...]
    message: str
    author: Signature
    committer: Signature


class MergeConflict(Exception):
    """Both sides changed the same path differently."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _tree_sha(files: Mapping[str, str]) -> str:
    listing = "".join(f"100644 blob {sha}\t{path}\n" for path, sha in sorted(files.items())).encode()
    return hashlib.sha1(b"tree %d\0" % len(listing) + listing).hexdigest()


def _sig_line(kind: str, sig: Signature) -> str:
    return f"{kind} {sig.name} <{sig.email}> {int(sig.date.timestamp())} +0000"


@dataclass
class GitStore:
    blobs: dict[str, bytes] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)

    def put_blob(self, data: bytes) -> str:
        sha = blob_sha(data)
        self.blobs.setdefault(sha, data)
        return sha

    def put_known_blob(self, sha: str, data: bytes) -> str:
        """A blob whose sha the caller has computed (blob_sha) once for many stores: the bytes are shared, not copied."""
        self.blobs.setdefault(sha, data)
        return sha

    def commit(
        self,
        files: Mapping[str, str],
        parents: tuple[str, ...],
        message: str,
        author: Signature,
        committer: Signature | None = None,
    ) -> Commit:
        committer = committer or author
        tree = _tree_sha(files)
        lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
        lines += [_sig_line("author", author), _sig_line("committer", committer), "", message]
        body = "\n".join(lines).encode()
        sha = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        commit = Commit(sha, tree, dict(files), parents, message, author, committer)
        self.commits.setdefault(sha, commit)
        return self.commits[sha]

    def files_at(self, sha: str) -> dict[str, bytes]:
        return {path: self.blobs[b] for path, b in self.commits[sha].files.items()}

    def read(self, sha: str, path: str) -> bytes | None:
        blob = self.commits[sha].files.get(path)
        return None if blob is None else self.blobs[blob]

    def resolve_prefix(self, prefix: str) -> str | None:
        """A full commit SHA from a full or abbreviated one (at least 7 hex digits)."""
        if len(prefix) < 7:
            return None
        found = [sha for sha in self.commits if sha.startswith(prefix.lower())]
        return found[0] if len(found) == 1 else None

    def ancestors(self, sha: str) -> list[str]:
        """sha and every commit reachable from it, nearest first."""
        seen: list[str] = []
        queue = [sha]
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.append(current)
            queue.extend(self.commits[current].parents)
        return seen

    def is_ancestor(self, maybe: str, of: str) -> bool:
        return maybe in self.ancestors(of)

    def merge_base(self, a: str, b: str) -> str | None:
        others = set(self.ancestors(b))
        return next((sha for sha in self.ancestors(a) if sha in others), None)

    def ahead_count(self, head: str, base: str) -> int:
        """Commits reachable from head but not from base."""
        behind = set(self.ancestors(base))
        return sum(1 for sha in self.ancestors(head) if sha not in behind)

    def merged_files(self, base: str, head: str) -> dict[str, str]:
        """Three-way merge of flat trees; raises MergeConflict on a path both sides changed."""
        root = self.merge_base(base, head)
        ancestor = self.commits[root].files if root else {}
        ours, theirs = self.commits[base].files, self.commits[head].files
        result = dict(ours)
        conflicts = []
        for path in sorted(set(ancestor) | set(ours) | set(theirs)):
            a, o, t = ancestor.get(path), ours.get(path), theirs.get(path)
            if t == a or t == o:
                continue
            if o != a:
                conflicts.append(path)
            elif t is None:
                result.pop(path, None)
            else:
                result[path] = t
        if conflicts:
            raise MergeConflict(conflicts)
        return result
