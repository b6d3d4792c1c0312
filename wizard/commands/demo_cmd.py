"""`brik-onboard demo`: the whole flow against the embedded sandbox. `--headless` is the product's smoke test."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack
from typing import TYPE_CHECKING

from wizard.app.demo import (
    DEMO_POLL_S,
    SandboxProcess,
    demo_environment,
    demo_process_environment,
    demo_registry_pat,
    require_sandbox_extra,
)
from wizard.app.options import DemoOptions
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, InputError, WizardError

if TYPE_CHECKING:
    from wizard.engine.events import Event
    from wizard.engine.questions import Questioner
    from wizard.engine.session import Session

SANDBOX_LINE = "sandbox: {url} (embedded; no token, no network)"


def run_demo(o: DemoOptions) -> int:
    from wizard.text.run_summary import check_summary_path

    check_summary_path(o.summary_file)
    require_sandbox_extra()
    if o.mode == "headless":
        return run_headless(o)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        # Before the sandbox starts: without a terminal the full-screen UI would wait for keys that never come.
        raise InputError("interactive session required: the demo asks questions in a terminal", "run `brik-onboard demo --headless`")
    if o.mode == "plain":
        from wizard.core.plan import PAT_SECRET, Plan, secret_env_var
        from wizard.engine.session import Options
        from wizard.prompt_face.run import run_prompts

        with demo_environment(time_factor=o.time_factor) as env:
            print(SANDBOX_LINE.format(url=env.sandbox.base_url))
            print(f"the pat strategy reads the sandbox's registry PAT from {secret_env_var(Plan(), PAT_SECRET)}")
            return run_prompts(env.factory(Options(poll_interval_s=DEMO_POLL_S)), summary_file=o.summary_file)
    # The registry PAT is made here, so the secrets screen can offer it before the sandbox is up; the sandbox's
    # registry accepts it. A user may type another (the sandbox refuses unknown ones).
    demo_pat = demo_registry_pat()
    server = SandboxProcess(o.time_factor, demo_pat)  # starts on another core while the UI loads
    from wizard.tui.app import run_wizard

    with ExitStack() as stack:
        stack.callback(server.stop)

        def factory(questioner: Questioner, emit: Callable[[Event], None]) -> Session:
            # In the TUI's worker, after the first frame: waits for the sandbox, then connects.
            import wizard.github  # noqa: F401 - PyGithub loads here while the sandbox may still be starting
            from wizard.engine.session import Options

            env = stack.enter_context(demo_process_environment(server))
            return env.factory(Options(poll_interval_s=DEMO_POLL_S, live_steps=True))(questioner, emit)

        return run_wizard(
            factory,
            sub_title="demo · embedded GitHub sandbox, no token, no network",
            demo_registry_pat=demo_pat,
            summary_file=o.summary_file,
        )


def run_headless(o: DemoOptions) -> int:
    from wizard.app.flag_questioner import FlagQuestioner
    from wizard.engine.runner import Engine
    from wizard.engine.session import Options
    from wizard.text.events import TextRenderer
    from wizard.text.run_summary import last_verdict, print_summary, summary_from_session, write_summary

    renderer = TextRenderer(sys.stdout, compact=True)
    events: list[Event] = []

    def emit(event: Event) -> None:
        events.append(event)
        renderer(event)

    with demo_environment(time_factor=o.time_factor) as env:
        print(SANDBOX_LINE.format(url=env.sandbox.base_url))
        session = env.factory(Options(poll_interval_s=DEMO_POLL_S))(FlagQuestioner(yes=True, interactive=False), emit)
        try:
            Engine(session).run()
        except WizardError as exc:  # stopped part way: the summary file says what was kept
            write_summary(summary_from_session(session, last_verdict(list(events)), stopped=exc.message), o.summary_file, sys.stderr)
            raise
        summary = summary_from_session(session, last_verdict(list(events)))  # while the demo's files still exist
    print_summary(summary, sys.stdout, table=False)  # the compact renderer printed the verdict table
    write_summary(summary, o.summary_file, sys.stderr)
    return EXIT_VALIDATION_FAILED if session.verdict_passed is not True else EXIT_OK
