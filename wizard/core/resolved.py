"""What follows from the answers: the image, cache repo, destinations, and the secrets and variables to set."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core import naming
from wizard.core.plan import PAT_SECRET, URL_VARIABLE, USERNAME_SECRET, Plan, check_plan, secret_env_var
from wizard.core.targets import TargetJob, split_targets, target_jobs


@dataclass(frozen=True)
class SecretSpec:
    name: str
    scope: str  # "org" or "environment:<name>"
    value_source: str  # where the value comes from, e.g. "plan registry", "env BRIK_SECRET_REGISTRY_PAT"

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "scope": self.scope, "value_source": self.value_source}


@dataclass(frozen=True)
class VariableSpec:
    """A configuration variable: its value is no secret, so the plan holds it."""

    name: str
    scope: str  # "org" or "repository" (see variable_scope_label)
    value: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "scope": self.scope, "value": self.value}


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
    variables: tuple[VariableSpec, ...] = ()
    # One caller job per build target (one job when there is one target or none); `tags` and `destinations`
    # above are the final target's, the plain ones.
    jobs: tuple[TargetJob, ...] = ()

    @property
    def final_job(self) -> TargetJob:
        """The job with the plain id and tags (built here from the fields when `jobs` was not given)."""
        found = next((job for job in self.jobs if job.final), None)
        return found or TargetJob(self.plan.job_id, None, self.tags, self.destinations, True)


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
        variables=(VariableSpec(URL_VARIABLE, variable_scope_label(plan), plan.registry),),
        jobs=target_jobs(plan.job_id, split_targets(plan.target), image.value, tags),
    )


def secret_scope_label(plan: Plan) -> str:
    return "org" if plan.scope == "org" else f"environment:{plan.environment}"


def variable_scope_label(plan: Plan) -> str:
    """Where REGISTRY_URL lives. Org scope: beside the org secrets. Environment scope: the repository, because the
    caller's `with:` is evaluated in the caller job, which runs in no environment and so never sees an environment's
    variables; repository variables are the nearest level it reads."""
    return "org" if plan.scope == "org" else "repository"


def _secrets(plan: Plan) -> list[SecretSpec]:
    scope = secret_scope_label(plan)
    specs: list[SecretSpec] = []
    if plan.strategy == "pat":
        specs.append(SecretSpec(PAT_SECRET, scope, f"env {secret_env_var(plan, PAT_SECRET)}"))
    if plan.registry_username:
        specs.append(SecretSpec(USERNAME_SECRET, scope, f"env {secret_env_var(plan, USERNAME_SECRET)}"))
    return specs


def _token_expression(plan: Plan) -> str:
    # Always the run's token: the reusable workflow requires REGISTRY_TOKEN and falls back to it when REGISTRY_PAT is
    # empty. A PAT is passed by its own name (interface.caller_secrets), at either scope.
    return "${{ secrets.GITHUB_TOKEN }}"
