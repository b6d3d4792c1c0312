"""Leak audit of job logs (TC-REGISTRY-LOG-001): known secret values and GitHub token shapes.

Every known secret is searched as is, base64-encoded (standard and URL-safe alphabets) and URL-encoded;
any text is also searched for GitHub token shapes. Findings never carry the value: a ``Leak`` says where
(line, column), how (``kind``) and which secret (its position in the list given), with a redacted preview.

Secrets shorter than ``MIN_SECRET_LENGTH`` characters are not searched: such short strings occur by
chance in any log, so a hit would prove nothing. ``LeakScanner.notes`` says when that happened.
Matching is line based: a value split across two lines is not found (a multi-line secret such as a PEM
key is searched line by line, for its lines of 16 characters or more).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from typing import Any
from urllib.parse import quote, quote_plus

MIN_SECRET_LENGTH = 4
MAX_LEAKS = 1000  # findings kept; ``LeakScanner.total`` keeps counting
KINDS = ("secret-value", "secret-base64", "secret-urlencoded", "token-shape")
REDACTED = "***"

# Classic tokens: a prefix and 36 alphanumerics; fine-grained PATs: github_pat_ and 82 word characters.
# GitHub may lengthen tokens, so longer runs count too.
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])(?:(gh[pousr]_)[A-Za-z0-9]{36,}(?![A-Za-z0-9])|(github_pat_)[A-Za-z0-9_]{82,}(?![A-Za-z0-9_]))")
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")


@dataclass(frozen=True)
class Leak:
    kind: str  # one of KINDS
    line: int  # 1-based
    column: int  # 1-based
    preview: str  # redacted: "***" for a known secret, the token prefix and "…" for a token shape
    secret_index: int | None = None  # position of the leaked secret in the list given (None for a token shape)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "line": self.line, "column": self.column, "preview": self.preview, "secret_index": self.secret_index}

    def describe(self) -> str:
        what = f"secret #{self.secret_index + 1}" if self.secret_index is not None else f"a token ({self.preview})"
        return f"line {self.line}: {what} appears ({self.kind})"


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
        if short:
            self.notes.append(
                f"{short} secret(s) shorter than {MIN_SECRET_LENGTH} characters were not searched: too short to tell a leak from chance"
            )
        self.leaks: list[Leak] = []
        self.total = 0
        self._line = 0

    def feed(self, line: str) -> None:
        self._line += 1
        found: set[int] = set()
        escaped = "%" in line or "+" in line
        for index, kind, needle in self._needles:
            if index in found:
                continue
            if isinstance(needle, str):
                at = line.find(needle)
            else:
                m = needle.search(line) if escaped else None
                at = m.start() if m else -1
            if at >= 0:
                found.add(index)  # one finding per secret and line: its most direct form
                self._add(Leak(kind, self._line, at + 1, REDACTED, index))
        if any(prefix in line for prefix in _TOKEN_PREFIXES):
            for m in _TOKEN_RE.finditer(line):
                if m.group(0) not in self._values:
                    self._add(Leak("token-shape", self._line, m.start() + 1, (m.group(1) or m.group(2)) + "…"))

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
