"""Kaniko executor flags a caller may pass through the reusable workflow's `kaniko_args` input: an allow-list.

Only flags that change how the build runs are allowed, never where the image, its cache or a credential goes
(those have inputs of their own: destinations, cache_repo, registry_mirror, insecure_registry, the secrets).
Each value is checked against the flag's own grammar, so no free text reaches the executor's command line.
The reusable workflow's "Check the Kaniko flags" step (wizard/assets/workflows/ci-build-kaniko.yml) applies the
same list in shell; tests/test_kaniko_flags_script.py holds the two to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from wizard.errors import InputError

_BOOL = ("true|false", "true or false")
_COUNT = ("[0-9]{1,2}", "a number from 0 to 99")

# flag -> (its value's grammar, that grammar in words); a boolean flag may also stand alone (`--use-new-run`).
ALLOWED: dict[str, tuple[str, str]] = {
    "--snapshot-mode": ("full|redo|time", "full, redo or time"),
    "--use-new-run": _BOOL,
    "--cache-copy-layers": _BOOL,
    "--cache-run-layers": _BOOL,
    # Go's time.ParseDuration units, as Kaniko reads --cache-ttl (e.g. 336h, 24h, 90m, 1h30m).
    "--cache-ttl": ("([0-9]{1,6}(ns|us|ms|s|m|h)){1,4}", "a duration such as 24h, 90m or 1h30m"),
    "--compressed-caching": _BOOL,
    "--single-snapshot": _BOOL,
    "--reproducible": _BOOL,
    "--cleanup": _BOOL,
    "--skip-unused-stages": _BOOL,
    "--log-timestamp": _BOOL,
    "--push-retry": _COUNT,
    "--image-fs-extract-retry": _COUNT,
    "--image-download-retry": _COUNT,
    "--compression": ("gzip|zstd", "gzip or zstd"),
    "--compression-level": ("-1|[0-9]|1[0-9]|2[0-2]", "a number from -1 to 22"),
}
MAX_FLAGS = 32

# What looks like a credential, wherever it stands in a line: a GitHub, GitLab, npm, Slack or AWS token shape,
# user:password@ (in a URL or not), or NAME=value where the name says password, token, secret or key.
CREDENTIAL_RE = re.compile(
    r"gh[pousr]_|github_pat_|glpat-|npm_[A-Za-z0-9]{8}|xox[abposr]-|AKIA[0-9A-Z]{12}|[A-Za-z0-9._%-]+:[^/@\s]+@"
    r"|(password|passwd|secret|token|apikey|api_key|credential)s?=",
    re.IGNORECASE,
)
_FLAG_NAME_RE = re.compile(r"--[a-z][a-z0-9-]{0,40}\Z")


@dataclass(frozen=True)
class Recommendation:
    flag: str
    why: str  # one line


# The flags seed 002's builds use, and the two that answer its caching questions, each with why in one line.
RECOMMENDED: tuple[Recommendation, ...] = (
    Recommendation("--snapshot-mode=redo", "snapshots compare file metadata instead of hashing every file: faster on big images"),
    Recommendation("--use-new-run", "detects what a RUN changed without a full-filesystem snapshot (Kaniko calls it experimental)"),
    Recommendation("--cache-copy-layers", "caches COPY layers too, so a Dockerfile with few RUN steps still reuses its layers"),
    Recommendation("--cache-ttl=336h", "how long a cached layer is reused before it is rebuilt (Kaniko's default, two weeks)"),
    Recommendation("--compressed-caching=false", "stores cache layers uncompressed: less memory on big layers, more to upload"),
)


def split_flags(values: Iterable[str]) -> tuple[str, ...]:
    """Flags from text: one per line (commas and blanks separate too: no allowed value holds one), in order. Only
    what the workflow's step splits on separates (space, tab, line end, CR, comma); any other blank, such as a form
    feed or U+2028, stays in the flag and refuses it there as here."""
    return tuple(part for value in values for part in re.split(r"[ \t\n\r,]+", value) if part)


def flag_problem(line: str) -> str | None:
    """Why one `kaniko_args` line is refused (never quoting a value), or None when it is allowed."""
    if CREDENTIAL_RE.search(line):
        return "looks like it carries a credential; credentials go in secrets, never in Kaniko's flags"
    name, eq, value = line.partition("=")
    if not _FLAG_NAME_RE.match(name):
        return "is not a --flag or --flag=value"
    allowed = ALLOWED.get(name)
    if allowed is None:
        return f"{name} is not an allowed Kaniko flag (allowed: {', '.join(ALLOWED)})"
    grammar, words = allowed
    if not eq:
        return None if allowed == _BOOL else f"{name} needs a value: write {name}=VALUE"
    if not re.fullmatch(grammar, value):
        return f"{name} takes {words}"
    return None


def check_kaniko_args(values: Iterable[str]) -> tuple[str, ...]:
    """The flags, checked; InputError names the first refused one by position (and by name when it is one)."""
    flags = split_flags(values)
    if len(flags) > MAX_FLAGS:
        raise InputError(f"more than {MAX_FLAGS} Kaniko flags", "pass only the flags the build needs")
    for number, flag in enumerate(flags, start=1):
        problem = flag_problem(flag)
        if problem is not None:
            raise InputError(
                f"kaniko_args flag {number} {problem}",
                "one flag per line, e.g. --snapshot-mode=redo; see `brik-onboard schema` for kaniko_args",
            )
    return flags
