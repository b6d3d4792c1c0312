"""Carry ruamel's edit over to the user's own text, line by line.

ruamel.yaml round-trips most of a file exactly, but not all of it (it re-spaces flow collections such as
`{ a: 1 }`, and a comment that belonged to a deleted key goes with it). So we dump the loaded tree twice:
untouched (`base`) and edited (`edited`). The lines that differ between those two are the edit; everything
else is copied from the original file byte for byte. Where the user's text and ruamel's rendering of it differ
right at an edited line, ruamel's rendering of that line wins (it is being rewritten anyway).
Comment and blank lines are never dropped: ruamel loses those that hung on a deleted key.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Literal

# The tags exactly as SequenceMatcher.get_opcodes() types them, so its result is an Opcodes as is.
Opcodes = list[tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]]


def merge_edit(original: list[str], base: list[str], edited: list[str]) -> list[int | str]:
    """The edited document as items: int = index of an original line kept as is, str = a new line."""
    ob = SequenceMatcher(None, original, base, autojunk=False).get_opcodes()
    bc = SequenceMatcher(None, base, edited, autojunk=False).get_opcodes()
    ob = _pair_lines(ob)
    units = [(b1, b2) for tag, _, _, b1, b2 in ob if tag != "equal"]
    regions = _regions([(b1, b2) for tag, b1, b2, _, _ in bc if tag != "equal"], units)
    spans = []
    for r1, r2 in regions:
        o1 = _map(ob, r1, last=True, source_first=False)
        o2 = max(_map(ob, r2, last=False, source_first=False), o1)
        spans.append((o1, o2, edited[_map(bc, r1, last=False) : _map(bc, r2, last=True)]))
    out: list[int | str] = []
    pos = 0
    for i, (o1, o2, new) in enumerate(spans):
        limit = spans[i + 1][0] if i + 1 < len(spans) else len(original)
        if o1 == o2 and new:
            o1 = o2 = _place_insertion(original, o1, pos, limit, new)
        out.extend(range(pos, o1))
        out.extend(_replace(original, o1, o2, new))
        pos = o2
    out.extend(range(pos, len(original)))
    return out


def _pair_lines(opcodes: Opcodes) -> Opcodes:
    """Split a run of re-formatted lines (as many on each side) into one unit per line, so that an edit on one
    of them does not pull its untouched neighbours into ruamel's formatting."""
    out: Opcodes = []
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "replace" and a2 - a1 == b2 - b1:
            out.extend(("replace", a1 + k, a1 + k + 1, b1 + k, b1 + k + 1) for k in range(a2 - a1))
        else:
            out.append((tag, a1, a2, b1, b2))
    return out


def _regions(changes: list[tuple[int, int]], units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Edited ranges of `base`, grown over any place where the original differs from base that they cut into."""
    regions = sorted(changes)
    while True:
        grown = []
        for r1, r2 in regions:
            for u1, u2 in units:
                if _cuts(r1, r2, u1, u2):
                    r1, r2 = min(r1, u1), max(r2, u2)
            grown.append((r1, r2))
        merged: list[tuple[int, int]] = []
        for r1, r2 in sorted(grown):
            if merged and r1 <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], r2))
            else:
                merged.append((r1, r2))
        if merged == regions:
            return merged
        regions = merged


def _cuts(r1: int, r2: int, u1: int, u2: int) -> bool:
    """True when the two line ranges overlap inside, not merely touching at an end."""
    if r1 == r2 and u1 == u2:
        return False
    if r1 == r2:
        return u1 < r1 < u2
    if u1 == u2:
        return r1 < u1 < r2
    return r1 < u2 and u1 < r2


def _map(opcodes: Opcodes, pos: int, *, last: bool, source_first: bool = True) -> int:
    """Map a line boundary of base to the other side of the opcodes (first or last candidate position).

    With source_first the opcodes run base -> other; otherwise other -> base (then the roles swap)."""
    candidates = []
    for tag, a1, a2, b1, b2 in opcodes:
        s1, s2, t1, t2 = (a1, a2, b1, b2) if source_first else (b1, b2, a1, a2)
        if not s1 <= pos <= s2:
            continue
        if tag == "equal":
            candidates.append(t1 + pos - s1)
        else:
            if pos == s1:
                candidates.append(t1)
            if pos == s2:
                candidates.append(t2)
    return max(candidates) if last else min(candidates)


def _replace(original: list[str], o1: int, o2: int, new: list[str]) -> list[int | str]:
    """Replace original[o1:o2] by new, keeping the original's unchanged lines and every comment/blank line."""
    old = original[o1:o2]
    out: list[int | str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(range(o1 + i1, o1 + i2))
            continue
        kept = [o1 + i for i in range(i1, i2) if _is_trivia(old[i]) and old[i] not in new]
        content = [i for i in range(i1, i2) if not _is_trivia(old[i])]
        before = [i for i in kept if not content or i - o1 < content[0]]
        out.extend(before)
        out.extend(new[j1:j2])
        out.extend(i for i in kept if i not in before)
    return out


def _place_insertion(original: list[str], at: int, low: int, high: int, new: list[str]) -> int:
    """Where new lines go among the comment and blank lines around `at`.

    ruamel writes a key added at the end of a block after the comments and blank lines that follow that block
    (they hang on its last value), so the key would land under a comment meant for the next, outer, key."""
    width = _indent(next((line for line in new if line.strip()), ""))
    pos = at
    while pos > low and (not original[pos - 1].strip() or (_is_comment(original[pos - 1]) and _indent(original[pos - 1]) < width)):
        pos -= 1
    if pos != at:
        return pos
    while pos < high and _is_comment(original[pos]) and _indent(original[pos]) > width:
        pos += 1
    return pos


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _is_trivia(line: str) -> bool:
    return not line.strip() or _is_comment(line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
