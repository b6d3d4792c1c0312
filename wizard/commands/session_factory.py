"""Build an engine Session from the command line: plan, token, GitHub port, secrets, state file."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from wizard.commands.resolve_args import PlanContext, plan_context
from wizard.core.plan import ANSWERS_PATH
from wizard.credentials import Token, find_token
from wizard.engine.events import Event
from wizard.engine.port import GitHubPort
from wizard.engine.questions import Questioner
from wizard.engine.secret_values import SecretSource, parse_stdin_secrets
from wizard.engine.session import Options, Session
from wizard.engine.state import STATE_NAME, StateStore


def connect_port(api_url: str | None, token: Token) -> GitHubPort:
    from wizard.github import connect  # PyGithub is imported only when a command talks to GitHub

    return connect(api_url, token.value)


def answers_location(ctx: PlanContext) -> Path | None:
    if ctx.answers_path is not None:
        return ctx.answers_path
    if ctx.checkout is not None:
        return ctx.checkout / ANSWERS_PATH
    return None


def build_session(
    args: argparse.Namespace,
    questioner: Questioner,
    emit: Callable[[Event], None],
    *,
    options: Options,
    environ: dict[str, str] | None = None,
    stdin_text: str | None = None,
    ask_token: Callable[[str], str] | None = None,
) -> Session:
    """`ask_token`: the face's masked prompt for the admin token, last in the search order (None: never ask)."""
    env = dict(os.environ if environ is None else environ)
    ctx = plan_context(args, answers_may_be_new=True)
    plan = ctx.plan.updated(delivery=getattr(args, "deliver", None), api_url=getattr(args, "api_url", None))
    token = find_token(plan.api_url, token_env=getattr(args, "token_env", None), environ=env, ask=ask_token)
    stdin_values = parse_stdin_secrets(stdin_text) if stdin_text is not None else None
    secrets = SecretSource(plan, env, stdin_values, questioner, extra_known=(token.value,))
    answers = answers_location(ctx)
    state_path = Path(args.state) if getattr(args, "state", None) else (answers.parent / STATE_NAME if answers else None)
    store = StateStore(state_path)
    return Session(
        plan=plan,
        port=connect_port(plan.api_url, token),
        questioner=questioner,
        secrets=secrets,
        emit=emit,
        store=store,
        state=store.load(plan.repo),
        checkout=ctx.checkout,
        answers_path=answers,
        token_source=token.source,
        options=options,
    )


def read_stdin_if(flag: bool) -> str | None:
    return sys.stdin.read() if flag else None
