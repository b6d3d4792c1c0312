"""What one Kaniko log says: the summary the log reader (log.py) fills in and the verdict reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_ITEMS = 10_000  # at most this many entries in each list; the *_count fields stay exact


@dataclass
class LogSummary:
    """What one Kaniko log says. Lists hold at most ``MAX_ITEMS`` entries; the ``*_count`` fields are exact."""

    path: str | None = None
    hits: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    cache_pushes: int = 0
    cache_upload_errors: int = 0
    upload_error_messages: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)  # destination refs whose push Kaniko confirmed
    pushed_digests: list[str] = field(default_factory=list)  # the same pushes as repo@sha256:…
    push_targets: list[str] = field(default_factory=list)  # every non-cache "Pushing image to" ref
    fatal: str | None = None
    push_permission_warning: bool = False
    cache_repo: str | None = None
    cache_repos: list[str] = field(default_factory=list)
    lookups: int = 0
    expired: int = 0
    instructions: list[str] = field(default_factory=list)
    stages: int = 0
    no_push: bool = False
    duration_s: float | None = None
    timing_source: str | None = None  # "ci-timestamps" | "logrus-timestamps" | "logrus-counter"
    lines: int = 0
    hit_count: int = 0
    miss_count: int = 0
    instruction_count: int = 0
    inferred_hits: int = 0  # fork: "Cache hit via inferred cross-stage key" lines (the hit or miss line follows)
    cache_read_refusals: int = 0  # debug level only: cache reads the registry refused (each then logs a miss)
    read_refusal_messages: list[str] = field(default_factory=list)
    pushes_without_ref: int = 0  # v1.4-v1.7: "Pushed image(s) to N destinations", N summed
    debug: bool = False  # the log has debug-level lines (--verbosity=debug): a refused cache read shows

    @property
    def cache_enabled_hint(self) -> bool:
        """True when the log shows any sign of the layer cache being on."""
        return bool(self.lookups or self.hit_count or self.miss_count or self.cache_pushes or self.cache_upload_errors or self.expired)

    @property
    def kaniko_seen(self) -> bool:
        """True when any line was read as Kaniko's: an instruction's echo, a stage, a cache event, a push or its
        fatal error. A file without any is not a Kaniko build log (a wrong file or a step that never ran Kaniko)."""
        return bool(
            self.instruction_count
            or self.stages
            or self.cache_enabled_hint
            or self.inferred_hits
            or self.cache_read_refusals
            or self.push_targets
            or self.pushed
            or self.pushes_without_ref
            or self.no_push
            or self.push_permission_warning
            or self.fatal
        )

    @property
    def truncated(self) -> bool:
        return self.hit_count > len(self.hits) or self.miss_count > len(self.misses) or self.instruction_count > len(self.instructions)

    def to_json(self) -> dict[str, Any]:
        """The issue's keys (path, hits, misses, cache_pushes, cache_upload_errors, pushed, fatal) and the rest."""
        return {**asdict(self), "truncated": self.truncated, "cache_enabled_hint": self.cache_enabled_hint}
