"""What each command's `--help` says beyond its flags: a paragraph on what it does, examples, and its exit codes.

Plain strings only (this module is imported by `wizard.cli` for every `--help`, so it stays as light as argparse).
`parser_help(name)` gives the keyword arguments for `add_parser`/`ArgumentParser`; tests/test_cli_help.py walks the
parser so that every command, including one added later, has all three parts and examples that parse.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from typing import Any

from wizard.cli_help_docs import BUILD_SECRETS_DOC, BUILD_SECRETS_HEADING, SANDBOX_SEED_DOC, SEED_HEADING

# What each exit code means, said once; a command lists only the codes it can return, in its own words when needed.
EXIT_CODE_WORDS = {
    0: "done",
    1: "the validation build's cache verdict is FAIL",
    2: "usage or input error (a flag, the answers file, no terminal to ask on)",
    3: "GitHub refused a request (token, scopes, permissions, plan)",
    130: "interrupted (Ctrl-C, or quit before finishing)",
}


@dataclass(frozen=True)
class CommandHelp:
    description: str  # one paragraph: what the command does and when to use it
    examples: tuple[tuple[str, str], ...]  # (command line, what it does)
    exit_codes: tuple[tuple[int, str | None], ...]  # (code, what it means for this command; None: EXIT_CODE_WORDS)
    extra: tuple[tuple[str, str], ...] = ()  # more (heading, text) sections after the exit codes

    def epilog(self) -> str:
        lines = ["Examples:"]
        for command, what in self.examples:
            lines += [f"  # {what}", f"  {command}"]
        lines += ["", "Exit codes:"]
        lines += [f"  {code:<4} {what or EXIT_CODE_WORDS[code]}" for code, what in self.exit_codes]
        for heading, text in self.extra:
            if text.strip():
                lines += ["", f"{heading}:", *(f"  {line}" if line else "" for line in text.strip("\n").splitlines())]
        return "\n".join(lines)


_LABELLED = re.compile(r"(\s+)(\d+\s+|# )(.*)")  # an exit code's line or an example's comment: folded under itself


class HelpFormatter(argparse.HelpFormatter):
    """Paragraphs are filled to the terminal's width (argparse's default); lines that start with a space are kept as
    written, so a command line is never folded; an exit code's meaning and an example's comment fold under themselves."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                out.append(super(HelpFormatter, self)._fill_text(" ".join(paragraph), width, indent))
                paragraph.clear()

        for line in text.splitlines():
            if line and not line[0].isspace():
                paragraph.append(line.strip())
                continue
            flush()
            labelled = _LABELLED.fullmatch(line)
            if labelled and len(indent + line) > width:
                import textwrap  # argparse imports it for any --help already

                lead, label, rest = labelled.groups()
                under = lead + ("# " if label == "# " else " " * len(label))
                out.append(textwrap.fill(rest, width, initial_indent=indent + lead + label, subsequent_indent=indent + under))
                continue
            out.append(indent + line if line else "")
        flush()
        return "\n".join(out)


def parser_help(name: str) -> dict[str, Any]:
    """The keyword arguments that give the parser of command `name` ("" the top level, "auth login") its help."""
    h = COMMANDS[name]
    return {"description": h.description, "epilog": h.epilog(), "formatter_class": HelpFormatter}


ANSWER_CODES: tuple[tuple[int, str | None], ...] = (
    (0, "onboarded: the verdict is PASS, or paused until the onboarding pull request is merged"),
    (1, None),
    (2, None),
    (3, None),
    (130, None),
)

