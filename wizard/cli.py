"""Command line: arguments -> one of the faces.

Start-up is kept lazy: this module imports only the standard library and `wizard.errors`, so
`brik-onboard --help` never pays for PyGithub, Textual or ruamel.yaml. Each command imports its own code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wizard import __version__
from wizard.errors import EXIT_USAGE, WizardError

DESCRIPTION = """\
Onboard a GitHub repository to the org's container build convention: an image under
ghcr.io/brikbyte-studios, registry secrets, a caller workflow for the org's reusable Kaniko
workflow, and a validation build that proves the layer cache works."""

EPILOG = """\
exit codes: 0 done, 1 validation failed, 2 usage or input error, 3 GitHub refused.
The interactive wizard (no sub-command) is not built yet: use `plan` for a dry run."""


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brik-onboard",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    plan = sub.add_parser("plan", help="dry run: resolve the answers and print every change, write nothing")
    add_plan_flags(plan)
    plan.add_argument("--workflow-file", metavar="PATH", help="an existing caller workflow to update: show the diff")
    plan.add_argument("--json", action="store_true", help="print one JSON object")

    inspect = sub.add_parser("inspect-log", help="analyse Kaniko job logs offline; with two logs, the run-1 vs run-2 verdict")
    inspect.add_argument("logs", nargs="+", metavar="LOG", help="one or two job log files ('-' for stdin)")
    inspect.add_argument("--image", help="expected image repository (checks the push)")
    inspect.add_argument("--cache-repo", help="expected cache repository")
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


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "plan":
        from wizard.commands.plan_cmd import run_plan

        return run_plan(args)
    if args.command == "inspect-log":
        from wizard.commands.inspect_log_cmd import run_inspect_log

        return run_inspect_log(args)
    if args.command == "sandbox":
        from wizard.commands.sandbox_cmd import run_sandbox_serve

        return run_sandbox_serve(args)
    parser.print_help(sys.stderr)
    print("\nerror: the interactive wizard is not built yet; run `brik-onboard plan` for a dry run", file=sys.stderr)
    return EXIT_USAGE
