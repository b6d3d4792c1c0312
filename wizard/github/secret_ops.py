"""Organization and environment secrets, and environments.

Values are sealed with the scope's public key (PyGithub's PublicKey.encrypt, libsodium sealed box)
before they leave; a secret PUT with the same body is idempotent, so it may be re-sent.
"""

from __future__ import annotations

from collections.abc import Callable

from github.PublicKey import PublicKey

from wizard.engine.port import SecretInfo
from wizard.github import convert
from wizard.github.base import AdapterBase, quote, repo_path


class SecretOps(AdapterBase):
    def _public_key(self, scope: str, fetch: Callable[[], PublicKey]) -> PublicKey:
        if scope not in self._keys:  # one key per scope and adapter: a second secret costs one request
            self._keys[scope] = fetch()
        return self._keys[scope]

    def _sealed(self, key: PublicKey, value: str) -> dict[str, object]:
        return {"encrypted_value": key.encrypt(value), "key_id": key.key_id}

    # organization secrets -----------------------------------------------------------------------------
    def get_org_secret(self, org: str, name: str) -> SecretInfo | None:
        def fetch() -> SecretInfo:
            secret = self._gh.get_organization(org).get_secret(name).complete()
            visibility = secret.visibility
            ids = [repo.id for repo in secret.selected_repositories] if visibility == "selected" else []
            return convert.secret_info(secret, visibility, ids)

        return self._read(f"reading organization secret {name} of {org}", fetch, not_found=None)

    def put_org_secret(self, org: str, name: str, value: str, visibility: str, selected_repository_ids: tuple[int, ...]) -> None:
        action = f"writing organization secret {name} of {org}"
        organization = self._gh.get_organization(org)
        key = self._read(f"{action} (reading the public key)", lambda: self._public_key(f"org:{org}", organization.get_public_key))
        body = {**self._sealed(key, value), "visibility": visibility}
        if visibility == "selected":
            body["selected_repository_ids"] = sorted(selected_repository_ids)
        url = f"/orgs/{quote(org)}/actions/secrets/{quote(name)}"
        self._write(action, lambda: self._api.request("PUT", url, body=body), idempotent=True, secrets=(value,))

    def add_org_secret_repo(self, org: str, name: str, repo_id: int) -> None:
        url = f"/orgs/{quote(org)}/actions/secrets/{quote(name)}/repositories/{int(repo_id)}"
        self._write(
            f"adding repository {repo_id} to organization secret {name} of {org}", lambda: self._api.request("PUT", url), idempotent=True
        )

    def set_org_secret_repos(self, org: str, name: str, repo_ids: tuple[int, ...]) -> None:
        """The whole list of a `selected` secret's repositories, in one request (a fleet run's many at once)."""
        url = f"/orgs/{quote(org)}/actions/secrets/{quote(name)}/repositories"
        body = {"selected_repository_ids": [int(i) for i in repo_ids]}
        self._write(
            f"setting the repositories of organization secret {name} of {org}",
            lambda: self._api.request("PUT", url, body=body),
            idempotent=True,
        )

    def org_secret_repositories(self, org: str, name: str) -> tuple[str, ...]:
        """The full names of the repositories a `selected` secret is shared with (sorted); () for other visibilities."""

        def fetch() -> tuple[str, ...]:
            secret = self._gh.get_organization(org).get_secret(name).complete()
            if secret.visibility != "selected":
                return ()  # GitHub gives no repositories URL then
            return tuple(sorted(repo.full_name for repo in secret.selected_repositories))

        return self._read(f"reading the selected repositories of organization secret {name} of {org}", fetch)

    # environments -------------------------------------------------------------------------------------
    def get_environment(self, full_name: str, environment: str) -> bool:
        def fetch() -> bool:
            self._repo(full_name).get_environment(environment).complete()
            return True

        return self._read(f"reading environment {environment} of {full_name}", fetch, not_found=False)

    def create_environment(self, full_name: str, environment: str) -> None:
        # No body: PyGithub's create_environment sends empty protection rules, which would wipe the
        # reviewers of an environment that exists already.
        url = f"{repo_path(full_name)}/environments/{quote(environment)}"
        self._write(f"creating environment {environment} in {full_name}", lambda: self._api.request("PUT", url), idempotent=True)

    def get_env_secret(self, full_name: str, environment: str, name: str) -> SecretInfo | None:
        def fetch() -> SecretInfo:
            secret = self._repo(full_name).get_environment(environment).get_secret(name).complete()
            return convert.secret_info(secret)

        return self._read(f"reading secret {name} of environment {environment}", fetch, not_found=None)

    def put_env_secret(self, full_name: str, environment: str, name: str, value: str) -> None:
        action = f"writing secret {name} of environment {environment} in {full_name}"
        env = self._repo(full_name).get_environment(environment)
        key = self._read(
            f"{action} (reading the public key)", lambda: self._public_key(f"env:{full_name}:{environment}", env.get_public_key)
        )
        url = f"{repo_path(full_name)}/environments/{quote(environment)}/secrets/{quote(name)}"
        body = self._sealed(key, value)
        self._write(action, lambda: self._api.request("PUT", url, body=body), idempotent=True, secrets=(value,))
