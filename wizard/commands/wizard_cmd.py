"""`brik-onboard` with no command: the wizard on the current repository, full screen or as plain prompts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.app.options import WizardOptions
from wizard.errors import InputError

if TYPE_CHECKING:
    from wizard.engine.events import Event
    from wizard.engine.questions import Questioner
    from wizard.engine.session import Session


def run_wizard(o: WizardOptions) -> int:
    from wizard.text.run_summary import check_summary_path

    check_summary_path(o.connection.summary_file)  # before anything is written to GitHub
    factory = lazy_session_factory(o)
    if o.plain:
        from wizard.prompt_face.run import run_prompts

        return run_prompts(factory, summary_file=o.connection.summary_file)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise InputError(
            "interactive session required: the wizard needs a terminal", "use `brik-onboard apply --yes` with an answers file or flags"
        )
    from wizard.tui.app import run_wizard as run_tui

    return run_tui(factory, summary_file=o.connection.summary_file)


def lazy_session_factory(o: WizardOptions) -> Callable[[Questioner, Callable[[Event], None]], Session]:
    """The face's session factory; the plan, the engine and PyGithub load when it is called (the TUI calls it in a
    worker, once its first screen is drawn)."""

    def make(questioner: Questioner, emit: Callable[[Event], None]) -> Session:
        from wizard.app.sessions import session_factory
        from wizard.engine.session import Options

        options = Options(poll_interval_s=o.connection.poll_interval_s, live_steps=not o.plain)
        return session_factory(o.source, o.connection, options, ask_token=True)(questioner, emit)

    return make
