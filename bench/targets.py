"""How the benches print a figure beside its target, in the same words everywhere (bench_inspect_log.py's too):
`target at most 1.15x: ok`, or `MISSED`. A bench none of whose figures has a stated target says so once.

Imported by the bench_*.py scripts, which run with this folder first on sys.path (`python bench/bench_x.py`).
"""

from __future__ import annotations

NO_TARGET = "no target: this bench's figures are for reading, none of them has a stated target"


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def target(ok: bool, wording: str) -> str:
    """`target <wording>: ok|MISSED`, e.g. target(ratio <= 1.5, "at most 1.5x")."""
    return f"target {wording}: {mark(ok)}"
