"""A credential opened for one GitHub server: what every adapter of a command authenticates with, and the secret
values that come with it (for the leak audit and for the check that no secret is the admin token itself).

A token is its own value. A GitHub App is its installation on one org: one set of installation tokens
(wizard/github/app_auth.py) shared by every adapter of the run, so a fleet run's workers all send one token, made
and renewed in one place; every token it was given is a value the leak audit looks for.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.app_credentials import AppCredentials
from wizard.core.pacing import Pacer
from wizard.credentials import Token, check_api_url
from wizard.engine.port import GitHubPort
from wizard.errors import InputError

if TYPE_CHECKING:
    from wizard.github.app_auth import InstallationTokens


@dataclass(frozen=True)
class GitHubLogin:
    api_url: str | None
    credential: Token | AppCredentials
    installation: InstallationTokens | None = None  # a GitHub App's; None for a token
    pacer: Pacer | None = None  # a fleet run's: every adapter of the login on one pace

    def port(self, conditional: MutableMapping[str, Any] | None = None) -> GitHubPort:
        """A new adapter on this login (`conditional`: see wizard/github/org_ops.py)."""
        from wizard.github import connect  # PyGithub is imported only when a command talks to GitHub

        if self.installation is not None:
            return connect(self.api_url, self.installation, pacer=self.pacer, conditional=conditional)
        assert isinstance(self.credential, Token)
        return connect(self.api_url, self.credential.value, pacer=self.pacer, conditional=conditional)

    def known_values(self) -> tuple[str, ...]:
        """The token, or the App's key and every installation token made so far (more come as the run goes on)."""
        if isinstance(self.credential, Token):
            return (self.credential.value,)
        return (self.credential.private_key, *(self.installation.secrets() if self.installation else ()))

    @property
    def admin_token(self) -> str | None:
        """The token a secret must not be (None for an App: its tokens are made by GitHub, nobody types them)."""
        return self.credential.value if isinstance(self.credential, Token) else None

    @property
    def source(self) -> str:
        return self.credential.source if isinstance(self.credential, Token) else self.credential.description


def open_login(api_url: str | None, credential: Token | AppCredentials, *, org: str | None, pacer: Pacer | None = None) -> GitHubLogin:
    """A token as it is; a GitHub App: its installation on `org` (the repositories' owner) looked up now, its first
    token made with the first request."""
    check_api_url(api_url)
    if isinstance(credential, Token):
        return GitHubLogin(api_url, credential, pacer=pacer)
    if not org:
        raise InputError(f"GitHub App {credential.app_id}: which organisation's installation to use is not known", "pass --repo OWNER/NAME")
    from wizard.github.app_auth import app_installation

    return GitHubLogin(api_url, credential, app_installation(api_url, credential.app_id, credential.private_key, org, pacer=pacer), pacer)
