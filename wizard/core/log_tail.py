"""The last lines of a job log, made safe to show: the log is untrusted text written by the repository's build.

Escape sequences (colours, cursor moves, terminal titles, hyperlinks) and other control characters are removed
so a line cannot repaint the screen or pose as the wizard's own output; known secret values and token shapes
are masked (`wizard.core.leaks`); the runner's timestamp prefix is dropped; long lines are cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wizard.core.leaks import LeakScanner

TAIL_LINES = 8
MAX_LINE = 200  # characters shown of one line; the rest is cut with an ellipsis

# OSC (title, hyperlink) up to BEL or ST, DCS/SOS/PM/APC strings, CSI sequences, then any other ESC + one char.
_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown (tab handled apart).
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")


def clean_line(line: str) -> str:
    """One log line as plain printable text."""
    line = _STAMP.sub("", line.rstrip("\r\n"))
    line = _ESCAPES.sub("", line)
    return _CONTROLS.sub("", line.replace("\t", "    "))


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
