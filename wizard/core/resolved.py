"""What follows from the answers: the image, cache repo, destinations, and the secrets and variables to set."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core import naming
from wizard.core.build_secrets import BuildSecret
from wizard.core.plan import PAT_SECRET, URL_VARIABLE, USERNAME_SECRET, Plan, check_plan, secret_env_var
from wizard.core.targets import TargetJob, split_targets, target_jobs
from wizard.errors import InputError


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

    build_secrets: tuple[BuildSecret, ...] = ()  # what the Dockerfile's RUN --mount=type=secret lines need


def resolve(plan: Plan, build_secrets: tuple[BuildSecret, ...] = ()) -> ResolvedPlan:
    """Derive names, destinations and secrets from the answers and the build secrets the Dockerfile mounts (see
    build_secrets.needed_build_secrets); raise InputError on a bad answer or a plan that cannot pass them."""
    check_plan(plan)
    check_build_secrets(plan, build_secrets)
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
        secrets=tuple(_secrets(plan, build_secrets)),
        token_expression=_token_expression(plan),
        notices=tuple(notices),
        variables=(VariableSpec(URL_VARIABLE, variable_scope_label(plan), plan.registry),),
        jobs=target_jobs(plan.job_id, split_targets(plan.target), image.value, tags),
        build_secrets=build_secrets,
    )


def can_pass_build_secrets(plan: Plan) -> bool:
    """Whether the plan's build can be given build secrets at all (check_build_secrets says why not)."""
    return plan.builder == "container" and plan.scope == "org"


def check_build_secrets(plan: Plan, build_secrets: tuple[BuildSecret, ...]) -> None:
    """Build secrets reach Kaniko only as files the reusable workflow writes in the executor's own container, and
    only as org secrets: a called job sees an environment's secret only under a name the reusable workflow declares,
    and its build-secret slots cannot be named after each secret."""
    if not build_secrets:
        return
    ids = ", ".join(s.id for s in build_secrets)
    if plan.builder != "container":
        raise InputError(
            f"the Dockerfile mounts build secrets ({ids}), which need the container builder: with builder {plan.builder} "
            "Kaniko runs under `docker run`, where the workflow cannot write /kaniko/<id> for it",
            "pass --builder container (the job runs in Kaniko's debug image; it works on GitHub-hosted runners too)",
        )
    if plan.scope != "org":
        raise InputError(
            f"the Dockerfile mounts build secrets ({ids}), which must be organisation secrets: a reusable workflow's job "
            "sees an environment's secret only under a name the reusable workflow declares, and BUILD_SECRET_<ID> is not one",
            "pass --scope org (the registry secrets move to the organisation too)",
        )


def build_secrets_json(resolved: ResolvedPlan) -> list[dict[str, object]]:
    """Each build secret: its id, the secret holding it, where its value is read from and where the build finds it."""
    plan = resolved.plan
    return [
        {
            "id": b.id,
            "secret": b.name,
            "scope": secret_scope_label(plan),
            "value_from": f"env {secret_env_var(plan, b.name)}",
            "path": b.path,
            "lines": list(b.lines),
        }
        for b in resolved.build_secrets
    ]


def secret_scope_label(plan: Plan) -> str:
    return "org" if plan.scope == "org" else f"environment:{plan.environment}"


def variable_scope_label(plan: Plan) -> str:
    """Where REGISTRY_URL lives. Org scope: beside the org secrets. Environment scope: the repository, because the
    caller's `with:` is evaluated in the caller job, which runs in no environment and so never sees an environment's
    variables; repository variables are the nearest level it reads."""
    return "org" if plan.scope == "org" else "repository"


def _secrets(plan: Plan, build_secrets: tuple[BuildSecret, ...]) -> list[SecretSpec]:
    scope = secret_scope_label(plan)
    specs: list[SecretSpec] = []
    if plan.strategy == "pat":
        specs.append(SecretSpec(PAT_SECRET, scope, f"env {secret_env_var(plan, PAT_SECRET)}"))
    if plan.registry_username:
        specs.append(SecretSpec(USERNAME_SECRET, scope, f"env {secret_env_var(plan, USERNAME_SECRET)}"))
    specs += [SecretSpec(b.name, scope, f"env {secret_env_var(plan, b.name)}") for b in build_secrets]
    return specs


def _token_expression(plan: Plan) -> str:
    # Always the run's token: the reusable workflow requires REGISTRY_TOKEN and falls back to it when REGISTRY_PAT is
    # empty. A PAT is passed by its own name (interface.caller_secrets), at either scope.
    return "${{ secrets.GITHUB_TOKEN }}"
