"""ruamel.yaml plumbing for workflow files: one configured round-trip YAML, loading with readable errors,
indentation measured from the user's own file, and the source text split into lines with their line ends.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from wizard.errors import InputError

# Wide enough that ruamel never re-wraps a long line (a `uses:` with a SHA, a long run: line).
WIDTH = 1 << 16


@dataclass(frozen=True)
class Indent:
    """ruamel's three indentation numbers: mapping, sequence (item content) and offset (the dash)."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


def round_trip_yaml(indent: Indent = Indent()) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    yaml.indent(mapping=indent.mapping, sequence=indent.sequence, offset=indent.offset)
    return yaml


def load(yaml: YAML, text: str, what: str) -> Any:
    """Parse text; a YAML error becomes an InputError naming the line and column."""
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at {_position(mark)}" if mark is not None else ""
        problem = exc.problem or exc.context or "it is not valid YAML"
        if exc.context and exc.context_mark is not None and mark is not exc.context_mark and _position(exc.context_mark) != _position(mark):
            problem += f" ({exc.context} at {_position(exc.context_mark)})"
        raise InputError(f"{what} is not valid YAML{where}: {problem}", "fix the YAML (or move the file aside) and re-run") from None
    except YAMLError as exc:
        raise InputError(f"{what} is not valid YAML: {exc}", "fix the YAML (or move the file aside) and re-run") from None


def _position(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def plain(data: Any) -> Any:
    """The data as plain Python (merge keys resolved, comments and styles gone) for comparisons."""
    if isinstance(data, dict):
        return {plain(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    if isinstance(data, str):
        return str(data)
    return data


def measure_indent(data: Any) -> Indent:
    """The indentation the file mostly uses, read from ruamel's line/column records of the loaded tree."""
    maps: Counter[int] = Counter()
    seqs: Counter[tuple[int, int]] = Counter()
    _collect_indents(data, maps, seqs)
    mapping = maps.most_common(1)[0][0] if maps else 2
    if seqs:
        sequence, offset = seqs.most_common(1)[0][0]
    else:
        sequence, offset = mapping + 2, mapping
    return Indent(mapping=mapping, sequence=max(sequence, offset + 2), offset=offset)


def _collect_indents(node: Any, maps: Counter[int], seqs: Counter[tuple[int, int]]) -> None:
    if isinstance(node, CommentedMap):
        for key in list(node.keys()):
            value = node[key]
            try:
                key_line, key_col = node.lc.key(key)
            except (KeyError, TypeError, AttributeError):
                key_line, key_col = None, None
            if key_col is not None and _is_block(value) and len(value) and value.lc.line is not None and value.lc.line > key_line:
                if isinstance(value, CommentedMap) and value.lc.col > key_col:
                    maps[value.lc.col - key_col] += 1
                elif isinstance(value, CommentedSeq) and value.lc.col >= key_col:
                    item_col = value.lc.item(0)[1]
                    seqs[(item_col - key_col, value.lc.col - key_col)] += 1
            _collect_indents(value, maps, seqs)
    elif isinstance(node, CommentedSeq):
        for value in node:
            _collect_indents(value, maps, seqs)


def own_keys(node: CommentedMap) -> list[Any]:
    """The keys written in this mapping, in order: not those it only has through a merge (`<<: *anchor`)."""
    return [key for key, _ in node.non_merged_items()]


def insert_at(node: CommentedMap, index: int, key: Any, value: Any) -> None:
    """Insert before the index-th own key (len: at the end); ruamel counts a `<<:` merge as a slot of its own."""
    merge = getattr(node, merge_attrib, None)
    merge_pos = getattr(merge, "merge_pos", None) if merge else None
    pos = index + 1 if merge_pos is not None and 0 <= merge_pos <= index else index
    node.insert(pos, key, value)


def _is_block(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and not node.fa.flow_style()


@dataclass(frozen=True)
class SourceText:
    """A file's text as lines: the raw lines (own line ends kept) and normalised ones ending in '\\n'."""

    raw: tuple[str, ...]
    lines: tuple[str, ...]
    newline: str
    final_newline: bool

    @classmethod
    def of(cls, text: str) -> SourceText:
        raw = split_lines(text)
        lines = [(r[:-2] + "\n") if r.endswith("\r\n") else (r if r.endswith("\n") else r + "\n") for r in raw]
        crlf = sum(1 for r in raw if r.endswith("\r\n"))
        newline = "\r\n" if crlf and crlf * 2 >= len(raw) else "\n"
        return cls(tuple(raw), tuple(lines), newline, not raw or raw[-1].endswith("\n"))

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def render(self, items: list[int | str]) -> str:
        """Join lines: an int is a line of the original (kept byte for byte), a str a new line."""
        out = []
        for item in items:
            if isinstance(item, int):
                line = self.raw[item]
                out.append(line if line.endswith("\n") else line + self.newline)
            else:
                out.append(item[:-1] + self.newline if item.endswith("\n") else item + self.newline)
        text = "".join(out)
        if not self.final_newline:
            text = text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
        return text

    def render_new(self, text: str) -> str:
        """A wholly new text in this file's line-end style."""
        return self.render(list(split_lines(text)))


def split_lines(text: str) -> list[str]:
    """Lines with their ends kept, split on '\\n' only (str.splitlines also splits on form feeds and the like)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
