"""Preflight: say up front what the plan needs and whether the token and the org's plan allow it, before any write.

A classic token's scopes are known up front (X-OAuth-Scopes); a fine-grained or App token's permissions are not,
so preflight names the permissions the plan needs and each call's refusal names the one that was missing.
"""

from __future__ import annotations

from wizard.core.build_secrets import build_secrets, mount_warnings, secret_mounts
from wizard.core.credential_args import credential_args
from wizard.core.plan import Plan
from wizard.core.resolved import check_build_secrets
from wizard.core.targets import split_targets
from wizard.core.workflow import parse_reusable_interface
from wizard.engine.events import Change, Outcome, Progress, StepChecked, StepDone, StepWarning
from wizard.engine.results import PreflightResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step
from wizard.engine.steps.reusable_install import Install, apply_install, install_change, plan_install
from wizard.errors import ENVIRONMENTS_NEED_PLAN, ENVIRONMENTS_PLAN_HINT, GitHubRefused, InputError


def needed_scopes(plan: Plan) -> dict[str, str]:
    """Classic scopes the plan needs, each with why."""
    needs = {"repo": "read the repository, manage its environments and run its workflows"}
    if plan.delivery in ("pr", "commit"):
        needs["workflow"] = f"write {plan.workflow_path} through the API (GitHub answers 404 without it)"
    if plan.scope == "org":
        needs["admin:org"] = "set organisation secrets"
    return needs


def needed_permissions(plan: Plan) -> dict[str, str]:
    """The fine-grained permissions (as GitHub's token settings name them) the plan needs, each with why."""
    needs = {"Contents: write": "read the repository and commit the answers", "Actions: write": "run the validation build"}
    if plan.delivery in ("pr", "commit"):
        needs["Workflows: write"] = f"write {plan.workflow_path} through the API (GitHub answers 404 without it)"
    if plan.delivery == "pr":
        needs["Pull requests: write"] = "open the setup pull request"
    if plan.scope == "org":
        if plan.strategy == "pat" or plan.registry_username:
            needs["organization Secrets: write"] = "set organisation secrets"
        needs["organization Variables: write"] = "set the organisation's REGISTRY_URL variable"
    else:
        needs["Environments: write"] = "create the environment and set its secrets"
        needs["Variables: write"] = "set the repository's REGISTRY_URL variable"
    return needs


def split_reusable(ref: str) -> tuple[str, str, str]:
    """'Org/.github/.github/workflows/x.yml@main' -> ('Org/.github', '.github/workflows/x.yml', 'main')."""
    path, _, version = ref.partition("@")
    parts = path.split("/")
    if len(parts) < 3 or not version:
        raise InputError(f"invalid reusable workflow reference {ref!r}", "use OWNER/REPO/PATH@REF, e.g. the org default")
    return "/".join(parts[:2]), "/".join(parts[2:]), version


