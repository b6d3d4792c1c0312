"""Turn what PyGithub and requests raise into one `GitHubRefused` a user can act on.

Messages are built from what we did (the action), the status and GitHub's own message; never from the
request, so no token or secret value can reach them. `scrub` is a second line of defence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from github.GithubException import GithubException, RateLimitExceededExceedsMaxWait

from wizard.errors import ENVIRONMENTS_NEED_PLAN, ENVIRONMENTS_PLAN_HINT, BadCredentials, GitHubRefused
from wizard.github.retry import TRANSPORT_ERRORS, header, rate_limit_wait
from wizard.github.tokens import APP_USER, CLASSIC, INSTALLATION, accepted_permissions, kind_from_headers, permission_label

WORKFLOWS_DIR = ".github/workflows/"
RESUME_HINT = "run the same command again: finished steps are kept"
# GitHub's refusals of a feature the account's plan lacks in a private repository: the 403 of GitHub Free
# ("Upgrade to GitHub Pro or make this repository public to enable this feature.") and the 422 about the
# billing plan that environment protection rules get.
PLAN_REFUSALS = ("make this repository public", "billing plan")


def scopes_from_header(value: str | None) -> frozenset[str] | None:
    """X-OAuth-Scopes / X-Accepted-OAuth-Scopes as a set; None when the header is absent."""
    if value is None:
        return None
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def missing_scopes(headers: Mapping[str, Any] | None) -> list[str]:
    """The scopes the endpoint accepts when the token has none of them (classic tokens only), else []."""
    accepted = scopes_from_header(header(headers, "x-accepted-oauth-scopes"))
    have = scopes_from_header(header(headers, "x-oauth-scopes"))
    if not accepted or have is None or accepted & have:
        return []
    return sorted(accepted)


def scrub(text: str, secrets: Iterable[str]) -> str:
    for value in secrets:
        if value:
            text = text.replace(value, "***")
    return text


def _github_message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or "").strip()
    details = [str(e.get("message") or e.get("code") or "") for e in data.get("errors") or [] if isinstance(e, dict)]
    details = [d for d in details if d]
    if details:
        message = f"{message}: {'; '.join(details)}" if message else "; ".join(details)
    return message or "no message"


def _lacks_workflow_scope(headers: Mapping[str, Any] | None) -> bool:
    have = scopes_from_header(header(headers, "x-oauth-scopes"))
    return have is None or "workflow" not in have  # fine-grained tokens do not say: assume it is the cause


def _needed_permissions(headers: Mapping[str, Any] | None) -> str:
    """'Contents: write and Workflows: write' from X-Accepted-GitHub-Permissions; alternatives joined by 'or'."""
    sets = accepted_permissions(header(headers, "x-accepted-github-permissions"))
    return " or ".join(" and ".join(permission_label(n, a) for n, a in pairs) for pairs in sets)


def _is_app(kind: str) -> bool:
    return kind in (INSTALLATION, APP_USER)


def _permission_hint(kind: str, needed: str) -> str:
    if _is_app(kind):
        return (
            f"give the GitHub App the {needed} permission (the installation must accept the change); "
            "a workflow's GITHUB_TOKEN gets it from the workflow's `permissions:`"
        )
    return f"edit the token on GitHub (Settings > Developer settings > Fine-grained tokens) to grant {needed}, then run again"


def _workflow_file_refusal(action: str, kind: str) -> GitHubRefused:
    """A 404 to a write under .github/workflows/: the token may not write workflow files."""
    if kind == CLASSIC:
        return GitHubRefused(
            f"{action}: GitHub answered 404; writing under {WORKFLOWS_DIR} needs the token's `workflow` scope",
            "the token needs the `workflow` scope (`gh auth refresh -s workflow`), then run again",
        )
    if _is_app(kind):
        return GitHubRefused(
            f"{action}: GitHub answered 404; writing under {WORKFLOWS_DIR} needs the GitHub App's Workflows: write permission",
            "give the GitHub App the Workflows: write permission (the installation must accept the change); "
            "a workflow's GITHUB_TOKEN can never write workflow files: use --deliver local",
        )
    return GitHubRefused(
        f"{action}: GitHub answered 404; writing under {WORKFLOWS_DIR} needs the token's Workflows: write permission",
        _permission_hint(kind, "Workflows: write"),
    )


def _plan_refusal(exc: GithubException) -> bool:
    return exc.status in (403, 422) and any(text in _github_message(exc).lower() for text in PLAN_REFUSALS)


def _changed_under_us(status: int, message: str) -> bool:
    """GitHub's answers to a contents write based on a stale (or missing) blob sha: someone else wrote the file."""
    text = message.lower()
    return (status == 409 and "does not match" in text) or (status == 422 and '"sha" wasn\'t supplied' in text)


