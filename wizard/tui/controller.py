"""Runs the engine in Textual thread workers and reports back with typed messages.

One lock serialises every engine call (checks, applies and the answers edits that precede a check), so the
session is only ever touched by one worker at a time. Closing the app sets `cancelled`: the port and the emit
callback then raise Interrupted, so a polling build loop stops at its next request instead of holding the exit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from wizard.engine.guarded_port import GuardedPort
from wizard.errors import WizardError
from wizard.tui.messages import ApplyDeclined, ApplyFinished, CheckFinished, EngineEvent, SessionFailed, SessionReady, StepFailed
from wizard.tui.questioner import Interrupted, TuiQuestioner

if TYPE_CHECKING:
    from textual.app import App

    from wizard.engine.events import Change, Event
    from wizard.engine.session import Session

SessionFactory = Callable[[TuiQuestioner, Callable[["Event"], None]], "Session"]


class EngineController:
    def __init__(self, app: App[Any], factory: SessionFactory, questioner: TuiQuestioner) -> None:
        self.app = app
        self.factory = factory
        self.questioner = questioner
        self.session: Session | None = None
        self.engine: Any = None
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        # Answers edits, in the order the user made them. The lock does not wake waiting workers in order, so
        # each worker puts every edit queued so far into the plan: an older value never lands after a newer one.
        self._edits_lock = threading.Lock()
        self._edits: list[dict[str, Any]] = []

    # -- started on the UI thread ------------------------------------------------------------------------------
    def start(self) -> None:
        self._run(self._build, "session")

    def check(
        self,
        step: str,
        seq: int,
        edits: dict[str, Any] | None = None,
        *,
        then_apply: bool = False,
        options: dict[str, Any] | None = None,
        recheck: list[tuple[str, int]] | None = None,
    ) -> None:
        """Check `step` after putting `edits` into the plan and `options` into the session's Options; first check
        and apply again the earlier steps in `recheck` (name, check seq) that read the edited answers."""
        if edits:
            with self._edits_lock:
                self._edits.append(dict(edits))
        work = partial(self._check, step, seq, then_apply, dict(options or {}), list(recheck or ()))
        self._run(work, f"check {step}")

    def apply(self, step: str, changes: list[Change]) -> None:
        self._run(partial(self._apply, step, list(changes)), f"apply {step}")

    def cancel(self) -> None:
        self.cancelled.set()
        self.questioner.cancel_all()

    def _run(self, work: Callable[[], None], name: str) -> None:
        self.app.run_worker(work, name=name, group="engine", thread=True, exit_on_error=False)

    # -- worker threads ----------------------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if self.cancelled.is_set():
            raise Interrupted()
        self.app.post_message(EngineEvent(event))

    def _build(self) -> None:
        try:
            session = self.factory(self.questioner, self.emit)
            session.port = GuardedPort(session.port, self.cancelled, Interrupted)
            from wizard.engine.runner import Engine  # the steps load here, after the first frame

            engine = Engine(session)
        except Exception as exc:  # noqa: BLE001 - every failure is shown in the error modal
            self.app.post_message(SessionFailed(exc))
            return
        self.session, self.engine = session, engine
        self.app.post_message(SessionReady(engine))

    def _queued_edits(self) -> dict[str, Any]:
        """Every edit not yet in the plan, oldest first, merged: the newest value of each answer wins."""
        with self._edits_lock:
            queued, self._edits = self._edits, []
        merged: dict[str, Any] = {}
        for edit in queued:
            merged.update(edit)
        return merged

    def _check(self, step: str, seq: int, then_apply: bool, options: dict[str, Any], recheck: list[tuple[str, int]]) -> None:
        try:
            with self._lock:
                assert self.session is not None
                edits = self._queued_edits()
                if edits:
                    self.engine.edit(edits)
                for key, value in options.items():
                    setattr(self.session.options, key, value)
                for earlier, earlier_seq in recheck:
                    self._recheck(earlier, earlier_seq)
                changes = self.engine.check(self.engine.step(step))
        except Exception as exc:  # noqa: BLE001
            self.app.post_message(StepFailed(step, "check", exc, seq))
            return
        self.app.post_message(CheckFinished(step, seq, changes, then_apply))

    def _recheck(self, step: str, seq: int) -> None:
        """Check and apply an earlier step again (under the lock); its failure is the edited step's."""
        engine_step = self.engine.step(step)
        changes = self.engine.check(engine_step)
        self.app.post_message(CheckFinished(step, seq, changes, False))
        self.app.post_message(ApplyFinished(step, self.engine.apply(engine_step, changes)))

    def _apply(self, step: str, changes: list[Change]) -> None:
        from wizard.engine.runner import Cancelled

        try:
            with self._lock:
                done = self.engine.apply(self.engine.step(step), changes)
        except Cancelled:
            self.app.post_message(ApplyDeclined(step))
            return
        except Exception as exc:  # noqa: BLE001
            self.app.post_message(StepFailed(step, "apply", exc))
            return
        self.app.post_message(ApplyFinished(step, done))


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """(message, hint) for the error modal. Engine errors carry both; anything else is named by its type."""
    if isinstance(error, WizardError):
        return error.message, error.hint
    return f"unexpected {type(error).__name__}: {error}", "this is a bug in brik-onboard: please report it with the steps that led here"
