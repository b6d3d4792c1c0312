"""Time to a usable connect step (the token checked: "Signed in as" on screen) against a bare Textual app's first frame.

Three real processes on a pseudo-terminal (80x24), in alternating (ABBA) order so all see the same machine load:
  - `brik-onboard demo`: the embedded sandbox starts inside the run, so its start-up is part of the time;
  - `brik-onboard --repo ... --api-url URL` with GH_TOKEN, against a `sandbox serve` started beforehand (the
    server's start is not part of it), from an empty directory;
  - the bare Textual app of bench_first_frame.py, with as many widgets as the wizard's first screen.
For each wizard run the clock also notes its first frame ("Connect to GitHub"). Prints the medians, the ratio of
each wizard's ready time to the bare app's first frame, and the target (<= 1.5x). Bytecode is cached as in
bench_first_frame.py.

    .venv/bin/python bench/bench_connect_ready.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_first_frame import (  # noqa: E402 - the sibling bench, found through the path set just above
    BARE_APP,
    BARE_MARKER,
    CHILD_TMP,
    CLI_DEMO,
    COLS,
    PYCACHE,
    ROOT,
    ROWS,
    SCRIPT,
    WIZARD_MARKER,
    child_env,
    times_to,
    wizard_widget_count,
)
from targets import target  # noqa: E402 - bench/targets.py, on the same path

READY_MARKER = b"Signed in as"  # the connect step's facts: shown only once the token is checked
TARGET = 1.5
CLI = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "wizard"]
DEMO_REPO = "BrikByte-Studios/example-node-api"


class Server:
    """`brik-onboard sandbox serve` in the background, for the wizard run against a server that is already up."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [*CLI, "sandbox", "serve"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env(), cwd=ROOT
        )
        self.url = self.token = ""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("GitHub sandbox API: "):
                self.url = line.split(": ", 1)[1].split()[0]
            elif line.startswith("token: "):
                self.token = line.split(": ", 1)[1].strip()  # kept in memory only, never printed
            elif line.startswith("Press Ctrl+C"):
                break
        if not (self.url and self.token):
            self.stop()
            raise SystemExit("sandbox serve did not print its URL and token")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # only the server this bench started
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def summary(label: str, times: list[float], base: float | None) -> str:
    median = statistics.median(times)
    line = f"  {label:<44}: median {median * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})"
    if base is not None:
        ratio = median / base
        line += f"  ratio {ratio:.3f}x"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    widgets = wizard_widget_count()
    bare = [sys.executable, "-c", BARE_APP, str(widgets)]
    server = Server()
    workdir = Path(tempfile.mkdtemp(prefix="bench-connect-ready-"))  # no checkout, no answers file: a fresh start
    try:
        wizard_env = dict(child_env(), GH_TOKEN=server.token, BRIK_ONBOARD_CONFIG=str(workdir / "config.yml"), XDG_CACHE_HOME=str(workdir))
        wizard_env.pop("GITHUB_TOKEN", None)
        wizard = [*CLI, "--repo", DEMO_REPO, "--api-url", server.url]
        both = [WIZARD_MARKER, READY_MARKER]
        runs: list[tuple[str, list[str], list[bytes], dict[str, str] | None, Path]] = [
            ("demo", [*CLI_DEMO], both, None, ROOT),
            ("wizard", wizard, both, wizard_env, workdir),
            ("bare", bare, [BARE_MARKER], None, ROOT),
        ]
        results: dict[str, list[list[float]]] = {name: [] for name, *_ in runs}
        for name, command, markers, env, cwd in runs:  # warm the disk and bytecode caches; check every side works
            if times_to(command, markers, env=env, cwd=cwd) is None:
                print(f"{name}: never showed {b' and '.join(markers).decode()}: {' '.join(command[:4])}", file=sys.stderr)
                return 1
        for round_number in range(args.rounds):
            # ABBA order: the process started right after another one is killed runs slower, so none always goes first
            for name, command, markers, env, cwd in runs if round_number % 2 == 0 else runs[::-1]:
                seconds = times_to(command, markers, env=env, cwd=cwd)
                if seconds is None:
                    print(f"{name}: never showed {b' and '.join(markers).decode()}", file=sys.stderr)
                    return 1
                results[name].append(seconds)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(PYCACHE, ignore_errors=True)
        shutil.rmtree(CHILD_TMP, ignore_errors=True)

    bare_median = statistics.median(r[0] for r in results["bare"])
    print(f"connect step usable at {COLS}x{ROWS}, {args.rounds} alternating rounds, {widgets} widgets on the bare app")
    print(summary("bare Textual app, first frame", [r[0] for r in results["bare"]], None))
    ok = True
    for name, label in (("demo", "brik-onboard demo"), ("wizard", "brik-onboard vs sandbox serve")):
        print(summary(f"{label}, first frame", [r[0] for r in results[name]], bare_median))
        ready = [r[1] for r in results[name]]
        ratio = statistics.median(ready) / bare_median
        ok = ok and ratio <= TARGET
        print(summary(f"{label}, Signed in as", ready, bare_median) + f"   {target(ratio <= TARGET, f'at most {TARGET}x')}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
