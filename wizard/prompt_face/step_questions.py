"""The questions a step asks before its check, because their answers change the plan the check reads.

Defaults are the session's plan, which was loaded from the answers file: a re-run offers the last answers,
so it is an edit. Inputs are checked with the core's own functions, so the reason shown while typing is the
same one `apply` would give.
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.core import naming
from wizard.core.plan import PAT_SECRET, Plan, check_plan
from wizard.engine.session import Session
from wizard.prompt_face.prompter import Option, Prompter

StepQuestions = Callable[[Session, Prompter], None]


def default_service(plan: Plan) -> str:
    """The service the plan names, else the repository name slugged ('' when it cannot be slugged)."""
    if plan.service:
        return plan.service
    try:
        return naming.slugify_service(plan.repo.split("/", 1)[-1]).value
    except naming.NamingError:
        return ""


def ask_image(s: Session, p: Prompter) -> None:
    plan = s.plan
    current = default_service(plan)
    service = p.text(
        "Service name (the last part of the image name):",
        current,
        check=lambda text: naming.image_reference(plan.registry, plan.org, text),
    )
    raw_tags = p.text("Image tags (comma separated):", ", ".join(plan.tags), check=naming.normalise_tags)
    tags = tuple(naming.normalise_tags(raw_tags))
    if service != current or plan.service:  # keep "not given" when the slug was accepted, so the file stays as it was
        plan = plan.updated(service=service)
    if tags != tuple(plan.tags):
        plan = plan.updated(tags=tags)
    s.plan = plan


STRATEGY_OPTIONS = (
    Option("github-token", "github-token: the run's GITHUB_TOKEN (recommended for ghcr.io in this org; no PAT stored)"),
    Option("pat", f"pat: a classic registry PAT with write:packages, stored as {PAT_SECRET}"),
)
VISIBILITY_OPTIONS = (
    Option("selected", "selected: only the repositories on the secret's list (this one is added)"),
    Option("private", "private: every private and internal repository of the org"),
    Option("all", "all: every repository of the org"),
)


def ask_secrets(s: Session, p: Prompter) -> None:
    plan = s.plan
    strategy = p.select("Registry credential:", STRATEGY_OPTIONS, plan.strategy)
    user_owned = s.repo is not None and not s.repo.owner_is_org
    scopes = (
        Option("org", "org: organisation secrets", "the repository belongs to a user" if user_owned else None),
        Option("environment", "environment: secrets of a deployment environment (created if missing)"),
    )
    scope = p.select("Where the registry secrets live:", scopes, "environment" if user_owned else plan.scope)
    plan = plan.updated(strategy=strategy, scope=scope)
    if scope == "org":
        plan = plan.updated(visibility=p.select("Which repositories may read the org secrets:", VISIBILITY_OPTIONS, plan.visibility))
    else:
        base = plan
        environment = p.text("Environment name:", plan.environment or "", check=lambda text: check_plan(base.updated(environment=text)))
        plan = plan.updated(environment=environment)
    s.plan = plan


def ask_workflow(s: Session, p: Prompter) -> None:
    no_checkout = "needs a local clone: run inside it or pass --checkout" if s.checkout is None else None
    options = (
        Option("pr", "pr: push the branch brik-onboard/setup and open a pull request"),
        Option("commit", "commit: commit straight to the default branch"),
        Option("local", "local: write the file into the local clone", no_checkout),
    )
    default = s.plan.delivery if not (s.plan.delivery == "local" and no_checkout) else "pr"
    s.plan = s.plan.updated(delivery=p.select("How should the caller workflow reach the repository:", options, default))


STEP_QUESTIONS: dict[str, StepQuestions] = {
    "image": ask_image,
    "secrets": ask_secrets,
    "workflow": ask_workflow,
}
