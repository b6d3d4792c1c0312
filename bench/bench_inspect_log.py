"""Throughput of the inspect-log parser on a generated 200 MB Kaniko log, against `grep -c` on the same file.

Run on demand (`make bench` or `.venv/bin/python bench/bench_inspect_log.py [MB]`); not part of the tests.
Prints MB/s for the in-process parser, for `brik-onboard inspect-log --json` end to end (when the command
is wired), and for grep.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kaniko_samples import Variant, big_build, write_log  # noqa: E402
from wizard.core.kaniko.log import parse_log_file  # noqa: E402

PATTERN = "Using caching version of cmd"


def timed(label: str, size: int, run) -> float:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s  {size / 1e6 / seconds:8.1f} MB/s   {result}")
    return seconds


def main() -> int:
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    variant = Variant(ci_timestamps=True)
    with tempfile.TemporaryDirectory(prefix="bench-inspect-log-") as tmp:
        path = Path(tmp) / "job.log"
        start = time.perf_counter()
        size = write_log(path, big_build(mb * 1_000_000, variant), variant)
        print(f"generated {size / 1e6:.0f} MB ({variant.id}) in {time.perf_counter() - start:.1f} s")

        parser_s = timed("parser (parse_log_file)", size, lambda: f"hits={parse_log_file(path).hit_count}")
        cli = [sys.executable, "-m", "wizard", "inspect-log", str(path), "--json"]
        probe = subprocess.run(cli[:4] + ["--help"], capture_output=True, text=True)
        if probe.returncode == 0:
            timed("brik-onboard inspect-log --json", size, lambda: f"exit={subprocess.run(cli, capture_output=True).returncode}")
        else:
            print("brik-onboard inspect-log: not wired yet, skipped")
        grep = shutil.which("grep")
        if grep:
            grep_s = timed(
                f"grep -c '{PATTERN}'",
                size,
                lambda: "count=" + subprocess.run([grep, "-c", PATTERN, str(path)], capture_output=True, text=True).stdout.strip(),
            )
            print(f"parser / grep time ratio: {parser_s / grep_s:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
