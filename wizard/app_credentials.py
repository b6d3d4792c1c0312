"""A GitHub App's id and private key, for authenticating as the App's installation instead of with a token.

From `--app-id ID` / `--app-key FILE`, else `BRIK_APP_ID` and `BRIK_APP_KEY_FILE` (or the key itself in
`BRIK_APP_PRIVATE_KEY`, for CI secrets). The key is a secret: its text never appears in a message, a repr or a log;
errors name where it came from only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import InputError

APP_ID_ENV = "BRIK_APP_ID"
APP_KEY_FILE_ENV = "BRIK_APP_KEY_FILE"
APP_KEY_ENV = "BRIK_APP_PRIVATE_KEY"
KEY_HINT = "give the private key downloaded from the App's settings page (a .pem file beginning with -----BEGIN RSA PRIVATE KEY-----)"


@dataclass(frozen=True)
class AppCredentials:
    app_id: str
    private_key: str = field(repr=False)
    source: str  # where the key came from, for messages

    def __str__(self) -> str:
        return f"<GitHub App {self.app_id}, key from {self.source}>"

    @property
    def description(self) -> str:
        return f"GitHub App {self.app_id} (key from {self.source})"


def find_app_credentials(app_id: str | None, key_file: Path | None, environ: Mapping[str, str]) -> AppCredentials | None:
    """The App's id and key when either is given (flags over environment), else None (authenticate with a token)."""
    app_id = (app_id or environ.get(APP_ID_ENV, "")).strip() or None
    file_env = environ.get(APP_KEY_FILE_ENV, "").strip()
    key_text = environ.get(APP_KEY_ENV, "")
    if app_id is None:
        if key_file is not None:
            raise InputError("--app-key needs --app-id (the App's id or client id)", f"pass --app-id ID or set {APP_ID_ENV}")
        return None
    if key_file is not None:
        key, source = _read_key(key_file, f"--app-key {key_file}"), f"--app-key {key_file}"
    elif file_env:
        key, source = _read_key(Path(file_env), f"{APP_KEY_FILE_ENV} ({file_env})"), f"{APP_KEY_FILE_ENV} ({file_env})"
    elif key_text.strip():
        key, source = key_text, f"the environment variable {APP_KEY_ENV}"
    else:
        raise InputError(
            f"GitHub App {app_id}: no private key given", f"pass --app-key FILE, or set {APP_KEY_FILE_ENV}=FILE or {APP_KEY_ENV}"
        )
    if "\\n" in key and "\n" not in key.strip():  # a CI secret pasted with its line breaks escaped
        key = key.replace("\\n", "\n")
    _check_private_key(key, source)
    return AppCredentials(app_id, key, source)


def _read_key(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file", "give the path of the App's private key (.pem)") from None
    except IsADirectoryError:
        raise InputError(f"{source}: is a directory, not a key file", KEY_HINT) from None
    except PermissionError:
        raise InputError(f"{source}: not readable (permission denied)", "check the file's permissions (chmod 600 for a key)") from None
    except UnicodeDecodeError:
        raise InputError(f"the key from {source} is not a PEM private key (it is not text)", KEY_HINT) from None
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror or type(exc).__name__})", KEY_HINT) from None


def _check_private_key(text: str, source: str) -> None:
    """InputError unless `text` is an RSA private key in PEM (what GitHub Apps sign their JWTs with: RS256)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if "PUBLIC KEY" in text and "PRIVATE KEY" not in text:
        raise InputError(f"the key from {source} is a public key, not the App's private key", KEY_HINT)
    try:
        key = load_pem_private_key(text.strip().encode(), password=None)
    except TypeError:  # encrypted: GitHub hands out unencrypted keys, PyGithub cannot ask for a passphrase
        raise InputError(f"the key from {source} is encrypted with a passphrase", "give the unencrypted key GitHub generated") from None
    except (ValueError, UnicodeEncodeError):  # never chained: cryptography's message may quote the input
        raise InputError(f"the key from {source} is not a PEM private key", KEY_HINT) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InputError(f"the key from {source} is not an RSA key (GitHub Apps sign with RS256)", KEY_HINT)
