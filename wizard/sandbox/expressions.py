"""A small evaluator for GitHub Actions `${{ }}` expressions, enough for callers' `with:`/`secrets:`.

Supported: context references (`github.sha`, `inputs.x`, `secrets['X']`, `vars.X`), string/number/
boolean/null literals, `!`, `==`, `!=`, `&&`, `||` (which return an operand, as GitHub's do) and
parentheses. Anything else evaluates to '' (GitHub would refuse the workflow; the runner only needs
what the product writes). Property names are case-insensitive, as in Actions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>\|\||&&|==|!=|!|\(|\)|\.|\[|\]|,)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


class _Parser:
    def __init__(self, text: str, context: Mapping[str, Any]) -> None:
        self.tokens = self._lex(text)
        self.i = 0
        self.context = context

    @staticmethod
    def _lex(text: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if not match:
                raise ValueError(f"cannot parse expression near {text[pos : pos + 10]!r}")
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ValueError(f"expected {value!r}")
        self.i += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.peek() is not None:
            raise ValueError("trailing tokens")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            other = self.and_()
            value = value if truthy(value) else other
        return value

    def and_(self) -> Any:
        value = self.not_()
        while self.peek() == ("op", "&&"):
            self.take()
            other = self.not_()
            value = other if truthy(value) else value
        return value

    def not_(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.not_())
        return self.compare()

    def compare(self) -> Any:
        left = self.primary()
        token = self.peek()
        if token in (("op", "=="), ("op", "!=")):
            self.take()
            right = self.primary()
            equal = _loose(left) == _loose(right)
            return equal if token[1] == "==" else not equal
        return left

    def primary(self) -> Any:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            inner = self.or_()
            self.take(")")
            return inner
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value) if "." in value else int(value)
        if kind != "name":
            raise ValueError(f"unexpected {value!r}")
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        if self.peek() == ("op", "("):
            self._skip_call()
            return ""
        return self.reference(value)

    def _skip_call(self) -> None:
        depth = 0
        while True:
            _, value = self.take()
            depth += value == "("
            depth -= value == ")"
            if depth == 0:
                return

    def reference(self, name: str) -> Any:
        current: Any = _get(self.context, name)
        while self.peek() in (("op", "."), ("op", "[")):
            _, op = self.take()
            if op == ".":
                current = _get(current, self.take()[1])
            else:
                key = self.primary()
                self.take("]")
                current = _get(current, str(key))
        return current


def _get(container: Any, key: str) -> Any:
    if not isinstance(container, Mapping):
        return None
    for candidate, value in container.items():
        if str(candidate).lower() == key.lower():
            return value
    return None


def _loose(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and value == value  # NaN is falsy too


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    try:
        return _Parser(expression, context).parse()
    except (ValueError, IndexError):
        return ""


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def substitute(value: Any, context: Mapping[str, Any]) -> Any:
    """A `with:` value with its expressions evaluated; a lone expression keeps its type."""
    if not isinstance(value, str):
        return value
    whole = _EXPR.fullmatch(value.strip())
    if whole and value.count("${{") == 1:
        return evaluate(whole.group(1), context)
    return _EXPR.sub(lambda m: as_text(evaluate(m.group(1), context)), value)
