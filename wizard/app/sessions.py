"""Build an engine Session for any face: plan, token, GitHub port, secrets, state file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from wizard.app.github_login import open_login
from wizard.app.options import AnswerSource, Connection
from wizard.app.run_lock import RunLock, locks_dir
from wizard.app.sources import PlanContext, plan_context
from wizard.app_credentials import AppCredentials, find_app_credentials
from wizard.core.plan import ANSWERS_PATH
from wizard.credentials import Token, find_token
from wizard.engine.events import Event
from wizard.engine.port import GitHubPort
from wizard.engine.questions import Questioner
from wizard.engine.secret_values import SecretSource, parse_stdin_secrets
from wizard.engine.session import Options, Session
from wizard.engine.state import STATE_NAME, StateStore
from wizard.errors import InputError

# What a face is handed: it supplies its questioner and its event sink, and gets a session.
SessionFactory = Callable[[Questioner, Callable[[Event], None]], Session]


def find_credential(
    api_url: str | None,
    *,
    token_env: str | None,
    app_id: str | None = None,
    app_key_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    ask: Callable[[str], str] | None = None,
) -> Token | AppCredentials:
    """A GitHub App (--app-id/--app-key, BRIK_APP_*) when one is given: it wins over token discovery; else the token."""
    env = os.environ if environ is None else environ
    app = find_app_credentials(app_id, app_key_file, env)
    if app is None:
        return find_token(api_url, token_env=token_env, environ=env, ask=ask)
    if token_env:
        raise InputError(
            f"--token-env {token_env} and GitHub App {app.app_id} both given", "give one: the App (--app-id, --app-key) or the token"
        )
    return app


def connect_port(
    api_url: str | None, credential: Token | AppCredentials, *, org: str | None = None, conditional: MutableMapping[str, Any] | None = None
) -> GitHubPort:
    """The GitHub port; a GitHub App talks as its installation on `org` (the repository's owner). `conditional`: what
    the port keeps for its conditional reads (wizard/app/status_cache.py)."""
    return open_login(api_url, credential, org=org).port(conditional=conditional)


def answers_location(ctx: PlanContext) -> Path | None:
    if ctx.answers_path is not None:
        return ctx.answers_path
    if ctx.checkout is not None:
        return ctx.checkout / ANSWERS_PATH
    return None


def build_session(
    source: AnswerSource,
    connection: Connection,
    questioner: Questioner,
    emit: Callable[[Event], None],
    *,
    options: Options,
    environ: Mapping[str, str] | None = None,
    stdin_text: str | None = None,
    ask_token: Callable[[str], str] | None = None,
    run_lock: bool = True,
) -> Session:
    """`ask_token`: the face's masked prompt for the admin token, last in the search order (None: never ask)."""
    env = dict(os.environ if environ is None else environ)
    ctx = plan_context(source, answers_may_be_new=True, environ=env, with_interface=False)
    plan = ctx.plan
    if connection.token_env and connection.token_env in plan.secret_env.values():
        name = next(k for k, v in plan.secret_env.items() if v == connection.token_env)
        raise InputError(
            f"secret_env.{name} names {connection.token_env}, where --token-env reads the admin token from",
            f"give {name} its own variable (the default is BRIK_SECRET_{name})",
        )
    credential = find_credential(
        plan.api_url,
        token_env=connection.token_env,
        app_id=connection.app_id,
        app_key_file=connection.app_key_file,
        environ=env,
        ask=ask_token,
    )
    stdin_values = parse_stdin_secrets(stdin_text) if stdin_text is not None else None
    login = open_login(plan.api_url, credential, org=plan.repo.partition("/")[0])
    secrets = SecretSource(plan, env, stdin_values, questioner, more_known=login.known_values, admin_token=login.admin_token)
    answers = answers_location(ctx)
    state_path = connection.state_file or (answers.parent / STATE_NAME if answers else None)
    store = StateStore(state_path)
    return Session(
        plan=plan,
        port=login.port(),
        questioner=questioner,
        secrets=secrets,
        emit=emit,
        store=store,
        state=store.load(plan.repo),
        checkout=ctx.checkout,
        answers_path=answers,
        token_source=login.source,
        options=options,
        explicit=dict(ctx.given),
        recorded=ctx.recorded,
        recorded_source=str(ctx.answers_path) if ctx.recorded is not None else "",
        run_lock=RunLock(plan.api_url, locks_dir(env)) if run_lock else None,
    )


def session_factory(
    source: AnswerSource,
    connection: Connection,
    options: Options,
    *,
    environ: Mapping[str, str] | None = None,
    stdin_text: str | None = None,
    ask_token: bool = False,
    run_lock: bool = True,
) -> SessionFactory:
    """A factory for a face. With `ask_token`, the admin token, when no other source has it, is asked through the
    face's own masked question (the last step of the search order)."""

    def make(questioner: Questioner, emit: Callable[[Event], None]) -> Session:
        def ask(prompt: str) -> str:
            return questioner.secret("GitHub token", prompt)

        return build_session(
            source,
            connection,
            questioner,
            emit,
            options=options,
            environ=environ,
            stdin_text=stdin_text,
            ask_token=ask if ask_token else None,
            run_lock=run_lock,
        )

    return make


def read_stdin_if(flag: bool) -> str | None:
    return sys.stdin.read() if flag else None
