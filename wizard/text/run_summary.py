"""A run's result that stays: what changed, the verdict, each attempt's run URL, the answers file and the next step.

One renderer for every face: pure data in (RunSummary, built from the engine's Session and its last VerdictReady),
Markdown out (`--summary FILE`, $GITHUB_STEP_SUMMARY), and a terminal rendering through rich for when no
full-screen UI is running (the TUI prints it after it exits; the plain face, `apply`, `validate` and
`demo --headless` at their end). It holds names, summaries and URLs only: never a secret value.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wizard.errors import InputError

if TYPE_CHECKING:
    from wizard.engine.events import VerdictReady
    from wizard.engine.session import Session

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"  # set by GitHub Actions to a file every step may append Markdown to

DONE, FAILED, PAUSED, STOPPED = "done", "validation failed", "paused", "stopped"


@dataclass(frozen=True)
class RunSummary:
    status: str  # DONE, FAILED, PAUSED or STOPPED
    repo: str | None
    applied: tuple[str, ...]  # one line per change written
    verdict: VerdictReady | None
    attempts: tuple[tuple[str, str], ...]  # ("attempt 1", its own run page), in order
    links: tuple[tuple[str, str], ...]  # the others: the pull request, the reusable workflow's PR
    answers_path: str | None
    next_step: str
    stopped: str | None = None  # what a quit left behind, in the engine's words


def summary_from_session(session: Session, verdict: VerdictReady | None, *, stopped: str | None = None) -> RunSummary:
    links = dict(session.links)
    attempts = tuple(sorted(((k, v) for k, v in links.items() if k.startswith("attempt ")), key=lambda kv: kv[0]))
    others = tuple((k.replace("_", " "), v) for k, v in links.items() if not k.startswith("attempt "))
    if stopped is not None:
        status = STOPPED
    elif session.paused:
        status = PAUSED
    elif session.verdict_passed is False:
        status = FAILED
    else:
        status = DONE
    return RunSummary(
        status=status,
        repo=session.plan.repo or None,
        applied=tuple(c.summary for c in session.applied),
        verdict=verdict,
        attempts=attempts,
        links=others,
        answers_path=str(session.answers_path) if session.answers_path and session.answers_path.is_file() else None,
        next_step=_next_step(session, status, links),
        stopped=stopped,
    )


def not_connected_summary(message: str) -> RunSummary:
    """A run that stopped before the session existed (the token never worked, or quit on the first screen)."""
    return RunSummary(STOPPED, None, (), None, (), (), None, "run brik-onboard again when ready", stopped=message)


def _next_step(session: Session, status: str, links: dict[str, str]) -> str:
    if status == STOPPED:
        return "run brik-onboard again: steps already done find their changes in place and are not repeated"
    if status == PAUSED:
        pull = links.get("pull")
        if session.plan.delivery == "pr" and pull:
            return f"merge the pull request {pull}, then run `brik-onboard validate`"
        return session.paused or "run `brik-onboard validate`"
    if status == FAILED:
        return "fix what the verdict says, then re-run `brik-onboard validate`"
    if session.verdict_passed is None:
        return "run `brik-onboard validate` to prove the layer cache (no validation build ran)"
    return "nothing to do: the repository is onboarded and its layer cache works"


def _nothing(s: RunSummary) -> str:
    return "nothing" if s.status == STOPPED else "nothing: everything was already in place"


def clean_line(text: str) -> str:
    """Printable text only (no terminal escape or control sequence from the repository reaches a terminal or a
    Markdown file); loaded when a summary is made, not when the wizard starts."""
    from wizard.core.log_tail import clean_line as clean

    return clean(text)


# -- Markdown -----------------------------------------------------------------------------------------------------
_MD_SPECIAL = "\\`*_[]<>|&~"
_BACKTICKS = re.compile("`+")


def _md(text: str) -> str:
    """Text that may quote the repository (a message, a change) as literal Markdown: no image, HTML or emphasis of
    its own, and a pipe or a line end does not break a table row."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in clean_line(text.replace("\r", " ").replace("\n", " ")))


def _code(text: str) -> str:
    """Repository text shown as a code span: nothing in it is Markdown (not even a bare URL, which GitHub would
    link), the fence outruns any backticks inside, and a pipe is escaped so a table row holds (GFM)."""
    text = clean_line(text.replace("\r", " ").replace("\n", " ")).replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


