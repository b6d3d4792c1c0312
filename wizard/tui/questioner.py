"""The TUI's Questioner: called on the engine's worker thread, it posts a question to the app and blocks that
thread until the UI answers (a modal) or the app closes. Never call it on the UI thread: it would wait forever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from wizard.engine.questions import Recovery
from wizard.errors import InputError, WizardError
from wizard.tui.messages import QuestionAsked

if TYPE_CHECKING:
    from wizard.core.plan import Plan
    from wizard.engine.questions import Choice
    from wizard.engine.questions import Question as EngineQuestion


class Interrupted(WizardError):
    """The wizard was closed while the engine was working or waiting for an answer."""

    def __init__(self, what: str = "the wizard was closed") -> None:
        super().__init__(what, "run brik-onboard again: finished steps are kept and the run resumes")


@dataclass(eq=False)
class Question:
    """One question in flight. The UI calls `answer`; the waiting worker thread wakes up."""

    _event: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _answer: object = field(default=None, init=False, repr=False)
    _cancelled: bool = field(default=False, init=False, repr=False)

    def answer(self, value: object) -> None:
        self._answer = value
        self._event.set()

    def cancel(self) -> None:
        self._cancelled = True
        self._event.set()

    def wait(self) -> object:
        self._event.wait()
        if self._cancelled:
            raise Interrupted("the wizard was closed while a question was open")
        return self._answer


@dataclass(eq=False, repr=False)
class ConfirmQuestion(Question):
    step: str = ""
    summary: str = ""


@dataclass(eq=False, repr=False)
class ChoiceQuestion(Question):
    choice: Choice | None = None


@dataclass(eq=False, repr=False)
class SecretQuestion(Question):
    name: str = ""
    prompt: str = ""


class TuiQuestioner:
    """Thread-safe: the UI thread provides secret values and answers; worker threads ask."""

    def __init__(self, post: Callable[[Message], bool] | None = None) -> None:
        self._post = post
        self._lock = threading.Lock()
        self._pending: set[Question] = set()
        self._secrets: dict[str, str] = {}
        self._asked: set[str] = set()  # secrets whose value a dialog asked for (not a screen's own input)
        self._choices: dict[str, str] = {}
        self._closed = False

    def attach(self, post: Callable[[Message], bool]) -> None:
        self._post = post

    # -- the UI thread's side ----------------------------------------------------------------------------------
    def provide_secret(self, name: str, value: str) -> None:
        """A value typed in a masked input: handed to the engine when it asks, never shown again."""
        with self._lock:
            if value:
                self._secrets[name] = value
            else:
                self._secrets.pop(name, None)

    def has_secret(self, name: str) -> bool:
        with self._lock:
            return name in self._secrets

    def forget_choices(self) -> None:
        """Ask keep/replace again on the next check (an explicit re-check), and the values asked in a dialog (a
        refused one, e.g. a build secret's unreadable file, is typed anew)."""
        with self._lock:
            self._choices.clear()
            for name in self._asked:
                self._secrets.pop(name, None)
            self._asked.clear()

    def cancel_all(self) -> None:
        """The app is closing: wake every waiting worker with Interrupted, and refuse new questions."""
        with self._lock:
            self._closed = True
            pending, self._pending = self._pending, set()
        for question in pending:
            question.cancel()

    # -- the engine's side (worker threads) --------------------------------------------------------------------
    def choose(self, choice: Choice) -> str:
        with self._lock:
            remembered = self._choices.get(choice.key)
        if remembered is not None:
            return remembered  # checks repeat as the user edits: ask each question once
        answer = str(self._ask(ChoiceQuestion(choice=choice)))
        if answer not in choice.options:
            answer = choice.default
        with self._lock:
            self._choices[choice.key] = answer
        return answer

    def secret(self, name: str, prompt: str) -> str:
        with self._lock:
            known = self._secrets.get(name)
        if known:
            return known
        value = str(self._ask(SecretQuestion(name=name, prompt=prompt)) or "")
        if not value:
            raise InputError(f"no value was given for the secret {name}", "type its value, or choose another strategy")
        self.provide_secret(name, value)
        with self._lock:
            self._asked.add(name)
        return value

    def confirm(self, step: str, summary: str) -> bool:
        return bool(self._ask(ConfirmQuestion(step=step, summary=summary)))

    def answers(self, step: str, questions: Sequence[EngineQuestion], plan: Plan) -> dict[str, Any]:
        return {}  # the wizard's screens render a step's answers as forms and send them as edits

    def recover(self, step: str, error: WizardError, options: Sequence[Recovery]) -> Recovery:
        return Recovery.STOP  # the wizard shows the error on the step and lets the user change it there

    def _ask(self, question: Question) -> object:
        with self._lock:
            if self._closed or self._post is None:
                raise Interrupted()
            self._pending.add(question)
        try:
            if not self._post(QuestionAsked(question)):
                raise Interrupted()
            return question.wait()
        finally:
            with self._lock:
                self._pending.discard(question)
