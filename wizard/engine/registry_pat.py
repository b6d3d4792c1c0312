"""The registry PAT's check before it is stored: by the secrets step (`apply`) and by `brik-onboard rotate`.

GHCR accepts only classic PATs with `write:packages`; scopes beyond pushing packages are stored with a warning.
Messages name the token's kind and scopes, never its value.
"""

from __future__ import annotations

from wizard.core.tokens import check_token_shape
from wizard.engine.events import StepWarning
from wizard.engine.port import GitHubPort
from wizard.engine.questions import Choice, Questioner
from wizard.errors import BadCredentials, GitHubRefused, InputError

PACKAGE_SCOPES = frozenset({"write:packages", "read:packages"})
# Scopes that reach past packages into code, workflows or administration: stored as a secret every workflow of the
# repository can read, they would hand those powers to anyone who can push a workflow.
_POWERFUL = frozenset({"repo", "workflow", "delete_repo", "write:org", "site_admin", "user"})


def admin_scopes(scopes: frozenset[str] | set[str]) -> list[str]:
    return sorted(s for s in scopes if s in _POWERFUL or s.startswith("admin:"))


PAT_HINT = "a classic PAT with the write:packages scope, made on this GitHub host"


def check_registry_pat(port: GitHubPort, value: str, step: str, questioner: Questioner, source: str | None = None) -> list[StepWarning]:
    """Raise GitHubRefused for a PAT GHCR would refuse, InputError for one that can do far more than push (unless
    the user, asked, stores it anyway; under --yes the answer is no); the warnings (for `step`) about one it takes.
    `source`: where the value came from (SecretSource.source_of), for the hints."""
    check_token_shape(value, "the registry token")
    if value.startswith("github_pat_"):
        raise GitHubRefused(
            "the registry token is a fine-grained PAT: GHCR accepts only classic PATs",
            "create a classic PAT with the write:packages scope (and nothing more)",
        )
    if value.startswith(("ghs_", "ghu_")):
        raise GitHubRefused(
            "the registry token is a GitHub App token: it expires within hours, and a stored secret must last",
            "create a classic PAT with the write:packages scope, or use --strategy github-token",
        )
    try:
        info = port.token_info(value)
    except BadCredentials:
        # Not the admin token's refusal: its hint (sign in again) would point at the wrong token.
        where = f" (from {source})" if source else ""
        raise GitHubRefused(
            f"the registry token{where} was refused by GitHub (bad credentials): it is not a live token on this host",
            f"give {PAT_HINT}" + (f" ({source})" if source else ""),
        ) from None
    if info.scopes is None:
        raise GitHubRefused(
            "the registry token reports no scopes (a fine-grained or app token): GHCR accepts only classic PATs",
            "create a classic PAT with the write:packages scope",
        )
    if "write:packages" not in info.scopes:
        raise GitHubRefused(
            "the registry token lacks the write:packages scope, so it cannot push images or cache", "add write:packages to the PAT"
        )
    powerful = admin_scopes(info.scopes)
    if powerful:
        choice = Choice(
            f"powerful-registry-token:{step}",
            f"The registry token also carries {', '.join(powerful)}; stored as a secret, any workflow of the repository "
            "could use them. Store it anyway?",
            ("stop", "store"),
            "stop",
            title="Store a powerful registry token?",
        )
        if questioner.choose(choice) != "store":
            raise InputError(
                f"the registry token carries {', '.join(powerful)}: far more than pushing images, for every workflow that reads it",
                "create a classic PAT with write:packages only",
            )
    extra = sorted(info.scopes - PACKAGE_SCOPES)
    if not extra:
        return []
    return [
        StepWarning(
            step,
            f"the registry token also carries {', '.join(extra)}: more than pushing images needs",
            "least privilege: a PAT with write:packages only",
        )
    ]
