"""A managed value and the comments around it: when is it already what the plan wants, how to write a new
one in the user's style, and how to keep the end-of-line and following comment lines where they belong.

ruamel.yaml keeps a key's comments in `ca.items[key]`: slot 2 is a token whose text is the end-of-line
comment, its newline, then any comment/blank lines up to the next key ("the tail"); for a block scalar the
comment after `|` lives in slot 3 and the token holds the tail only.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, ScalarString
from ruamel.yaml.tokens import CommentToken

_EXPRESSION_SPACE_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_BLOCK = (LiteralScalarString, FoldedScalarString)


def eol_comment(node: CommentedMap, key: str) -> tuple[str, str] | None:
    """(the comment on the key's line, the comment lines after it) or None."""
    item = node.ca.items.get(key)
    token = item[2] if item and len(item) > 2 else None
    if token is None:
        return None
    first, _, rest = token.value.partition("\n")
    return first, rest


def drop_eol_comment(node: CommentedMap, key: str) -> None:
    item = node.ca.items.get(key)
    if item and len(item) > 2:
        item[2] = None


def replace_scalar(block: CommentedMap, key: Any, value: Any) -> None:
    """Set a value; an end-of-line comment keeps its distance from the value rather than its column."""
    old = block[key]
    block[key] = value
    item = block.ca.items.get(key)
    token = item[2] if item and len(item) > 2 else None
    if token is None or not _one_line(old):
        return
    first, _, rest = token.value.partition("\n")
    column = getattr(token.start_mark, "column", None)
    if _one_line(value):
        if first.strip() and column is not None:
            token.start_mark = CommentMark(max(0, column + len(str(value)) - len(str(old))))
        return
    if not isinstance(value, _BLOCK):
        return
    # A block scalar ends its own line: its line comment goes after the `|` (ruamel keeps that one apart),
    # and what followed the old line follows the block.
    if first.strip():
        try:
            # ruamel sets `style` on each ScalarString subclass, not on ScalarString itself
            quotes = 2 if isinstance(old, ScalarString) and getattr(old, "style", "") in "'\"" else 0
            end = block.lc.value(key)[1] + len(str(old)) + quotes
        except (KeyError, TypeError):
            end = (column or 1) - 1
        comment = " " * max(1, (column or 0) - end) + first.strip()
        # ruamel declares `comment` only in the classes' __slots__, which mypy does not read as attributes
        value.comment = comment  # type: ignore[union-attr]
        item[3] = [comment]
    item[2] = _token_after(rest, block_scalar=True) if rest else None


def _one_line(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and "\n" not in str(value)


def move_tail(block: CommentedMap, before: Any, key: Any) -> None:
    """Comment lines after `before`'s line are about what follows it: keep them after the inserted key.

    ruamel hangs them on `before` (after its end-of-line comment), which would put the new key below them."""
    item = block.ca.items.get(before)
    token = item[2] if item and len(item) > 2 else None
    if token is None or isinstance(block[before], (dict, list)):
        return
    if isinstance(block[before], _BLOCK):
        own, rest = "", token.value  # a block scalar's token holds only what follows it
    else:
        first, _, rest = token.value.partition("\n")
        own = first + "\n" if first.strip() else ""
    if not rest:
        return
    if own:
        token.value = own
    else:
        item[2] = None
    block_scalar = isinstance(block[key], _BLOCK)
    block.ca.items.setdefault(key, [None, None, None, None])[2] = _token_after(rest, block_scalar=block_scalar)


def _token_after(rest: str, *, block_scalar: bool) -> CommentToken:
    """A comment token for the lines after a value. After a plain value the token starts by ending its line;
    after a block scalar (which ends its own line) the first comment line is written at the token's column."""
    if not block_scalar:
        return CommentToken("\n" + rest, CommentMark(0))
    first, _, after = rest.partition("\n")
    return CommentToken(first.lstrip(" ") + "\n" + after, CommentMark(len(first) - len(first.lstrip(" "))))


def same_value(existing: Any, wanted: Any, *, commas: bool = False) -> bool:
    """Is the existing value already what the plan wants, as the reusable workflow reads it?

    Lists (one per line; with commas=True, comma-separated too) compare item by item, expressions ignore the
    spaces inside `${{ }}`, booleans accept their spelling as a string."""
    if isinstance(wanted, bool):
        if isinstance(existing, bool):
            return existing == wanted
        return isinstance(existing, str) and existing.strip().lower() == str(wanted).lower()
    if isinstance(existing, (dict, list)) or existing is None:
        return False
    if isinstance(wanted, LiteralScalarString) or "\n" in str(existing) or (commas and "," in str(existing)):
        return _items(str(existing), commas) == _items(str(wanted), commas)
    return _expr(str(existing).strip()) == _expr(str(wanted))


def _items(text: str, commas: bool) -> list[str]:
    return [_expr(part.strip()) for part in re.split(r"[,\n]" if commas else r"\n", text) if part.strip()]


def _expr(text: str) -> str:
    return _EXPRESSION_SPACE_RE.sub(lambda m: "${{ " + m.group(1) + " }}", text)


def styled_like(existing: Any, value: Any, *, commas: bool = False) -> Any:
    """The new value in the existing value's style: same quoting; a one-line comma list stays one (tags only).

    Several lines need a block scalar unless the user wrote the list on one line with commas."""
    if not isinstance(value, str):
        return value
    if isinstance(value, LiteralScalarString):
        one_line = isinstance(existing, str) and "\n" not in existing
        if not (commas and one_line and "," in existing):
            return value
        value = ", ".join(value.splitlines())
    if isinstance(existing, LiteralScalarString):
        return LiteralScalarString(value + "\n")
    if isinstance(existing, ScalarString):
        return type(existing)(value)
    return value