def _from_github(exc: GithubException, action: str, write_path: str | None, token_kind: str) -> GitHubRefused:
    status, headers = exc.status, exc.headers
    kind = kind_from_headers(token_kind, headers)
    wait = getattr(exc, "wait", None) if isinstance(exc, RateLimitExceededExceedsMaxWait) else None
    wait = wait if wait is not None else rate_limit_wait(status, headers or {}, _github_message(exc))
    if wait is not None:
        return GitHubRefused(f"{action}: GitHub's rate limit was hit and it asks to wait {wait:.0f} s", RESUME_HINT)
    if status == 401:
        return BadCredentials(f"{action}: the token was refused (bad credentials)", "create a new token, or run `brik-onboard auth login`")
    if _plan_refusal(exc):
        return GitHubRefused(f"{action}: {ENVIRONMENTS_NEED_PLAN} (GitHub: {_github_message(exc)})", ENVIRONMENTS_PLAN_HINT)
    scopes = missing_scopes(headers)
    scope = " or ".join(f"`{s}`" for s in scopes)
    needed = _needed_permissions(headers) if kind != CLASSIC else ""
    if status == 403:
        if scopes:
            return GitHubRefused(
                f"{action}: the token lacks the {scope} scope", f"add the scope to the token (e.g. `gh auth refresh -s {scopes[0]}`)"
            )
        if needed:
            what = "the GitHub App" if _is_app(kind) else "the token"
            return GitHubRefused(f"{action}: GitHub refused it (403): {what} needs the {needed} permission", _permission_hint(kind, needed))
        return GitHubRefused(
            f"{action}: GitHub refused it (403): {_github_message(exc)}", "check the token's access to this repository or organization"
        )
    if status == 404:
        if write_path is not None and write_path.startswith(WORKFLOWS_DIR) and _lacks_workflow_scope(headers):
            return _workflow_file_refusal(action, kind)
        hint = f"the token may need the {scope} scope" if scopes else "check the name and the token's access"
        if needed and not scopes:
            hint = f"check the name and the token's access (this call needs {needed})"
        return GitHubRefused(f"{action}: not found or not visible to this token", hint)
    if write_path is not None and _changed_under_us(status, _github_message(exc)):
        return GitHubRefused(
            f"{action}: {write_path} changed on GitHub while this run was writing it (another brik-onboard run, or a push)",
            "run again when the other run is done: it starts from what is there now",
        )
    if status == 422:
        return GitHubRefused(f"{action}: GitHub refused it (422): {_github_message(exc)}")
    return GitHubRefused(f"{action}: GitHub answered {status}: {_github_message(exc)}", RESUME_HINT)


def refused(
    exc: BaseException,
    action: str,
    *,
    host: str,
    secrets: Iterable[str] = (),
    write_path: str | None = None,
    token_kind: str = CLASSIC,
) -> GitHubRefused:
    """The GitHubRefused for `exc`; raise it `from None` so the request does not travel in the chain.

    token_kind (wizard.github.tokens): a classic token's refusals name scopes, the others' name permissions.
    """
    if isinstance(exc, GithubException):
        error = _from_github(exc, action, write_path, token_kind)
    elif isinstance(exc, TRANSPORT_ERRORS):
        error = GitHubRefused(
            f"{action}: could not reach {host} ({type(exc).__name__})", f"check the network and the API URL; {RESUME_HINT}"
        )
    else:
        raise TypeError(f"not a GitHub error: {type(exc).__name__}")
    secrets = list(secrets)
    error.message = scrub(error.message, secrets)
    error.args = (error.message,)
    error.hint = scrub(error.hint, secrets) if error.hint else error.hint
    return error
