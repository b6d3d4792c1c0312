"""The build context as Kaniko sees it: the repo tree under `context`, `.dockerignore`, COPY sources, file hashes.

Hashing follows Kaniko's CompositeCache.AddPath and util.CacheHasher: a file contributes
sha256(md5(mode, uid, gid, content)); a directory source contributes one sha256 over the md5 of every
entry `filepath.Walk` visits under it (itself included), skipping what `.dockerignore` excludes. mtime is
never part of it. The checkout is owned by the runner user, so every entry has the same mode/uid/gid.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping

FILE_MODE = "-rw-r--r--"  # Go's os.FileMode.String()
DIR_MODE = "drwxr-xr-x"
RUNNER_UID = RUNNER_GID = 1001  # the hosted runner's `runner` user owns the checkout
CONTAINER_ROOT = "/kaniko/action/context"  # where int128/kaniko-action mounts the context


class ContextError(Exception):
    """A COPY/ADD source that is not in the context; `message` is Kaniko's wording."""


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _glob_regex(pattern: str, *, double_star: bool) -> re.Pattern[str]:
    """Go filepath.Match semantics: `*` and `?` stop at "/"; dockerignore adds `**` for any depth."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if double_star and pattern.startswith("**", i):
            out += ".*"
            i += 2
            if pattern.startswith("/", i):
                out += "/?"
                i += 1
            continue
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out += re.escape(c)
            else:
                body = pattern[i + 1 : end]
                out += "[" + ("^" + body[1:] if body.startswith(("^", "!")) else body) + "]"
                i = end
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + r"\Z")


def parse_dockerignore(text: str) -> list[tuple[re.Pattern[str], bool]]:
    """(pattern, is_exception) in file order; the last pattern that matches decides."""
    rules: list[tuple[re.Pattern[str], bool]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = posixpath.normpath(line[1:].strip() if negate else line).lstrip("/")
        if line in ("", "."):
            continue
        rules.append((_glob_regex(line, double_star=True), negate))
    return rules


class BuildContext:
    def __init__(self, files: Mapping[str, bytes], context: str = ".") -> None:
        root = posixpath.normpath(context.strip() or ".").lstrip("/")
        self.root = "" if root == "." else root
        prefix = self.root + "/" if self.root else ""
        self.files: dict[str, bytes] = {path[len(prefix) :]: data for path, data in files.items() if path.startswith(prefix)}
        self.children: dict[str, set[str]] = {"": set()}
        for path in self.files:
            parent, name = posixpath.split(path)
            while True:
                self.children.setdefault(parent, set()).add(name)
                if not parent:
                    break
                parent, name = posixpath.split(parent)
        self._ignore = parse_dockerignore(self.files.get(".dockerignore", b"").decode("utf-8", "replace"))

    def is_dir(self, rel: str) -> bool:
        return rel in self.children

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.children

    def excludes(self, rel: str) -> bool:
        """moby patternmatcher.MatchesOrParentMatches: a rule matches the path or any parent directory."""
        if not rel:
            return False
        parts = rel.split("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        excluded = False
        for regex, negate in self._ignore:
            if any(regex.match(c) for c in candidates):
                excluded = not negate
        return excluded

    def walk(self, rel: str) -> list[str]:
        """filepath.Walk order: the path, then each child by name, depth first."""
        out = [rel]
        for name in sorted(self.children.get(rel, ())):
            out.extend(self.walk(posixpath.join(rel, name) if rel else name))
        return out

    def _entry_md5(self, rel: str) -> str:
        mode = DIR_MODE if self.is_dir(rel) else FILE_MODE
        digest = hashlib.md5(usedforsecurity=False)
        digest.update(f"{mode}{_base36(RUNNER_UID)},{_base36(RUNNER_GID)}".encode())
        if not self.is_dir(rel):
            digest.update(self.files[rel])
        return digest.hexdigest()

    def path_key(self, rel: str) -> str | None:
        """CompositeCache.AddPath: the key one source adds, or None when `.dockerignore` drops it."""
        if self.is_dir(rel):
            entries = [p for p in self.walk(rel) if not self.excludes(p)]
            if not entries and self.excludes(rel):
                return None
            return hashlib.sha256("".join(map(self._entry_md5, entries)).encode()).hexdigest()
        if self.excludes(rel):
            return None
        return hashlib.sha256(self._entry_md5(rel).encode()).hexdigest()

    def resolve_sources(self, sources: list[str]) -> list[str]:
        """util.ResolveSources: wildcards match against every path in the context; others must exist."""
        everything = self.walk("")
        resolved: list[str] = []
        for src in sources:
            if src.startswith(("http://", "https://")):
                continue  # ADD <url>: fetched, not taken from the context
            clean = posixpath.normpath(src).lstrip("/")
            clean = "" if clean == "." else clean
            if any(c in src for c in "*?["):
                regex = _glob_regex(clean, double_star=False)
                matches = [p for p in everything if p and regex.match(p)]
                if not matches:
                    raise ContextError(f"copy failed: no source files specified for {src}")
                resolved.extend(matches)
            elif clean.startswith("../") or not self.exists(clean):
                full = posixpath.join(CONTAINER_ROOT, clean)
                raise ContextError(f"failed to get fileinfo for {full}: lstat {full}: no such file or directory")
            else:
                resolved.append(clean)
        return resolved

    def file_count(self, rels: list[str]) -> int:
        return sum(1 for r in rels for p in self.walk(r) if p in self.files and not self.excludes(p))
