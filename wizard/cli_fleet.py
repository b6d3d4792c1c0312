"""`brik-onboard fleet plan|apply FILE | --org ORG`: its arguments (kept light: the command's code loads when it runs),
and the selection flags `status --org` shares."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli_app_flags import add_app_flags
from wizard.cli_help import parser_help


def add_selection_flags(p: argparse.ArgumentParser, prefix: str, org_help: str | None = None) -> None:
    """--topic and --exclude (and --org when `org_help` is given): which repositories of an org are selected."""
    if org_help is not None:
        p.add_argument("--org", dest=prefix + "org", metavar="ORG", help=org_help)
    p.add_argument(
        "--topic",
        dest=prefix + "topic",
        action="append",
        metavar="TOPIC",
        help="with --org: only repositories with this topic (repeatable: all of them)",
    )
    p.add_argument(
        "--exclude",
        dest=prefix + "exclude",
        action="append",
        metavar="PATTERN",
        help="with --org: leave out repositories whose name (or owner/name) matches this shell glob (repeatable)",
    )


def add_fleet_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fleet = sub.add_parser("fleet", help="many repositories in one run, paced to GitHub's limits, resumable", **parser_help("fleet"))
    fleet_sub = fleet.add_subparsers(dest="fleet_command", metavar="COMMAND", required=True)
    for name, text in (
        ("plan", "check every repository of FILE and count the writes: writes nothing"),
        ("apply", "onboard every repository of FILE; a re-run picks up where the last one stopped"),
    ):
        p = fleet_sub.add_parser(name, help=text, **parser_help(f"fleet {name}"))
        p.add_argument("fleet_file", nargs="?", metavar="FILE", help="the fleet file (YAML; `brik-onboard schema --fleet`)")
        p.add_argument(
            "--org",
            dest="fleet_org",
            metavar="ORG",
            help="with FILE: the owner of repositories named without one; without: every repository of ORG (archived ones and forks left out)",
        )
        add_selection_flags(p, "fleet_")
        p.add_argument("--token-env", dest="fleet_token_env", metavar="VAR", help="read the admin token from this environment variable")
        add_app_flags(p, "fleet_")
        faces = p.add_mutually_exclusive_group()
        faces.add_argument("--json", action="store_true", help="one JSON object per line for each repository event, then the totals")
        if name == "apply":
            faces.add_argument(
                "--tui", action="store_true", help="a full-screen table of the repositories (default on a terminal: a progress bar)"
            )
        p.add_argument("--concurrency", type=int, default=4, metavar="N", help="repositories worked on at once (default 4)")
        p.add_argument("--writes-per-minute", type=int, default=80, metavar="N", help="content-creating requests a minute (default 80)")
        if name == "apply":
            p.add_argument("--yes", action="store_true", help="apply without asking")
            p.add_argument(
                "--validate",
                default="sample:2",
                metavar="all|none|sample:K",
                help="which repositories get a validation build (default sample:2)",
            )
            p.add_argument("--build-concurrency", type=int, default=4, metavar="N", help="validation builds at once (default 4)")
            p.add_argument("--state", dest="fleet_state", metavar="FILE", help="the progress file (default: FILE's name + .state.json)")
            p.add_argument("--replace-secrets", action="store_true", help="replace secrets that exist instead of keeping them")
            p.add_argument("--secrets-from-stdin", action="store_true", help="read NAME=value lines for secret values from stdin")
            p.add_argument(
                "--poll-interval",
                dest="fleet_poll_interval",
                type=float,
                default=5.0,
                metavar="SECONDS",
                help="seconds between build status polls",
            )


def fleet_options(args: Any) -> Any:
    from pathlib import Path

    from wizard.app.options import FleetCommandOptions

    apply = args.fleet_command == "apply"
    return FleetCommandOptions(
        command=args.fleet_command,
        file=Path(args.fleet_file) if args.fleet_file else None,
        org=args.fleet_org,
        topics=tuple(args.fleet_topic or ()),
        exclude=tuple(args.fleet_exclude or ()),
        token_env=args.fleet_token_env,
        json=args.json,
        concurrency=args.concurrency,
        writes_per_minute=args.writes_per_minute,
        yes=apply and args.yes,
        validate=args.validate if apply else "none",
        build_concurrency=args.build_concurrency if apply else 1,
        state_file=Path(args.fleet_state) if apply and args.fleet_state else None,
        replace_secrets=apply and args.replace_secrets,
        secrets_from_stdin=apply and args.secrets_from_stdin,
        poll_interval_s=args.fleet_poll_interval if apply else 5.0,
        app_id=getattr(args, "fleet_app_id", None),
        app_key_file=Path(args.fleet_app_key) if getattr(args, "fleet_app_key", None) else None,
        tui=apply and args.tui,
    )
