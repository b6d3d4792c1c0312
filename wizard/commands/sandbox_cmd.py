"""`brik-onboard sandbox serve`: the embedded GitHub sandbox as a standalone server, and where to start with it."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from wizard.app.options import ServeOptions
from wizard.errors import InputError

if TYPE_CHECKING:
    from wizard.sandbox import Sandbox

PROG = "brik-onboard"
SAMPLE_REPO = "BrikByte-Studios/example-node-api"
REPOS_NAMED = 8  # a seeded fleet has hundreds: the greeting names a few and counts the rest


def _command(env: dict[str, str], command: str, api_url: str, *args: str) -> str:
    words = [f"{name}={shlex.quote(value)}" for name, value in env.items()]
    words += [PROG, command, "--api-url", api_url, "--repo", SAMPLE_REPO, *args]
    return " ".join(shlex.quote(w) if "=" not in w else w for w in words)


def greeting(sandbox: Sandbox) -> list[str]:
    """What to do next, printed once the sandbox serves: what it holds, a registry PAT, and commands to paste.

    The tokens are the sandbox's own fakes (no real credential is involved): printing them is the point here."""
    from wizard.core.plan import PAT_SECRET, Plan, secret_env_var

    pat = sandbox.add_token(("write:packages",))
    state = sandbox.state
    with state.lock:
        orgs = sorted(f"{a.login} (plan {a.plan})" for a in state.accounts.values() if a.is_org)
        repos = sorted(f"{r.owner.login}/{r.name}" for r in state.repos.values() if r.name != ".github")
    pat_env = secret_env_var(Plan(), PAT_SECRET)
    env = {"GH_TOKEN": sandbox.token}
    api = sandbox.base_url
    # Builds here last time_factor of their real time: the apply command polls that much more often (5 s by default).
    factor = sandbox.state.time_factor
    poll = ("--poll-interval", f"{max(0.1, round(5 * factor, 2)):g}") if factor < 1 else ()
    more = f" and {len(repos) - REPOS_NAMED} more" if len(repos) > REPOS_NAMED else ""
    return [
        f"orgs: {', '.join(orgs)}",
        f"repos: {', '.join(repos[:REPOS_NAMED])}{more}",
        f"registry PAT (classic, write:packages; the sandbox's registry accepts it): {pat}",
        "",
        "Try it, from any directory:",
        "  " + _command(env, "plan", api, "--strategy", "pat"),
        "  " + _command({**env, pat_env: pat}, "apply", api, "--strategy", "pat", "--deliver", "commit", "--yes", *poll),
        "",
    ]


def run_sandbox_serve(o: ServeOptions) -> int:
    from wizard.app.demo import require_sandbox_extra
    from wizard.core.workflow.variants import parse_ghes_version

    require_sandbox_extra()
    from wizard.sandbox.server import serve

    if o.ghes is not None:
        parse_ghes_version(o.ghes)  # InputError (exit 2) before anything starts

    try:
        serve(
            port=o.port or None,
            token=o.token,
            scopes=list(o.scopes),
            seed_file=o.seed,
            time_factor=o.time_factor,
            plan=o.plan,
            ghes=o.ghes,
            greeting=greeting,
        )
    except OSError as exc:  # before serving: the seed file unreadable, or the port taken
        what = f"the seed file {o.seed}" if o.seed is not None and exc.filename is not None else f"port {o.port or 'any'}"
        raise InputError(f"{what}: {exc.strerror or exc}", "see `brik-onboard sandbox serve --help`") from None
    except (ValueError, KeyError, TypeError) as exc:  # the seed file's content (seed.py names what is wrong)
        if o.seed is None:
            raise
        said = f"an entry lacks the key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(f"the seed file {o.seed}: {said}", "its format: `brik-onboard sandbox serve --help`") from None
    return 0
