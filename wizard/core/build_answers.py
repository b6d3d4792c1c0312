"""The checks and text parsing of the build's answers (targets, build arguments, runner, executor, registry mirrors)
and the targets the wizard proposes. Pure; plan.py declares the answers with them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wizard.core import naming, targets
from wizard.core.spec import AskContext
from wizard.errors import InputError

if TYPE_CHECKING:
    from wizard.core.plan import Plan


def check_targets(value: tuple[str, ...], plan: Plan) -> None:
    targets.check_targets(value, plan.job_id, plan.tags)


def propose_targets(context: AskContext) -> tuple[tuple[str, ...], str] | None:
    found = targets.proposal(context.stages)
    if not found:
        return None
    test, final = found
    why = f"the Dockerfile has {test} and {final} stages: a job each; the {test} image is tagged {test}-<tag>"
    return found, why


# A comma starts a new build argument only where a KEY= follows it: a value may hold commas.
_BUILD_ARG_SPLIT_RE = re.compile(r"\s*(?:\n|,(?=\s*[A-Za-z_][A-Za-z0-9_]*=))\s*")
_BUILD_ARG_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def split_build_args(text: str) -> tuple[str, ...]:
    return tuple(part for part in _BUILD_ARG_SPLIT_RE.split(text.strip()) if part)


def check_build_args(value: tuple[str, ...], plan: Plan) -> None:
    for number, arg in enumerate(value, start=1):
        if not _BUILD_ARG_RE.match(arg) or "\n" in arg or "\r" in arg:
            # The reusable workflow's own words; the value is never quoted (it could be a pasted credential).
            raise InputError(
                f"build_args line {number} is not KEY=VALUE with KEY made of letters, digits and '_'", "e.g. NODE_ENV=production"
            )


def split_words(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,]+", text) if part)


_LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,127}\Z")


def check_runs_on(value: str, plan: Plan) -> None:
    if not _LABEL_RE.match(value):
        raise InputError(f"invalid runner label {value!r}", "e.g. ubuntu-latest, or the name of a self-hosted runner scale set")


_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}\Z")


def check_executor(value: str, plan: Plan) -> None:
    hint = "give the image with its version tag, e.g. ghcr.io/osscontainertools/kaniko:v1.28.3"
    name, at, digest = value.partition("@")
    if at:
        if not _DIGEST_RE.match(digest):
            raise InputError(f"invalid executor image {value[:120]!r}: a digest is sha256:<64 hex digits>", hint)
        if plan.builder == "container":  # it runs `<executor>-debug`, which only a tag can name
            raise InputError("builder container runs the executor's -debug tag: the executor needs a tag, not a digest", hint)
        if ":" in name.rsplit("/", 1)[-1]:
            name = name.rpartition(":")[0]  # image:tag@digest: the digest is what is pulled
    else:
        name, colon, tag = value.rpartition(":")
        if not colon or not name or "/" in tag:
            raise InputError(f"invalid executor image {value[:120]!r}: it has no version tag", hint)
    first = name.split("/", 1)[0]
    on_docker_hub = "/" not in name or not ("." in first or ":" in first or first == "localhost")
    naming.validate_repository(f"docker.io/{name}" if on_docker_hub else name)  # e.g. martizih/kaniko:v1.28.3


# A mirror is a registry host, optionally with a path (Kaniko's --registry-mirror), never with credentials.
_MIRROR_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?(/[a-z0-9._-]+)*\Z")


def check_registry_mirrors(value: tuple[str, ...], plan: Plan) -> None:
    for mirror in value:
        if not _MIRROR_RE.match(mirror):
            raise InputError(f"invalid registry mirror {mirror[:80]!r}", "give a registry host, optionally with a path: mirror.gcr.io")


def check_insecure_registry(value: str, plan: Plan) -> None:
    # The registry half of a repository reference: host[:port], as naming checks it.
    naming.validate_repository(f"{value}/x")
    if "/" in value or value != value.lower():
        raise InputError(f"invalid insecure registry {value!r}", "give the registry as host[:port], e.g. registry.local:5000")
