"""The last lines of a job log, made safe to show: the log is untrusted text written by the repository's build.

Escape sequences (colours, cursor moves, terminal titles, hyperlinks) and other control characters are removed
(`wizard.core.terminal`) so a line cannot repaint the screen or pose as the wizard's own output; known secret
values and token shapes are masked (`wizard.core.leaks`); the runner's timestamp prefix is dropped; long lines are cut.
"""

from __future__ import annotations

from collections.abc import Iterable

from wizard.core.leaks import LeakScanner
from wizard.core.terminal import STAMP, strip_escapes

TAIL_LINES = 8
MAX_LINE = 200  # characters shown of one line; the rest is cut with an ellipsis


def clean_line(line: str) -> str:
    """One log line as plain printable text."""
    return strip_escapes(STAMP.sub("", line.rstrip("\r\n"))).replace("\t", "    ")


def log_tail(text: str, secrets: Iterable[str | None], lines: int = TAIL_LINES) -> tuple[str, ...]:
    """The last `lines` non-blank lines of `text`, cleaned and with secrets masked."""
    scanner = LeakScanner(secrets)
    kept: list[str] = []
    # Read from the end: a log can be large and only its tail is wanted.
    for raw in reversed(text.splitlines()):
        # Mask before cleaning too: a secret split by an escape sequence would otherwise be joined, then shown.
        line = scanner.redact(clean_line(scanner.redact(raw)))
        if line.strip():
            kept.append(line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…")
            if len(kept) >= lines:
                break
    return tuple(reversed(kept))
