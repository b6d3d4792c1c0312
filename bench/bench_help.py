"""`brik-onboard --help` wall time against `python -c pass` (the interpreter's own start-up), median of N runs.

Run on demand: `.venv/bin/python bench/bench_help.py [N]`; not part of the tests. Uses the installed console
script when there is one beside this Python, and `python -m wizard --help` in any case.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from targets import NO_TARGET  # bench/targets.py (a script's own folder is on its path)


def median_s(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=True)  # warm the OS file cache and .pyc files
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    commands = {"python -c pass": [sys.executable, "-c", "pass"], "python -m wizard --help": [sys.executable, "-m", "wizard", "--help"]}
    script = Path(sys.executable).with_name("brik-onboard")
    if script.is_file() or shutil.which("brik-onboard"):
        commands["brik-onboard --help"] = [str(script) if script.is_file() else "brik-onboard", "--help"]
    base = None
    print(f"median of {runs} runs")
    for label, cmd in commands.items():
        seconds = median_s(cmd, runs)
        base = base or seconds
        extra = "" if seconds is base else f"  ({(seconds - base) * 1000:+.0f} ms, x{seconds / base:.2f})"
        print(f"  {label:<26} {seconds * 1000:7.1f} ms{extra}")
    print(NO_TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
