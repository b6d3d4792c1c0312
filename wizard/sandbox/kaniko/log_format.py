"""Log line shapes: GitHub's raw-log timestamp prefix and logrus' coloured TextFormatter line.

GitHub puts `2025-01-05T18:28:03.3534723Z ` (UTC, 7 decimals) before every line of a job log. Kaniko logs
through logrus with ForceColors (its default `--log-format=color`), so each line is
`"\\x1b[%dm%s\\x1b[0m[%04d]%s %-44s "`: colour, 4-letter level, whole seconds since the executor started,
the (empty) caller, then the message padded to 44 characters and one trailing space.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

# logrus level -> (4-letter text, ANSI colour): INFO 36, WARN 33, error levels 31, debug/trace 37.
LEVELS = {
    "info": ("INFO", 36),
    "warning": ("WARN", 33),
    "error": ("ERRO", 31),
    "fatal": ("FATA", 31),
    "panic": ("PANI", 31),
    "debug": ("DEBU", 37),
    "trace": ("TRAC", 37),
}


def github_timestamp(started_at: datetime, offset_s: float) -> str:
    """`started_at + offset_s` as GitHub writes it: 100 ns resolution, 7 decimals, Z."""
    start = started_at.replace(tzinfo=UTC) if started_at.tzinfo is None else started_at
    start = start.astimezone(UTC)
    ticks = round(offset_s * 10_000_000)
    moment = start + timedelta(microseconds=ticks // 10)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond * 10 + ticks % 10:07d}Z"


def logrus_line(level: str, counter: int, message: str) -> str:
    text, colour = LEVELS[level]
    return f"\x1b[{colour}m{text}\x1b[0m[{counter:04d}] {message:<44} "


class JobLog:
    """A job log being written on a simulated clock (seconds since the job started, unscaled).

    Each line moves the clock on by a few milliseconds, derived from the seed and the line number, so
    timestamps look like a real runner's yet the same inputs always give the same log.
    """

    def __init__(self, started_at: datetime, seed: int = 0) -> None:
        self.started_at = started_at
        self.seed = seed
        self.now = 0.0
        self._lines: list[str] = []
        self._executor_start: float | None = None

    def advance(self, seconds: float) -> None:
        self.now += max(0.0, seconds)

    def _tick(self) -> None:
        digest = hashlib.sha256(f"{self.seed}:{len(self._lines)}".encode()).digest()
        self.now += 0.0002 + int.from_bytes(digest[:4], "big") / 2**32 * 0.004

    def write(self, text: str = "") -> None:
        self._tick()
        self._lines.append(f"{github_timestamp(self.started_at, self.now)} {text}")

    def lines(self, texts: list[str]) -> None:
        for text in texts:
            self.write(text)

    def start_executor(self) -> None:
        """logrus' baseTimestamp: the `[%04d]` counter counts from here."""
        self._executor_start = self.now

    def kaniko(self, message: str, level: str = "info") -> None:
        start = self.now if self._executor_start is None else self._executor_start
        self._tick()
        counter = int(self.now - start)
        self._lines.append(f"{github_timestamp(self.started_at, self.now)} {logrus_line(level, counter, message)}")

    def text(self) -> str:
        return "".join(line + "\n" for line in self._lines)
