"""Recorded GitHub API traffic (PyGithub's ReplayData format) and a shape comparison of JSON answers.

A record is ten lines: scheme, verb, host, port, path (with query), request headers (a Python dict
literal), request body (JSON or `None`), status, response headers (a Python list of pairs), response
body (JSON or empty); records are separated by a blank line.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Record:
    source: str
    index: int
    verb: str
    path: str
    query: str
    request_body: Any
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def label(self) -> str:
        return f"{self.source}#{self.index} {self.verb} {self.path} -> {self.status}"


def _json_or_none(text: str) -> Any:
    text = text.strip()
    if not text or text == "None":
        return None
    return json.loads(text)


def parse(path: Path) -> list[Record]:
    lines = path.read_text(encoding="utf-8").split("\n")
    records, i = [], 0
    while i + 9 < len(lines):
        if lines[i] not in ("http", "https"):
            i += 1
            continue
        verb, _host, _port, full = lines[i + 1 : i + 5]
        route, _, query = full.partition("?")
        headers = {k.lower(): v for k, v in ast.literal_eval(lines[i + 8])}
        records.append(
            Record(
                path.name,
                len(records),
                verb,
                route,
                query,
                _json_or_none(lines[i + 6]),
                int(lines[i + 7]),
                headers,
                _json_or_none(lines[i + 9]),
            )
        )
        i += 10
    return records


def load_all(directory: Path) -> list[Record]:
    return [record for path in sorted(directory.glob("*.txt")) for record in parse(path)]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def shape_differences(github: Any, ours: Any, where: str = "$") -> list[str]:
    """Where `ours` lacks a field GitHub sent, or holds another JSON type (null matches anything)."""
    if github is None or ours is None:
        return []
    if _kind(github) != _kind(ours):
        return [f"{where}: GitHub sent {_kind(github)}, the sandbox {_kind(ours)}"]
    if isinstance(github, dict):
        out = []
        for key, value in github.items():
            if key not in ours:
                out.append(f"{where}.{key}: missing")
            else:
                out += shape_differences(value, ours[key], f"{where}.{key}")
        return out
    if isinstance(github, list) and github and ours:
        return shape_differences(github[0], ours[0], f"{where}[0]")
    return []
