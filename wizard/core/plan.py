"""The plan: every answer of the onboarding flow with its default, and what follows from it.

A `Plan` holds answers only; `resolve()` derives the image, cache repo, destinations and secrets from them
through `naming`, so a bad answer is reported once, with the core's own message.
Secret VALUES never live here: the plan names secrets and, at most, the environment variable to read one from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

from wizard.core import naming
from wizard.errors import InputError

DEFAULT_ORG = "brikbyte-studios"
DEFAULT_REGISTRY = "ghcr.io"
DEFAULT_REUSABLE_WORKFLOW = "BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main"
DEFAULT_WORKFLOW_PATH = ".github/workflows/build-image.yml"
DEFAULT_TAGS = ("sha-${{ github.sha }}",)
DEFAULT_JOB_ID = "build-and-push"
ANSWERS_PATH = ".github/brik-onboard.yml"

STRATEGIES = ("github-token", "pat")
SCOPES = ("org", "environment")
VISIBILITIES = ("all", "private", "selected")
DELIVERIES = ("local", "pr", "commit")

PAT_SECRET = "REGISTRY_PAT"
URL_SECRET = "REGISTRY_URL"
USERNAME_SECRET = "REGISTRY_USERNAME"

_REPO_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_ENV_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_TOKEN_PREFIX_RE = re.compile(r"^(?:gh[pousr]_|github_pat_)", re.IGNORECASE)
_ENVIRONMENT_RE = re.compile(r"^[^\s'\"`,;:\\][^'\"`,;:\\]{0,254}$")


@dataclass(frozen=True)
class Plan:
    """The user's answers. Field names are the answers file's keys."""

    repo: str = ""
    org: str = DEFAULT_ORG
    registry: str = DEFAULT_REGISTRY
    service: str | None = None
    reusable_workflow: str = DEFAULT_REUSABLE_WORKFLOW
    pin_reusable_workflow: bool = False
    workflow_path: str = DEFAULT_WORKFLOW_PATH
    default_branch: str = "main"
    job_id: str = DEFAULT_JOB_ID
    context: str = "."
    dockerfile: str = "./Dockerfile"
    tags: tuple[str, ...] = DEFAULT_TAGS
    cache_enabled: bool = True
    cache_repo: str | None = None
    target: str | None = None
    build_args: tuple[str, ...] = ()
    runs_on: str | None = None
    executor: str | None = None
    strategy: str = "github-token"
    scope: str = "org"
    # Least privilege by default: an org secret only this repo can read (gh's default is "private").
    visibility: str = "selected"
    environment: str | None = None
    registry_username: bool = False
    secret_env: dict[str, str] = field(default_factory=dict)
    delivery: str = "pr"
    api_url: str | None = None

    def updated(self, **changes: Any) -> Plan:
        """A copy with the given answers replaced (None values are ignored: 'not given')."""
        given = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **given)


@dataclass(frozen=True)
class SecretSpec:
    name: str
    scope: str  # "org" or "environment:<name>"
    value_source: str  # where the value comes from, e.g. "plan registry", "env BRIK_SECRET_REGISTRY_PAT"

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "scope": self.scope, "value_source": self.value_source}


@dataclass(frozen=True)
class ResolvedPlan:
    plan: Plan
    owner: str
    repo_name: str
    service: str
    image: str
    cache_repo: str
    tags: tuple[str, ...]
    destinations: tuple[str, ...]
    secrets: tuple[SecretSpec, ...]
    token_expression: str
    notices: tuple[str, ...]


def answer_names() -> list[str]:
    return [f.name for f in fields(Plan)]


def secret_env_var(plan: Plan, name: str) -> str:
    """The environment variable a secret's value is read from (BRIK_SECRET_<NAME> by default)."""
    return plan.secret_env.get(name, f"BRIK_SECRET_{name}")