class PreflightStep(Step):
    name = "preflight"
    reads = frozenset({"reusable_workflow", "pin_reusable_workflow", "scope", "delivery", "workflow_path", "target", "dockerfile"})

    def __init__(self, *, install: bool = True) -> None:
        self._may_install = install  # False where nothing may be written (validate, rotate)
        self._install: Install | None = None  # the reusable workflow to install, from the last check

    def check(self, s: Session) -> list[Change]:
        self._check_scopes(s)
        self._check_plan(s)
        changes = self._read_reusable(s)
        self._check_dockerfile(s)
        inputs = tuple(sorted(s.interface.inputs)) if s.interface else ()
        assert s.token is not None
        needs = needed_scopes(s.plan) if s.token.scopes is not None else needed_permissions(s.plan)
        checked_by = None if s.token.scopes is not None else "GitHub, at each call"
        result = PreflightResult(needs, inputs, s.pinned_sha, permissions_checked_by=checked_by)
        s.emit(StepChecked(self.name, tuple(changes), result))
        return changes

    def _check_scopes(self, s: Session) -> None:
        assert s.token is not None
        if s.plan.scope == "org" and s.repo is not None and not s.repo.owner_is_org:
            raise InputError(
                f"{s.repo.full_name} belongs to a user, not an organisation: org secrets are not possible",
                "pass --scope environment --environment NAME",
            )
        if s.token.scopes is None:
            whose = "a GitHub App installation token's" if s.token.kind == "installation" else "a fine-grained token's"
            s.emit(
                StepWarning(
                    self.name,
                    f"{whose} permissions cannot be read up front: GitHub refuses what it lacks at the first call that needs it",
                    "the permissions below are what this plan needs; a refusal names the missing one",
                )
            )
            return
        have = set(s.token.scopes)
        if "repo" not in have and s.repo is not None and not s.repo.private and "public_repo" in have:
            have.add("repo")
        if "admin:org" in have:
            have.update({"write:org", "read:org"})
        missing = {scope: why for scope, why in needed_scopes(s.plan).items() if scope not in have}
        if missing:
            names = ", ".join(f"`{m}`" for m in missing)
            whys = "; ".join(f"{m}: {why}" for m, why in missing.items())
            raise GitHubRefused(
                f"the token lacks the {names} scope{'s' if len(missing) > 1 else ''} this plan needs ({whys}); nothing was written",
                f"refresh the token with those scopes (e.g. `gh auth refresh -s {','.join(missing)}`), or choose --deliver local",
            )

    def _check_plan(self, s: Session) -> None:
        """Environment secrets in a private (or internal) repo need a paid plan: refuse a Free org's before any write.

        The plan shows only to the org's owners; when it is hidden nothing is guessed, and GitHub's own refusal
        of the environment is translated into the same message (wizard/github/refusal.py).
        """
        repo = s.repo
        if s.plan.scope != "environment" or repo is None or not repo.private or not repo.owner_is_org:
            return
        if s.port.org_plan(repo.owner) == "free":
            kind = repo.visibility or "private"
            raise GitHubRefused(
                f"{repo.full_name} is {kind} and {repo.owner} is on GitHub Free: {ENVIRONMENTS_NEED_PLAN}; nothing was written",
                ENVIRONMENTS_PLAN_HINT,
            )

    def _read_reusable(self, s: Session) -> list[Change]:
        """Read the reusable workflow's interface; when it is missing, the install of the packaged one."""
        self._install = None
        repo, path, ref = split_reusable(s.plan.reusable_workflow)
        found = s.port.get_file(repo, path, ref=ref)
        if found is not None:
            s.interface = parse_reusable_interface(found.text)
            s.pinned_sha = s.port.resolve_ref(repo, ref) if s.plan.pin_reusable_workflow else None
            return []
        missing = GitHubRefused(
            f"the reusable workflow {s.plan.reusable_workflow} was not found",
            f"check that {path} exists in {repo} at {ref} and that the token can read it"
            + ("" if self._may_install else ", or run `brik-onboard apply` to install it"),
        )
        if not self._may_install:
            raise missing
        try:
            s.port.get_repo(repo)
        except GitHubRefused:
            raise missing from None
        self._install = plan_install(s.port, repo, path, ref, s.plan.delivery)
        s.interface = parse_reusable_interface(self._install.text)  # what the caller will call once installed
        s.pinned_sha = None  # no commit to pin to before the install
        return [install_change(s.port, self._install)]

    def _check_dockerfile(self, s: Session) -> None:
        s.build_secrets = ()
        if s.dockerfile is None:
            return
        for target in split_targets(s.plan.target):
            s.dockerfile.stage_for_target(target)
        for cred in credential_args(s.dockerfile):
            s.emit(StepWarning(self.name, f"Dockerfile line {cred.line}: {cred.message}", cred.fix))
        mounts = secret_mounts(s.dockerfile, split_targets(s.plan.target))
        s.build_secrets = build_secrets(mounts)
        for warning in mount_warnings(mounts):
            s.emit(StepWarning(self.name, f"Dockerfile line {warning.line}: {warning.message}", warning.fix))
        if s.build_secrets:
            listed = ", ".join(f"{b.id} (stored as {b.name}, written to {b.path})" for b in s.build_secrets)
            s.emit(Progress(self.name, f"the image needs build secrets: {listed}"))
        check_build_secrets(s.plan, s.build_secrets)  # refused here, before anything is written

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        writes = [c for c in changes if c.is_write]
        if writes and self._install is not None:
            pull_url = apply_install(s.port, self._install)
            if pull_url is not None:
                s.links["reusable_pull"] = pull_url
            elif s.plan.pin_reusable_workflow:
                s.pinned_sha = s.port.resolve_ref(self._install.repo, self._install.branch)
            s.applied.extend(writes)
            return StepDone(self.name, Outcome.CHANGED, f"installed the org's reusable workflow ({writes[0].summary})")
        return StepDone(self.name, Outcome.UNCHANGED, "the token and the org's reusable workflow are ready")
