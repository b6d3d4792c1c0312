"""Terminal escape sequences and control characters in untrusted text (job logs), found and removed in one place.

Used to show a log line as plain text (`wizard.core.log_tail`) and to search a log line as a terminal shows it
(`wizard.core.leaks`): a value split by a colour code or redrawn after a carriage return is whole on screen.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# One C0 or C1 control (ESC and the one-byte CSI among them), DEL, or a bidirectional override that reorders what
# is shown; tab is kept.
_CONTROL = "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_ANY_CONTROL = re.compile(_CONTROL)
# A control, and when it is ESC: an OSC (title, hyperlink) up to BEL or ST, a DCS/SOS/PM/APC string, a CSI
# sequence, or any other ESC + one char; when it is the one-byte CSI, its parameters. Written to start with the
# class of controls, so the regex engine skips ahead to the next control instead of trying each branch at every
# character (three times faster on a coloured log line).
HIDDEN = re.compile(
    _CONTROL + r"(?:(?<=\x1b)(?:\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[P^_X][^\x1b]*(?:\x1b\\)?"
    r"|\[[0-?]*[ -/]*[@-~]"
    r"|[ -/]*[0-~]?)"
    r"|(?<=\x9b)[0-?]*[ -/]*[@-~])?"
)
_SGR = re.compile(r"\x1b\[[0-9;]*m")

# GitHub's prefix on each line of a job log: not printed by the build, so not on the build's screen either.
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")


def has_escapes(text: str) -> bool:
    """Whether ``text`` holds anything ``strip_escapes`` removes (a cheap test, for lines that have none)."""
    # isprintable() runs in C and is false for every control and override above (and for tabs and some spaces).
    return not text.isprintable() and _ANY_CONTROL.search(text) is not None


def strip_escapes(text: str) -> str:
    """``text`` without escape sequences and control characters (tabs kept)."""
    return HIDDEN.sub("", text)


class Stripped:
    """A line with escape sequences and controls removed, and where each of its characters was in the raw line
    (worked out only when asked: a search rarely hits)."""

    __slots__ = ("text", "_raw", "_runs")

    def __init__(self, raw: str) -> None:
        self._raw = raw
        # Colour codes are most of what a build prints: removed by a simpler pattern first, twice as fast; when
        # nothing else is left to remove, the result is the same as the full pattern's.
        text = _SGR.sub("", raw)
        self.text = text if text.isprintable() else HIDDEN.sub("", raw)
        self._runs: tuple[list[int], list[int]] | None = None

    def raw_offset(self, index: int) -> int:
        """The offset in the raw line of the character at ``index`` in ``text``."""
        if self._runs is None:
            starts: list[int] = []  # offset in ``text`` of each kept run of characters ...
            raw_starts: list[int] = []  # ... and its offset in the raw line
            kept = at = 0
            for m in HIDDEN.finditer(self._raw):
                if m.start() > at:
                    starts.append(kept)
                    raw_starts.append(at)
                    kept += m.start() - at
                at = m.end()
            starts.append(kept)
            raw_starts.append(at)
            self._runs = (starts, raw_starts)
        starts, raw_starts = self._runs
        run = bisect_right(starts, index) - 1
        return raw_starts[run] + index - starts[run]


class Rendered:
    """What a terminal shows of a line redrawn with carriage returns: each part is written over the last from
    column 1, escape sequences removed; and where each character shown was in the raw line."""

    __slots__ = ("text", "_parts")

    def __init__(self, raw: str) -> None:
        self._parts: list[tuple[int, Stripped]] = []  # (offset in the raw line, the part) for parts that print
        at = 0
        for part in raw.split("\r"):
            stripped = Stripped(part)
            if stripped.text:
                self._parts.append((at, stripped))
            at += len(part) + 1
        # Each column shows the last part that reached it: read from the last part back, each part adds only what
        # reaches past the later ones. Copying is bounded by each part's length, so a long line redrawn many times
        # (the build's output is untrusted) costs its length, not its length times its redraws.
        shown = ""
        for _, stripped in reversed(self._parts):
            if len(stripped.text) > len(shown):
                shown += stripped.text[len(shown) :]
        self.text = shown

    def raw_offset(self, index: int) -> int:
        """The offset in the raw line of the character at ``index`` in ``text``: from the last part that reached it."""
        for at, part in reversed(self._parts):
            if len(part.text) > index:
                return at + part.raw_offset(index)
        return 0
