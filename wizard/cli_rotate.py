"""`brik-onboard rotate`: its arguments (kept light: the command's code loads when it runs)."""

from __future__ import annotations

import argparse

from wizard.cli_app_flags import add_app_flags
from wizard.cli_help import parser_help

ORG_SAMPLE = "sample:2"  # a bare --validate with --org: builds of two of the repositories that read the secret


def add_rotate_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`rotate` takes no answer flags: where the secret lives comes from the recorded answers, or these (own dests, so
    they are not taken for answer flags given before the command)."""
    rotate = sub.add_parser(
        "rotate",
        help="replace REGISTRY_PAT where the onboarding put it (org or environment); nothing else changes",
        **parser_help("rotate"),
    )
    rotate.add_argument("--repo", dest="rotate_repo", metavar="OWNER/NAME", help="the onboarded repo (default: the 'origin' remote)")
    rotate.add_argument(
        "--org", dest="rotate_org", metavar="ORG", help="the organization's secret, listing every repository that reads it (no --repo)"
    )
    rotate.add_argument("--scope", dest="rotate_scope", choices=("org", "environment"), help="where the secret lives (default: recorded)")
    rotate.add_argument(
        "--environment", dest="rotate_environment", metavar="NAME", help="the environment that holds it (implies --scope environment)"
    )
    rotate.add_argument("--api-url", dest="rotate_api_url", metavar="URL", help="GitHub API URL (default: https://api.github.com)")
    rotate.add_argument("--token-env", dest="rotate_token_env", metavar="VAR", help="read the admin token from this environment variable")
    add_app_flags(rotate, "rotate_")
    rotate.add_argument("--secrets-from-stdin", action="store_true", help="read the new value from a REGISTRY_PAT=value line on stdin")
    rotate.add_argument("--yes", action="store_true", help="replace without asking")
    rotate.add_argument(
        "--validate",
        nargs="?",
        const=ORG_SAMPLE,
        metavar="all|none|sample:K",
        help=f"then validation builds with the new PAT: the repository's; with --org, of all or a sample of its readers "
        f"(bare: {ORG_SAMPLE})",
    )
    rotate.add_argument(
        "--poll-interval",
        dest="rotate_poll_interval",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="seconds between build status polls",
    )
    rotate.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")
