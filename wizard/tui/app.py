"""The Textual wizard: one app factory for the CLI, the demo and the tests.

The app holds the model (Journey) and navigates; the EngineController runs every engine call in a thread
worker and answers with typed messages; the screens render the model. Nothing is applied until the user
confirms a step's writes (the engine asks through the TuiQuestioner, which opens a modal).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import ModalScreen

from wizard.engine.step_info import STEP_INFO
from wizard.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_VALIDATION_FAILED
from wizard.tui.colors import readable_light_theme
from wizard.tui.controller import EngineController, SessionFactory
from wizard.tui.handlers import WorkerMessages
from wizard.tui.model import APPLYING, CHECKING, DONE, FAILED, LABELS, PENDING, READY, STEP_NAMES, Journey, Move, next_move
from wizard.tui.outputs import Outputs
from wizard.tui.questioner import TuiQuestioner
from wizard.tui.screens import make_screen
from wizard.tui.screens.base import StepScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from wizard.engine.events import Event
    from wizard.text.run_summary import RunSummary


def wizard_commands() -> type[Provider]:
    from wizard.tui.commands import WizardCommands  # loaded when the palette first opens

    return WizardCommands


KEYS = [
    ("Ctrl+N", "next: review and apply this step, or go on"),
    ("Enter", "the same as Ctrl+N when no field has the focus"),
    ("Ctrl+B", "back to the previous step"),
    ("Ctrl+R", "check this step again"),
    ("Ctrl+P", "commands: jump to a step, re-run validation, open links, dark mode"),
    ("O", "open the current build's run in a browser (validation step)"),
    ("Tab", "next field"),
    ("F1", "this help"),
    ("Ctrl+Q", "quit (asks first while something is being written, or typed answers are not sent yet)"),
]


class WizardApp(WorkerMessages, Outputs, App[int]):
    CSS_PATH = ["wizard.tcss", "dialogs.tcss"]  # the dialogs' styles are shared with the fleet screen
    TITLE = "brik-onboard"
    COMMANDS = App.COMMANDS | {wizard_commands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+b", "back", "Back"),
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+r", "recheck", "Re-check"),
    ]

    def __init__(self, session_factory: SessionFactory, *, sub_title: str = "", demo_registry_pat: str | None = None) -> None:
        super().__init__()
        # The demo's sandbox accepts this registry PAT (a fake it made): the secrets screen offers to fill it in.
        self.demo_registry_pat = demo_registry_pat
        self.ansi_theme_light = readable_light_theme()
        self.sub_title = sub_title or "onboard a repository to the org's Kaniko build"
        self.journey = Journey()
        self.questioner = TuiQuestioner()
        self.controller = EngineController(self, session_factory, self.questioner)
        self.event_log: list[Event] = []  # every engine event, in order (tests and the quit message read it)
        self._step_screens: dict[str, StepScreen] = {}
        self._pending_nav: str | None = None
        self.edited_steps: set[str] = set()  # steps whose answers the user changed in this run
        self.summary: RunSummary | None = None  # the result, set when the wizard closes (run_wizard prints it)

    def get_default_screen(self) -> StepScreen:
        return self._screen("connect")  # the first frame is the first step, not an empty default screen

    def on_mount(self) -> None:
        self.questioner.attach(self.post_message)
        # The session (PyGithub, the engine's steps) loads in a worker, once the first frame is on screen: an
        # import holds the GIL, so starting it earlier would slow the first paint. (The demo's sandbox runs in
        # its own process, started before this app: see wizard/app/demo.py.)
        self.call_after_refresh(self.controller.start)

    def on_unmount(self) -> None:
        # However the app ends (a crash, a failing test, not only close_wizard): a worker waiting on an open
        # question wakes up with Interrupted instead of holding the process.
        self.controller.cancel()

    # -- model helpers ----------------------------------------------------------------------------------------
    def plan(self) -> Any:
        assert self.controller.session is not None
        return self.controller.session.plan

    def links(self) -> dict[str, str]:
        return dict(self.controller.session.links) if self.controller.session else {}

    def _screen(self, name: str) -> StepScreen:
        if name not in self._step_screens:
            screen = make_screen(name)
            self.install_screen(screen, name)
            self._step_screens[name] = screen
        return self._step_screens[name]

    def render_step(self, name: str) -> None:
        try:
            if name in self._step_screens:
                self._step_screens[name].render_state(self.journey[name])
            if isinstance(self.screen, StepScreen) and self.screen.step != name:
                self.screen.render_state(self.journey[self.screen.step])  # its step list shows every step's status
        except NoMatches:
            pass  # a worker's message arrived while the app is closing and its screens are being taken down

    # -- navigation -------------------------------------------------------------------------------------------
    def goto(self, name: str, *, check_options: dict[str, Any] | None = None) -> None:
        if not self.journey.reachable(name):
            self.notify(f"Finish the {LABELS[self.journey.frontier()]} step first.", severity="warning")
            return
        self.journey.current = name
        if check_options is not None or (self.journey[name].status == PENDING and self.controller.engine is not None):
            self.check_step(name, options=check_options)
        if isinstance(self.screen, ModalScreen):
            self._pending_nav = name  # shown when the dialog closes (see screen_resumed)
            return
        self._show(name)

    def _show(self, name: str) -> None:
        screen = self._screen(name)
        if self.screen is screen:
            return
        # The connect screen is the default screen, at the bottom of the stack; one step screen sits above it.
        if screen in self.screen_stack:
            self.pop_screen()
        elif len(self.screen_stack) == 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def screen_resumed(self, screen: StepScreen) -> None:
        pending, self._pending_nav = self._pending_nav, None
        if pending is not None and pending != screen.step:
            self._show(pending)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "back", "recheck", "help") and isinstance(self.screen, ModalScreen):
            return False  # the dialog answers first
        return True

    async def action_back(self) -> None:
        previous = self.journey.previous_of(self.journey.current)
        if previous is not None:
            self.goto(previous)

    def action_next(self) -> None:
        name = self.journey.current
        st = self.journey[name]
        screen = self._step_screens.get(name)
        # The status line reads the same decision (StepScreen.next_move), so it never promises another move.
        move = (
            screen.next_move(st)
            if screen is not None
            else next_move(st, connected=self.controller.engine is not None, problem=None, unsent=False)
        )
        if move == Move.CONNECTING:
            self.notify("Still connecting…" if st.status != FAILED else "Ctrl+R tries to connect again.")
        elif move in (Move.BUSY, Move.CONFIRM):
            self.notify("Still working on this step…")
        elif move == Move.FIX and screen is not None:
            self.notify(screen.problem() or "", severity="warning")
        elif move == Move.SEND and screen is not None and (edits := screen.pending_edits()) is not None:
            self.edit_step(name, edits, then_apply=True)
        elif move == Move.WAIT_CHECK:
            st.apply_when_checked = True
        elif move in (Move.APPLY, Move.CONTINUE):
            self.apply_step(name)
        elif move == Move.LEAVE:
            nxt = self.journey.next_of(name)
            self.close_wizard() if nxt is None else self.goto(nxt)
        else:
            self.check_step(name)

    def action_recheck(self) -> None:
        name = self.journey.current
        if self.controller.session is None:
            if self.journey["connect"].status == FAILED:
                self.journey["connect"].status = PENDING
                self.render_step("connect")
                self.controller.start()
            return
        if self.journey[name].status != APPLYING:
            self.questioner.forget_choices()
            self.check_step(name)

    def action_help(self) -> None:
        from wizard.tui.screens.modals import HelpModal

        info = STEP_INFO[self.journey.current]
        self.push_screen(HelpModal(info.title, info.help, KEYS))

    def rerun_validation(self) -> None:
        if self.journey.busy():
            self.notify(f"Wait for the {LABELS[self.journey.busy() or '']} step to finish.", severity="warning")
            return
        if not self.journey.reachable("validate") or self.controller.engine is None:
            self.notify("The caller workflow must be delivered before a validation build.", severity="warning")
            return
        for name in ("validate", "summary"):
            if self.journey[name].status in (DONE, READY, FAILED):
                self.journey[name].status = PENDING
        self.journey.finished = False
        self.goto("validate", check_options={"force_validation": True})

    # -- engine calls -----------------------------------------------------------------------------------------
    def check_step(
        self,
        name: str,
        edits: dict[str, Any] | None = None,
        *,
        then_apply: bool = False,
        options: dict[str, Any] | None = None,
        recheck: list[tuple[str, int]] | None = None,
    ) -> None:
        seq = self._next_seq(name)
        self.journey[name].apply_when_checked = False
        self.controller.check(name, seq, edits, then_apply=then_apply, options=options, recheck=recheck)
        self.render_step(name)

    def edit_step(self, name: str, edits: dict[str, Any], *, then_apply: bool = False) -> None:
        """The user changed answers of `name`: they go into the plan, and the steps that read them (the engine says
        which) are checked again. Earlier steps among them (the preflight, after a scope or delivery change) are
        checked and applied again first, in the same worker, so the user never has to go back for them."""
        self.edited_steps.add(name)  # kept only in the plan until the answers file is written at the end
        readers = self.controller.engine.stale_after(edits) if self.controller.engine is not None else []
        stale = self.journey.invalidate_after_edit(name, readers)
        earlier = [(s, self._next_seq(s)) for s in stale if self.journey.index(s) < self.journey.index(name)]
        for step in stale:
            self.render_step(step)
        self.check_step(name, edits, then_apply=then_apply, recheck=earlier)

    def _next_seq(self, name: str) -> int:
        st = self.journey[name]
        st.check_seq += 1
        st.status = CHECKING
        return st.check_seq

    def apply_step(self, name: str) -> None:
        st = self.journey[name]
        st.status = APPLYING
        st.start_apply()
        self.controller.apply(name, st.changes)
        self.render_step(name)

    # -- leaving ----------------------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        from wizard.tui.screens.modals import ConfirmModal, QuitModal

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.close_wizard()

        busy = self.journey.busy()
        if busy is None or isinstance(self.screen, ConfirmModal):
            # nothing in flight (a confirmation is open: nothing of that step is written yet)
            screen = self._step_screens.get(self.journey.current)
            if busy is None and not isinstance(self.screen, QuitModal):
                if screen is not None and screen.unsaved():
                    label = LABELS[screen.step]
                    self.push_screen(
                        QuitModal(
                            f"What you typed on the {label} step is not checked or saved yet.",
                            "Quit (y) drops it; Stay (n) takes you back to finish it.",
                            title=f"Discard your changes to {label}?",
                        ),
                        answered,
                    )
                    return
                if self.edited_steps and not self.journey.finished:
                    # Sent to the plan, but the answers file a re-run starts from is written only at the end.
                    labels = ", ".join(LABELS[n] for n in STEP_NAMES if n in self.edited_steps)
                    self.push_screen(
                        QuitModal(
                            f"The answers you changed ({labels}) are not saved yet: the answers file is written at the end.",
                            "Quit (y) drops them (what was already applied on GitHub stays); Stay (n) goes on.",
                            title="Discard your changed answers?",
                        ),
                        answered,
                    )
                    return
            self.close_wizard()
            return
        running, resume = self._in_flight(busy)
        self.push_screen(QuitModal(running, resume), answered)

    def _in_flight(self, step: str) -> tuple[str, str]:
        session = self.controller.session
        run_id = session.state.run_id if session is not None else None
        if step == "validate":
            run = f" (run {run_id})" if run_id else ""
            return (
                f"The validation build{run} is running on GitHub.",
                "It keeps running there. The progress file remembers the run: run brik-onboard again and it resumes "
                "waiting for this build instead of starting another.",
            )
        return (
            f"The {LABELS[step]} step is writing to GitHub right now.",
            "What it finished is kept; run brik-onboard again and it checks again and completes only what is missing.",
        )

    def close_wizard(self) -> None:
        code, message = self.outcome()
        self.summary = self.result_summary(message)
        self.controller.cancel()
        # No exit message: run_wizard prints the summary, which carries it, once the screen is gone.
        self.exit(code, return_code=code)

    def outcome(self) -> tuple[int, str | None]:
        """The exit code (0 done or paused for a merge, 1 validation failed, 130 quit early) and, for a quit, what
        was kept."""
        session = self.controller.session
        if self.journey.finished and session is not None:
            return (EXIT_VALIDATION_FAILED if session.verdict_passed is False else EXIT_OK), None
        if session is None or self.controller.engine is None:
            return EXIT_INTERRUPTED, "brik-onboard stopped before connecting: no changes were made"
        from wizard.engine.runner import Cancelled

        stopped = Cancelled(self.journey.current, session.applied)  # the engine's own words for where a run stopped
        return EXIT_INTERRUPTED, stopped.message + (f"; {stopped.hint}" if stopped.hint else "")

    def result_summary(self, stopped: str | None) -> RunSummary:
        from wizard.text.run_summary import last_verdict, not_connected_summary, summary_from_session

        session = self.controller.session
        if session is None or self.controller.engine is None:
            return not_connected_summary(stopped or "brik-onboard stopped before connecting: no changes were made")
        return summary_from_session(session, last_verdict(list(self.event_log)), stopped=stopped)


def create_app(session_factory: SessionFactory, *, sub_title: str = "", demo_registry_pat: str | None = None) -> WizardApp:
    """The one way to make the wizard: `session_factory(questioner, emit)` builds the engine Session in a worker."""
    return WizardApp(session_factory, sub_title=sub_title, demo_registry_pat=demo_registry_pat)


def run_wizard(
    session_factory: SessionFactory, *, sub_title: str = "", demo_registry_pat: str | None = None, summary_file: Path | None = None
) -> int:
    """Run the wizard full screen, then print its summary where the screen was (and write it to `summary_file`,
    and $GITHUB_STEP_SUMMARY when set).

    Exit codes: 0 done, or paused until a pull request is merged (the summary says what to do next);
    1 validation failed; 130 quit before the end (Ctrl+Q: before connecting, before any write, or after some,
    the summary says what was kept)."""
    import sys

    from wizard.text.run_summary import print_summary, write_summary

    app = create_app(session_factory, sub_title=sub_title, demo_registry_pat=demo_registry_pat)
    result = app.run()
    if app.summary is not None:
        print_summary(app.summary, sys.stdout)
        write_summary(app.summary, summary_file, sys.stderr)
    return result if isinstance(result, int) else (app.return_code or 0)
