"""`fleet apply --tui`: the fleet run full screen (wizard/tui/fleet_screen.py).

The run goes in a thread worker, which posts each of its events as a typed message (wizard/tui/fleet_messages.py);
the app hands them to the screen. Quitting before the end asks first and says what a re-run does; a yes stops the
run (no repository starts, those in progress stop at their next request, their progress kept) and the app closes
once it has stopped. When the screen is gone, the totals stay in the terminal, as with the other faces.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from wizard.errors import EXIT_INTERRUPTED
from wizard.text.fleet_text import repositories, text_totals
from wizard.tui.colors import readable_light_theme
from wizard.tui.fleet_messages import FleetChanged, RunFailed, RunFinished
from wizard.tui.fleet_screen import FleetScreen

if TYPE_CHECKING:
    from wizard.core.pacing import Pacer
    from wizard.engine.fleet import FleetEvent, FleetResult, FleetRunner

Start = Callable[[Callable[["FleetEvent"], None]], "FleetRunner"]


class FleetApp(App[int]):
    CSS_PATH = ["dialogs.tcss", "fleet.tcss"]
    TITLE = "brik-onboard fleet"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True), Binding("q", "quit", "Quit", show=False)]

    def __init__(self, start: Start, *, title: str, state_path: Path | None) -> None:
        super().__init__()
        self.ansi_theme_light = readable_light_theme()
        self.sub_title = "many repositories, paced to GitHub's limits"
        self.start, self.state_path = start, state_path
        self.fleet_screen = FleetScreen(title=title)
        self.runner: FleetRunner | None = None
        self.result: FleetResult | None = None  # set by the worker when the run returns
        self.error: BaseException | None = None
        self.ended = threading.Event()  # the run returned (or failed): set by the worker thread
        self.stop_asked = False

    def get_default_screen(self) -> FleetScreen:
        return self.fleet_screen

    def on_mount(self) -> None:
        # The run starts once the screen is on: its first events fill the table.
        self.call_after_refresh(self.run_worker, self._run, name="fleet", group="fleet", thread=True, exit_on_error=False)

    # -- the worker thread --------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            runner = self.start(self._emit)
            self.runner = runner
            if self.stop_asked:  # asked before the runner existed
                runner.stop()
            result = runner.run()
        except Exception as exc:  # noqa: BLE001 - the CLI says it once the screen is gone
            self.error = exc
            self.ended.set()
            self.post_message(RunFailed(exc))
            return
        self.result = result
        self.ended.set()
        self.post_message(RunFinished(result))

    def _emit(self, event: FleetEvent) -> None:
        self.post_message(FleetChanged(event))

    # -- its messages, on the UI thread -------------------------------------------------------------------------
    def on_fleet_changed(self, message: FleetChanged) -> None:
        self.fleet_screen.show(message.event)

    def on_run_finished(self, message: RunFinished) -> None:
        if self.stop_asked:
            self.exit(EXIT_INTERRUPTED, return_code=EXIT_INTERRUPTED)
            return
        self.fleet_screen.set_status("Finished. Ctrl+Q (or q) closes this screen; the totals stay in the terminal.")

    def on_run_failed(self, message: RunFailed) -> None:
        code = getattr(message.error, "exit_code", 1)
        self.exit(code, return_code=code)

    # -- quitting -----------------------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        from wizard.tui.screens.modals import QuitModal

        if self.ended.is_set():
            self._close()
            return
        if self.stop_asked:
            self.exit(EXIT_INTERRUPTED, return_code=EXIT_INTERRUPTED)  # asked twice: close now; the workers stop at their next request
            return
        if isinstance(self.screen, QuitModal):
            return
        progress = self.fleet_screen.progress
        running = f"{repositories(progress.running)} in progress, {progress.queued} not started yet." if progress else ""
        where = f" in {self.state_path}" if self.state_path else ""
        self.push_screen(
            QuitModal(
                running or "The run has not started yet.",
                f"What is done is kept{where}: run the same command again and it resumes, skipping the repositories "
                "already done and going on with the others, with no second branch, pull request or build.",
                title="Stop the fleet run?",
            ),
            self._answered,
        )

    def _close(self) -> None:
        code = self.result.exit_code if self.result is not None else EXIT_INTERRUPTED
        self.exit(code, return_code=code)

    def _answered(self, quit_now: bool | None) -> None:
        if not quit_now:
            return
        if self.ended.is_set():  # it finished while the question was open
            self._close()
            return
        self.stop_asked = True
        if self.runner is not None:
            self.runner.stop()
        self.fleet_screen.set_status(
            "Stopping: the repositories in progress stop at their next request to GitHub… (Ctrl+Q again: close now)"
        )


def create_fleet_app(start: Start, *, title: str, state_path: Path | None) -> FleetApp:
    """The one way to make the fleet app: `start(emit)` builds the runner in the app's worker."""
    return FleetApp(start, title=title, state_path=state_path)


class TuiFace:
    """The fleet face for `--tui`: the app while the run goes on, then the totals in the terminal."""

    def __init__(self, *, total: int, state_path: Path | None, title: str) -> None:
        self.total, self.state_path, self.title = total, state_path, title

    def run(self, start: Start) -> FleetResult:
        app = create_fleet_app(start, title=self.title, state_path=self.state_path)
        app.run()
        if not app.ended.is_set():
            print("stopping: the repositories in progress stop at their next request to GitHub…", file=sys.stderr, flush=True)
            app.ended.wait()
        if app.error is not None:
            raise app.error
        assert app.result is not None
        return app.result

    def totals(self, result: FleetResult, pacer: Pacer, *, planned: bool) -> None:
        text_totals(result, pacer, planned=planned, out=sys.stdout)
