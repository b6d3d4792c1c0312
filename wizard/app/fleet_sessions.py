"""Sessions for a fleet run: one credential found once, one adapter per repository, all on one pace.

With a GitHub App, each owner's installation is looked up once, before any repository is worked on, and its one
installation token is shared by every worker (renewed by whichever needs it first once it nears its end).

A repository of a fleet run has no local checkout: its answers are the fleet file's (over the user's config
file), and the answers it recorded on its default branch are its baseline, read by the engine as for any run
without a checkout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from wizard.app.flag_questioner import FlagQuestioner
from wizard.app.github_login import open_login
from wizard.app.options import Connection
from wizard.app.run_lock import RunLock, locks_dir
from wizard.app.sessions import find_credential
from wizard.app.user_config import user_settings
from wizard.core.fleet_spec import FleetRepo, FleetSpec
from wizard.core.pacing import Pacer
from wizard.core.plan import Plan, check_plan
from wizard.credentials import check_api_url
from wizard.engine.events import Event
from wizard.engine.fleet import MakeSession
from wizard.engine.fleet_state import FleetStore, RepoProgressStore
from wizard.engine.secret_values import SecretSource, parse_stdin_secrets
from wizard.engine.session import Options, Session
from wizard.errors import InputError


def fleet_api_url(spec: FleetSpec, environ: Mapping[str, str]) -> str | None:
    """The one GitHub server a fleet run talks to (its token is for that server)."""
    urls = {Plan().updated(**{**user_settings(environ), **r.answers}).api_url for r in spec.repos}
    if len(urls) > 1:
        raise InputError("the fleet file names more than one api_url", "run one fleet file per GitHub server")
    return next(iter(urls))


def fleet_session_maker(
    spec: FleetSpec,
    connection: Connection,
    store: FleetStore,
    pacer: Pacer,
    *,
    environ: Mapping[str, str] | None = None,
    stdin_text: str | None = None,
) -> MakeSession:
    """A MakeSession for the runner: each session gets its own adapter on the one token and pace."""
    env = dict(os.environ if environ is None else environ)
    api_url = fleet_api_url(spec, env)
    check_api_url(api_url)
    credential = find_credential(
        api_url, token_env=connection.token_env, app_id=connection.app_id, app_key_file=connection.app_key_file, environ=env
    )
    owners = sorted({r.repo.partition("/")[0].lower(): r.repo.partition("/")[0] for r in spec.repos}.values())
    logins = {o.lower(): open_login(api_url, credential, org=o, pacer=pacer) for o in owners}

    def known() -> tuple[str, ...]:
        return tuple(v for login in logins.values() for v in login.known_values())

    stdin_values = parse_stdin_secrets(stdin_text) if stdin_text is not None else None
    settings = user_settings(env)

    def make(entry: FleetRepo, options: Options, emit: Callable[[Event], None]) -> Session:
        flags = {**settings, **entry.answers, "repo": entry.repo}
        plan = Plan().updated(**flags)
        check_plan(plan)
        questioner = FlagQuestioner(yes=True, interactive=False)  # the run was confirmed once, for every repo
        login = logins[entry.repo.partition("/")[0].lower()]
        secrets = SecretSource(plan, env, stdin_values, questioner, more_known=known, admin_token=login.admin_token)
        progress = RepoProgressStore(store, entry.repo)
        return Session(
            plan=plan,
            port=login.port(),
            questioner=questioner,
            secrets=secrets,
            emit=emit,
            store=progress,
            state=progress.load(entry.repo),
            token_source=login.source,
            options=options,
            explicit=flags,
            run_lock=RunLock(api_url, locks_dir(env)),
        )

    return make
