"""Command line: arguments -> one of the faces.

Start-up is kept lazy: this module imports only the standard library and `wizard.errors`, so
`brik-onboard --help` never pays for PyGithub, Textual or ruamel.yaml. Each command imports its own code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wizard import __version__
from wizard.errors import WizardError

DESCRIPTION = """\
Onboard a GitHub repository to the org's container build convention: an image under
ghcr.io/brikbyte-studios, registry secrets, a caller workflow for the org's reusable Kaniko
workflow, and a validation build that proves the layer cache works."""

EPILOG = """\
With no command, the wizard runs on the current directory's repository (full screen, or --plain prompts).
exit codes: 0 done, 1 validation failed, 2 usage or input error, 3 GitHub refused, 130 interrupted."""


def add_plan_flags(parser: argparse.ArgumentParser) -> None:
    """The answers a run can take from flags (flags win over the answers file)."""
    g = parser.add_argument_group("answers (override the answers file)")
    g.add_argument("--repo", metavar="OWNER/NAME", help="repository to onboard (default: the 'origin' remote of the current directory)")
    g.add_argument("--org", help="image namespace org (default: brikbyte-studios)")
    g.add_argument("--registry", help="container registry host (default: ghcr.io)")
    g.add_argument("--reusable-workflow", metavar="REF", help="the org's reusable workflow OWNER/REPO/PATH@REF")
    g.add_argument("--service", help="service name, the last part of the image (default: the repo name, slugged)")
    g.add_argument("--tags", help="image tags, comma or newline separated (default: sha-${{ github.sha }})")
    g.add_argument("--cache-repo", metavar="REF", help="explicit cache repository (default: <image>-cache)")
    g.add_argument("--no-cache", action="store_true", default=None, help="build without the layer cache")
    g.add_argument("--target", help="Dockerfile stage to build (--target)")
    g.add_argument("--dockerfile", help="path of the Dockerfile in the repo (default: ./Dockerfile)")
    g.add_argument("--context", help="build context directory (default: .)")
    g.add_argument("--strategy", choices=["github-token", "pat"], help="registry credential: the run's GITHUB_TOKEN or a stored PAT")
    g.add_argument("--scope", choices=["org", "environment"], help="where registry secrets live")
    g.add_argument("--visibility", choices=["all", "private", "selected"], help="org secret visibility (default: selected)")
    g.add_argument("--environment", metavar="NAME", help="environment for environment-scoped secrets")
    g.add_argument("--workflow-path", metavar="PATH", help="caller workflow path in the repo (default: .github/workflows/build-image.yml)")
    g.add_argument("--pin-sha", metavar="SHA", help="pin the reusable workflow to this commit SHA (the ref stays as a comment)")
    g.add_argument("--answers", metavar="FILE", help="answers file (default: .github/brik-onboard.yml in the checkout)")
    g.add_argument("--checkout", metavar="DIR", help="local clone of the repo (default: the current directory when its origin is --repo)")


def add_github_flags(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("GitHub")
    g.add_argument("--api-url", metavar="URL", help="GitHub API URL: GitHub Enterprise or the sandbox (default: https://api.github.com)")
    g.add_argument("--token-env", metavar="VAR", help="read the admin token from this environment variable")
    g.add_argument("--state", metavar="FILE", help="progress file (default: beside the answers file)")
    g.add_argument("--log", metavar="FILE", help="append the engine's events to this file (no secret values)")
    g.add_argument("--poll-interval", type=float, default=5.0, metavar="SECONDS", help="seconds between build status polls")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brik-onboard",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--plain", action="store_true", help="the wizard as plain prompts instead of the full-screen interface")
    add_plan_flags(parser)
    add_github_flags(parser)
    parser.add_argument("--deliver", choices=["local", "pr", "commit"], help="how the caller workflow reaches the repo (default: pr)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    plan = sub.add_parser("plan", help="dry run: resolve the answers and print every change, write nothing")
    add_plan_flags(plan)
    plan.add_argument("--workflow-file", metavar="PATH", help="an existing caller workflow to update: show the diff")
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    plan.add_argument("--offline", action="store_true", help="do not read GitHub's current state, even with a token")
    add_github_flags(plan)
    plan.add_argument("--deliver", choices=["local", "pr", "commit"], help="how apply would deliver the caller (default: pr)")

    apply = sub.add_parser("apply", help="run the whole onboarding non-interactively from an answers file and/or flags")
    apply.add_argument("file", nargs="?", metavar="FILE", help="answers file (same as --answers)")
    add_plan_flags(apply)
    add_github_flags(apply)
    apply.add_argument("--deliver", choices=["local", "pr", "commit"], help="how the caller workflow reaches the repo (default: pr)")
    apply.add_argument("--yes", action="store_true", help="apply every step's changes without asking")
    apply.add_argument("--skip-validation", action="store_true", help="do not run the validation build")
    apply.add_argument("--replace-secrets", action="store_true", help="replace existing secrets' values (default: keep them)")
    apply.add_argument("--secrets-from-stdin", action="store_true", help="read NAME=value lines from stdin for secret values")
    apply.add_argument(
        "--wait-merge", type=float, default=0.0, metavar="SECONDS", help="on the PR path, wait this long for the merge before pausing"
    )
    apply.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")

    validate = sub.add_parser("validate", help="only the validation build and its verdict")
    add_plan_flags(validate)
    add_github_flags(validate)
    validate.add_argument("--yes", action="store_true", help="start the builds without asking")
    validate.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")
    validate.set_defaults(secrets_from_stdin=False, deliver="local")

    auth = sub.add_parser("auth", help="the admin token in the OS keyring")
    auth_sub = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)
    login = auth_sub.add_parser("login", help="store a token in the keyring (read from stdin with --with-token)")
    login.add_argument("--with-token", action="store_true", help="read the token from stdin")
    for p in (
        login,
        auth_sub.add_parser("status", help="host, user, scopes and where the token comes from"),
        auth_sub.add_parser("logout", help="remove the stored token"),
    ):
        p.add_argument("--api-url", metavar="URL", help="GitHub API URL (default: https://api.github.com)")
        p.add_argument("--token-env", metavar="VAR", help="read the token from this environment variable")

    demo = sub.add_parser("demo", help="the wizard against the embedded GitHub sandbox: no token, no network")
    demo_mode = demo.add_mutually_exclusive_group()
    demo_mode.add_argument("--headless", action="store_true", help="answer with the defaults and print one line per step and the verdict")
    demo_mode.add_argument("--plain", action="store_true", help="the demo as plain prompts")
    demo.add_argument("--time-factor", type=float, default=0.05, help="scale simulated build time (default 0.05)")

    inspect = sub.add_parser("inspect-log", help="analyse Kaniko job logs offline; with two logs, the run-1 vs run-2 verdict")
    inspect.add_argument("logs", nargs="+", metavar="LOG", help="one or two job log files ('-' for stdin)")
    inspect.add_argument("--image", help="expected image repository (checks the push)")
    inspect.add_argument("--cache-repo", help="expected cache repository")
    inspect.add_argument("--destination", action="append", metavar="REF", help="expected destination image:tag (repeatable)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")

    sandbox = sub.add_parser("sandbox", help="the embedded GitHub sandbox")
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", metavar="COMMAND", required=True)
    serve = sandbox_sub.add_parser("serve", help="run the sandbox as a standalone server until interrupted")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--token", help="admin token to accept (default: a fresh random one, printed)")
    serve.add_argument("--scopes", default="repo,workflow,admin:org,read:org", help="comma-separated scopes of that token")
    serve.add_argument("--seed", metavar="FILE", help="extra orgs, repos, files, users and tokens (YAML or JSON)")
    serve.add_argument("--time-factor", type=float, default=1.0, help="scale simulated build time (0.01 = 100x faster)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(parser, args)
    except WizardError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `brik-onboard inspect-log --json | head`: the reader left; not an error of ours.
        sys.stderr.close()
        return 0


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "plan":
        from wizard.commands.plan_cmd import run_plan

        return run_plan(args)
    if args.command == "apply":
        from wizard.commands.apply_cmd import run_apply

        return run_apply(args)
    if args.command == "validate":
        from wizard.commands.apply_cmd import run_validate

        return run_validate(args)
    if args.command == "auth":
        from wizard.commands.auth_cmd import run_auth

        return run_auth(args)
    if args.command == "demo":
        from wizard.commands.demo_cmd import run_demo

        return run_demo(args)
    if args.command == "inspect-log":
        from wizard.commands.inspect_log_cmd import run_inspect_log

        return run_inspect_log(args)
    if args.command == "sandbox":
        from wizard.commands.sandbox_cmd import run_sandbox_serve

        return run_sandbox_serve(args)
    if args.plain:
        from wizard.commands.wizard_cmd import run_plain

        return run_plain(args)
    from wizard.commands.wizard_cmd import run_tui

    return run_tui(args)
