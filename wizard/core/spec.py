"""How an answer is declared: once, as a field of `Plan` (see plan.py), with everything every face needs.

From these declarations come the command-line flags of every command that reads answers, the answers file's
loading, writing and JSON Schema, and the questions both interactive faces render. Pure data and small
callables: no face, no network.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.core.plan import Plan


class Kind(enum.Enum):
    TEXT = "text"  # a string (optional when its default is None)
    BOOL = "bool"
    CHOICE = "choice"  # one of `options`
    LIST = "list"  # strings; a flag may be repeated, and with `parse` one value may hold several (tags: commas)
    MAP = "map"  # NAME -> NAME strings


@dataclass(frozen=True)
class Option:
    """One value of a CHOICE answer: the value, a short label, and a line saying what it means."""

    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class AskContext:
    """What the session knows that changes which options make sense (None: not known yet)."""

    owner_is_org: bool | None = None
    has_checkout: bool = False
    environments_refused: str | None = None  # why environment secrets cannot work here (the org's plan), if known
    stages: tuple[str, ...] = ()  # the named stages of the repository's Dockerfile, when it was read


Check = Callable[[Any, "Plan"], object]  # raises InputError (with the core's message) for a bad value
Disabled = Callable[[str, AskContext], "str | None"]  # why an option cannot be chosen here, or None


@dataclass(frozen=True)
class AnswerMeta:
    """The declaration of one answer, minus its name, type and default (the Plan field has those)."""

    help: str
    kind: Kind = Kind.TEXT
    step: str | None = None  # the step whose screen/prompts ask it; None: flags and the answers file only
    prompt: str = ""  # the question as the faces ask it (default: the help)
    options: tuple[Option, ...] = ()  # CHOICE: the values; LIST: values worth knowing (recommendations), each with why
    aliases: tuple[str, ...] = ()  # further flag spellings, e.g. --deliver for --delivery
    metavar: str | None = None
    check: Check | None = None
    ask_when: Callable[[Plan], bool] | None = None  # asked only when this holds for the answers so far
    suggest: Callable[[Plan], Any] | None = None  # what a face offers when the answer is unset
    # What a face proposes from what the session found (e.g. the Dockerfile's stages) for an empty answer on a
    # first onboarding, with why; unlike a suggestion, a proposal accepted becomes the answer.
    propose: Callable[[AskContext], tuple[Any, str] | None] | None = None
    disabled: Disabled | None = None
    from_repo: bool = True  # may be read from the answers file inside the repository
    required: tuple[str, str] | None = None  # (message, hint) when it is asked (ask_when holds) but unset
    parse: Callable[[str], Any] | None = None  # LIST: one typed value (or flag value) holds several


def answer(default: Any = None, *, factory: Callable[[], Any] | None = None, **meta: Any) -> Any:
    """A Plan field that is an answer: its default plus its AnswerMeta."""
    info = {"answer": AnswerMeta(**meta)}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=info)
    return dataclasses.field(default=default, metadata=info)


@dataclass(frozen=True)
class AnswerSpec:
    """An answer as the rest of the code sees it: name (the answers-file key), default and declaration."""

    name: str
    default: Any
    meta: AnswerMeta

    @property
    def kind(self) -> Kind:
        return self.meta.kind

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def flags(self) -> tuple[str, ...]:
        return (self.flag, *self.meta.aliases)

    @property
    def optional(self) -> bool:
        return self.default is None

    @property
    def may_be_empty(self) -> bool:
        """Whether "nothing" is an answer: an optional one, or a list that is empty unless given."""
        return self.optional or (self.kind is Kind.LIST and not self.default)

    @property
    def prompt(self) -> str:
        return self.meta.prompt or self.meta.help

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.meta.options)

    def shown(self, plan: Plan) -> bool:
        return self.meta.ask_when is None or bool(self.meta.ask_when(plan))

    def offered(self, plan: Plan) -> Any:
        """The value a face shows for this answer: the plan's, else the suggestion, else the default."""
        value = getattr(plan, self.name)
        if value is None and self.meta.suggest is not None:
            return self.meta.suggest(plan)
        return value

    def check(self, value: Any, plan: Plan) -> None:
        """InputError when `value` is not acceptable for this answer, given the other answers in `plan`."""
        from wizard.core.plan import check_choice  # plan.py declares the answers with this module
        from wizard.errors import InputError

        if self.meta.required is not None and value in (None, "") and self.shown(plan):
            raise InputError(*self.meta.required)
        if self.kind is Kind.CHOICE and value is not None:
            check_choice(self.name, value, self.choices)
        if self.meta.check is not None and value not in (None, "", ()):
            self.meta.check(value, plan)

    def parse_text(self, text: str) -> Any:
        """A value typed into a text field (or a flag) as this answer's type."""
        if self.meta.parse is not None:
            return self.meta.parse(text)
        text = text.strip()
        if self.kind is Kind.LIST:
            return (text,) if text else ()
        if self.kind is Kind.BOOL:
            return text.lower() in ("1", "true", "yes", "on")
        return text or (None if self.optional else text)

    def text_of(self, value: Any) -> str:
        """The value as a text field shows it."""
        if value is None:
            return ""
        if self.kind is Kind.LIST:
            return ", ".join(value)
        return str(value)

    def disabled(self, option: str, context: AskContext) -> str | None:
        return self.meta.disabled(option, context) if self.meta.disabled is not None else None


def specs_of(cls: type) -> tuple[AnswerSpec, ...]:
    """The answers declared on a dataclass, in field order."""
    out = []
    for f in dataclasses.fields(cls):
        meta = f.metadata.get("answer")
        if meta is None:
            continue
        factory = f.default_factory
        default = factory() if callable(factory) else f.default
        out.append(AnswerSpec(f.name, default, meta))
    return tuple(out)
