"""Summary: every change made, the links (PR, runs), the verdict, and where the answers file went."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from wizard.engine.results import SummaryResult
from wizard.tui.model import StepState
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.facts import FactList


def shown_path(path: str) -> str:
    """A path as the user would type it: relative to the current directory when it is inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd().resolve()) else path
    except (OSError, ValueError):
        return path


def applied_text(applied: list[str]) -> Text:
    text = Text("Changed in this run\n", style="bold")
    for summary in applied:
        text.append("  ✔ ", "green")
        text.append(f"{summary}\n", "")
    if not applied:
        text.append("  nothing: it was already onboarded\n", "dim")
    text.rstrip()
    return text


class SummaryScreen(StepScreen):
    step = "summary"

    def compose_body(self) -> ComposeResult:
        yield Static(id="applied")
        yield Static("Links", id="links-title", classes="section-title")
        yield FactList(id="links")
        yield FactList(id="outcome")
        yield Static(id="paused", classes="warnings")

    def changes_visible(self, st: StepState) -> bool:
        return st.done is None  # once done, "Changed in this run" says it all

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        r = st.done.result if st.done is not None and isinstance(st.done.result, SummaryResult) else None
        applied = self.query_one("#applied", Static)
        applied.display = st.done is not None
        applied.update(applied_text(list(r.applied) if r else []))
        links = r.links if r else {}
        self.query_one("#links-title").display = bool(links)
        self.query_one("#links", FactList).show((label, Text(url, style=f"link {url}")) for label, url in links.items())
        shown = None if r is None else self.verdict_text(r.verdict_passed)
        answers = r.answers_path if r else None
        self.query_one("#outcome", FactList).show(
            [
                ("Validation", shown),
                ("Answers file", f"{shown_path(answers)} (no secret values; a re-run starts from it)" if answers else None),
            ]
        )
        paused = self.query_one("#paused", Static)
        paused.display = bool(r and r.paused)
        paused.update(Text(f"⏸ {r.paused if r and r.paused else ''}"))

    def verdict_text(self, passed: bool | None) -> Text:
        if passed is None:
            return Text("not run", "yellow")
        text = Text("PASS" if passed else "FAIL", "bold green" if passed else "bold red")
        verdict = self.wizard.journey["validate"].verdict
        f = verdict.facts if verdict is not None else None
        if f is not None and f.attempt1_s is not None and f.attempt2_s is not None:
            text.append(f"  attempt 1 {f.attempt1_s:.0f}s, attempt 2 {f.attempt2_s:.0f}s")
            if f.saving_s is not None:
                # On a line of its own: where a long line wraps must not depend on how many digits the times have.
                text.append(f"\nsaved {f.saving_s:.0f}s")
        return text

    def next_label(self, st: StepState) -> str:
        return "finish"
