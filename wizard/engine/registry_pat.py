"""The registry PAT's check before it is stored: by the secrets step (`apply`) and by `brik-onboard rotate`.

GHCR accepts only classic PATs with `write:packages`; scopes beyond pushing packages are stored with a warning.
Messages name the token's kind and scopes, never its value.
"""

from __future__ import annotations

from wizard.engine.events import StepWarning
from wizard.engine.port import GitHubPort
from wizard.errors import GitHubRefused

PACKAGE_SCOPES = frozenset({"write:packages", "read:packages"})


def check_registry_pat(port: GitHubPort, value: str, step: str) -> list[StepWarning]:
    """Raise GitHubRefused for a PAT GHCR would refuse; the warnings (for `step`) about one it would take."""
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
    info = port.token_info(value)
    if info.scopes is None:
        raise GitHubRefused(
            "the registry token reports no scopes (a fine-grained or app token): GHCR accepts only classic PATs",
            "create a classic PAT with the write:packages scope",
        )
    if "write:packages" not in info.scopes:
        raise GitHubRefused(
            "the registry token lacks the write:packages scope, so it cannot push images or cache", "add write:packages to the PAT"
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
