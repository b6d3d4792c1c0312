"""Kaniko's cumulative layer cache key (executor/build.go populateCompositeKey, composite_cache.go).

A stage's key starts from its base image's manifest digest, or from the final key of the earlier stage it
is built FROM. Each instruction appends to the same running key: RUN first adds "|N" and the sorted
KEY=VALUE build args and ENV in scope, every instruction adds its literal text, COPY/ADD add one hash per
source. The layer's cache tag is sha256 of the keys joined with "-".

`StageState` is the part of the image config the key depends on: ENV, the declared ARGs, WORKDIR, SHELL.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.core.dockerfile import Instruction

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Build args every Dockerfile may use without declaring them (BuildKit's builtinAllowedBuildArgs).
BUILTIN_ARGS = frozenset(
    {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}
)
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def base_image_digest(ref: str) -> str:
    """The sandbox's stand-in for a base image's manifest digest: stable per reference."""
    return "sha256:" + sha256_hex(ref)


class CompositeKey:
    def __init__(self, first: str) -> None:
        self.keys = [first]

    def add(self, *keys: str) -> None:
        self.keys.extend(keys)

    def hash(self) -> str:
        return sha256_hex("-".join(self.keys))


def words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


def expand(text: str, values: Mapping[str, str]) -> str:
    """Dockerfile variable substitution: $X, ${X}, ${X:-default}, ${X:+alternative}."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        value = values.get(name)
        if m.group(2) == ":-":
            return value if value else m.group(3)
        if m.group(2) == ":+":
            return m.group(3) if value else ""
        return value if value is not None else ""

    return _VAR.sub(one, text)


@dataclass
class StageState:
    """The config a stage's key and log depend on; a stage FROM another stage starts from a copy of its end."""

    build_args: Mapping[str, str]
    meta_args: dict[str, str | None]  # global ARGs (before the first FROM) with their defaults
    env: dict[str, str] = field(default_factory=lambda: dict([DEFAULT_PATH.split("=", 1)]))
    declared: dict[str, str | None] = field(default_factory=dict)  # ARGs declared in this stage so far
    workdir: str = "/"
    shell: tuple[str, ...] = ("/bin/sh", "-c")
    dirs: set[str] = field(default_factory=lambda: {"/"})

    def inherit(self) -> StageState:
        # ARGs do not cross FROM; ENV, WORKDIR, SHELL and the filesystem do.
        return StageState(self.build_args, self.meta_args, dict(self.env), {}, self.workdir, self.shell, set(self.dirs))

    def arg_values(self) -> dict[str, str]:
        """BuildArgs.FilterAllowed: declared ARGs (and builtin proxies) with a value, unless ENV shadows them."""
        out: dict[str, str] = {}
        for name, default in self.declared.items():
            if name in self.build_args:
                out[name] = self.build_args[name]
            elif default is not None:
                out[name] = default
            elif self.meta_args.get(name) is not None:
                out[name] = self.meta_args[name] or ""
        for name in BUILTIN_ARGS & set(self.build_args):
            out.setdefault(name, self.build_args[name])
        return {k: v for k, v in out.items() if k not in self.env}

    def replacement_envs(self) -> list[str]:
        """ReplacementEnvs sorted, as populateCompositeKey adds them for RUN."""
        pairs = [f"{k}={v}" for k, v in self.env.items()] + [f"{k}={v}" for k, v in self.arg_values().items()]
        return sorted(pairs)

    def scope(self) -> dict[str, str]:
        return {**self.arg_values(), **self.env}

    def apply(self, ins: Instruction) -> str | None:
        """Run a config-changing instruction; returns the WORKDIR it created, if any."""
        if ins.keyword == "ENV":
            self._apply_env(ins.operands)
        elif ins.keyword == "ARG":
            for word in words(ins.operands):
                name, eq, default = word.partition("=")
                self.declared[name] = expand(default, self.scope()) if eq else None
        elif ins.keyword == "SHELL" and ins.is_exec_form:
            self.shell = tuple(json.loads(ins.operands))
        elif ins.keyword == "WORKDIR":
            path = expand(ins.operands.strip(), self.scope())
            self.workdir = posixpath.normpath(posixpath.join(self.workdir, path))
            if self.workdir not in self.dirs:
                self.dirs.add(self.workdir)
                return self.workdir
        return None

    def _apply_env(self, operands: str) -> None:
        parts = words(operands)
        if parts and "=" not in parts[0]:  # legacy "ENV KEY value with spaces"
            key, _, rest = operands.strip().partition(" ")
            self.env[key] = expand(rest.strip(), self.scope())
            return
        scope = self.scope()  # one ENV line expands against the values before it
        for part in parts:
            key, _, value = part.partition("=")
            self.env[key] = expand(value, scope)


def instruction_key_parts(ins: Instruction, state: StageState, source_keys: list[str]) -> list[str]:
    """What one instruction appends to the running key (populateCompositeKey)."""
    parts: list[str] = []
    if ins.keyword == "RUN":
        envs = state.replacement_envs()
        if envs:
            parts += [f"|{len(envs)}", *envs]
    parts.append(ins.text)
    return parts + source_keys
