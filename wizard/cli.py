"""Command line: arguments -> typed options -> one of the faces.

Start-up is kept lazy: this module imports the standard library, `wizard.errors` and the answers' declarations
(`wizard.core.plan`, pure), so `brik-onboard --help` never pays for PyGithub, Textual or ruamel.yaml. Each
command imports its own code. The answer flags are generated from the declarations: every command that reads
answers takes them, and so does the bare wizard; given before a command, they count as if given after it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.cli_app_flags import add_app_flags
from wizard.cli_fleet import add_fleet_parser, add_selection_flags, fleet_options
from wizard.cli_help import parser_help
from wizard.cli_rotate import add_rotate_parser
from wizard.errors import InputError, WizardError

if TYPE_CHECKING:
    from wizard.app.options import AnswerSource, Connection
    from wizard.core.spec import AnswerSpec

ANSWER_PREFIX = "answer__"  # the namespace attribute of an answer flag: answer__<name>
ANSWER_COMMANDS = ("plan", "apply", "validate", None)  # None: the bare wizard
RUN_FLAGS = ("token_env", "app_id", "app_key", "state", "log", "poll_interval", "answers", "checkout", "summary")
SUMMARY_HELP = "also write the run's summary (changes, verdict, run URLs, next step) to FILE as Markdown"


def add_answer_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per declared answer (flags win over the answers file). Absent flags leave no attribute, so a
    flag given before the command is not overwritten by the command's own default."""
    from wizard.core.plan import ANSWERS
    from wizard.core.spec import Kind

    g = parser.add_argument_group("answers (override the answers file; `brik-onboard schema` lists them)")
    for spec in ANSWERS:
        kwargs: dict[str, Any] = {"dest": ANSWER_PREFIX + spec.name, "default": argparse.SUPPRESS, "help": spec.meta.help}
        if spec.kind is Kind.BOOL:
            kwargs["action"] = argparse.BooleanOptionalAction
        elif spec.kind is Kind.CHOICE:
            kwargs["choices"] = spec.choices
        elif spec.kind in (Kind.MAP, Kind.LIST):
            kwargs["action"] = "append"  # repeatable; a list that parses its text also splits each value (commas)
        if spec.kind not in (Kind.BOOL, Kind.CHOICE):
            kwargs["metavar"] = spec.meta.metavar or spec.name.upper()
        g.add_argument(*spec.flags, **kwargs)
    s = parser.add_argument_group("where the answers come from")
    s.add_argument(
        "--answers", metavar="FILE", default=argparse.SUPPRESS, help="answers file (default: .github/brik-onboard.yml in the checkout)"
    )
    s.add_argument(
        "--checkout",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="local clone of the repo (default: the current directory when its origin is --repo)",
    )


