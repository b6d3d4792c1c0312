"""`brik-onboard rotate --org ORG`: the organization's REGISTRY_PAT replaced once (visibility and repositories
kept), every repository that reads it listed, and with `--validate sample:K|all` validation builds of some of them
with the new PAT, a few at a time, through the fleet runner (wizard/engine/fleet.py).

As `rotate` for one repository, nothing is written on this machine: no answers file, no progress file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from wizard.app.flag_questioner import FlagQuestioner
from wizard.app.github_login import GitHubLogin, open_login
from wizard.app.options import RotateOptions
from wizard.app.sessions import find_credential
from wizard.app.user_config import user_settings
from wizard.commands.apply_cmd import verdict_json
from wizard.commands.fleet_cmd import exit_code
from wizard.core.fleet_spec import FleetRepo, FleetSpec
from wizard.core.pacing import Pacer
from wizard.core.plan import Plan
from wizard.engine.events import Event, VerdictReady
from wizard.engine.fleet import (
    FleetEvent,
    FleetOptions,
    FleetResult,
    FleetRunner,
    RepoEvent,
    RepoFinished,
    validated_repos,
)
from wizard.engine.fleet_state import FleetStore
from wizard.engine.rotate import RotateTarget, rotate
from wizard.engine.rotate_org import locate_org
from wizard.engine.runner import Cancelled
from wizard.engine.secret_values import SecretSource
from wizard.engine.session import Options, Session
from wizard.engine.state import StateStore
from wizard.errors import InputError
from wizard.text.events import TextRenderer

BUILDS_AT_ONCE = 4


def run_rotate_org(o: RotateOptions, questioner: FlagQuestioner, environ: Mapping[str, str], stdin_values: Mapping[str, str] | None) -> int:
    org = o.org or ""
    if o.repo or o.environment or o.scope == "environment":
        raise InputError(
            "--org rotates the organization's secret: it takes no --repo, --environment or --scope environment",
            "pass --org ORG alone, or --repo OWNER/NAME for the secret one repository reads",
        )
    mode = o.validate or "none"  # checked by run_rotate
    settings = user_settings(environ)
    api_url = o.api_url or settings.get("api_url")
    credential = find_credential(api_url, token_env=o.token_env, app_id=o.app_id, app_key_file=o.app_key_file, environ=environ)
    login = open_login(api_url, credential, org=org, pacer=Pacer())
    port = login.port()
    renderer = TextRenderer(sys.stderr if o.json else sys.stdout)
    target = locate_org(port, org)
    target, secrets = rotation_secrets(target, settings, environ, stdin_values, questioner, login)
    try:
        rotate(port, target, secrets, questioner, renderer)
    except Cancelled:
        if o.json:
            _print_json(target, rotated=False, builds=[])
        raise
    builds = _Builds(json_out=o.json)
    result = _validate(o, api_url, login, target, secrets, environ, mode, builds.event) if mode != "none" else FleetResult()
    if o.json:
        _print_json(target, rotated=True, builds=builds.rows())
    return exit_code(result)


def rotation_secrets(
    target: RotateTarget,
    settings: Mapping[str, Any],
    environ: Mapping[str, str],
    stdin_values: Mapping[str, str] | None,
    questioner: FlagQuestioner,
    login: GitHubLogin,
) -> tuple[RotateTarget, SecretSource]:
    """The target with the user's `secret_env` (where the new value is read from is the user's setting, never a
    repository's), and where its value comes from; the login's values are ones the leak audit looks for."""
    if settings.get("secret_env"):
        target = replace(target, plan=target.plan.updated(secret_env=settings["secret_env"]))
    return target, SecretSource(
        target.plan, environ, stdin_values, questioner, more_known=login.known_values, admin_token=login.admin_token
    )


def _validate(
    o: RotateOptions,
    api_url: str | None,
    login: GitHubLogin,
    target: RotateTarget,
    secrets: SecretSource,
    environ: Mapping[str, str],
    mode: str,
    emit: Callable[[FleetEvent], None],
) -> FleetResult:
    """A validation build of each sampled reader, as `brik-onboard validate` runs one: on its recorded answers,
    nothing delivered, progress in memory."""
    sample = validated_repos(list(target.repositories), mode)
    spec = FleetSpec(tuple(FleetRepo(name) for name in target.repositories if name.lower() in sample))
    if not spec.repos:
        return FleetResult()
    known = tuple(secrets.known_values())  # the new value among them: the leak audit looks for it in the logs

    def make(entry: FleetRepo, options: Options, emit_event: Callable[[Event], None]) -> Session:
        plan = Plan().updated(repo=entry.repo, api_url=api_url, delivery="local")
        store = StateStore(None)
        return Session(
            plan=plan,
            port=login.port(),
            questioner=FlagQuestioner(yes=True, interactive=False),
            secrets=SecretSource(plan, environ, extra_known=known, more_known=login.known_values, admin_token=login.admin_token),
            emit=emit_event,
            store=store,
            state=store.load(plan.repo),
            token_source=login.source,
            options=options,
        )

    options = FleetOptions(
        concurrency=BUILDS_AT_ONCE, validate="all", build_concurrency=BUILDS_AT_ONCE, poll_interval_s=o.poll_interval_s, validate_only=True
    )
    return FleetRunner(spec, make, FleetStore(None), options, emit).run()


class _Builds:
    """The validation builds' outcomes: one line each as it finishes (stderr with --json, whose stdout is one object)."""

    def __init__(self, *, json_out: bool) -> None:
        self.out = sys.stderr if json_out else sys.stdout
        self.finished: list[RepoFinished] = []
        self.verdicts: dict[str, VerdictReady] = {}

    def event(self, event: FleetEvent) -> None:
        if isinstance(event, RepoEvent) and isinstance(event.event, VerdictReady):
            self.verdicts[event.repo] = event.event
        elif isinstance(event, RepoFinished):
            self.finished.append(event)
            verdict = {True: "passed", False: "failed"}.get(event.verdict) if event.verdict is not None else None
            why = f": {event.message}" if event.message else ""
            print(f"build with the new PAT, {event.repo}: {verdict or event.outcome}{why}", file=self.out, flush=True)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"repo": f.repo, "outcome": f.outcome, "message": f.message, "verdict": verdict_json(self.verdicts.get(f.repo))}
            for f in sorted(self.finished, key=lambda f: f.repo.lower())
        ]


def _print_json(target: RotateTarget, *, rotated: bool, builds: list[dict[str, Any]]) -> None:
    out: dict[str, Any] = {
        "org": target.org,
        "secret": target.secret,
        "level": target.level,
        "visibility": target.visibility,
        "repositories": list(target.repositories),
        "readers": target.readers,
        "rotated": rotated,
        "validations": builds,
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
