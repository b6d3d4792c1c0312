"""Which repositories a fleet run works on: a fleet FILE's, or (with no FILE) those `--org ORG [--topic T]
[--exclude PATTERN]` selects from one listing of the org (wizard/core/repo_filter.py). Selected repositories have no
answers of their own: each one's are the user's config file over the defaults, and its recorded answers stay its
baseline, as for any run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from wizard.app.options import FleetCommandOptions
from wizard.app.sessions import connect_port, find_credential
from wizard.app.user_config import user_settings
from wizard.core.fleet_spec import MAX_FLEET_BYTES, FleetRepo, FleetSpec, load_fleet
from wizard.core.repo_filter import Selection, check_filter, select
from wizard.engine.port import ListedRepo
from wizard.errors import InputError
from wizard.fsutil import read_text_file

NEITHER = InputError(
    "fleet: no repositories given: name a fleet FILE or select them with --org ORG",
    "brik-onboard fleet plan fleet.yml, or brik-onboard fleet plan --org YourOrg --topic node",
)


def fleet_spec(o: FleetCommandOptions, environ: Mapping[str, str] | None = None) -> tuple[FleetSpec, str | None]:
    """The run's repositories, and a line saying which were left out (None when none was)."""
    if o.file is not None:
        if o.topics or o.exclude:
            raise InputError(
                "--topic and --exclude select from GitHub (with --org and no FILE); a fleet file lists its repositories itself",
                "drop FILE to select with --org, or edit the file's repos:",
            )
        return load_fleet(read_text_file(o.file, "fleet file", MAX_FLEET_BYTES), str(o.file), org=o.org), None
    if not o.org:
        raise NEITHER
    selection = selected_repos(o.org, o.topics, o.exclude, token_env=o.token_env, environ=environ)
    return FleetSpec(tuple(FleetRepo(r.full_name) for r in selection.selected), {}, o.org), selection.note()


def selected_repos(
    org: str, topics: tuple[str, ...], exclude: tuple[str, ...], *, token_env: str | None, environ: Mapping[str, str] | None = None
) -> Selection[ListedRepo]:
    """One listing of `org`, filtered; InputError (exit 2) when nothing is left."""
    env = os.environ if environ is None else environ
    rules = check_filter(org, topics, exclude)
    api_url = user_settings(env).get("api_url")
    port = connect_port(api_url, find_credential(api_url, token_env=token_env, environ=env), org=org)
    try:
        selection = select(port.org_repos(org), rules)
    finally:
        close = getattr(port, "close", None)
        if close is not None:
            close()
    if not selection.selected:
        raise InputError(
            f"no repository of {org} is selected ({selection.note() or 'the org has none this token can see'})",
            "check --topic and --exclude",
        )
    return selection


def default_state_path(o: FleetCommandOptions) -> Path:
    """Beside the fleet file (FILE's name + .state.json); for a selection, fleet-ORG.state.json here."""
    if o.file is not None:
        return o.file.with_name(o.file.stem + ".state.json")
    return Path(f"fleet-{(o.org or 'org').lower()}.state.json")
