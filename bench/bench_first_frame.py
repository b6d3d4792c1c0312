"""Time to the first frame of `brik-onboard demo` against a bare Textual app with as many widgets, side by side.

Both run as real processes on a pseudo-terminal (80x24); the clock runs from spawning the process to the first
bytes of a known text of its first frame on the terminal ("Connect to GitHub" for the wizard). Runs alternate
in ABBA order so both see the same machine load; the medians and their ratio are printed (target: <= 1.15x). Bytecode is
cached (in a temporary PYTHONPYCACHEPREFIX, even where PYTHONDONTWRITEBYTECODE is set) as an installed
package would have it, so neither side pays for compiling its sources.

    .venv/bin/python bench/bench_first_frame.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from targets import target  # bench/targets.py (a script's own folder is on its path)

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 80, 24
WIZARD_MARKER = b"Connect to GitHub"
BARE_MARKER = b"Bare first frame"
TARGET = 1.15
# The console script pip installed beside this interpreter (what a user runs), else the module.
SCRIPT = Path(sys.executable).with_name("brik-onboard")
CLI_DEMO = [str(SCRIPT), "demo"] if SCRIPT.is_file() else [sys.executable, "-m", "wizard", "demo"]
# The same entry point `brik-onboard demo` calls, for a tree where the CLI is not wired to the wizard yet.
DIRECT_DEMO = [sys.executable, "-c", "from wizard.tui.app import run_demo; raise SystemExit(run_demo())"]
BARE_APP = """
import sys
from textual.app import App
from textual.widgets import Static

COUNT = int(sys.argv[1])


class Bare(App):
    def compose(self):
        yield Static("Bare first frame")
        for number in range(COUNT - 2):  # with the screen itself, COUNT widgets on screen
            yield Static(f"widget {number}")


Bare().run()
"""


def wizard_widget_count() -> int:
    """How many widgets the wizard's first screen has (counted on a headless run that never gets a session)."""
    from wizard.tui.app import create_app

    release = threading.Event()

    def factory(questioner, emit):
        release.wait(10)
        raise RuntimeError("bench: no session needed")

    app = create_app(factory)

    async def count() -> int:
        async with app.run_test(size=(COLS, ROWS)) as pilot:
            await pilot.pause()
            total = sum(1 for _ in app.screen.walk_children(with_self=True))
            release.set()
            return total

    return asyncio.run(count())


PYCACHE = tempfile.mkdtemp(prefix="bench-first-frame-pycache-")
# The timed processes are killed (SIGKILL) once measured, so their temporary folders (the demo's answers and
# checkout) are never cleaned by them: they make them here, and main() removes this folder.
CHILD_TMP = tempfile.mkdtemp(prefix="bench-first-frame-tmp-")


def child_env() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS), PYTHONPYCACHEPREFIX=PYCACHE, TMPDIR=CHILD_TMP)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def times_to(
    command: Sequence[str], markers: Sequence[bytes], *, env: Mapping[str, str] | None = None, cwd: Path = ROOT, timeout: float = 30.0
) -> list[float] | None:
    """Seconds from spawn to each marker's first appearance on the terminal (in the order given); None when the
    process ended or timed out before showing them all."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command), stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=dict(env or child_env()), start_new_session=True
    )
    os.close(slave)
    seen = b""
    found: dict[bytes, float] = {}
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the process closed the terminal
                    return None
                seen += chunk
                now = time.perf_counter() - start
                for marker in markers:
                    if marker not in found and marker in seen:
                        found[marker] = now
                if len(found) == len(markers):
                    return [found[marker] for marker in markers]
            elif process.poll() is not None:
                return None
        return None
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)  # only the process this function started
        process.wait()
        os.close(master)


def first_frame(command: list[str], marker: bytes, timeout: float = 30.0) -> float | None:
    """Seconds from spawn to `marker` on the terminal; None when the process ended (or timed out) without it."""
    found = times_to(command, [marker], timeout=timeout)
    return found[0] if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=16)
    args = parser.parse_args()

    widgets = wizard_widget_count()
    demo = CLI_DEMO
    if first_frame(CLI_DEMO, WIZARD_MARKER) is None:  # also warms the disk cache for both
        demo = DIRECT_DEMO
        print(f"note: `{' '.join(CLI_DEMO)}` does not open the wizard yet; timing wizard.tui.app.run_demo() directly")
    bare = [sys.executable, "-c", BARE_APP, str(widgets)]
    if first_frame(bare, BARE_MARKER) is None:
        print("the bare app did not draw its first frame", file=sys.stderr)
        return 1

    demo_times: list[float] = []
    bare_times: list[float] = []
    runs = [(demo, WIZARD_MARKER, demo_times), (bare, BARE_MARKER, bare_times)]
    for round_number in range(args.rounds):
        # ABBA order: the process started right after another one is killed runs slower, so neither side always goes first
        for command, marker, times in runs if round_number % 2 == 0 else runs[::-1]:
            seconds = first_frame(command, marker)
            if seconds is None:
                print(f"no first frame from: {' '.join(command[:3])}", file=sys.stderr)
                return 1
            times.append(seconds)

    demo_median, bare_median = statistics.median(demo_times), statistics.median(bare_times)
    ratio = demo_median / bare_median
    print(f"first frame at {COLS}x{ROWS}, {args.rounds} alternating rounds, {widgets} widgets each")
    print(
        f"  brik-onboard demo : median {demo_median * 1000:7.1f} ms  (min {min(demo_times) * 1000:.1f}, max {max(demo_times) * 1000:.1f})"
    )
    print(
        f"  bare Textual app  : median {bare_median * 1000:7.1f} ms  (min {min(bare_times) * 1000:.1f}, max {max(bare_times) * 1000:.1f})"
    )
    print(f"  ratio             : {ratio:.3f}x   {target(ratio <= TARGET, f'at most {TARGET}x')}")
    shutil.rmtree(PYCACHE, ignore_errors=True)
    shutil.rmtree(CHILD_TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
