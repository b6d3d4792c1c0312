"""Token kinds, and the names GitHub's fine-grained permissions go by in its settings pages.

GitHub prefixes every token it issues with its kind: `ghp_` classic PAT, `gho_` OAuth app token (scopes, like a
classic PAT), `github_pat_` fine-grained PAT, `ghs_` GitHub App installation token (also a workflow's
GITHUB_TOKEN), `ghu_` App user token. Classic tokens answer with X-OAuth-Scopes; the others are held to
permissions and are told what an endpoint accepts in X-Accepted-GitHub-Permissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CLASSIC = "classic"
FINE_GRAINED = "fine_grained"
INSTALLATION = "installation"
APP_USER = "app_user"
UNKNOWN = "unknown"  # no known prefix (older GitHub Enterprise servers): decided from the answers' headers

PREFIXES = (("github_pat_", FINE_GRAINED), ("ghp_", CLASSIC), ("gho_", CLASSIC), ("ghs_", INSTALLATION), ("ghu_", APP_USER))

# How the token settings pages name each permission (fine-grained PATs and GitHub Apps use the same names).
PERMISSION_NAMES = {
    "actions": "Actions",
    "actions_variables": "Variables",
    "administration": "Administration",
    "contents": "Contents",
    "environments": "Environments",
    "metadata": "Metadata",
    "pull_requests": "Pull requests",
    "secrets": "Secrets",
    "workflows": "Workflows",
    "organization_secrets": "organization Secrets",
    "organization_actions_variables": "organization Variables",
    "organization_administration": "organization Administration",
    "organization_plan": "organization Plan",
}
ACCESS_NAMES = {"read": "read", "write": "write", "admin": "admin"}


def token_kind(token: str) -> str:
    return next((kind for prefix, kind in PREFIXES if token.startswith(prefix)), UNKNOWN)


def describe_kind(kind: str) -> str:
    return {
        CLASSIC: "classic token",
        FINE_GRAINED: "fine-grained token",
        INSTALLATION: "GitHub App installation token",
        APP_USER: "GitHub App user token",
    }.get(kind, "token")


def permission_label(name: str, access: str) -> str:
    """('workflows', 'write') -> 'Workflows: write', as the token's settings page shows it."""
    label = PERMISSION_NAMES.get(name, name.replace("_", " ").capitalize())
    return f"{label}: {ACCESS_NAMES.get(access, access)}"


def accepted_permissions(value: str | None) -> list[list[tuple[str, str]]]:
    """X-Accepted-GitHub-Permissions: alternatives separated by `;`, each a comma list of name=access."""
    sets: list[list[tuple[str, str]]] = []
    for alternative in (value or "").split(";"):
        pairs = []
        for item in alternative.split(","):
            name, sep, access = item.strip().partition("=")
            if sep and name.strip() and access.strip():
                pairs.append((name.strip(), access.strip()))
        if pairs:
            sets.append(pairs)
    return sets


def kind_from_headers(kind: str, headers: Mapping[str, Any] | None) -> str:
    """A token without a known prefix: classic when GitHub sends its scopes, else fine-grained-like."""
    if kind != UNKNOWN or headers is None:
        return kind
    lower = {str(k).lower() for k in headers}
    if "x-oauth-scopes" in lower:
        return CLASSIC
    return FINE_GRAINED if "x-accepted-github-permissions" in lower else UNKNOWN