def add_run_flags(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("GitHub and progress")
    g.add_argument("--token-env", metavar="VAR", default=argparse.SUPPRESS, help="read the admin token from this environment variable")
    add_app_flags(g)
    g.add_argument("--state", metavar="FILE", default=argparse.SUPPRESS, help="progress file (default: beside the answers file)")
    g.add_argument("--log", metavar="FILE", default=argparse.SUPPRESS, help="append the engine's events to this file (no secret values)")
    g.add_argument(
        "--poll-interval", type=float, metavar="SECONDS", default=argparse.SUPPRESS, help="seconds between build status polls (default: 5)"
    )


def add_summary_flag(parser: argparse.ArgumentParser, dest: str = "summary") -> None:
    parser.add_argument("--summary", dest=dest, metavar="FILE", default=argparse.SUPPRESS, help=SUMMARY_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brik-onboard",
        **parser_help(""),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--plain", action="store_true", help="the wizard as plain prompts instead of the full-screen interface")
    add_answer_flags(parser)
    add_run_flags(parser)
    add_summary_flag(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    plan = sub.add_parser("plan", help="dry run: resolve the answers and print every change, write nothing", **parser_help("plan"))
    add_answer_flags(plan)
    add_run_flags(plan)
    plan.add_argument("--workflow-file", metavar="PATH", help="an existing caller workflow to update: show the diff")
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    plan.add_argument("--offline", action="store_true", help="do not read GitHub's current state, even with a token")

    apply = sub.add_parser(
        "apply", help="run the whole onboarding non-interactively from an answers file and/or flags", **parser_help("apply")
    )
    apply.add_argument("file", nargs="?", metavar="FILE", help="answers file (same as --answers)")
    add_answer_flags(apply)
    add_run_flags(apply)
    add_summary_flag(apply)
    apply.add_argument("--yes", action="store_true", help="apply every step's changes without asking")
    apply.add_argument("--skip-validation", action="store_true", help="do not run the validation build")
    apply.add_argument(
        "--replace-secrets",
        action="store_true",
        help="replace existing secrets' values and a REGISTRY_URL variable that differs (default: keep them)",
    )
    apply.add_argument(
        "--secrets-from-stdin",
        action="store_true",
        help="read secret values from stdin: NAME=value lines, or NAME<<EOF, the value's lines, EOF for a multi-line one",
    )
    apply.add_argument(
        "--wait-merge", type=float, default=0.0, metavar="SECONDS", help="on the PR path, wait this long for the merge before pausing"
    )
    apply.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")

    validate = sub.add_parser("validate", help="only the validation build and its verdict", **parser_help("validate"))
    add_answer_flags(validate)
    add_run_flags(validate)
    add_summary_flag(validate)
    validate.add_argument("--yes", action="store_true", help="start the builds without asking")
    validate.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")

    status = sub.add_parser(
        "status",
        help="is the repo onboarded and healthy? (reads GitHub, writes nothing)",
        **parser_help("status"),
    )
    status.add_argument("--repo", dest="status_repo", metavar="OWNER/NAME", help="repository (default: the current directory's origin)")
    add_selection_flags(status, "status_", "instead of one repository: every repository of ORG (archived ones and forks left out)")
    status.add_argument(
        "--no-cache",
        dest="status_no_cache",
        action="store_true",
        help="with --org: read everything again and keep nothing for the next run",
    )
    status.add_argument("--api-url", dest="status_api_url", metavar="URL", help="GitHub API URL (default: https://api.github.com)")
    status.add_argument("--token-env", dest="status_token_env", metavar="VAR", help="read the admin token from this environment variable")
    add_app_flags(status, "status_")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    add_rotate_parser(sub)
    add_fleet_parser(sub)

    schema = sub.add_parser("schema", help="print the answers file's JSON Schema (draft 2020-12)", **parser_help("schema"))
    schema.add_argument("--fleet", action="store_true", help="the fleet file's schema (`fleet plan|apply FILE`) instead")

    auth = sub.add_parser("auth", help="the admin token in the OS keyring", **parser_help("auth"))
    auth_sub = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)
    login = auth_sub.add_parser(
        "login", help="store a token in the keyring (read from stdin with --with-token)", **parser_help("auth login")
    )
    login.add_argument("--with-token", action="store_true", help="read the token from stdin")
    for p in (
        login,
        auth_sub.add_parser("status", help="host, user, scopes and where the token comes from", **parser_help("auth status")),
        auth_sub.add_parser("logout", help="remove the stored token", **parser_help("auth logout")),
    ):
        p.add_argument("--api-url", dest="auth_api_url", metavar="URL", help="GitHub API URL (default: https://api.github.com)")
        p.add_argument("--token-env", dest="auth_token_env", metavar="VAR", help="read the token from this environment variable")

    demo = sub.add_parser("demo", help="the wizard against the embedded GitHub sandbox: no token, no network", **parser_help("demo"))
    demo_mode = demo.add_mutually_exclusive_group()
    demo_mode.add_argument("--headless", action="store_true", help="answer with the defaults and print one line per step and the verdict")
    demo_mode.add_argument("--plain", action="store_true", dest="demo_plain", help="the demo as plain prompts")
    demo.add_argument("--time-factor", type=float, default=0.05, help="scale simulated build time (default 0.05)")
    add_summary_flag(demo, dest="demo_summary")  # its own dest: `summary` given before a command is refused

    inspect = sub.add_parser(
        "inspect-log", help="analyse Kaniko job logs offline; with two logs, the run-1 vs run-2 verdict", **parser_help("inspect-log")
    )
    inspect.add_argument("logs", nargs="+", metavar="LOG", help="one or two job log files ('-' for stdin)")
    inspect.add_argument("--image", help="expected image repository (checks the push)")
    inspect.add_argument("--cache-repo", help="expected cache repository")
    inspect.add_argument("--destination", action="append", metavar="REF", help="expected destination image:tag (repeatable)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")

    sandbox = sub.add_parser("sandbox", help="the embedded GitHub sandbox", **parser_help("sandbox"))
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", metavar="COMMAND", required=True)
    serve = sandbox_sub.add_parser("serve", help="run the sandbox as a standalone server until interrupted", **parser_help("sandbox serve"))
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument(
        "--token", help="admin token to accept (default: a fresh random one, printed); ghs_... acts as a GitHub App installation token"
    )
    serve.add_argument("--scopes", default="repo,workflow,admin:org,read:org", help="comma-separated scopes of that token")
    serve.add_argument("--seed", metavar="FILE", help="extra orgs, repos, files, users and tokens (YAML or JSON; format below)")
    serve.add_argument("--time-factor", type=float, default=1.0, help="scale simulated build time (0.01 = 100x faster)")
    serve.add_argument(
        "--plan",
        choices=("free", "team", "enterprise"),
        default="free",
        help="the org's GitHub plan (free: environments only in public repos)",
    )
    serve.add_argument(
        "--ghes",
        metavar="VERSION",
        help="answer as GitHub Enterprise Server VERSION (e.g. 3.14): its version header, its workflow keys, "
        "and an org that has not installed the reusable workflow yet",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _refuse_misplaced(parser, args)
        return _dispatch(args)
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


def _refuse_misplaced(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Answer and run flags given before a command that reads none: refused (exit 2), never silently dropped."""
    if args.command == "plan" and "summary" in vars(args):
        parser.error("--summary: `plan` writes nothing, not even a summary (it takes --json)")
    if args.command in ANSWER_COMMANDS:
        return
    given = [name for name in vars(args) if name.startswith(ANSWER_PREFIX) or name in RUN_FLAGS]
    if given or args.plain:
        names = ", ".join("--" + n.removeprefix(ANSWER_PREFIX).replace("_", "-") for n in given) or "--plain"
        parser.error(
            f"{names}: not an option of `{args.command}` given before it (answers go after plan, apply or validate; "
            f"see `brik-onboard {args.command} --help` for what `{args.command}` takes)"
        )


def answer_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The answers given on the command line, typed by their declarations (only those given)."""
    from wizard.core.plan import ANSWERS_BY_NAME
    from wizard.core.spec import Kind

    out: dict[str, Any] = {}
    for attr, raw in vars(args).items():
        if not attr.startswith(ANSWER_PREFIX):
            continue
        spec = ANSWERS_BY_NAME[attr.removeprefix(ANSWER_PREFIX)]
        out[spec.name] = _typed(spec, raw) if spec.kind is not Kind.BOOL else bool(raw)
    return out


def _typed(spec: AnswerSpec, raw: Any) -> Any:
    from wizard.core.spec import Kind

    if spec.kind is Kind.MAP:
        pairs = {}
        for item in raw:
            name, sep, var = str(item).partition("=")
            if not sep or not name or not var:
                raise InputError(f"{spec.flag} takes NAME=VAR", f"e.g. {spec.flag} REGISTRY_PAT=MY_PAT_VARIABLE")
            pairs[name] = var
        return pairs
    if spec.kind is Kind.LIST:
        # Each flag as a line of the text a face would parse (commas split too where the answer allows them).
        return spec.meta.parse("\n".join(raw)) if spec.meta.parse is not None else tuple(raw)
    return raw


def answer_source(args: argparse.Namespace, *, answers_file: str | None = None) -> AnswerSource:
    from wizard.app.options import AnswerSource

    answers = answers_file or getattr(args, "answers", None)
    checkout = getattr(args, "checkout", None)
    workflow_file = getattr(args, "workflow_file", None)
    return AnswerSource(
        flags=answer_flags(args),
        answers_file=Path(answers) if answers else None,
        checkout=Path(checkout) if checkout else None,
        workflow_file=Path(workflow_file) if workflow_file else None,
    )


def connection(args: argparse.Namespace) -> Connection:
    from wizard.app.options import Connection

    state, log, summary = getattr(args, "state", None), getattr(args, "log", None), getattr(args, "summary", None)
    app_key = getattr(args, "app_key", None)
    return Connection(
        token_env=getattr(args, "token_env", None),
        app_id=getattr(args, "app_id", None),
        app_key_file=Path(app_key) if app_key else None,
        state_file=Path(state) if state else None,
        log_file=Path(log) if log else None,
        poll_interval_s=getattr(args, "poll_interval", 5.0),
        summary_file=Path(summary) if summary else None,
    )


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "inspect-log":  # before the other commands' options are imported: it is timed against grep
        from wizard.app.inspect_options import InspectOptions
        from wizard.commands.inspect_log_cmd import run_inspect_log

        return run_inspect_log(InspectOptions(tuple(args.logs), args.image, args.cache_repo, tuple(args.destination or ()), json=args.json))
    from wizard.app import options as o

    if command == "plan":
        from wizard.commands.plan_cmd import run_plan

        return run_plan(o.PlanOptions(answer_source(args), connection(args), json=args.json, offline=args.offline))
    if command == "apply":
        from wizard.commands.apply_cmd import run_apply

        return run_apply(
            o.ApplyOptions(
                answer_source(args, answers_file=args.file if not getattr(args, "answers", None) else None),
                connection(args),
                json=args.json,
                yes=args.yes,
                skip_validation=args.skip_validation,
                replace_secrets=args.replace_secrets,
                secrets_from_stdin=args.secrets_from_stdin,
                wait_merge_s=args.wait_merge,
            )
        )
    if command == "validate":
        from wizard.commands.apply_cmd import run_validate

        return run_validate(o.ValidateOptions(answer_source(args), connection(args), json=args.json, yes=args.yes))
    if command == "status":
        from wizard.commands.status_cmd import run_status

        key = getattr(args, "status_app_key", None)
        app_key = Path(key) if key else None
        return run_status(
            o.StatusOptions(
                args.status_repo,
                args.status_api_url,
                args.status_token_env,
                args.json,
                getattr(args, "status_app_id", None),
                app_key,
                org=args.status_org,
                topics=tuple(args.status_topic or ()),
                exclude=tuple(args.status_exclude or ()),
                no_cache=args.status_no_cache,
            )
        )
    if command == "rotate":
        from wizard.commands.rotate_cmd import run_rotate

        return run_rotate(
            o.RotateOptions(
                repo=args.rotate_repo,
                org=args.rotate_org,
                scope=args.rotate_scope,
                environment=args.rotate_environment,
                api_url=args.rotate_api_url,
                token_env=args.rotate_token_env,
                yes=args.yes,
                json=args.json,
                validate=args.validate,
                secrets_from_stdin=args.secrets_from_stdin,
                poll_interval_s=args.rotate_poll_interval,
                app_id=getattr(args, "rotate_app_id", None),
                app_key_file=Path(args.rotate_app_key) if getattr(args, "rotate_app_key", None) else None,
            )
        )
    if command == "fleet":
        from wizard.commands.fleet_cmd import run_fleet

        return run_fleet(fleet_options(args))
    if command == "schema":
        from wizard.commands.schema_cmd import run_schema

        return run_schema(fleet=args.fleet)
    if command == "auth":
        from wizard.commands.auth_cmd import run_auth

        return run_auth(o.AuthOptions(args.auth_command, args.auth_api_url, args.auth_token_env, getattr(args, "with_token", False)))
    if command == "demo":
        from wizard.commands.demo_cmd import run_demo

        mode = "headless" if args.headless else "plain" if args.demo_plain else "tui"
        summary = getattr(args, "demo_summary", None)
        return run_demo(o.DemoOptions(mode=mode, time_factor=args.time_factor, summary_file=Path(summary) if summary else None))
    if command == "sandbox":
        from wizard.commands.sandbox_cmd import run_sandbox_serve

        scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip())
        seed = Path(args.seed) if args.seed else None
        return run_sandbox_serve(o.ServeOptions(args.port, args.token, scopes, seed, args.time_factor, args.plan, args.ghes))
    from wizard.commands.wizard_cmd import run_wizard

    return run_wizard(o.WizardOptions(answer_source(args), connection(args), plain=args.plain))
