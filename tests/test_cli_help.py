"""Every command's `--help` teaches: a one-paragraph description, 1-3 examples that parse, and its exit codes.

The parser is walked, so a command added later without its help (wizard/cli_help.py) fails here.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
from collections.abc import Iterator

import pytest

from wizard.cli import build_parser, main
from wizard.cli_help import COMMANDS, EXIT_CODE_WORDS

SHELL_OPERATORS = {"|", ">", "<", "&&", ";"}


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk(sub, (*path, name))


PARSERS = dict(walk(build_parser()))


def help_of(path: tuple[str, ...]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main([*path, "--help"])
    assert exit_.value.code == 0
    return out.getvalue()


def brik_argv(example: str) -> list[str]:
    """The arguments given to brik-onboard in an example's command line (after a pipe, before a redirection)."""
    words = shlex.split(example)
    start = words.index("brik-onboard") + 1
    argv: list[str] = []
    for word in words[start:]:
        if word in SHELL_OPERATORS:
            break
        argv.append(word)
    return argv


def test_every_command_has_its_help_and_no_help_is_left_over() -> None:
    assert {" ".join(path) for path in PARSERS} == set(COMMANDS)


@pytest.mark.parametrize("path", sorted(PARSERS), ids=lambda p: " ".join(p) or "brik-onboard")
def test_help_has_a_paragraph_examples_and_exit_codes(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide: each example's comment on one line, whatever runs the tests
    shown = help_of(path)
    documented = COMMANDS[" ".join(path)]
    assert documented.description.strip() and "\n\n" not in documented.description
    assert documented.description.split()[0] in shown
    assert "\nExamples:\n" in shown and "\nExit codes:\n" in shown, shown
    assert 1 <= len(documented.examples) <= 3
    for command, what in documented.examples:
        assert command in shown and what in shown  # never folded: a command line is copied as is
    codes = [code for code, _ in documented.exit_codes]
    assert codes == sorted(set(codes)) and set(codes) <= set(EXIT_CODE_WORDS)
    section = shown.split("\nExit codes:\n", 1)[1]
    for code, _ in documented.exit_codes:
        assert f"\n  {code} " in "\n" + section, f"exit code {code} not shown in `{' '.join(path)} --help`"


@pytest.mark.parametrize("path", sorted(PARSERS), ids=lambda p: " ".join(p) or "brik-onboard")
def test_examples_are_command_lines_of_that_command(path: tuple[str, ...]) -> None:
    for command, _ in COMMANDS[" ".join(path)].examples:
        argv = brik_argv(command)
        if path:  # the top level's examples may show any command; a command's show that command
            assert argv[: len(path)] == list(path), command
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                build_parser().parse_args(argv)
            except SystemExit:
                pytest.fail(f"example does not parse: {command}\n{err.getvalue()}")


def test_sandbox_serve_shows_the_seed_format_under_its_heading(monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard import cli_help, cli_help_docs

    shown = help_of(("sandbox", "serve"))
    assert cli_help_docs.SEED_HEADING + ":\n  # every key optional" in shown and "\n  orgs:\n    - {login: acme, plan: team}" in shown
    doc = "orgs:\n  - login: acme\n    plan: team"
    seeded = dict(COMMANDS)
    seeded["sandbox serve"] = cli_help.CommandHelp(
        COMMANDS["sandbox serve"].description,
        COMMANDS["sandbox serve"].examples,
        COMMANDS["sandbox serve"].exit_codes,
        (("Seed file (--seed)", doc),),
    )
    monkeypatch.setattr(cli_help, "COMMANDS", seeded)
    shown = help_of(("sandbox", "serve"))
    assert "Seed file (--seed):\n  orgs:\n    - login: acme\n      plan: team" in shown


def test_a_long_description_is_filled_to_the_width_and_examples_are_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    shown = help_of(("apply",))
    description = shown.split("\n\n")[1]
    assert max(len(line) for line in description.splitlines()) <= 60
    assert any(len(line) > 60 for line in shown.splitlines() if "brik-onboard apply --strategy pat" in line)
    examples = shown.split("\nExamples:\n", 1)[1]
    assert all(len(line) <= 60 for line in examples.splitlines() if "brik-onboard" not in line), examples


def test_at_80_columns_only_command_lines_may_be_wider() -> None:
    for path in PARSERS:
        documented = COMMANDS[" ".join(path)]
        commands = {f"  {command}" for command, _ in documented.examples}
        with pytest.MonkeyPatch.context() as m:
            m.setenv("COLUMNS", "80")
            tail = help_of(path).split("\nExamples:\n", 1)[1]
        assert [line for line in tail.splitlines() if len(line) > 80 and line not in commands] == [], path
