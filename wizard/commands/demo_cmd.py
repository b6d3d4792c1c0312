"""`brik-onboard demo`: the whole flow against the embedded sandbox. `--headless` is the product's smoke test."""

from __future__ import annotations

import argparse
import sys

from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED


def run_demo(args: argparse.Namespace) -> int:
    if args.headless:
        return run_headless(args)
    if args.plain:
        from wizard.prompts import run_prompts_demo

        return run_prompts_demo(time_factor=args.time_factor)
    from wizard.tui.app import run_demo as run_tui_demo

    return run_tui_demo(time_factor=args.time_factor)


def run_headless(args: argparse.Namespace) -> int:
    from wizard.commands.flag_questioner import FlagQuestioner
    from wizard.commands.session_factory import build_session
    from wizard.commands.text_events import TextRenderer
    from wizard.demo import demo_environment
    from wizard.engine.runner import Engine
    from wizard.engine.session import Options

    renderer = TextRenderer(sys.stdout, compact=True)
    with demo_environment(time_factor=args.time_factor) as env:
        print(f"sandbox: {env.sandbox.base_url} (embedded; no token, no network)")  # type: ignore[attr-defined]
        session = build_session(
            env.args(),
            FlagQuestioner(yes=True, interactive=False),
            renderer,
            options=Options(poll_interval_s=0.1),
            environ=env.environ,
        )
        Engine(session).run()
    return EXIT_VALIDATION_FAILED if session.verdict_passed is not True else EXIT_OK
