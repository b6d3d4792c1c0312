"""Secrets: the PAT and the username at org or environment level, and the REGISTRY_URL configuration variable
(org, or the repository at environment scope: see plan.variable_scope_label). An older REGISTRY_URL secret is left
as it is.

Existing secrets are kept unless replacement is asked; an update keeps the secret's visibility and its selected
repositories; with `selected` visibility this repo is added and nobody is removed. The variable follows the same
rule, but its value can be read: one holding the answers' registry is kept without a question, one holding another
value is kept unless replacement is asked (an org variable may be read by other repositories). A registry PAT is checked
before it is stored: GHCR accepts only classic PATs with `write:packages`.
"""

from __future__ import annotations

from wizard.core.build_secrets import SECRET_PREFIX
from wizard.core.plan import PAT_SECRET
from wizard.core.resolved import SecretSpec, VariableSpec
from wizard.engine.events import Action, Change, ChangeKind, StepChecked, StepDone, StepWarning
from wizard.engine.port import SecretInfo, VariableInfo
from wizard.engine.questions import Choice
from wizard.engine.registry_pat import check_registry_pat
from wizard.engine.results import SecretsResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step, done
from wizard.errors import GitHubRefused, InputError, NonInteractiveError, WizardError


class SecretsStep(Step):
    name = "secrets"
    reads = frozenset({"repo", "strategy", "scope", "visibility", "environment", "registry", "registry_username", "secret_env"})

    def check(self, s: Session) -> list[Change]:
        assert s.repo is not None
        # A face may have changed the strategy or scope since the image step: derive the secrets from the plan now.
        s.resolved = s.resolve()
        changes: list[Change] = []
        # Decided once: a missing environment holds no secrets; an existing one is asked about each secret.
        environment_missing = s.plan.scope == "environment" and not s.port.get_environment(s.repo.full_name, s.plan.environment or "")
        if environment_missing:
            changes.append(
                Change(ChangeKind.ENVIRONMENT, s.plan.environment or "", Action.CREATE, f"create environment {s.plan.environment}")
            )
        pat_exists = False
        for spec in s.resolved.secrets:
            existing = self._existing(s, spec, environment_missing=environment_missing)
            pat_exists = pat_exists or (spec.name == PAT_SECRET and existing is not None)
            changes.extend(self._secret_changes(s, spec, existing))
        if s.plan.strategy != "pat":
            pat_exists = self._pat_exists(s, environment_missing=environment_missing)
        for var in s.resolved.variables:
            changes.extend(self._variable_changes(s, var, self._existing_variable(s, var)))
        changes.extend(self._kept_at_other_level(s))
        s.emit(StepChecked(self.name, tuple(changes), SecretsResult(s.plan.strategy, s.plan.scope, pat_exists)))
        return changes

    def _pat_exists(self, s: Session, *, environment_missing: bool) -> bool:
        """Looked up under another strategy too: a face switching to the PAT then knows whether a value must be
        typed. A token that may not read secrets (its strategy needs none) only means: not known to exist."""
        try:
            return self._existing(s, SecretSpec(PAT_SECRET, s.plan.scope, ""), environment_missing=environment_missing) is not None
        except GitHubRefused:
            return False

    def _kept_at_other_level(self, s: Session) -> list[Change]:
        """The same secrets and variable at the level not chosen (left by an earlier run at another scope): a scope
        change never deletes them, and says so, with which one a job of this repository reads."""
        assert s.repo is not None and s.resolved is not None
        try:
            return self._kept_lookups(s)
        except GitHubRefused:
            return []  # a token the chosen scope needs may not read the other level: nothing known there to list

    def _kept_lookups(self, s: Session) -> list[Change]:
        assert s.repo is not None and s.resolved is not None
        kept: list[Change] = []
        names = [spec.name for spec in s.resolved.secrets]
        if s.plan.scope == "environment" and s.repo.owner_is_org:
            for name in names:
                if s.port.get_org_secret(s.repo.owner, name) is not None:
                    why = f"this repository's build reads the environment's {name}, which takes precedence"
                    kept.append(Change(ChangeKind.SECRET, f"org:{name}", Action.KEEP, f"kept at org level: {name} ({why})", secret=name))
            for var in s.resolved.variables:
                if var.scope != "org" and s.port.get_org_variable(s.repo.owner, var.name) is not None:
                    why = f"the repository's {var.name} takes precedence"
                    kept.append(
                        Change(ChangeKind.VARIABLE, f"org:{var.name}", Action.KEEP, f"kept at org level: variable {var.name} ({why})")
                    )
        elif s.plan.scope == "org" and s.plan.environment and s.port.get_environment(s.repo.full_name, s.plan.environment):
            env = s.plan.environment
            for name in names:
                if s.port.get_env_secret(s.repo.full_name, env, name) is not None:
                    why = f"jobs that use environment {env} read it, not the org's"
                    kept.append(
                        Change(
                            ChangeKind.SECRET,
                            f"environment:{env}:{name}",
                            Action.KEEP,
                            f"kept in environment {env}: {name} ({why})",
                            secret=name,
                        )
                    )
            for var in s.resolved.variables:
                if s.port.get_repo_variable(s.repo.full_name, var.name) is not None:
                    why = "it takes precedence over the org's in this repository"
                    kept.append(
                        Change(
                            ChangeKind.VARIABLE,
                            f"repository:{var.name}",
                            Action.KEEP,
                            f"kept at repository level: variable {var.name} ({why})",
                        )
                    )
        return kept

    def _existing(self, s: Session, spec: SecretSpec, *, environment_missing: bool) -> SecretInfo | None:
        assert s.repo is not None
        if s.plan.scope == "org":
            return s.port.get_org_secret(s.repo.owner, spec.name)
        if environment_missing:
            return None
        return s.port.get_env_secret(s.repo.full_name, s.plan.environment or "", spec.name)

    def _secret_changes(self, s: Session, spec: SecretSpec, existing: SecretInfo | None) -> list[Change]:
        assert s.repo is not None
        target = f"{spec.scope}:{spec.name}"
        if existing is None:
            self._check_value(s, spec.name)
            where = f" (visibility {s.plan.visibility})" if s.plan.scope == "org" else ""
            return [Change(ChangeKind.SECRET, target, Action.CREATE, f"create {spec.name} at {spec.scope}{where}", secret=spec.name)]
        changes: list[Change] = []
        when = existing.updated_at.isoformat() if existing.updated_at else "unknown"
        if self._replace(s, spec.name, when):
            self._check_value(s, spec.name)
            changes.append(
                Change(
                    ChangeKind.SECRET,
                    target,
                    Action.REPLACE,
                    f"replace {spec.name} at {spec.scope} (last updated {when}); visibility kept",
                    secret=spec.name,
                )
            )
        else:
            changes.append(
                Change(ChangeKind.SECRET, target, Action.KEEP, f"keep {spec.name} at {spec.scope} (updated {when})", secret=spec.name)
            )
        if existing.visibility == "selected" and s.repo.id not in existing.selected_repository_ids:
            self._check_may_join(s, spec.name)
            changes.append(
                Change(
                    ChangeKind.SECRET_REPO,
                    target,
                    Action.ADD_REPO,
                    f"add {s.repo.full_name} to {spec.name}'s selected repositories",
                    secret=spec.name,
                )
            )
        return changes

    def _check_may_join(self, s: Session, name: str) -> None:
        """A build secret's name comes from the repository's Dockerfile (its mount id): the repository alone must not
        pick an org secret other repositories read and be given it. The operator names it for this run by giving
        its value (BRIK_SECRET_<NAME> or stdin), or an org admin adds the repository to it on GitHub."""
        assert s.repo is not None
        if not name.startswith(SECRET_PREFIX) or s.secrets.value(name, ask=False) is not None:
            return
        raise InputError(
            f"{name} exists at org level and {s.repo.full_name} is not among its repositories: the Dockerfile's secret "
            "mount alone does not give it access",
            f"give its value for this run (BRIK_SECRET_{name}) to share it, or rename the mount's id for a secret of its own",
        )

    def _existing_variable(self, s: Session, var: VariableSpec) -> VariableInfo | None:
        assert s.repo is not None
        if var.scope == "org":
            return s.port.get_org_variable(s.repo.owner, var.name)
        return s.port.get_repo_variable(s.repo.full_name, var.name)

    def _variable_changes(self, s: Session, var: VariableSpec, existing: VariableInfo | None) -> list[Change]:
        assert s.repo is not None
        target = f"{var.scope}:{var.name}"
        if existing is None:
            where = f" (visibility {s.plan.visibility})" if var.scope == "org" else ""
            return [Change(ChangeKind.VARIABLE, target, Action.CREATE, f"create variable {var.name}={var.value} at {var.scope}{where}")]
        changes: list[Change] = []
        if existing.value == var.value:
            changes.append(Change(ChangeKind.VARIABLE, target, Action.KEEP, f"keep variable {var.name}={var.value} at {var.scope}"))
        elif self._replace_variable(s, var, existing.value):
            summary = f"replace variable {var.name} at {var.scope}: {existing.value} -> {var.value}"
            changes.append(
                Change(ChangeKind.VARIABLE, target, Action.UPDATE, summary + ("; visibility kept" if var.scope == "org" else ""))
            )
        else:
            kept = f"keep variable {var.name}={existing.value} at {var.scope} (the answers say {var.value})"
            changes.append(Change(ChangeKind.VARIABLE, target, Action.KEEP, kept))
            s.emit(
                StepWarning(
                    self.name,
                    f"{var.name} at {var.scope} is {existing.value}, not {var.value}: the caller logs in to {existing.value}",
                    "replace it (answer `replace`, or pass --replace-secrets) or change the registry answer",
                )
            )
        if var.scope == "org" and existing.visibility == "selected" and s.repo.id not in existing.selected_repository_ids:
            changes.append(
                Change(ChangeKind.VARIABLE, target, Action.ADD_REPO, f"add {s.repo.full_name} to {var.name}'s selected repositories")
            )
        return changes

    def _replace(self, s: Session, name: str, when: str) -> bool:
        if s.options.replace_secrets:
            return True
        choice = Choice(
            f"existing-secret:{name}",
            f"{name} already exists (updated {when}). Keep it or replace its value?",
            ("keep", "replace"),
            "keep",
            title=f"{name} already exists",
        )
        return s.questioner.choose(choice) == "replace"

    def _replace_variable(self, s: Session, var: VariableSpec, current: str) -> bool:
        if s.options.replace_secrets:
            return True
        choice = Choice(
            f"existing-variable:{var.name}",
            f"{var.name} already exists at {var.scope} as {current}, not {var.value}. Keep it or replace its value?",
            ("keep", "replace"),
            "keep",
            title=f"{var.name} holds another value",
        )
        return s.questioner.choose(choice) == "replace"

    def _check_value(self, s: Session, name: str) -> None:
        value = s.secrets.value(name, ask=not s.options.dry_run)
        if value is None and s.options.dry_run:
            s.emit(StepWarning(self.name, f"no value for {name} yet", f"set BRIK_SECRET_{name} (or pass it on stdin) before `apply`"))
            return
        if value is None:
            raise NonInteractiveError(f"the value of secret {name}", f"set BRIK_SECRET_{name}")
        if name == PAT_SECRET:
            try:
                self._check_pat(s, value, s.secrets.source_of(name))
            except WizardError:
                s.secrets.forget(name)  # a refused PAT is asked for again, not reused
                raise

    def _check_pat(self, s: Session, value: str, source: str) -> None:
        for warning in check_registry_pat(s.port, value, self.name, s.questioner, source):
            s.emit(warning)

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        assert s.repo is not None and s.resolved is not None
        for change in changes:
            if change.kind is ChangeKind.ENVIRONMENT:
                s.port.create_environment(s.repo.full_name, change.target)
                s.state.created_environments.append(change.target)
                s.save_state()
            elif change.kind is ChangeKind.VARIABLE and change.is_write:
                self._put_variable(s, change)
            elif change.secret is not None and change.action in (Action.CREATE, Action.REPLACE):
                self._put(s, change.secret, change.action)
            elif change.secret is not None and change.action is Action.ADD_REPO:
                add_to_selected(s, "secret", change.secret)
            if change.is_write:
                s.applied.append(change)
        return done(self.name, changes, "secrets set", "secrets already set")

    def _put_variable(self, s: Session, change: Change) -> None:
        assert s.repo is not None and s.resolved is not None
        var = next(v for v in s.resolved.variables if f"{v.scope}:{v.name}" == change.target)
        if var.scope != "org":
            s.port.put_repo_variable(s.repo.full_name, var.name, var.value, create=change.action is Action.CREATE)
            return
        if change.action is Action.ADD_REPO:
            add_to_selected(s, "variable", var.name)
            return
        visibility, selected = s.plan.visibility, selected_for(s, "variable", var.name)
        existing = s.port.get_org_variable(s.repo.owner, var.name) if change.action is Action.UPDATE else None
        if existing is not None and existing.visibility:  # an update keeps who reads it, as a replaced secret does
            visibility = existing.visibility
            selected = tuple(dict.fromkeys((*existing.selected_repository_ids, s.repo.id)))

        def put() -> None:
            assert s.repo is not None
            s.port.put_org_variable(
                s.repo.owner, var.name, var.value, visibility, selected if visibility == "selected" else (), create=existing is None
            )

        if existing is None and s.org_selection is not None:  # a fleet run: created once, for all its readers
            if not s.org_selection.once("create", ("variable", s.repo.owner, var.name), put) and s.repo.id not in selected:
                add_to_selected(s, "variable", var.name)
            return
        put()

    def _put(self, s: Session, name: str, action: Action) -> None:
        assert s.repo is not None
        value = s.secrets.value(name)
        assert value is not None  # checked in check()
        if s.plan.scope == "environment":
            s.port.put_env_secret(s.repo.full_name, s.plan.environment or "", name, value)
            return
        visibility, selected = s.plan.visibility, selected_for(s, "secret", name)
        if action is Action.REPLACE:
            existing = s.port.get_org_secret(s.repo.owner, name)
            if existing is not None and existing.visibility:
                visibility = existing.visibility
                selected = tuple(dict.fromkeys((*existing.selected_repository_ids, s.repo.id))) if visibility == "selected" else ()

        def put() -> None:
            assert s.repo is not None
            s.port.put_org_secret(s.repo.owner, name, value, visibility, selected if visibility == "selected" else ())

        if action is Action.CREATE and s.org_selection is not None:  # a fleet run: created once, for all its readers
            if not s.org_selection.once("create", ("secret", s.repo.owner, name), put) and s.repo.id not in selected:
                add_to_selected(s, "secret", name)
            return
        put()


