"""The admin token: where it comes from and where it may be kept (the OS keyring only).

Search order: `--token-env VAR`, `GH_TOKEN`, `GITHUB_TOKEN`, the keyring (service `brik-onboard`, one entry per
host), `gh auth token`, then a masked prompt supplied by the face. A keyring that cannot store (the fail/null
backends of a headless Linux) is reported plainly and the token is kept for this run only: never a plaintext file.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from wizard.core.tokens import check_token_shape
from wizard.errors import InputError, NoTokenError

KEYRING_SERVICE = "brik-onboard"
DEFAULT_API_URL = "https://api.github.com"


@dataclass(frozen=True)
class Token:
    """A token and where it came from. Its value never appears in repr, str or any message."""

    value: str = field(repr=False)
    source: str

    def __post_init__(self) -> None:
        check_token_shape(self.value, f"the token from {self.source}")

    def __str__(self) -> str:
        return f"<token from {self.source}>"


class KeyringUnavailable(InputError):
    """The OS keyring cannot store secrets here."""


def check_api_url(api_url: str | None) -> None:
    """The admin token is sent only over https, or plain http to this machine (the sandbox): InputError otherwise."""
    if api_url is None:
        return
    url = urlparse(api_url)
    hint = "give the API URL as https://HOST/api/v3 (GitHub Enterprise) or http://127.0.0.1:PORT (the sandbox)"
    if url.scheme not in ("https", "http") or not url.hostname:
        raise InputError(f"the API URL {api_url!r} is not an http(s) URL", hint)
    if url.username or url.password:
        raise InputError("the API URL carries a user name or password", "give the token through GH_TOKEN or `brik-onboard auth login`")
    if url.scheme == "http" and not _loopback(url.hostname):
        raise InputError(f"the API URL {api_url!r} is plain http to another machine: the token would cross the network in clear", hint)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(api_url: str | None) -> str:
    """The host a token belongs to: github.com for the public API, else the API URL's host[:port]."""
    url = urlparse(api_url or DEFAULT_API_URL)
    host = url.netloc or url.path
    return "github.com" if host == "api.github.com" else host


def find_token(
    api_url: str | None = None,
    *,
    token_env: str | None = None,
    environ: Mapping[str, str] | None = None,
    ask: Callable[[str], str] | None = None,
    use_gh: bool = True,
) -> Token:
    """The first token found in the search order; NonInteractiveError when none and no way to ask."""
    env = os.environ if environ is None else environ
    if token_env:
        value = env.get(token_env, "").strip()
        if not value:
            raise InputError(f"--token-env {token_env}: the variable is not set or empty", f"export {token_env}=<token>")
        return Token(value, f"environment variable {token_env}")
    for name in ("GH_TOKEN", "GITHUB_TOKEN"):
        value = env.get(name, "").strip()
        if value:
            return Token(value, f"environment variable {name}")
    host = host_of(api_url)
    stored = keyring_get(host)
    if stored:
        return Token(stored, f"keyring ({KEYRING_SERVICE}/{host})")
    if use_gh:
        from_gh = gh_auth_token(host)
        if from_gh:
            return Token(from_gh, "gh auth token")
    if ask is None:
        raise NoTokenError(host)
    value = ask(f"GitHub token for {host}").strip()
    if not value:
        raise InputError("no token given", "paste a token with the repo, workflow and admin:org scopes")
    return Token(value, "prompt")


def gh_auth_token(host: str) -> str | None:
    """`gh auth token --hostname HOST` when the GitHub CLI is installed and logged in."""
    gh = shutil.which("gh")
    if gh is None:
        return None
    try:
        out = subprocess.run([gh, "auth", "token", "--hostname", host], capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        return None
    token = out.stdout.strip()
    return token if out.returncode == 0 and token else None


def keyring_status() -> tuple[bool, str]:
    """(can store, the backend's name): fail/null backends, or none usable, cannot."""
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False, name
    return True, name


def keyring_get(host: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    if not keyring_status()[0]:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, host)
    except KeyringError:
        return None


def keyring_set(host: str, token: Token) -> None:
    """Store the token for `host`; KeyringUnavailable (without the value) when the keyring cannot."""
    import keyring
    from keyring.errors import KeyringError

    usable, name = keyring_status()
    if not usable:
        raise KeyringUnavailable(
            f"the OS keyring cannot store secrets here (backend {name}); the token is kept for this run only",
            "set GH_TOKEN in your environment, or install and unlock a keyring (e.g. gnome-keyring, KWallet)",
        )
    try:
        keyring.set_password(KEYRING_SERVICE, host, token.value)
    except KeyringError as exc:
        raise KeyringUnavailable(
            f"the OS keyring refused to store the token ({type(exc).__name__}); it is kept for this run only",
            "unlock the keyring, or set GH_TOKEN in your environment",
        ) from None


def keyring_delete(host: str) -> bool:
    """Remove the stored token for `host`; False when there was none."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    if not keyring_status()[0]:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, host)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise KeyringUnavailable(f"the OS keyring refused the delete ({type(exc).__name__})", None) from None
    return True
