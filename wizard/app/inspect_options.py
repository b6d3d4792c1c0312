"""What `inspect-log` was asked to do. Apart from options.py, whose dozen frozen dataclasses cost more to create
than the rest of this command's start-up: inspect-log is timed against grep (bench/bench_inspect_log.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InspectOptions:
    logs: tuple[str, ...]
    image: str | None = None
    cache_repo: str | None = None
    destinations: tuple[str, ...] = ()
    json: bool = False
