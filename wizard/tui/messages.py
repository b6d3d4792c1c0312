"""Typed messages the engine's worker threads post to the app (Textual's `post_message` is thread-safe).

Workers never touch widgets: they post one of these, and the app updates its model and the screens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from wizard.engine.events import Change, Event, StepDone
    from wizard.tui.questioner import Question


class EngineEvent(Message):
    """An event the engine emitted, forwarded as is."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class SessionReady(Message):
    """The session (token, port, answers) is built and the engine loaded."""

    def __init__(self, engine: Any) -> None:
        super().__init__()
        self.engine = engine


class SessionFailed(Message):
    """The session could not be built (no token, bad answers file, unreachable API...)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class CheckFinished(Message):
    """A step's check came back with the changes it would make."""

    def __init__(self, step: str, seq: int, changes: list[Change], then_apply: bool) -> None:
        super().__init__()
        self.step = step
        self.seq = seq
        self.changes = changes
        self.then_apply = then_apply


class ApplyFinished(Message):
    def __init__(self, step: str, done: StepDone) -> None:
        super().__init__()
        self.step = step
        self.done = done


class ApplyDeclined(Message):
    """The user answered no to the step's confirmation: nothing of this step was applied."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step


class StepFailed(Message):
    """A check or an apply raised; `error` is usually a WizardError (message + hint)."""

    def __init__(self, step: str, phase: str, error: BaseException, seq: int | None = None) -> None:
        super().__init__()
        self.step = step
        self.phase = phase  # "check" or "apply"
        self.error = error
        self.seq = seq


class QuestionAsked(Message):
    """The engine asks something mid-step; its worker thread waits until the question is answered."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
