"""Shell-like words, as `shlex` with whitespace_split splits them, in linear time (shlex grows each token one
character at a time, which is quadratic on a long word).
"""

from __future__ import annotations

import re

_BLANKS = re.compile(r"\s*")
# A shell-like word: unquoted runs, backslash escapes, "..." and '...' (possessive: no backtracking).
_WORD = re.compile(r"""(?:[^\s"'\\]++|\\.|"(?:[^"\\]++|\\.)*+"|'[^']*+')++""", re.DOTALL)
_UNQUOTE = re.compile(r"""\\(.)|"((?:[^"\\]|\\.)*)"|'([^']*)'""", re.DOTALL)
_DQ_ESCAPE = re.compile(r"\\([\\\"])")  # shlex (posix) unescapes only these inside "..."


def split_words(text: str, posix: bool = False) -> list[str]:
    """Split like shlex with whitespace_split (quotes kept, or removed with posix), in linear time.

    Unbalanced quotes fall back to plain words, as before."""
    words: list[str] = []
    pos = skip_blanks(text, 0)
    while pos < len(text):
        match = _WORD.match(text, pos)
        if match is None or (match.end() < len(text) and not text[match.end()].isspace()):
            return text.split()
        words.append(unquote(match[0]) if posix else match[0])
        pos = skip_blanks(text, match.end())
    return words


def skip_blanks(text: str, pos: int) -> int:
    match = _BLANKS.match(text, pos)
    return match.end() if match else pos


def unquote(word: str) -> str:
    def piece(m: re.Match[str]) -> str:
        if m[1] is not None:
            return m[1]
        if m[2] is not None:
            return _DQ_ESCAPE.sub(r"\1", m[2])
        return m[3]

    return _UNQUOTE.sub(piece, word)
