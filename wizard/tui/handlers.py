"""The app's side of the worker messages: update the model, re-render, move on, or show what went wrong.

A mixin of WizardApp (Textual finds `on_<message>` handlers along the class's MRO), kept apart from the
navigation and the keys so each file reads on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.tui.controller import describe_error
from wizard.tui.model import DONE, FAILED, LABELS, PENDING, READY
from wizard.tui.questioner import ChoiceQuestion, ConfirmQuestion, Interrupted, SecretQuestion

if TYPE_CHECKING:
    from textual.app import App

    from wizard.engine.events import Event
    from wizard.tui.controller import EngineController
    from wizard.tui.messages import (
        ApplyDeclined,
        ApplyFinished,
        CheckFinished,
        EngineEvent,
        QuestionAsked,
        SessionFailed,
        SessionReady,
        StepFailed,
    )
    from wizard.tui.model import Journey

    class _AppPart(App[int]):
        """What the handlers use of WizardApp (wizard/tui/app.py), for mypy only: `self: WizardApp` is refused,
        as WizardApp is a subclass of this mixin, not a base."""

        journey: Journey
        event_log: list[Event]
        controller: EngineController

        def render_step(self, name: str) -> None: ...
        def check_step(self, name: str) -> None: ...
        def apply_step(self, name: str) -> None: ...
        def goto(self, name: str) -> None: ...

else:
    _AppPart = object


class WorkerMessages(_AppPart):
    def on_session_ready(self, message: SessionReady) -> None:
        self.render_step("connect")
        if self.journey.current == "connect":
            self.check_step("connect")

    def on_session_failed(self, message: SessionFailed) -> None:
        self._failed("connect", "could not start", message.error)

    def on_engine_event(self, message: EngineEvent) -> None:
        from wizard.engine.events import BuildUpdate, Progress, StepChecked, StepDone, StepStarted, StepWarning, VerdictReady

        event = message.event
        self.event_log.append(event)
        st = self.journey[event.step]
        if isinstance(event, StepStarted):
            st.start_check()
        elif isinstance(event, StepChecked):
            st.result, st.changes = event.result, list(event.changes)
        elif isinstance(event, StepWarning):
            st.warnings.append(event)
        elif isinstance(event, Progress):
            st.progress.append(event.message)
        elif isinstance(event, BuildUpdate):
            st.builds[event.attempt] = event
        elif isinstance(event, VerdictReady):
            st.verdict = event
        elif isinstance(event, StepDone):
            st.done = event
        self.render_step(event.step)

    def on_check_finished(self, message: CheckFinished) -> None:
        st = self.journey[message.step]
        if message.seq != st.check_seq:
            return  # an older check: the answers changed since
        st.changes, st.status = list(message.changes), READY
        self.render_step(message.step)
        if (message.then_apply or st.apply_when_checked) and self.journey.current == message.step:
            self.apply_step(message.step)

    def on_apply_finished(self, message: ApplyFinished) -> None:
        name = message.step
        st = self.journey[name]
        st.done = message.done
        st.status = PENDING if st.stale else DONE
        st.stale = False
        if name == "summary":
            self.journey.finished = True
        self.render_step(name)
        if name not in ("validate", "summary") and self.journey.current == name and st.status == DONE:
            nxt = self.journey.next_of(name)
            if nxt is not None:
                self.goto(nxt)

    def on_apply_declined(self, message: ApplyDeclined) -> None:
        self.journey[message.step].status = READY
        self.render_step(message.step)
        self.notify("Nothing was applied. Ctrl+N shows the changes again.")

    def on_step_failed(self, message: StepFailed) -> None:
        st = self.journey[message.step]
        if message.phase == "check" and message.seq != st.check_seq:
            return
        if isinstance(message.error, Interrupted) and self.controller.cancelled.is_set():
            return  # closing: not an error
        self._failed(message.step, f"{message.phase} failed", message.error)

    def _failed(self, name: str, what: str, error: BaseException) -> None:
        from wizard.tui.screens.modals import ErrorModal

        text, hint = describe_error(error)
        st = self.journey[name]
        st.status, st.error, st.stale = FAILED, text, False
        self.render_step(name)
        self.push_screen(ErrorModal(f"{LABELS[name]}: {what}", text, hint))

    def _confirming(self, step: str, asking: bool) -> None:
        if step in self.journey.steps:
            self.journey[step].confirming = asking
            self.render_step(step)

    def on_question_asked(self, message: QuestionAsked) -> None:
        from wizard.tui.screens.modals import ChoiceModal, ConfirmModal, SecretModal

        q = message.question
        if isinstance(q, ConfirmQuestion):
            self._confirming(q.step, True)

            def answered(value: bool | None, step: str = q.step) -> None:
                self._confirming(step, False)
                q.answer(value)

            kept = [c.summary for c in self.journey[q.step].changes if not c.is_write] if q.step in self.journey.steps else []
            self.push_screen(ConfirmModal(f"Apply the {LABELS.get(q.step, q.step)} step?", q.summary, kept), answered)
        elif isinstance(q, ChoiceQuestion) and q.choice is not None:
            self.push_screen(ChoiceModal(q.choice), q.answer)
        elif isinstance(q, SecretQuestion):
            self.push_screen(SecretModal(q.name, q.prompt), q.answer)