def check_plan(plan: Plan) -> None:
    """Raise InputError for an answer that is not one of its allowed values."""
    if not plan.repo:
        raise InputError("no repository given", "pass --repo OWNER/NAME or run inside a clone with an 'origin' remote")
    if not _REPO_RE.match(plan.repo):
        raise InputError(
            f"invalid repository {plan.repo!r}: expected OWNER/NAME", "pass --repo OWNER/NAME, e.g. BrikByte-Studios/example-node-api"
        )
    _check_choice("strategy", plan.strategy, STRATEGIES)
    _check_choice("scope", plan.scope, SCOPES)
    _check_choice("visibility", plan.visibility, VISIBILITIES)
    _check_choice("delivery", plan.delivery, DELIVERIES)
    if plan.scope == "environment":
        if not plan.environment:
            raise InputError("secret scope 'environment' needs an environment name", "pass --environment NAME")
        if not _ENVIRONMENT_RE.match(plan.environment):
            raise InputError(
                f"invalid environment name {plan.environment!r}",
                "use at most 255 characters without quotes, commas, colons, semicolons or backslashes",
            )
    for name, var in plan.secret_env.items():
        # Never echo the value: if someone pasted a token here, naming it would leak it.
        if not _ENV_VAR_RE.match(str(var)) or _TOKEN_PREFIX_RE.match(str(var)):
            raise InputError(
                f"secret_env.{name} is not an environment variable name",
                "secret_env maps a secret NAME to the NAME of a variable holding its value, never the value itself",
            )
    if not plan.workflow_path.startswith(".github/workflows/") or not plan.workflow_path.endswith((".yml", ".yaml")):
        raise InputError(
            f"invalid workflow path {plan.workflow_path!r}",
            "GitHub only runs workflows from .github/workflows/*.yml or *.yaml",
        )
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_-]*$", plan.job_id):
        raise InputError(f"invalid job id {plan.job_id!r}", "a job id starts with a letter or '_' and holds letters, digits, '-' or '_'")


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(f"invalid {name} {value!r}", f"choose one of: {', '.join(allowed)}")


def resolve(plan: Plan) -> ResolvedPlan:
    """Derive names, destinations and secrets from the answers; raise InputError on a bad answer."""
    check_plan(plan)
    owner, repo_name = plan.repo.split("/", 1)
    notices: list[str] = []
    if plan.service:
        service = naming.validate_service(plan.service)
    else:
        slug = naming.slugify_service(repo_name)
        service = slug.value
        notices.extend(slug.notices)
    image = naming.image_reference(plan.registry, plan.org, service)
    notices.extend(image.notices)
    cache_repo = naming.cache_repo_for(image.value, plan.cache_repo or None)
    tags = tuple(naming.normalise_tags(list(plan.tags)))
    destinations = tuple(naming.destinations(image.value, tags))
    return ResolvedPlan(
        plan=plan,
        owner=owner,
        repo_name=repo_name,
        service=service,
        image=image.value,
        cache_repo=cache_repo,
        tags=tags,
        destinations=destinations,
        secrets=tuple(_secrets(plan)),
        token_expression=_token_expression(plan),
        notices=tuple(notices),
    )


def secret_scope_label(plan: Plan) -> str:
    return "org" if plan.scope == "org" else f"environment:{plan.environment}"


def _secrets(plan: Plan) -> list[SecretSpec]:
    scope = secret_scope_label(plan)
    specs = [SecretSpec(URL_SECRET, scope, "the plan's registry")]
    if plan.strategy == "pat":
        specs.append(SecretSpec(PAT_SECRET, scope, f"env {secret_env_var(plan, PAT_SECRET)}"))
    if plan.registry_username:
        specs.append(SecretSpec(USERNAME_SECRET, scope, f"env {secret_env_var(plan, USERNAME_SECRET)}"))
    return specs


def _token_expression(plan: Plan) -> str:
    if plan.strategy == "pat" and plan.scope == "org":
        return "${{ secrets.REGISTRY_PAT }}"
    # GITHUB_TOKEN strategy, or an environment-scoped PAT: environment secrets are only visible to the called job
    # (it runs in the environment), which prefers REGISTRY_PAT there; REGISTRY_TOKEN must still be mapped.
    return "${{ secrets.GITHUB_TOKEN }}"
