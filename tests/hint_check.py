"""Does an error's hint name only flags that exist where it sends the user?

A flag inside a quoted `brik-onboard COMMAND ...` belongs to COMMAND; any other --flag belongs to the command that
printed the hint. Quoted commands of other programs (`gh run view --log`) are not ours to check.
"""

from __future__ import annotations

import argparse
import re

from wizard.cli import build_parser

_QUOTED = re.compile(r"`([^`]*)`")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def parser_of(words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The parser of the command the leading words name, and the words after them."""
    parser = build_parser()
    rest = list(words)
    while rest and rest[0] in _subparsers(parser):
        parser = _subparsers(parser)[rest.pop(0)]
    return parser, rest


def misfits(command: list[str], text: str) -> list[str]:
    """The flags in `text` (an error's hint or message) that the command they are meant for does not accept."""
    bad: list[str] = []

    def check(path: list[str], fragment: str) -> None:
        parser, _ = parser_of(path)
        accepted = set(parser._option_string_actions)
        bad.extend(f"{flag} (for `brik-onboard {' '.join(path)}`)" for flag in _FLAG.findall(fragment) if flag not in accepted)

    def quoted(match: re.Match[str]) -> str:
        words = match[1].split()
        if words[:1] == ["brik-onboard"]:
            parser, rest = parser_of(words[1:])
            path = words[1 : len(words) - len(rest)]
            check(path, " ".join(rest))
        return ""  # checked here, or another program's

    check(command, _QUOTED.sub(quoted, text))
    return bad


def hint_of(stderr: str) -> str:
    return "\n".join(line for line in stderr.splitlines() if line.startswith(("error:", "hint:")))