def to_markdown(s: RunSummary) -> str:
    title = f"brik-onboard: {s.repo}" if s.repo else "brik-onboard"
    out = [f"## {title} — {s.status}", ""]
    if s.stopped:
        out += [f"Stopped: {_md(s.stopped)}", ""]
    out.append("### What changed")
    out += [f"- {_md(line)}" for line in s.applied] or [f"- {_nothing(s)}"]
    out.append("")
    if s.verdict is not None:
        v = s.verdict
        out += [f"### Verdict: {'PASS' if v.passed else 'FAIL'}", ""]
        if v.table:
            out += ["| instruction | " + " | ".join(_md(c) for c in v.columns) + " |", "| --- |" + " --- |" * len(v.columns)]
            out += [f"| {_code(r.instruction)} | " + " | ".join(_md(c) for c in r.cells) + " |" for r in v.table]
            out.append("")
        out += [f"- target {_md(t.target)}: {'PASS' if t.passed else 'FAIL'}" for t in v.targets]
        out += [f"- {_md(str(r))}" for r in v.reasons]
        out.append(f"- leak audit: {'clean' if not v.leaks else f'{v.leaks} finding(s)'}")
        out.append("")
    if s.attempts or s.links:
        out.append("### Links")
        out += [f"- {_md(name)}: {url}" for name, url in s.attempts + s.links]
        out.append("")
    if s.answers_path:
        out += [f"Answers file: {_code(str(s.answers_path))} (the next run offers them as its defaults)", ""]
    out += [f"**Next step:** {_md(s.next_step)}", ""]
    return "\n".join(out)


# -- terminal -----------------------------------------------------------------------------------------------------
def print_summary(s: RunSummary, out: TextIO, *, table: bool = True) -> None:
    """The summary in the terminal. `table=False` when the face already printed the verdict table above."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    # soft_wrap: a URL is never cut in two, so it can be copied from the terminal (or a tmux capture)
    console = Console(file=out, soft_wrap=True, highlight=False)
    head = Text(f"brik-onboard: {s.repo} — {s.status}" if s.repo else f"brik-onboard — {s.status}", style="bold")
    console.print()
    console.print(head)
    if s.stopped:
        console.print(Text(f"  stopped: {clean_line(s.stopped)}"))
    console.print(Text("  changed:" if s.applied else f"  changed: {_nothing(s)}"))
    for line in s.applied:
        console.print(Text(f"    - {clean_line(line)}"))
    if s.verdict is not None:
        v = s.verdict
        if table and v.table:
            # The attempts' columns keep their words whole; a long instruction is the one cut short.
            grid = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), show_edge=False)
            widths = [max(len(x) for x in [col, *(r.cells[i] for r in v.table)]) for i, col in enumerate(v.columns)]
            room = max(console.width - 4 - sum(w + 2 for w in widths) - 2, 11)
            grid.add_column("instruction", overflow="ellipsis", no_wrap=True, max_width=room)
            for col, width in zip(v.columns, widths, strict=True):
                grid.add_column(col, no_wrap=True, min_width=width)
            for row in v.table:
                grid.add_row(Text(clean_line(row.instruction)), *(Text(cell) for cell in row.cells))
            console.print(Padding(grid, (0, 0, 0, 4)), soft_wrap=False)
        for t in v.targets:
            console.print(Text(f"  target {clean_line(t.target)}: {'PASS' if t.passed else 'FAIL'}"))
        verdict = "PASS" if v.passed else "FAIL"
        console.print(Text(f"  verdict: {verdict}", style="bold green" if v.passed else "bold red"))
        for reason in v.reasons:
            console.print(Text(f"    - {clean_line(str(reason))}"))
    for name, url in s.attempts + s.links:
        console.print(Text(f"  {name}: {url}"))
    if s.answers_path:
        console.print(Text(f"  answers: {s.answers_path}"))
    console.print(Text(f"  next: {clean_line(s.next_step)}"))


# -- files --------------------------------------------------------------------------------------------------------
def check_summary_path(path: Path | None) -> None:
    """Refuse (InputError, exit 2) a --summary path that cannot be written, before the run writes anything."""
    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise InputError(f"--summary {path} is a directory", "give the path of a file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--summary {path}: the directory {parent} does not exist", "create it or choose another path")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"--summary {path} is not writable", "choose a path you can write to")


def write_summary(s: RunSummary, path: Path | None, err: TextIO, environ: dict[str, str] | None = None) -> None:
    """Write the Markdown to `path` (atomically) and append it to $GITHUB_STEP_SUMMARY when set. A failure here
    comes after the run's work is done: it is said on one line and does not change the exit code."""
    from wizard.fsutil import atomic_write_text

    text = to_markdown(s)
    env = os.environ if environ is None else environ
    if path is not None:
        try:
            atomic_write_text(Path(path), text)
        except OSError as exc:
            print(f"error: could not write the summary to {path}: {exc.strerror}", file=err)
    step_summary = env.get(STEP_SUMMARY_ENV)
    if step_summary:
        try:
            with open(step_summary, "a", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError as exc:
            print(f"error: could not append the summary to ${STEP_SUMMARY_ENV}: {exc.strerror}", file=err)


def last_verdict(events: list[object]) -> VerdictReady | None:
    from wizard.engine.events import VerdictReady

    found = [e for e in events if isinstance(e, VerdictReady)]
    return found[-1] if found else None
