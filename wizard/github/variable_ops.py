"""Configuration variables: organization (with visibility and selected repositories) and repository.

Read through PyGithub; written with the REST endpoints directly so a create (POST) and an update (PATCH) stay
two distinct requests: a lost POST answer is checked by reading the variable back before it is sent again.
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.engine.port import VariableInfo
from wizard.github.base import AdapterBase, quote, repo_path
from wizard.github.retry import MISSING, Missing


class VariableOps(AdapterBase):
    # organization variables -----------------------------------------------------------------------------
    def get_org_variable(self, org: str, name: str) -> VariableInfo | None:
        def fetch() -> VariableInfo:
            var = self._gh.get_organization(org).get_variable(name)
            ids = [repo.id for repo in var.selected_repositories] if var.visibility == "selected" else []
            return VariableInfo(var.name, var.value, var.visibility, tuple(sorted(ids)))

        return self._read(f"reading organization variable {name} of {org}", fetch, not_found=None)

    def put_org_variable(
        self, org: str, name: str, value: str, visibility: str, selected_repository_ids: tuple[int, ...], *, create: bool
    ) -> None:
        body: dict[str, object] = {"value": value, "visibility": visibility}
        if visibility == "selected":
            body["selected_repository_ids"] = sorted(selected_repository_ids)
        base = f"/orgs/{quote(org)}/actions/variables"
        if create:
            self._create(
                f"creating organization variable {name} of {org}", base, {"name": name, **body}, lambda: self.get_org_variable(org, name)
            )
        else:
            self._write(
                f"updating organization variable {name} of {org}",
                lambda: self._api.request("PATCH", f"{base}/{quote(name)}", body=body),
                idempotent=True,
            )

    def add_org_variable_repo(self, org: str, name: str, repo_id: int) -> None:
        url = f"/orgs/{quote(org)}/actions/variables/{quote(name)}/repositories/{int(repo_id)}"
        self._write(
            f"adding repository {repo_id} to organization variable {name} of {org}", lambda: self._api.request("PUT", url), idempotent=True
        )

    def set_org_variable_repos(self, org: str, name: str, repo_ids: tuple[int, ...]) -> None:
        """The whole list of a `selected` variable's repositories, in one request."""
        url = f"/orgs/{quote(org)}/actions/variables/{quote(name)}/repositories"
        body = {"selected_repository_ids": [int(i) for i in repo_ids]}
        self._write(
            f"setting the repositories of organization variable {name} of {org}",
            lambda: self._api.request("PUT", url, body=body),
            idempotent=True,
        )

    # repository variables -------------------------------------------------------------------------------
    def get_repo_variable(self, full_name: str, name: str) -> VariableInfo | None:
        def fetch() -> VariableInfo:
            var = self._repo(full_name).get_variable(name)
            return VariableInfo(var.name, var.value)

        return self._read(f"reading variable {name} of {full_name}", fetch, not_found=None)

    def put_repo_variable(self, full_name: str, name: str, value: str, *, create: bool) -> None:
        base = f"{repo_path(full_name)}/actions/variables"
        if create:
            self._create(
                f"creating variable {name} of {full_name}",
                base,
                {"name": name, "value": value},
                lambda: self.get_repo_variable(full_name, name),
            )
        else:
            self._write(
                f"updating variable {name} of {full_name}",
                lambda: self._api.request("PATCH", f"{base}/{quote(name)}", body={"value": value}),
                idempotent=True,
            )

    def _create(self, action: str, url: str, body: dict[str, object], read_back: Callable[[], VariableInfo | None]) -> None:
        def send() -> None:
            self._api.request("POST", url, body=body)

        def recheck() -> None | Missing:
            return MISSING if read_back() is None else None  # created after all: not sent twice (a 409)

        self._write(action, send, recheck=recheck)
