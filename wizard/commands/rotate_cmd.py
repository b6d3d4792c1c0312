"""`brik-onboard rotate`: replace REGISTRY_PAT where the onboarding put it, and nothing else.

No file is written: no answers file, no progress file, no log. The new value goes to GitHub only; `--validate`
builds once more (the engine's validate steps, progress kept in memory) to show the new PAT pushes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.app.flag_questioner import FlagQuestioner
from wizard.app.github_login import GitHubLogin, open_login
from wizard.app.options import RotateOptions
from wizard.app.sessions import find_credential, read_stdin_if
from wizard.app.user_config import user_settings
from wizard.commands.apply_cmd import verdict_json
from wizard.commands.rotate_org_cmd import rotation_secrets, run_rotate_org
from wizard.engine.events import Event, VerdictReady
from wizard.engine.fleet import parse_validate
from wizard.engine.port import GitHubPort
from wizard.engine.rotate import RotateRequest, RotateTarget, locate, rotate
from wizard.engine.runner import Cancelled, Engine
from wizard.engine.secret_values import SecretSource, parse_stdin_secrets
from wizard.engine.session import Options, Session
from wizard.engine.state import StateStore
from wizard.engine.steps import validate_only_steps
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, InputError, NonInteractiveError
from wizard.localrepo import origin_repo
from wizard.text.events import TextRenderer


def run_rotate(o: RotateOptions) -> int:
    questioner = FlagQuestioner(yes=o.yes)
    if not o.yes and not questioner.interactive:
        # Before any request: without a terminal the confirmation could never be given.
        raise NonInteractiveError("confirmation of the rotation", "pass --yes to replace the secret without asking")
    environ = dict(os.environ)
    stdin_text = read_stdin_if(o.secrets_from_stdin)
    stdin_values = parse_stdin_secrets(stdin_text) if stdin_text is not None else None
    if o.validate is not None:
        try:
            parse_validate(o.validate)
        except ValueError as exc:
            raise InputError(f"--validate {o.validate!r} is not a choice", str(exc)) from None
    if o.org:
        return run_rotate_org(o, questioner, environ, stdin_values)
    repo = o.repo or _origin_repo()
    settings = user_settings(environ)
    api_url = o.api_url or settings.get("api_url")
    credential = find_credential(api_url, token_env=o.token_env, app_id=o.app_id, app_key_file=o.app_key_file, environ=environ)
    login = open_login(api_url, credential, org=repo.partition("/")[0])
    port = login.port()
    renderer = TextRenderer(sys.stderr if o.json else sys.stdout)
    verdicts: list[VerdictReady] = []

    def emit(event: Event) -> None:
        if isinstance(event, VerdictReady):
            verdicts.append(event)
        renderer(event)

    target = locate(port, RotateRequest(repo, o.scope, o.environment))
    target, secrets = rotation_secrets(target, settings, environ, stdin_values, questioner, login)
    try:
        rotate(port, target, secrets, questioner, emit)
    except Cancelled:
        if o.json:
            _print_json(target, rotated=False, verdict=None)
        raise
    passed = _validate(o, port, login, target, secrets, questioner, emit) if o.validate not in (None, "none") else None
    if o.json:
        _print_json(target, rotated=True, verdict=verdicts[-1] if verdicts else None)
    return EXIT_VALIDATION_FAILED if passed is False else EXIT_OK


def _origin_repo() -> str:
    found = origin_repo(Path.cwd())
    return found[0] if found else ""  # "": the locate step says to pass --repo


def _validate(
    o: RotateOptions,
    port: GitHubPort,
    login: GitHubLogin,
    target: RotateTarget,
    secrets: SecretSource,
    questioner: FlagQuestioner,
    emit: Callable[[Event], None],
) -> bool | None:
    """One validation build, as `brik-onboard validate` runs it, on the recorded answers. Nothing is delivered, so
    the preflight does not ask for the scope that writes workflows; the progress store has no file."""
    plan = target.plan.updated(api_url=o.api_url or user_settings().get("api_url"), delivery="local")
    store = StateStore(None)
    session = Session(
        plan=plan,
        port=port,
        questioner=questioner,
        secrets=secrets,
        emit=emit,
        store=store,
        state=store.load(plan.repo),
        token_source=login.source,
        options=Options(force_validation=True, fresh_build=True, poll_interval_s=o.poll_interval_s),
    )
    Engine(session, validate_only_steps()).run()
    return session.verdict_passed


def _print_json(target: RotateTarget, *, rotated: bool, verdict: VerdictReady | None) -> None:
    out: dict[str, Any] = {
        "repo": target.repo.full_name if target.repo else None,
        "secret": target.secret,
        "level": target.level,
        "environment": target.environment,
        "visibility": target.visibility,
        "repositories": list(target.repositories),
        "readers": target.readers,
        "recorded": target.recorded,
        "rotated": rotated,
        "verdict": verdict_json(verdict),
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
