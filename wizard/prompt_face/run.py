"""The prompt mode's entry: the engine's run, answered by prompts, rendered as text; Ctrl-C ends with exit 130.

The face only asks and renders: every decision and every GitHub call stays in the engine. Events are rendered by
the same TextRenderer as `apply`. An interrupt says what was left behind.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wizard.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_VALIDATION_FAILED, NonInteractiveError, WizardError

if TYPE_CHECKING:
    from wizard.engine.events import Event, VerdictReady
    from wizard.engine.questions import Questioner
    from wizard.engine.runner import Engine
    from wizard.engine.session import Session
    from wizard.prompt_face.prompter import Prompter
    from wizard.prompt_face.questioner import PromptQuestioner

SessionFactory = Callable[["Questioner", Callable[["Event"], None]], "Session"]


def run_prompts(
    session_factory: SessionFactory,
    *,
    prompter: Prompter | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    summary_file: Path | None = None,
) -> int:
    """Run every step as prompts on the session the factory builds; the exit code (130 on Ctrl-C).

    `prompter` replaces the questionary prompts (tests); without it a terminal is required."""
    from wizard.engine.runner import Engine
    from wizard.prompt_face.prompter import QuestionaryPrompter
    from wizard.prompt_face.questioner import PromptQuestioner
    from wizard.text.events import TextRenderer
    from wizard.text.run_summary import last_verdict, summary_from_session, write_summary

    out = out or sys.stdout
    err = err or sys.stderr
    if prompter is None:
        if not sys.stdin.isatty():
            error = NonInteractiveError(
                "the prompt mode's first question", "run it in a terminal, or use `brik-onboard apply --yes` with an answers file or flags"
            )
            print(error.render(), file=err)
            return error.exit_code
        prompter = QuestionaryPrompter()
    questioner = PromptQuestioner(prompter, out)
    engine: Engine | None = None
    renderer = TextRenderer(out)
    events: list[Event] = []

    def emit(event: Event) -> None:
        events.append(event)
        renderer(event)
        questioner.seen(event)

    try:
        engine = Engine(session_factory(questioner, emit))
        session = engine.run()
        _closing(session, last_verdict(list(events)), out)
        write_summary(summary_from_session(session, last_verdict(list(events))), summary_file, err)
        return EXIT_VALIDATION_FAILED if session.verdict_passed is False else EXIT_OK
    except KeyboardInterrupt:
        lines = interrupt_lines(engine, questioner) if engine is not None else ["interrupted: no changes were made"]
        out.flush()
        print("\n" + "\n".join(lines), file=err, flush=True)
        if engine is not None:
            stopped = summary_from_session(engine.session, last_verdict(list(events)), stopped="; ".join(lines))
            write_summary(stopped, summary_file, err)
        return EXIT_INTERRUPTED
    except WizardError as exc:
        out.flush()
        print(exc.render(), file=err, flush=True)
        if engine is not None:  # stopped part way: the summary file says what was kept
            write_summary(summary_from_session(engine.session, last_verdict(list(events)), stopped=exc.message), summary_file, err)
        return exc.exit_code


def _closing(session: Session, verdict: VerdictReady | None, out: TextIO) -> None:
    from wizard.text.run_summary import print_summary, summary_from_session

    out.flush()
    print_summary(summary_from_session(session, verdict), out, table=False)  # the verdict table is printed above
    out.flush()


def interrupt_lines(engine: Engine, questioner: PromptQuestioner) -> list[str]:
    """What an interrupt leaves behind: nothing, or the step reached, what was applied, and how to resume."""
    s = engine.session
    if not questioner.approved:
        return ["interrupted: no changes were made"]
    done = f" (done: {', '.join(engine.finished)})" if engine.finished else ""
    lines = [f"interrupted at the {engine.current} step{done}"]
    if s.applied:
        lines.append("already applied: " + "; ".join(c.summary for c in s.applied))
    else:
        lines.append(f"the {questioner.approved[-1]} step's changes may be partly applied")
    if s.state.run_id is not None and "validate" not in engine.finished:
        lines.append(
            f"the validation build (run {s.state.run_id}) keeps running on GitHub; a re-run waits for it instead of starting another"
        )
    lines.append("run the wizard again to resume: steps already done find their changes in place and are not repeated")
    return lines