def selected_for(s: Session, kind: str, name: str) -> tuple[int, ...]:
    """The repositories a new `selected` secret or variable is shared with: this one, and in a fleet run every
    repository of the run that reads it."""
    assert s.repo is not None
    fleet = s.org_selection.repo_ids(s.port, (kind, s.repo.owner, name)) if s.org_selection is not None else ()
    return tuple(dict.fromkeys((*fleet, s.repo.id)))


def add_to_selected(s: Session, kind: str, name: str) -> None:
    """Give this repository access to an existing `selected` secret or variable; in a fleet run, one request
    gives it to every repository of the run that reads it, and the others find themselves there."""
    assert s.repo is not None
    org, repo_id = s.repo.owner, s.repo.id
    if s.org_selection is None:
        (s.port.add_org_secret_repo if kind == "secret" else s.port.add_org_variable_repo)(org, name, repo_id)
        return
    key = (kind, org, name)
    fleet = s.org_selection.repo_ids(s.port, key)

    def set_all() -> None:
        existing = s.port.get_org_secret(org, name) if kind == "secret" else s.port.get_org_variable(org, name)
        have = existing.selected_repository_ids if existing is not None else ()
        ids = tuple(dict.fromkeys((*have, *fleet, repo_id)))
        if set(ids) != set(have):
            (s.port.set_org_secret_repos if kind == "secret" else s.port.set_org_variable_repos)(org, name, ids)

    if not s.org_selection.once("repos", key, set_all) and repo_id not in fleet:
        (s.port.add_org_secret_repo if kind == "secret" else s.port.add_org_variable_repo)(org, name, repo_id)
