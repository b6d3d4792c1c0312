"""Leak audit of job logs (TC-REGISTRY-LOG-001): known secret values and GitHub token shapes.

Every known secret is searched as is, base64-encoded (standard and URL-safe alphabets) and URL-encoded;
any text is also searched for GitHub token shapes. Findings never carry the value: a ``Leak`` says where
(line, column), how (``kind``) and which secret (its position in the list given), with a redacted preview.

Secrets shorter than ``MIN_SECRET_LENGTH`` characters are not searched: such short strings occur by
chance in any log, so a hit would prove nothing. ``LeakScanner.notes`` says when that happened.
Matching is line based: a value split across two lines is not found (a multi-line secret such as a PEM
key is searched line by line, for its lines of 16 characters or more).

A line is read as logged and, when it holds escape sequences or control characters, as a terminal shows it
(``VIEWS``): with them removed, and, for a line redrawn after carriage returns, as the last redraw leaves it.
A value split by a colour code is whole on screen, so it is found. Each secret counts once per line, and a
token shape once per place; the column is always the raw line's (where the value's first character is).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from os import PathLike
from typing import Any
from urllib.parse import quote, quote_plus

from wizard.core.terminal import STAMP, Rendered, Stripped, has_escapes

MIN_SECRET_LENGTH = 4
MAX_LEAKS = 1000  # findings kept; ``LeakScanner.total`` keeps counting
KINDS = ("secret-value", "secret-base64", "secret-urlencoded", "token-shape")
REDACTED = "***"
# How the line read when the value was found: as logged; with escape sequences and controls removed; as a
# terminal shows a line redrawn after carriage returns (GitHub's timestamp prefix dropped).
VIEWS = ("raw", "stripped", "rendered")
_VIEW_SAYS = {"raw": "", "stripped": ", once escape sequences are removed", "rendered": ", as a terminal shows the line"}

# Classic tokens: a prefix and 36 alphanumerics; fine-grained PATs: github_pat_ and 82 word characters.
# GitHub may lengthen tokens, so longer runs count too.
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])(?:(gh[pousr]_)[A-Za-z0-9]{36,}(?![A-Za-z0-9])|(github_pat_)[A-Za-z0-9_]{82,}(?![A-Za-z0-9_]))")
_CLASSIC_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")


@dataclass(frozen=True)
class Leak:
    kind: str  # one of KINDS
    line: int  # 1-based
    column: int  # 1-based
    preview: str  # redacted: "***" for a known secret, the token prefix and "…" for a token shape
    secret_index: int | None = None  # position of the leaked secret in the list given (None for a token shape)
    view: str = "raw"  # one of VIEWS; ``column`` is in the raw line whatever the view

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "line": self.line,
            "column": self.column,
            "preview": self.preview,
            "secret_index": self.secret_index,
            "view": self.view,
        }

    def describe(self) -> str:
        what = f"secret #{self.secret_index + 1}" if self.secret_index is not None else f"a token ({self.preview})"
        return f"line {self.line}: {what} appears ({self.kind}{_VIEW_SAYS[self.view]})"


def _b64_needles(value: bytes) -> set[str]:
    """Substrings that any base64 text containing ``value`` must contain, for the three byte alignments."""
    needles: set[str] = set()
    n = len(value)
    for shift, skip in ((0, 0), (1, 2), (2, 3)):
        if shift and n < 12:
            continue  # a short secret at an odd alignment leaves too few certain characters to search
        encoded = base64.b64encode(b"\0" * shift + value).decode()
        full, rest = divmod(shift + n, 3)
        certain = encoded[skip : full * 4 + rest]  # the characters no neighbouring byte can change
        if shift == 0 and len(certain) < 8:
            certain = encoded  # very short: insist on the whole encoding, padding included
        for alphabet in (certain, certain.translate(str.maketrans("+/", "-_"))):
            needles.add(alphabet)
    return needles


def _needles(secret: str) -> list[tuple[str, str | re.Pattern[str]]]:
    """(kind, needle) pairs for one secret, most specific kind first; URL-encodings as case-blind patterns."""
    parts = [secret]
    if "\n" in secret:
        parts = [p.strip() for p in secret.splitlines() if len(p.strip()) >= 16]
    out: list[tuple[str, str | re.Pattern[str]]] = []
    seen: set[str] = set()
    for part in parts:
        candidates: list[tuple[str, str]] = [("secret-value", part)]
        candidates += [("secret-base64", b) for b in sorted(_b64_needles(part.encode()))]
        candidates += [("secret-urlencoded", quote(part, safe="")), ("secret-urlencoded", quote_plus(part, safe=""))]
        for kind, needle in candidates:
            if needle and needle not in seen:
                seen.add(needle)
                out.append((kind, _url_pattern(needle) if kind == "secret-urlencoded" else needle))
    return out


def _find(needle: str | re.Pattern[str], text: str) -> int:
    """Where ``needle`` first occurs in ``text``, or -1."""
    if isinstance(needle, str):
        return text.find(needle)
    m = needle.search(text)
    return m.start() if m else -1


def _has_token_prefix(text: str) -> bool:
    """Whether a token shape could be in ``text`` (cheap: most lines hold no "gh" at all)."""
    return ("gh" in text and any(prefix in text for prefix in _CLASSIC_PREFIXES)) or "github_pat_" in text


def _url_pattern(encoded: str) -> re.Pattern[str]:
    """Match %XX escapes in either case (encoders differ: %2F and %2f)."""
    pieces = re.split(r"(%[0-9A-F]{2})", encoded)
    return re.compile("".join(f"%(?i:{p[1:]})" if p.startswith("%") and len(p) == 3 else re.escape(p) for p in pieces))


class LeakScanner:
    """Feed lines in order; ``leaks`` holds the findings (at most ``MAX_LEAKS``), ``total`` counts them all."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self.notes: list[str] = []
        self._needles: list[tuple[int, str, str | re.Pattern[str]]] = []
        self._values: set[str] = set()
        short = 0
        for index, secret in enumerate(secrets):
            if not secret:
                continue
            if len(secret) < MIN_SECRET_LENGTH:
                short += 1
                continue
            self._values.add(secret)
            self._needles += [(index, kind, needle) for kind, needle in _needles(secret)]
        self._plain = [(i, k, n) for i, k, n in self._needles if isinstance(n, str)]
        self._patterns = [(i, k, n) for i, k, n in self._needles if not isinstance(n, str)]
        # Needles with a control character in them (a secret that holds one) never match a line with escapes removed.
        self._raw_needles = [n for n in self._plain if has_escapes(n[2])]
        if short:
            self.notes.append(
                f"{short} secret(s) shorter than {MIN_SECRET_LENGTH} characters were not searched: too short to tell a leak from chance"
            )
        self.leaks: list[Leak] = []
        self.total = 0
        self._line = 0

    def feed(self, line: str) -> None:
        self._line += 1
        found: set[int] = set()  # secrets found on this line, in any view
        tokens: set[int] = set()  # raw offsets where a token shape was found on this line
        body = line.rstrip("\r\n")
        # isprintable() runs in C and is false for every escape and control: most lines are done in one search.
        stripped = None if body.isprintable() else Stripped(body)
        if stripped is None or stripped.text == body:  # the raw text is what a terminal shows
            self._search(line, None, found)
            if _has_token_prefix(line):
                self._search_tokens(line, None, "raw", tokens)
            return
        # A needle that matches the raw line matches it with escapes removed too (needles hold none, but for an
        # odd secret, searched in the raw line first): one search, then the raw line decides the view.
        if self._raw_needles:
            self._search(line, None, found, self._raw_needles)
        self._search(stripped.text, (line, stripped.raw_offset), found)
        if _has_token_prefix(stripped.text):  # the raw line holds no prefix the stripped one lacks
            self._search_tokens(line, None, "raw", tokens)
            self._search_tokens(stripped.text, stripped.raw_offset, "stripped", tokens)
        if "\r" in body:
            stamp = STAMP.match(body)
            skip = stamp.end() if stamp else 0
            rendered = Rendered(body[skip:])
            if rendered.text != stripped.text[skip:]:
                offset = lambda i: skip + rendered.raw_offset(i)  # noqa: E731
                self._search(rendered.text, (line, offset), found, view="rendered")
                if _has_token_prefix(rendered.text):
                    self._search_tokens(rendered.text, offset, "rendered", tokens)

    def _search(
        self,
        text: str,
        raw: tuple[str, Callable[[int], int]] | None,
        found: set[int],
        needles: list[tuple[int, str, str]] | None = None,
        view: str = "stripped",
    ) -> None:
        """Known secrets in ``text``: the raw line itself, or a view of ``raw`` (the line, and the raw offset of
        each character of the view). A secret's plain needles come before its patterns, so before its URL-encodings."""
        # The hot loop of the audit: one str.find per needle, the rest only on a hit.
        for index, kind, needle in self._plain if needles is None else needles:
            at = text.find(needle)
            if at >= 0 and index not in found:
                self._hit(index, kind, needle, at, raw, found, view)
        if needles is None and ("%" in text or "+" in text):
            for index, kind, pattern in self._patterns:
                m = pattern.search(text)
                if m and index not in found:
                    self._hit(index, kind, pattern, m.start(), raw, found, view)

    def _hit(
        self,
        index: int,
        kind: str,
        needle: str | re.Pattern[str],
        at: int,
        raw: tuple[str, Callable[[int], int]] | None,
        found: set[int],
        view: str,
    ) -> None:
        found.add(index)  # one finding per secret and line: its most direct form
        if raw is None:
            self._add(Leak(kind, self._line, at + 1, REDACTED, index))
            return
        line, raw_offset = raw
        in_raw = _find(needle, line)  # whole in the raw line too? then say so, as found there
        if in_raw >= 0:
            self._add(Leak(kind, self._line, in_raw + 1, REDACTED, index))
        else:
            self._add(Leak(kind, self._line, raw_offset(at) + 1, REDACTED, index, view))

    def _search_tokens(self, text: str, raw_offset: Callable[[int], int] | None, view: str, tokens: set[int]) -> None:
        for m in _TOKEN_RE.finditer(text):
            at = raw_offset(m.start()) if raw_offset else m.start()
            if m.group(0) not in self._values and at not in tokens:  # a token counts once per place
                tokens.add(at)
                self._add(Leak("token-shape", self._line, at + 1, (m.group(1) or m.group(2)) + "…", None, view))

    def _add(self, leak: Leak) -> None:
        self.total += 1
        if len(self.leaks) < MAX_LEAKS:
            self.leaks.append(leak)

    def redact(self, text: str) -> str:
        """``text`` with every known secret form and token shape replaced by ``***``."""
        plain = sorted((n for _, _, n in self._needles if isinstance(n, str)), key=len, reverse=True)
        for needle in plain:
            text = text.replace(needle, REDACTED)
        for _, _, pattern in self._needles:
            if not isinstance(pattern, str):
                text = pattern.sub(REDACTED, text)
        return _TOKEN_RE.sub(REDACTED, text)


def find_leaks(text_or_lines: str | Iterable[str], secrets: Iterable[str | None]) -> list[Leak]:
    """Findings in a text (split into lines) or an iterable of lines."""
    scanner = LeakScanner(secrets)
    lines = text_or_lines.splitlines() if isinstance(text_or_lines, str) else text_or_lines
    for line in lines:
        scanner.feed(line)
    return scanner.leaks


def scan_file(path: str | PathLike[str], secrets: Iterable[str | None]) -> list[Leak]:
    """Findings in a file, streamed line by line (constant memory besides the findings).

    For the notes on secrets that were not searched and the uncapped count, use ``LeakScanner`` directly.
    """
    scanner = LeakScanner(secrets)
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            scanner.feed(line)
    return scanner.leaks


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Mask known secrets (in every searched form) and token shapes, e.g. before showing a log excerpt."""
    return LeakScanner(secrets).redact(text)
