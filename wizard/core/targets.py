"""Several images from one Dockerfile: one caller job per build target (Dockerfile stage).

The final target keeps the plain job id and the plain tags; each other target's job is `<job id>-<target>` and
each of its tags carries the target as a prefix (`test-sha-<commit>`, `test-latest`). The final target is the
one named production, prod or release (the last of them when several are), else the last one listed. One or
no target is one job with the plain id and tags, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wizard.core import naming
from wizard.errors import InputError

FINAL_NAMES = ("production", "prod", "release")
TEST_NAMES = ("test", "tests", "testing")
# A Dockerfile stage name (BuildKit's rule; Kaniko compares --target case-insensitively).
_STAGE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,127}\Z")
MAX_TARGETS = 8


@dataclass(frozen=True)
class TargetJob:
    """One caller job: its id, the stage it builds (None: the Dockerfile's last), its tags and destinations."""

    job_id: str
    target: str | None
    tags: tuple[str, ...]
    destinations: tuple[str, ...]
    final: bool

    def to_json(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "target": self.target,
            "final": self.final,
            "tags": list(self.tags),
            "destinations": list(self.destinations),
        }


def split_targets(values: str | Iterable[str]) -> tuple[str, ...]:
    """Targets from text or a list: commas and blanks separate; in order, each once (compared as Kaniko does)."""
    chunks = [values] if isinstance(values, str) else list(values)
    seen: dict[str, str] = {}
    for part in (p for chunk in chunks for p in re.split(r"[\s,]+", chunk)):
        if part and part.lower() not in seen:
            seen[part.lower()] = part
    return tuple(seen.values())


def final_target(targets: Sequence[str]) -> str | None:
    """The target whose image keeps the plain tags: production/prod/release (the last named so), else the last."""
    if not targets:
        return None
    named = [t for t in targets if t.lower() in FINAL_NAMES]
    return named[-1] if named else targets[-1]


def job_id_for(job_id: str, target: str, final: bool) -> str:
    """The caller job building `target`: the plain id for the final target, else `<id>-<target>` (a job id
    holds letters, digits, '-' and '_': a stage name's '.' becomes '-')."""
    return job_id if final else f"{job_id}-{target.lower().replace('.', '-')}"


def prefixed_tags(target: str, tags: Iterable[str]) -> list[str]:
    """A non-final target's tags: each carries the target's name in front (`test-sha-…`, `test-latest`)."""
    return naming.normalise_tags([f"{target.lower()}-{tag}" for tag in tags])


def target_jobs(job_id: str, targets: Sequence[str], image: str, tags: Sequence[str]) -> tuple[TargetJob, ...]:
    """One job per target, in the order listed; no target is one job building the Dockerfile's last stage."""
    final = final_target(targets)
    if final is None or len(targets) == 1:
        return (TargetJob(job_id, final, tuple(tags), tuple(naming.destinations(image, tags)), True),)
    jobs = []
    for target in targets:
        is_final = target == final
        own = list(tags) if is_final else prefixed_tags(target, tags)
        jobs.append(TargetJob(job_id_for(job_id, target, is_final), target, tuple(own), tuple(naming.destinations(image, own)), is_final))
    return tuple(jobs)


def check_targets(targets: Sequence[str], job_id: str, tags: Sequence[str]) -> None:
    """InputError for a target that is no stage name, too many targets, or two that would share a job id."""
    names = split_targets(targets)
    if len(names) > MAX_TARGETS:
        raise InputError(f"more than {MAX_TARGETS} build targets", "build the stages that are images of their own")
    for name in names:
        if not _STAGE_RE.match(name):
            shown = name if len(name) <= 40 and name.isprintable() else name[:40].encode("unicode_escape").decode() + "…"
            raise InputError(
                f"invalid build target {shown!r}: a Dockerfile stage name starts with a letter and holds letters, digits, '-', '_' and '.'",
                "pass --target STAGE (several: --target test,production)",
            )
    if len(names) < 2:
        return
    final = final_target(names)
    ids = [job_id_for(job_id, n, n == final) for n in names]
    clash = next((n for n, i in zip(names, ids, strict=True) if ids.count(i) > 1), None)
    if clash is not None:
        raise InputError(
            f"the build targets {', '.join(names)} would share the job id {job_id_for(job_id, clash, False)!r}", "rename a stage"
        )
    for name in names:
        if name != final:
            prefixed_tags(name, tags)  # a prefixed tag longer than a registry takes is refused here


def proposal(stages: Sequence[str]) -> tuple[str, ...]:
    """The targets to propose for a Dockerfile's stages: a test stage and a production one, when it has both."""
    test = next((s for s in stages if s.lower() in TEST_NAMES), None)
    final = next((s for s in reversed(stages) if s.lower() in FINAL_NAMES), None)
    return (test, final) if test and final else ()
