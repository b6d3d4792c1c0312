"""`brik-onboard` with no command: the wizard on the current repository, full screen or as plain prompts."""

from __future__ import annotations

import argparse
import sys

from wizard.engine.session import Options
from wizard.errors import InputError


def _factory(args: argparse.Namespace, *, live_steps: bool):  # noqa: ANN202
    """A session factory for a face: the admin token, when no other source has it, is asked by the face's own
    masked prompt (the last step of the search order)."""
    from wizard.commands.session_factory import build_session

    def make(questioner, emit):  # noqa: ANN001, ANN202
        def ask_token(prompt: str) -> str:
            return questioner.secret("GitHub token", prompt)

        options = Options(poll_interval_s=args.poll_interval, live_steps=live_steps)
        return build_session(args, questioner, emit, options=options, ask_token=ask_token)

    return make


def run_plain(args: argparse.Namespace) -> int:
    from wizard.prompts import run_prompts

    return run_prompts(_factory(args, live_steps=False))


def run_tui(args: argparse.Namespace) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise InputError(
            "interactive session required: the wizard needs a terminal", "use `brik-onboard apply --yes` with an answers file or flags"
        )
    from wizard.tui.app import run_wizard

    return run_wizard(_factory(args, live_steps=True))
