"""The plan: every answer of the onboarding flow with its default, and what follows from it.

A `Plan` holds answers only; `resolve()` (resolved.py) derives the image, cache repo, destinations and secrets
from them through `naming`, so a bad answer is reported once, with the core's own message.
Secret VALUES never live here: the plan names secrets and, at most, the environment variable to read one from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from wizard.core import naming, targets
from wizard.core.build_answers import (
    check_build_args,
    check_executor,
    check_insecure_registry,
    check_registry_mirrors,
    check_runs_on,
    check_targets,
    propose_targets,
    split_build_args,
    split_words,
)
from wizard.core.kaniko_flags import RECOMMENDED, check_kaniko_args, split_flags
from wizard.core.spec import AnswerSpec, AskContext, Kind, Option, answer, specs_of
from wizard.errors import InputError

DEFAULT_ORG = "brikbyte-studios"
DEFAULT_REGISTRY = "ghcr.io"
DEFAULT_REUSABLE_WORKFLOW = "BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main"
DEFAULT_WORKFLOW_PATH = ".github/workflows/build-image.yml"
DEFAULT_TAGS = ("sha-${{ github.sha }}",)
DEFAULT_JOB_ID = "build-and-push"
ANSWERS_PATH = ".github/brik-onboard.yml"

PAT_SECRET = "REGISTRY_PAT"
# Variables the admin token is read from (this tool's and gh's): never a source for a stored secret.
ADMIN_TOKEN_VARIABLES = frozenset({"GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"})
# A configuration variable, not a secret: the caller's `with:` can read `vars` but not `secrets`. A secret of this
# name from older onboardings is left as it is (never created any more).
URL_VARIABLE = "REGISTRY_URL"
URL_SECRET = URL_VARIABLE
USERNAME_SECRET = "REGISTRY_USERNAME"

# \Z, not $: `$` also matches before a final newline, which would let "name\n" through.
_REPO_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}\Z")
_ENV_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}\Z")
_TOKEN_PREFIX_RE = re.compile(r"^(?:gh[pousr]_|github_pat_)", re.IGNORECASE)
# No control characters anywhere, no blank at either end (GitHub would store a different name), at most 255.
_ENVIRONMENT_RE = re.compile(r"^(?=[^\s])[^\x00-\x1f\x7f-\x9f'\"`,;:\\]{1,255}(?<=[^\s])\Z")
_JOB_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*\Z")
# GitHub runs only files directly in .github/workflows/ (no subfolders), so nothing else is a workflow path.
_WORKFLOW_PATH_RE = re.compile(r"^\.github/workflows/(?!\.\.?\.ya?ml\Z)[A-Za-z0-9._-]+\.ya?ml\Z")
_HOSTED_PREFIXES = ("ubuntu-", "windows-", "macos-")
DEFAULT_BUILDER = "action"


def default_service(plan: Plan) -> str:
    """The repository name slugged: the service when none is given ('' when it cannot be slugged)."""
    try:
        return naming.slugify_service(plan.repo.split("/", 1)[-1]).value
    except naming.NamingError:
        return ""


def _check_repo(value: str, plan: Plan) -> None:
    if not _REPO_RE.match(value):
        raise InputError(
            f"invalid repository {value!r}: expected OWNER/NAME", "pass --repo OWNER/NAME, e.g. BrikByte-Studios/example-node-api"
        )


def _check_service(value: str, plan: Plan) -> None:
    naming.image_reference(plan.registry, plan.org, value)


def _check_tags(value: tuple[str, ...], plan: Plan) -> None:
    naming.normalise_tags(list(value))


def _check_environment(value: str, plan: Plan) -> None:
    if not _ENVIRONMENT_RE.match(value):
        raise InputError(
            f"invalid environment name {value!r}",
            "use at most 255 characters without control characters, quotes, commas, colons, semicolons or backslashes",
        )


def _check_workflow_path(value: str, plan: Plan) -> None:
    if not _WORKFLOW_PATH_RE.match(value):
        raise InputError(
            f"invalid workflow path {value!r}",
            "GitHub only runs workflows from .github/workflows/NAME.yml or .yaml (letters, digits, '.', '_', '-')",
        )


def _check_repo_path(what: str, value: str) -> None:
    """A path inside the repository: relative, no `..`, no control characters or backslashes."""
    parts = value.replace("\\", "/").split("/")
    if not value or value.startswith("/") or "\\" in value or ".." in parts or any(ord(c) < 32 or c == "\x7f" for c in value):
        raise InputError(f"invalid {what} {value!r}", f"give the {what} relative to the repository root, without '..'")


def _check_context(value: str, plan: Plan) -> None:
    _check_repo_path("context", value)


def _check_dockerfile(value: str, plan: Plan) -> None:
    _check_repo_path("dockerfile", value)


def _check_job_id(value: str, plan: Plan) -> None:
    if not _JOB_ID_RE.match(value):
        raise InputError(f"invalid job id {value!r}", "a job id starts with a letter or '_' and holds letters, digits, '-' or '_'")


def _check_secret_env(value: dict[str, str], plan: Plan) -> None:
    for name, var in value.items():
        # Never echo the value: if someone pasted a token here, naming it would leak it.
        if not _ENV_VAR_RE.match(str(var)) or _TOKEN_PREFIX_RE.match(str(var)):
            raise InputError(
                f"secret_env.{name} is not an environment variable name",
                "secret_env maps a secret NAME to the NAME of a variable holding its value, never the value itself",
            )
        if str(var).upper() in ADMIN_TOKEN_VARIABLES:
            raise InputError(
                f"secret_env.{name} names {var}, where the admin token is read from: it would be stored as a repository-readable secret",
                f"give the registry secret its own variable (the default is BRIK_SECRET_{name})",
            )


def is_github_hosted(label: str | None) -> bool:
    """Whether a runs-on label names a GitHub-hosted runner (None: the reusable workflow's, ubuntu-latest)."""
    return label is None or label.strip().lower().startswith(_HOSTED_PREFIXES)


def _scope_disabled(option: str, context: AskContext) -> str | None:
    if option == "org" and context.owner_is_org is False:
        return "the repository belongs to a user"
    if option == "environment" and context.environments_refused:
        return context.environments_refused  # preflight would refuse it (errors.ENVIRONMENTS_NEED_PLAN): said up front
    return None


def _local_needs_checkout(option: str, context: AskContext) -> str | None:
    return "needs a local clone: run inside it or pass --checkout" if option == "local" and not context.has_checkout else None


@dataclass(frozen=True)
class Plan:
    """The user's answers, each declared once (see spec.py). Field names are the answers file's keys."""

    repo: str = answer(
        "", help="repository to onboard (default: the 'origin' remote of the current directory)", metavar="OWNER/NAME", check=_check_repo
    )
    org: str = answer(DEFAULT_ORG, help=f"image namespace org (default: {DEFAULT_ORG})")
    registry: str = answer(DEFAULT_REGISTRY, help=f"container registry host (default: {DEFAULT_REGISTRY})", metavar="HOST")
    service: str | None = answer(
        None,
        help="service name, the last part of the image (default: the repo name, slugged)",
        step="image",
        prompt="Service name (the last part of the image name)",
        check=_check_service,
        suggest=default_service,
    )
    reusable_workflow: str = answer(DEFAULT_REUSABLE_WORKFLOW, help="the org's reusable workflow OWNER/REPO/PATH@REF", metavar="REF")
    pin_reusable_workflow: bool = answer(
        False, kind=Kind.BOOL, help="pin the reusable workflow to the commit SHA of its ref (the ref stays as a comment)"
    )
    workflow_path: str = answer(
        DEFAULT_WORKFLOW_PATH,
        help=f"caller workflow path in the repo (default: {DEFAULT_WORKFLOW_PATH})",
        metavar="PATH",
        check=_check_workflow_path,
    )
    default_branch: str = answer(
        "main", help="the branch the caller builds on push (read from GitHub when it is reachable)", metavar="BRANCH"
    )
    job_id: str = answer(
        DEFAULT_JOB_ID, help=f"id of the caller's build job (default: {DEFAULT_JOB_ID})", metavar="ID", check=_check_job_id
    )
    context: str = answer(".", help="build context directory (default: .)", metavar="DIR", check=_check_context)
    dockerfile: str = answer(
        "./Dockerfile", help="path of the Dockerfile in the repo (default: ./Dockerfile)", metavar="PATH", check=_check_dockerfile
    )
    tags: tuple[str, ...] = answer(
        DEFAULT_TAGS,
        kind=Kind.LIST,
        parse=lambda text: tuple(naming.normalise_tags(text)),
        help="image tags, comma or newline separated (default: sha-${{ github.sha }})",
        step="image",
        prompt="Image tags (comma separated)",
        check=_check_tags,
    )
    cache_enabled: bool = answer(
        True,
        kind=Kind.BOOL,
        aliases=("--cache",),
        help="the registry-backed layer cache (--no-cache builds without it)",
        step="image",
        prompt="Layer cache, kept in <image>-cache",
    )
    cache_repo: str | None = answer(None, help="explicit cache repository (default: <image>-cache)", metavar="REF")
    target: tuple[str, ...] = answer(
        (),
        kind=Kind.LIST,
        parse=targets.split_targets,
        help="Dockerfile stage(s) to build (Kaniko's --target), comma separated or repeated; several: one job each, "
        "the final (production/prod/release, else the last) with the plain tags, the others' prefixed (test-sha-...)",
        metavar="STAGE[,STAGE]",
        step="image",
        prompt="Build targets (Dockerfile stages, comma separated)",
        check=check_targets,
        propose=propose_targets,
    )
    build_args: tuple[str, ...] = answer(
        (),
        kind=Kind.LIST,
        parse=split_build_args,
        aliases=("--build-arg",),
        help="a build argument for the image, KEY=VALUE (repeatable; never a credential: it stays in the image history)",
        metavar="KEY=VALUE",
        step="workflow",
        prompt="Build arguments (KEY=VALUE, comma separated)",
        check=check_build_args,
    )
    runs_on: str | None = answer(
        None,
        help="runner label of the build job (default: the reusable workflow's, ubuntu-latest)",
        metavar="LABEL",
        step="workflow",
        prompt="Runner label (empty: ubuntu-latest)",
        check=check_runs_on,
    )
    executor: str | None = answer(
        None,
        help="Kaniko executor image with its tag (default: the reusable workflow's)",
        metavar="IMAGE",
        step="workflow",
        prompt="Kaniko executor image (empty: the workflow's)",
        check=check_executor,
    )
    registry_mirror: tuple[str, ...] = answer(
        (),
        kind=Kind.LIST,
        parse=split_words,
        help="a registry mirror for base images, e.g. mirror.gcr.io (repeatable)",
        metavar="HOST[/PATH]",
        step="workflow",
        prompt="Registry mirrors for base images",
        options=(Option("mirror.gcr.io", "mirror.gcr.io", "Google's mirror of Docker Hub: base images without Docker Hub's pull limit"),),
        check=check_registry_mirrors,
    )
    kaniko_args: tuple[str, ...] = answer(
        (),
        kind=Kind.LIST,
        parse=lambda text: split_flags([text]),
        help="a Kaniko flag from the reusable workflow's allow-list (repeatable; a value that starts with -- goes after =: --kaniko-args=FLAG)",
        metavar="FLAG",
        step="workflow",
        prompt="Further Kaniko flags (space separated)",
        options=tuple(Option(r.flag, r.flag, r.why) for r in RECOMMENDED),
        check=lambda value, _: check_kaniko_args(value),
    )
    builder: str = answer(
        DEFAULT_BUILDER,
        kind=Kind.CHOICE,
        help="how the build job runs Kaniko (default: action); container needs no Docker daemon",
        step="workflow",
        prompt="How the self-hosted runner runs Kaniko",
        options=(
            Option(
                "action", "docker run (default)", "int128/kaniko-action: the runner needs a Docker daemon (hosted, or ARC in dind mode)"
            ),
            Option(
                "container", "Kaniko container", "the job runs in Kaniko's debug image: no Docker daemon (ARC containerMode kubernetes)"
            ),
        ),
        ask_when=lambda plan: not is_github_hosted(plan.runs_on),
    )
    insecure_registry: str | None = answer(
        None,
        help="a registry host:port Kaniko reaches over plain HTTP or an untrusted certificate (a cluster-local registry)",
        metavar="HOST[:PORT]",
        check=check_insecure_registry,
    )
    strategy: str = answer(
        "github-token",
        kind=Kind.CHOICE,
        help="registry credential: the run's GITHUB_TOKEN or a stored PAT",
        step="secrets",
        prompt="Registry credential",
        options=(
            Option("github-token", "GITHUB_TOKEN (recommended)", "the run's own token: nothing stored (ghcr.io in this org)"),
            Option("pat", "registry PAT", f"a classic PAT with write:packages, stored as {PAT_SECRET}"),
        ),
    )
    scope: str = answer(
        "org",
        kind=Kind.CHOICE,
        help="where the registry secrets live",
        step="secrets",
        prompt="Where the registry secrets live",
        options=(
            Option("org", "organisation", "organisation secrets"),
            Option("environment", "environment", "secrets of a deployment environment (created if missing)"),
        ),
        disabled=_scope_disabled,
    )
    # Least privilege by default: an org secret only this repo can read (gh's default is "private").
    visibility: str = answer(
        "selected",
        kind=Kind.CHOICE,
        help="which repositories may read the org secrets (default: selected)",
        step="secrets",
        prompt="Which repositories may read the org secrets",
        options=(
            Option("selected", "selected repos", "only the repositories on the secret's list (this one is added)"),
            Option("private", "private repos", "every private and internal repository of the org"),
            Option("all", "all repos", "every repository of the org"),
        ),
        ask_when=lambda plan: plan.scope == "org",
    )
    environment: str | None = answer(
        None,
        help="environment for environment-scoped secrets (created if missing)",
        metavar="NAME",
        step="secrets",
        prompt="Environment name",
        check=_check_environment,
        ask_when=lambda plan: plan.scope == "environment",
        required=("secret scope 'environment' needs an environment name", "pass --environment NAME"),
    )
    registry_username: bool = answer(False, kind=Kind.BOOL, help=f"also store {USERNAME_SECRET} and pass it to the build")
    secret_env: dict[str, str] = answer(
        kind=Kind.MAP,
        factory=dict,
        help="read a secret's value from another variable than BRIK_SECRET_NAME (repeatable)",
        metavar="NAME=VAR",
        check=_check_secret_env,
        from_repo=False,
    )
    delivery: str = answer(
        "pr",
        kind=Kind.CHOICE,
        aliases=("--deliver",),
        help="how the caller workflow reaches the repo (default: pr)",
        step="workflow",
        prompt="How should the caller workflow reach the repository",
        options=(
            Option("pr", "pull request", "push the branch brik-onboard/setup and open a pull request"),
            Option("commit", "commit", "commit straight to the default branch"),
            Option("local", "local clone", "write the file into the local clone"),
        ),
        disabled=_local_needs_checkout,
    )
    # Where the admin token is sent and which variables feed the secrets: never from a file in the repository.
    api_url: str | None = answer(
        None,
        help="GitHub API URL: GitHub Enterprise or the sandbox (default: https://api.github.com)",
        metavar="URL",
        from_repo=False,
    )

    def updated(self, **changes: Any) -> Plan:
        """A copy with the given answers replaced (None values are ignored: 'not given')."""
        given = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **given)


ANSWERS: tuple[AnswerSpec, ...] = specs_of(Plan)
ANSWERS_BY_NAME: dict[str, AnswerSpec] = {a.name: a for a in ANSWERS}


def step_answers(step: str) -> tuple[AnswerSpec, ...]:
    """The answers a step's screen or prompts ask, in declaration order."""
    return tuple(a for a in ANSWERS if a.meta.step == step)


def secret_env_var(plan: Plan, name: str) -> str:
    """The environment variable a secret's value is read from (BRIK_SECRET_<NAME> by default)."""
    return plan.secret_env.get(name, f"BRIK_SECRET_{name}")


def check_plan(plan: Plan) -> None:
    """Raise InputError, with the core's message, for the first answer that is not acceptable."""
    if not plan.repo:
        raise InputError("no repository given", "pass --repo OWNER/NAME or run inside a clone with an 'origin' remote")
    for spec in ANSWERS:
        spec.check(getattr(plan, spec.name), plan)


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(f"invalid {name} {value!r}", f"choose one of: {', '.join(allowed)}")
