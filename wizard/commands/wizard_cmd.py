"""`brik-onboard` with no command: the wizard on the current repository, full screen or as plain prompts."""

from __future__ import annotations

import argparse
import getpass
import sys

from wizard.engine.session import Options
from wizard.errors import InputError


def _factory(args: argparse.Namespace, ask_token):  # noqa: ANN001, ANN202
    from wizard.commands.session_factory import build_session

    def make(questioner, emit):  # noqa: ANN001, ANN202
        return build_session(args, questioner, emit, options=Options(poll_interval_s=args.poll_interval), ask_token=ask_token)

    return make


def _masked_prompt(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise InputError("interactive session required: no GitHub token found", "set GH_TOKEN, or run `brik-onboard auth login`")
    return getpass.getpass(f"{prompt} (input hidden): ")


def run_plain(args: argparse.Namespace) -> int:
    from wizard.prompts import run_prompts

    return run_prompts(_factory(args, _masked_prompt))


def run_tui(args: argparse.Namespace) -> int:
    from wizard.tui.app import run_wizard

    return run_wizard(_factory(args, None))
