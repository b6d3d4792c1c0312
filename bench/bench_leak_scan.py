"""The leak audit's scan (wizard.core.leaks.scan_file) over generated job logs, 30 MB by default.

Run on demand (`make bench` or `.venv/bin/python bench/bench_leak_scan.py [MB]`); not part of the tests.
Three logs of the same size, as GitHub serves a job log (a timestamp on every line): a Kaniko build whose
INFO lines are coloured; a build whose every line is coloured (escape sequences on each line, so each one is
also searched with them removed); and one where every tenth line is a progress bar redrawn with ``\\r``.
Prints the cpu time (best of three) and the throughput of each, with three known secrets searched.
"""

from __future__ import annotations

import base64
import secrets
import string
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from targets import NO_TARGET  # noqa: E402 - bench/targets.py (a script's own folder is on its path)

from tests.kaniko_samples import Variant, big_build, kaniko_log  # noqa: E402
from wizard.core.leaks import LeakScanner  # noqa: E402

RUNS = 3


def kaniko(lines: Iterator[str]) -> Iterator[str]:
    return lines


def all_coloured(lines: Iterator[str]) -> Iterator[str]:
    for n, line in enumerate(lines):
        stamp, _, text = line.partition(" ")
        yield f"{stamp} \x1b[{31 + n % 6}m{text[:20]}\x1b[1;4m{text[20:]}\x1b[0m"


def progress(lines: Iterator[str]) -> Iterator[str]:
    for n, line in enumerate(lines):
        if n % 10:
            yield line
        else:  # a download bar redrawn five times on one line
            yield (
                line.partition(" ")[0]
                + " "
                + "".join(f"\rDownloading layer {n}: [{'=' * k}{' ' * (20 - k)}] {k * 5}%\x1b[K" for k in range(0, 21, 5))
            )


def generate(path: Path, mb: int, shape: Callable[[Iterator[str]], Iterator[str]]) -> int:
    variant = Variant(ci_timestamps=True)
    build = big_build(mb * 1_000_000, variant)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for line in shape(kaniko_log(build, variant)):
            fh.write(line + "\n")
    return path.stat().st_size


def scan(path: Path, values: list[str]) -> tuple[float, int]:
    start = time.process_time()
    scanner = LeakScanner(values)
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            scanner.feed(line)
    return time.process_time() - start, scanner.total


def main() -> int:
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    alnum = string.ascii_letters + string.digits
    token = "ghp_" + "".join(secrets.choice(alnum) for _ in range(36))
    values = [token, "s3cr3t-" + secrets.token_hex(12), base64.b64encode(secrets.token_bytes(24)).decode()]
    print(f"{'log, best of ' + str(RUNS):34} {'MB':>6} {'cpu (s)':>8} {'MB/s':>7} {'findings':>9}")
    with tempfile.TemporaryDirectory(prefix="bench-leak-scan-") as tmp:
        for name, shape in (
            ("kaniko, INFO lines coloured", kaniko),
            ("every line coloured", all_coloured),
            ("progress bars (\\r)", progress),
        ):
            path = Path(tmp) / "job.log"
            size = generate(path, mb, shape)
            runs = [scan(path, values) for _ in range(RUNS)]
            cpu = min(r[0] for r in runs)
            print(f"{name:34} {size / 1e6:6.1f} {cpu:8.2f} {size / 1e6 / cpu:7.1f} {runs[0][1]:9d}")
    print(NO_TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
