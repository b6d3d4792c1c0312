"""The prompt mode (`brik-onboard --plain`, `brik-onboard demo --plain`): the engine's flow as questionary prompts.

The face only asks and renders: every decision and every GitHub call stays in the engine. Events are rendered
by the same TextRenderer as `apply`. Ctrl-C ends with exit 130 and says what was left behind.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from wizard.demo import DEMO_TIME_FACTOR
from wizard.engine.events import Event, StepStarted
from wizard.engine.questions import Questioner
from wizard.engine.session import Session
from wizard.errors import NonInteractiveError, WizardError
from wizard.prompt_face.prompter import Prompter

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C

SessionFactory = Callable[[Questioner, Callable[[Event], None]], Session]


def run_prompts(
    session_factory: SessionFactory,
    *,
    prompter: Prompter | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run every step as prompts on the session the factory builds; the exit code (130 on Ctrl-C).

    `prompter` replaces the questionary prompts (tests); without it a terminal is required."""
    from wizard.commands.text_events import TextRenderer
    from wizard.engine.runner import Engine
    from wizard.prompt_face.flow import PromptFlow
    from wizard.prompt_face.prompter import QuestionaryPrompter
    from wizard.prompt_face.questioner import PromptQuestioner

    out = out or sys.stdout
    err = err or sys.stderr
    if prompter is None:
        if not sys.stdin.isatty():
            error = NonInteractiveError("the prompt mode's first question")
            print(error.render(), file=err)
            return error.exit_code
        prompter = QuestionaryPrompter()
    questioner = PromptQuestioner(prompter, out)
    flow: PromptFlow | None = None
    try:
        session = session_factory(questioner, HeaderOnce(TextRenderer(out)))
        flow = PromptFlow(Engine(session), questioner, prompter, out)
        return flow.run()
    except KeyboardInterrupt:
        lines = flow.interrupt_lines() if flow is not None else ["interrupted: no changes were made"]
        out.flush()
        print("\n" + "\n".join(lines), file=err, flush=True)
        return EXIT_INTERRUPTED
    except WizardError as exc:
        out.flush()
        print(exc.render(), file=err, flush=True)
        return exc.exit_code


class HeaderOnce:
    """Passes events on, but not a step's header twice in a row: the flow prints it above the step's questions
    and the engine's check announces the step again."""

    def __init__(self, emit: Callable[[Event], None]) -> None:
        self.emit = emit
        self._last: Event | None = None

    def __call__(self, event: Event) -> None:
        repeated = isinstance(event, StepStarted) and isinstance(self._last, StepStarted) and self._last.step == event.step
        self._last = event
        if not repeated:
            self.emit(event)


def run_prompts_demo(time_factor: float = DEMO_TIME_FACTOR, *, registry_pat: str | None = None) -> int:
    """The prompt mode on the embedded sandbox and its sample repo (no token, no network).

    The sandbox accepts a registry PAT for the `pat` strategy: `registry_pat` when given (the prompt asks for
    it), else one it makes and hands over in the environment, so the demo never needs a real token."""
    from wizard.commands.session_factory import build_session
    from wizard.core.plan import PAT_SECRET, Plan, secret_env_var
    from wizard.demo import demo_environment
    from wizard.engine.session import Options

    with demo_environment(time_factor=time_factor) as env:
        sandbox = env.sandbox
        environ = dict(env.environ)
        pat = sandbox.state.add_token("octo-admin", ("write:packages",), value=registry_pat)  # type: ignore[attr-defined]
        print(f"sandbox: {sandbox.base_url} (embedded; no token, no network)")  # type: ignore[attr-defined]
        if registry_pat is None:
            variable = secret_env_var(Plan(), PAT_SECRET)
            environ[variable] = pat
            print(f"the pat strategy reads the sandbox's registry PAT from {variable}")

        def session_factory(questioner: Questioner, emit: Callable[[Event], None]) -> Session:
            return build_session(env.args(), questioner, emit, options=Options(poll_interval_s=0.1), environ=environ)

        return run_prompts(session_factory)