COMMANDS: dict[str, CommandHelp] = {
    "": CommandHelp(
        "Onboard a GitHub repository to the org's container build convention: an image under "
        "ghcr.io/brikbyte-studios, registry secrets, a caller workflow for the org's reusable Kaniko workflow, and a "
        "validation build that proves the layer cache works. With no command, the wizard runs on the current "
        "directory's repository, full screen (or as plain prompts with --plain), asking before every write.",
        (
            ("brik-onboard", "the wizard on the repository of the current directory"),
            ("brik-onboard --plain --service orders-api", "the same as plain prompts, with one answer given"),
            ("brik-onboard demo", "try it against the embedded sandbox: no token, no network"),
        ),
        ANSWER_CODES,
    ),
    "plan": CommandHelp(
        "Dry run: resolve the answers (answers file, then flags) and print every change the onboarding would make, "
        "the caller workflow and its diff. With a token it also reads GitHub's current state to say what already "
        "exists; with --offline, or no token, it reads nothing. Writes nothing, anywhere.",
        (
            ("brik-onboard plan --service orders-api", "what onboarding this repository as orders-api would change"),
            ("brik-onboard plan --workflow-file .github/workflows/build.yml", "the diff against an existing workflow"),
            ("brik-onboard plan --offline --json --target test,production", "as JSON, offline: a test and a production image"),
        ),
        (
            (0, "the plan is printed"),
            (2, "an answer, the answers file or the workflow file is not acceptable"),
            (3, "GitHub refused to show its current state (not with --offline)"),
        ),
    ),
    "apply": CommandHelp(
        "The whole onboarding without prompts: secrets, the caller workflow (pull request, commit or local file), "
        "the validation build and its verdict, from an answers file and/or flags. Each step's changes are confirmed "
        "on a terminal unless --yes is given; a second run with the same answers writes nothing.",
        (
            ("brik-onboard apply --yes", "onboard with the answers in .github/brik-onboard.yml"),
            ("brik-onboard apply brik.yml --deliver commit --yes", "another answers file; commit the workflow directly"),
            (
                "printf 'REGISTRY_PAT=%s\\n' \"$PAT\" | brik-onboard apply --strategy pat --secrets-from-stdin --yes",
                "a registry PAT read from stdin, never from the command line",
            ),
        ),
        ANSWER_CODES,
        ((BUILD_SECRETS_HEADING, BUILD_SECRETS_DOC),),
    ),
    "validate": CommandHelp(
        "Only the validation: run the build workflow twice on the default branch and judge from Kaniko's logs that "
        "the second run hits the layer cache. Use it after the onboarding pull request is merged, or to check an "
        "onboarded repository again.",
        (
            ("brik-onboard validate --yes", "run both builds and print the verdict"),
            ("brik-onboard validate --yes --json", "the verdict as JSON (progress on stderr)"),
        ),
        (
            (0, "the verdict is PASS"),
            (1, None),
            (2, None),
            (3, None),
            (130, "interrupted (the build keeps running on GitHub; a re-run waits for it)"),
        ),
    ),
    "status": CommandHelp(
        "Is the repository onboarded and healthy? Reads the caller workflow, the registry secrets and variable, and "
        "the last validation build from GitHub, and says what to do next. Writes nothing. With --org, every "
        "repository of the org that --topic and --exclude select (archived ones, forks and the org's .github left out) in one table: "
        "onboarded, drifted (the keys), missing or unrecorded, the last cache verdict, and the repositories an org "
        "secret or variable with selected visibility leaves out. What it read is kept under $XDG_CACHE_HOME (no "
        "secret) so that the next one reads no file of a repository nothing was pushed to; --no-cache reads all again.",
        (
            ("brik-onboard status", "the repository of the current directory"),
            ("brik-onboard status --repo BrikByte-Studios/orders-api --json", "another repository, as JSON"),
            ("brik-onboard status --org BrikByte-Studios --topic node --exclude 'legacy-*'", "the org's node services in one table"),
        ),
        (
            (0, "onboarded and healthy (with --org: every selected repository)"),
            (1, "not onboarded, drifted from the answers, or a secret missing (with --org: any selected repository)"),
            (2, "usage or input error (with --org: also when nothing is selected)"),
            (3, None),
        ),
    ),
    "rotate": CommandHelp(
        "Replace the REGISTRY_PAT secret's value where the onboarding put it (organisation or environment), as "
        "recorded by the onboarding or given by --scope/--environment. Nothing else changes; --validate then runs "
        "one build with the new PAT. With --org ORG: the organization's secret, every repository that reads it "
        "listed, and --validate sample:K|all builds of some of them.",
        (
            ("brik-onboard rotate", "asks for the new PAT (input hidden) and confirms"),
            (
                "printf 'REGISTRY_PAT=%s\\n' \"$PAT\" | brik-onboard rotate --secrets-from-stdin --yes --validate",
                "non-interactive, then one build with the new PAT",
            ),
            ("brik-onboard rotate --org BrikByte-Studios --validate sample:2", "the org's secret; builds of 2 of its readers"),
        ),
        (
            (0, "replaced (and, with --validate, the builds passed)"),
            (1, "with --validate: a build with the new PAT failed"),
            (2, None),
            (3, None),
            (130, None),
        ),
    ),
    "fleet": CommandHelp(
        "Many repositories in one run: each one of a fleet file (or, with no file, each repository of --org that "
        "--topic and --exclude select, with the defaults; archived ones, forks and the org's .github left out) goes through the same "
        "steps as `apply`, a few at a time, with the writes of all of them paced to GitHub's secondary limit (80 a minute by default) and "
        "one rate limit pausing them all. Progress is kept in one file: a re-run picks up where the last one stopped. "
        "On a terminal a progress bar shows the counts, the writes of the last minute against the budget and the time "
        "the writes still need; without one (CI), each event is one line; --json prints one JSON line per event.",
        (
            ("brik-onboard fleet plan --org BrikByte-Studios --topic node --exclude 'legacy-*'", "no file: select them from GitHub"),
            ("brik-onboard fleet apply fleet.yml --yes --json", "onboard them all; one JSON line per repository event"),
            ("brik-onboard fleet apply fleet.yml --yes --tui", "the same, full screen: a live table of the repositories"),
        ),
        ((0, "every repository done"), (1, "some validation builds failed"), (2, None), (3, "some repositories refused or failed")),
    ),
    "fleet plan": CommandHelp(
        "Check every repository of FILE (or those --org, --topic and --exclude select) as `plan` would and count the "
        "writes each needs; nothing is written.",
        (
            ("brik-onboard fleet plan fleet.yml --json", "one JSON line per repository, then the totals"),
            ("brik-onboard fleet plan --org BrikByte-Studios --topic node", "the org's repositories with the topic node"),
        ),
        (
            (0, "every repository checked"),
            (2, "usage or input error (also: neither FILE nor --org, or nothing selected)"),
            (3, "some repositories could not be checked"),
        ),
    ),
    "fleet apply": CommandHelp(
        "Onboard every repository of FILE (or, with no FILE, those --org, --topic and --exclude select, with the "
        "defaults; progress then in fleet-ORG.state.json). Org-level secrets and variables shared with selected repositories are "
        "set once for all of them. A repository that fails is reported and the others go on; one done in an "
        "earlier run with the same progress file is not touched again. --tui shows the run full screen (a table of "
        "the repositories, their state and step, the counts, the budget and the time left); quitting it asks first "
        "and stops the run, which the next run resumes.",
        (
            ("brik-onboard fleet apply fleet.yml --yes --validate none --concurrency 8", "no builds, more at once"),
            ("brik-onboard fleet apply --org BrikByte-Studios --topic node --yes", "no file: the org's node services, the defaults"),
            (
                "brik-onboard fleet apply fleet.yml --yes --app-id 12345 --app-key app.pem",
                "as a GitHub App: one installation token for every worker",
            ),
        ),
        (
            (0, "every repository done"),
            (1, "some validation builds failed"),
            (2, None),
            (3, "some repositories refused or failed"),
            (130, "interrupted, or --tui quit before the end (the next run resumes)"),
        ),
    ),
    "schema": CommandHelp(
        "Print the answers file's JSON Schema (draft 2020-12), for editors and CI checks of .github/brik-onboard.yml; "
        "with --fleet, the fleet file's (`fleet plan|apply FILE`).",
        (
            ("brik-onboard schema > brik-onboard.schema.json", "save it for an editor's YAML language server"),
            ("brik-onboard schema --fleet > fleet.schema.json", "the fleet file's schema"),
        ),
        ((0, "the schema is printed"),),
    ),
    "auth": CommandHelp(
        "The admin token in the OS keyring, used when no GH_TOKEN, GITHUB_TOKEN or --token-env is set. The token "
        "is checked with GitHub before it is stored and is never printed.",
        (
            ("brik-onboard auth login", "store a token (asked for, input hidden)"),
            ("brik-onboard auth status", "which user, scopes and source the token has"),
        ),
        (
            (0, "done"),
            (2, "usage error (no action given), or see the action's own --help"),
            (3, None),
        ),
    ),
    "auth login": CommandHelp(
        "Store an admin token in the OS keyring for the host of --api-url, after checking it with GitHub. The "
        "token is asked for with hidden input, or read from stdin with --with-token.",
        (
            ("brik-onboard auth login", "asked for, input hidden"),
            ('printf "%s\\n" "$TOKEN" | brik-onboard auth login --with-token', "from stdin"),
            ("brik-onboard auth login --api-url https://ghe.example.com/api/v3", "for a GitHub Enterprise Server host"),
        ),
        (
            (0, "the token is stored"),
            (2, "no token given, or no terminal to ask on and no --with-token"),
            (3, "GitHub refused the token (nothing is stored)"),
        ),
    ),
    "auth status": CommandHelp(
        "Show the host, the user, the token's scopes and where the token was found (--token-env, GH_TOKEN, "
        "GITHUB_TOKEN, the keyring or `gh auth token`). The token itself is never shown.",
        (
            ("brik-onboard auth status", "the token for github.com"),
            ("brik-onboard auth status --token-env MY_TOKEN", "check the token in $MY_TOKEN"),
        ),
        (
            (0, "a token was found and GitHub accepts it"),
            (2, "no token found"),
            (3, "GitHub refused the token"),
        ),
    ),
    "auth logout": CommandHelp(
        "Remove the token stored in the OS keyring for the host of --api-url. Tokens in environment variables are left alone.",
        (("brik-onboard auth logout", "forget the token for github.com"),),
        ((0, "removed, or there was none"),),
    ),
    "demo": CommandHelp(
        "The wizard against an embedded GitHub sandbox on 127.0.0.1: a seeded org and repository, a fake registry "
        "and simulated Kaniko builds. No token, no network, nothing real is changed. Full screen by default; "
        "--plain asks as plain prompts; --headless answers with the defaults and needs no terminal.",
        (
            ("brik-onboard demo", "the full-screen wizard"),
            ("brik-onboard demo --plain", "the same as plain prompts"),
            ("brik-onboard demo --headless", "no questions: one line per step and the verdict (a smoke test)"),
        ),
        (
            (0, "the demo reached a PASS verdict (full screen: also when you pause it before the build)"),
            (1, "the demo ended without a PASS verdict"),
            (2, "no terminal (use --headless), the sandbox extra missing, or a usage error"),
            (3, "the sandbox refused a request (e.g. a demo action)"),
            (130, None),
        ),
    ),
    "inspect-log": CommandHelp(
        "Analyse saved Kaniko job logs offline: cache lookups, hits, misses, cache pushes and what was pushed. With "
        "two logs (attempt 1, then attempt 2 of the same commit) it gives the cache verdict the validation build "
        "would give. Reads files or stdin only.",
        (
            ("brik-onboard inspect-log build.log", "what one build did"),
            ("brik-onboard inspect-log attempt1.log attempt2.log", "the run-1 vs run-2 cache verdict"),
            ("gh run view 123 --log | brik-onboard inspect-log - --json", "a log from stdin, as JSON"),
        ),
        (
            (0, "the logs were read (with two: the verdict is PASS)"),
            (1, "with two logs: the verdict is FAIL"),
            (2, "a log is missing or unreadable, has no Kaniko build in it, or more than two were given"),
        ),
    ),
    "sandbox": CommandHelp(
        "The embedded GitHub sandbox that the demo and the tests use: a local stand-in for the GitHub REST API, "
        "Actions runs, a container registry and Kaniko builds.",
        (("brik-onboard sandbox serve --time-factor 0.05", "serve it until Ctrl-C, builds 20x faster"),),
        ((0, "stopped with Ctrl-C"), (2, "usage error (no action given), or see the action's own --help")),
    ),
    "sandbox serve": CommandHelp(
        "Run the embedded GitHub sandbox (REST + Actions + a Kaniko-emulating registry) on 127.0.0.1 until Ctrl-C. It "
        "starts with the org BrikByte-Studios (its .github repo holds the reusable Kaniko workflow) and the sample "
        "service BrikByte-Studios/example-node-api, and prints an admin token, a registry PAT its registry accepts "
        "(both made by the sandbox: fake tokens that work nowhere else) and ready `plan` and `apply` commands to paste.",
        (
            ("brik-onboard sandbox serve", "any free port, a fresh token"),
            ("brik-onboard sandbox serve --port 8765 --time-factor 0.05", "a fixed port, builds 20x faster"),
            ("brik-onboard sandbox serve --seed seed.yml --plan team", "extra orgs and repos on a paid plan"),
        ),
        (
            (0, "stopped with Ctrl-C"),
            (2, "a bad flag or seed file (nothing is started)"),
        ),
        ((SEED_HEADING, SANDBOX_SEED_DOC),),
    ),
}
