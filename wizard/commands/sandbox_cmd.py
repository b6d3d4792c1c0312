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

# The `sandbox serve --help` text (argparse description and epilog, shown as written). The seed format mirrors the
# docstring of wizard/sandbox/seed.py, which reads it.
SERVE_DESCRIPTION = """\
Run the embedded GitHub sandbox (REST + Actions + a Kaniko-emulating registry) on 127.0.0.1 until Ctrl+C. It starts
with the org BrikByte-Studios (its .github repo holds the reusable Kaniko workflow) and the sample service
BrikByte-Studios/example-node-api, and prints an admin token, a registry PAT its registry accepts (both made by
the sandbox: fake tokens that work nowhere else) and ready `plan` and `apply` commands to paste."""

SERVE_EPILOG = """\
Seed file (--seed FILE, YAML or JSON; every key optional; added to the default org and repo):
  orgs:
    - {login: acme, plan: team}                # plan: free | team | enterprise (default: --plan)
  users:
    - {login: alice, name: Alice}
  repos:
    - full_name: acme/svc
      private: true                            # or visibility: public | private | internal
      default_branch: main
      files: {Dockerfile: "FROM alpine:3.20\\n"}
      dir: ./svc                               # files from a folder, relative to the seed file
  tokens:
    - {login: alice, scopes: [repo, workflow, admin:org]}
    - {login: bob, fine_grained: true, permissions: {contents: write}}
    - {login: ci-bot, scopes: [write:packages], value_env: CI_BOT_PAT}   # value from $CI_BOT_PAT
    - {login: my-app, installation: true}      # a GitHub App installation token (ghs_)
  packages:
    "ghcr.io/acme/svc": {linked_repos: [acme/svc]}
Token values never live in the file: give value_env, or the sandbox makes one and prints it.

Examples:
  brik-onboard sandbox serve --time-factor 0.05
  brik-onboard sandbox serve --port 8765 --plan team --seed seed.yml
  brik-onboard sandbox serve --token ghs_$(openssl rand -hex 18)   # the admin token as a GitHub App's

Exit codes: 0 stopped with Ctrl+C, 2 usage or input error (a bad --ghes version, an unreadable seed file)."""


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
    return [
        f"orgs: {', '.join(orgs)}",
        f"repos: {', '.join(repos)}",
        f"registry PAT (classic, write:packages; the sandbox's registry accepts it): {pat}",
        "",
        "Try it, from any directory:",
        "  " + _command(env, "plan", api, "--strategy", "pat"),
        "  " + _command({**env, pat_env: pat}, "apply", api, "--strategy", "pat", "--deliver", "commit", "--yes", *poll),
        "",
    ]


def run_sandbox_serve(o: ServeOptions) -> int:
    from wizard.core.workflow.variants import parse_ghes_version
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
