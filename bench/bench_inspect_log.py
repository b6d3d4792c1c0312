"""inspect-log on generated Kaniko logs (200 MB and 20 MB) against `grep -c` on the same file.

Run on demand (`make bench` or `.venv/bin/python bench/bench_inspect_log.py [MB] [--debug]`); not part of the tests.
--debug generates the log of a Kaniko run at --verbosity=debug (what the validation's re-run asks for).
Prints the in-process parser's throughput, then for `brik-onboard inspect-log --json` and for grep the cpu time
(user + sys of the child, from os.wait4) and the CLI's peak RSS, best of three runs, beside the targets: the CLI's
cpu time at most 10x grep's on the big file, and its peak RSS on the big file within 10% of the small file's. Also
the CLI's fixed start-up (interpreter and imports, on a one-line log), part of every run's cpu time.
The CLI runs from compiled bytecode, as an installed one does: its children keep their .pyc files in a cache under
the bench's temporary folder (PYTHONPYCACHEPREFIX), written by an untimed first run even when the environment sets
PYTHONDONTWRITEBYTECODE, which would otherwise have every run compile each module from source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kaniko_samples import Variant, big_build, write_log  # noqa: E402
from wizard.core.kaniko.log import parse_log_file  # noqa: E402

PATTERN = "Using caching version of cmd"
RUNS = 3
MAX_CPU_RATIO = 10.0  # CLI cpu time / grep cpu time, big file
MAX_RSS_GROWTH = 0.10  # peak RSS, big file over small file


# Runs argv (stdout to the file OUT) in a child of this small process and prints the child's rusage. A child's
# peak RSS counts the memory of the process it was forked from: forked from this bench (tens of MB, after the
# generator ran) every command would show the bench's size instead of its own.
LAUNCHER = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
    os.execvp(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
print(usage.ru_utime + usage.ru_stime, time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux


@dataclass(frozen=True)
class Usage:
    cpu_s: float  # user + sys
    wall_s: float
    peak_rss_mb: float


def run(argv: list[str], out: Path) -> Usage:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["PYTHONPYCACHEPREFIX"] = str(out.parent / "pycache")
    # Not /dev/null: grep stops at the first match when its output goes there.
    report = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, str(out), *argv], env=env, capture_output=True, text=True, check=True)
    cpu, wall, rss, code = report.stdout.split()
    if int(code) not in (0, 1):  # grep -c exits 1 when nothing matches
        raise SystemExit(f"{' '.join(argv)}: exit {code}")
    return Usage(float(cpu), float(wall), int(rss) * RSS_UNIT / 2**20)


def best(argv: list[str], out: Path) -> Usage:
    """The best of RUNS runs: least cpu and wall time, and the highest peak RSS seen."""
    runs = [run(argv, out) for _ in range(RUNS)]
    return Usage(min(u.cpu_s for u in runs), min(u.wall_s for u in runs), max(u.peak_rss_mb for u in runs))


def generate(path: Path, mb: int, debug: bool) -> int:
    variant = Variant(ci_timestamps=True, debug=debug)
    start = time.perf_counter()
    # --verbosity=debug: each RUN's snapshot lists 20,000 files on one line, twice (a line of about 1 MB)
    build = big_build(mb * 1_000_000, variant).with_(debug_files=20_000 if debug else 3)
    size = write_log(path, build, variant)
    print(f"generated {path.name}: {size / 1e6:.0f} MB ({variant.id}) in {time.perf_counter() - start:.1f} s")
    return size


def cpu_time(work: Callable[[Path], object], path: Path) -> float:
    start = time.process_time()
    work(path)
    return time.process_time() - start


def report(label: str, usage: Usage, size: int, *, rss: bool = True) -> Usage:
    peak = f"{usage.peak_rss_mb:14.1f}" if rss else f"{'-':>14}"  # grep's is below the launcher's own (~6 MB)
    print(f"{label:34} {usage.cpu_s:8.2f} {usage.wall_s:9.2f} {size / 1e6 / usage.wall_s:7.0f} {peak}")
    return usage


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--debug"]
    debug = "--debug" in sys.argv[1:]  # a log of Kaniko run with --verbosity=debug
    mb = int(args[0]) if args else 200
    small_mb = max(mb // 10, 1)
    with tempfile.TemporaryDirectory(prefix="bench-inspect-log-") as tmp:
        big, small = Path(tmp) / f"{mb}mb.log", Path(tmp) / f"{small_mb}mb.log"
        size, small_size = generate(big, mb, debug), generate(small, small_mb, debug)

        parser_cpu = min(cpu_time(parse_log_file, big) for _ in range(RUNS))
        print(f"\nparser in-process (parse_log_file), best of {RUNS}: cpu {parser_cpu:.2f} s, {size / 1e6 / parser_cpu:.0f} MB/s\n")

        print(f"{'best of ' + str(RUNS):34} {'cpu (s)':>8} {'wall (s)':>9} {'MB/s':>7} {'peak RSS (MB)':>14}")
        out = Path(tmp) / "stdout"
        cli = [sys.executable, "-m", "wizard", "inspect-log"]
        one_line = Path(tmp) / "one-line.log"
        one_line.write_text("INFO[0001] Checking for cached layer r/c:k...\n")
        run(cli + [str(one_line), "--json"], out)  # untimed: compiles the bytecode the timed runs read
        cli_big = report(f"inspect-log --json, {mb} MB", best(cli + [str(big), "--json"], out), size)
        cli_small = report(f"inspect-log --json, {small_mb} MB", best(cli + [str(small), "--json"], out), small_size)
        startup = report("inspect-log --json, one line", best(cli + [str(one_line), "--json"], out), one_line.stat().st_size)
        grep = shutil.which("grep")
        grep_big = report(f"grep -c, {mb} MB", best([grep, "-c", PATTERN, str(big)], out), size, rss=False) if grep else None

        print(f"\nstart-up (one-line log): {startup.cpu_s:.2f} s cpu, {startup.cpu_s / cli_big.cpu_s:.0%} of the {mb} MB run's")
        growth = cli_big.peak_rss_mb / cli_small.peak_rss_mb - 1
        print(
            f"peak RSS, {mb} MB vs {small_mb} MB: {growth:+6.1%}   target within {MAX_RSS_GROWTH:.0%}: {mark(abs(growth) <= MAX_RSS_GROWTH)}"
        )
        if grep_big:
            ratio = cli_big.cpu_s / grep_big.cpu_s
            print(f"cpu time, inspect-log / grep:  {ratio:5.1f}x   target at most {MAX_CPU_RATIO:.0f}x: {mark(ratio <= MAX_CPU_RATIO)}")
        else:
            print("grep not found: no cpu ratio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
