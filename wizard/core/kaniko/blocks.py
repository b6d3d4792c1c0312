"""Reading a log file in binary blocks: a few byte searches per block find the lines that can change the summary
(log.py decodes and parses only those, and counts the rest)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import BinaryIO

from wizard.core.kaniko.messages import CHECKING, EXPIRED, HIT, HIT_INFERRED, MISS_STEM

BLOCK_SIZE = 1 << 19  # bytes read at a time: the searches over one block run from the CPU cache
_BOM = b"\xef\xbb\xbf"

_Find = Callable[[bytes, int, int], int]  # (block, start, end) -> where the next match starts, or -1
# After the "[" of a logrus header: a counter and "]", or a year and "-" (\x80-\xff: \d takes any digit).
_STAMP_START = re.compile(rb"[0-9\x80-\xff]+[\]\-]")
_HEADER_OPEN = re.compile(rb"\[" + _STAMP_START.pattern)
_LOOSE_BRACKETS = 16  # "[" seen that open no header, before the search is left to _HEADER_OPEN


def _finder(needle: str) -> _Find:
    raw = needle.encode()
    return lambda block, start, end: block.find(raw, start, end)


def _re_finder(pattern: bytes) -> _Find:
    """re's search: it looks for the pattern's first byte, then tries the rest (faster than bytes.find on "ush")."""
    search = re.compile(pattern).search

    def find(block: bytes, start: int, end: int) -> int:
        m = search(block, start, end)
        return m.start() if m else -1

    return find


def _header(block: bytes, start: int, end: int) -> int:
    """The next "[" that opens a logrus header's counter or time. Jumping from "[" to "[" is quickest when they
    are few; RUN output full of them (apt's "[8,793 kB]", progress bars, JSON) is left to the regex's C loop."""
    i = block.find(b"[", start, end)
    for _ in range(_LOOSE_BRACKETS):
        if i < 0 or _STAMP_START.match(block, i + 1, end):
            return i
        i = block.find(b"[", i + 1, end)
    m = _HEADER_OPEN.search(block, i, end) if i >= 0 else None
    return m.start() if m else -1


# A line can change the summary only if one of these matches in it (see candidate_starts). A search runs only
# when one of its gate bytes occurs in the block (no gate: always): a memchr costs a fraction of a substring
# search, and a block of RUN output seldom holds these bytes.
_NEEDLES: tuple[tuple[bytes, _Find], ...] = (
    (b"\x1b", _finder("\x1b")),  # an ANSI code: stripped before anything else is read
    (b"NRUA", _header),  # INFO, ERRO, DEBU, WARN, TRAC, FATA and PANI each hold one of these capitals
    (b"=", _finder("level=")),  # logfmt (--log-format=text)
    (b'"', _finder('"level"')),  # json
    (b"U", _finder(HIT)),
    (b"N", _finder(MISS_STEM)),
    (b"x", _finder(EXPIRED)),
    (b"", _finder(CHECKING)),
    (b"", _finder(HIT_INFERRED)),
    # "Pushing layer", "Pushing image to", "Pushed", the --no-push notice, the three fatal errors (two say "push",
    # one "error building image") and "Error uploading layer to cache: ", in one pass
    (b"", _re_finder(rb"u(?:sh|ilding image|ploading layer to cache: )")),
)
_GATE_BYTES = frozenset(b"".join(gates for gates, _ in _NEEDLES))


def read_blocks(fh: BinaryIO) -> Iterator[bytes]:
    """The file's bytes without the BOM, "\\r\\n" and "\\r" made "\\n" as reading in text mode does."""
    head = fh.read(len(_BOM))
    pending = b"" if head == _BOM else head
    while chunk := fh.read(BLOCK_SIZE):
        block, pending = pending + chunk, b""
        if block.endswith(b"\r"):  # its "\n" may open the next read
            block, pending = block[:-1], b"\r"
        yield _lf(block)
    if pending is not head or not _BOM.startswith(head):  # text mode reads nothing from a file that is a BOM's start
        yield _lf(pending)


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in data else data


def count_newlines(block: bytes) -> int:
    """block.count(b"\\n"), twice as fast: count tests every byte, while deleting a single byte jumps from one
    to the next with memchr (the copy it makes is freed at once)."""
    return len(block) - len(block.replace(b"\n", b""))


def candidate_starts(block: bytes, start: int, end: int) -> list[int]:
    """Where the lines of block[start:end] start that may change the summary, in order.

    Any other line leaves the parser as it was: it has no ANSI code, no logrus header (_extract), no "level"
    (logfmt, json), and as a raw line none of the texts _on_message acts on (the markers, the --no-push notice,
    the fatal errors). The bytes show what the decoded line shows: undecodable bytes become U+FFFD, never ASCII,
    and the bare codes a web copy keeps ("[36m", no ESC) are stripped only before a capital or "[", so their
    removal cannot join the "[0003" or "[2021-" a header starts with, nor any of these texts: past its first
    character none holds a capital or "[".
    """
    present = {byte for byte in _GATE_BYTES if block.find(byte, start, end) >= 0}
    found: set[int] = set()
    for gates, find in _NEEDLES:
        if not gates or not present.isdisjoint(gates):
            _add_lines(block, find, start, end, found)
    return sorted(found)


def _add_lines(block: bytes, find: _Find, start: int, end: int, found: set[int]) -> None:
    """Add the start of each line of block[start:end] where find matches."""
    i = find(block, start, end)
    while i >= 0:
        found.add(block.rfind(b"\n", start, i) + 1 or start)
        next_line = block.find(b"\n", i, end) + 1
        if not next_line:
            return
        i = find(block, next_line, end)


def last_lines(block: bytes, start: int, end: int, n: int) -> list[str]:
    """The last n lines of block[start:end] (each ending in "\\n"), decoded, in order."""
    bounds = [end]
    while bounds[-1] > start and len(bounds) <= n:
        bounds.append(block.rfind(b"\n", start, bounds[-1] - 1) + 1 or start)
    bounds.reverse()
    return [block[a:b].decode("utf-8", "replace") for a, b in pairwise(bounds)]
