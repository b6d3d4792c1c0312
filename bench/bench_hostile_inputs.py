"""Hostile inputs answered in linear time: each must be accepted or refused within 2 s (cpu).

Run on demand: `.venv/bin/python bench/bench_hostile_inputs.py`; not part of the tests. The 10 MB shapes are
refused by size before any parsing; the shapes just under the limits are parsed in full, which is the real cost.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from targets import mark, target  # noqa: E402 - bench/targets.py (a script's own folder is on its path)

TARGET_S = 2.0


def dockerfiles(size: int) -> dict[str, str]:
    return {
        "one long line": "FROM a\nRUN " + "x" * (size - 12) + "\n",
        "quoted words": "FROM a\nRUN " + "'x' " * ((size - 12) // 4) + "\n",
        "many lines": "FROM a\n" + "RUN x\n" * ((size - 7) // 6),
        "continuations": "FROM a\nRUN x \\\n" + "  y \\\n" * ((size - 20) // 6) + "  z\n",
        "many flags": "FROM a\nRUN " + "--x " * ((size - 14) // 4) + "y\n",
        "many stages": "FROM a AS s0\n" + "".join(f"FROM s{i} AS s{i + 1}\n" for i in range(size // 24)),
        "credential ARGs": "FROM a\n" + "ARG TOKEN\n" * ((size - 14) // 20) + "RUN x\n" * ((size - 14) // 20),
    }


def timed(run: Callable[[], object]) -> tuple[float, str]:
    from wizard.errors import InputError

    start = time.process_time()
    try:
        run()
        answer = "accepted"
    except InputError as exc:
        answer = "refused: " + str(exc)[:60]
    return time.process_time() - start, answer


def main() -> int:
    from wizard.core.answers import MAX_ANSWERS_BYTES, load_answers
    from wizard.core.credential_args import credential_args
    from wizard.core.dockerfile import MAX_DOCKERFILE_BYTES, parse_dockerfile
    from wizard.core.naming import normalise_tags

    cases: list[tuple[str, Callable[[], object]]] = []
    for size, label in ((10 * 1024 * 1024, "10 MB"), (MAX_DOCKERFILE_BYTES - 64, "limit")):
        for shape, text in dockerfiles(size).items():
            cases.append((f"Dockerfile {label}: {shape}", lambda t=text: credential_args(parse_dockerfile(t))))
    tags_file = "tags:\n" + "".join(f"  - t{i}\n" for i in range(200_000))
    cases.append(("answers file, 200k tags", lambda: load_answers(tags_file)))
    near_limit = "tags:\n" + "".join(f"  - t{i}\n" for i in range((MAX_ANSWERS_BYTES - 16) // 10))
    cases.append(("answers file at its limit", lambda: load_answers(near_limit)))
    cases.append(("normalise 200k tags", lambda: normalise_tags([f"t{i % 50}" for i in range(200_000)])))
    worst = 0.0
    print(f"{'input':45}  {'cpu s':>6}  {f'< {TARGET_S:.0f} s':>6}  answer")
    for name, run in cases:
        seconds, answer = timed(run)
        worst = max(worst, seconds)
        print(f"{name:45}  {seconds:6.2f}  {mark(seconds < TARGET_S):>6}  {answer}")
    print(f"\nslowest: {worst:.2f} s   {target(worst < TARGET_S, f'under {TARGET_S:.0f} s each')}")
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
