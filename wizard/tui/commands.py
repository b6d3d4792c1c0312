"""The command palette (Ctrl+P): jump to a step, re-run validation, open the PR or a run, copy the caller workflow,
its diff or the run URLs, toggle dark mode."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from wizard.tui.model import LABELS, STEP_NAMES

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp


class WizardCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("WizardApp", self.app)  # Textual types a provider's app as App[object]
        commands: list[tuple[str, str, Callable[[], object]]] = []
        for number, name in enumerate(STEP_NAMES, start=1):
            if app.journey.reachable(name):
                commands.append((f"Go to step {number}: {LABELS[name]}", f"show the {LABELS[name].lower()} step", partial(app.goto, name)))
        commands.append(("Re-run validation", "build twice again and judge the layer cache", app.rerun_validation))
        current = app.current_run_url()
        if current:
            commands.append(("Open the current build's run in a browser", current, app.open_current_run))
        for key, url in app.links().items():
            what = "the pull request" if key == "pull" else f"the validation run ({key})"
            commands.append((f"Open {what} in a browser", url, partial(app.open_link, url)))
        for title, help_text, text in app.copyable():
            commands.append((title, help_text, partial(app.copy_text, title.removeprefix("Copy "), text)))
        commands.append(("Toggle dark mode", "switch between the light and the dark theme", app.action_toggle_dark))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
