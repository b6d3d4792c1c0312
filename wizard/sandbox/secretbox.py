"""Actions secrets as GitHub keeps them: a libsodium key pair per scope, sealed boxes in, hashes out.

Clients encrypt with the scope's public key (PyGithub's `create_secret` does it); the sandbox opens
the sealed box with the private key. The clear value lives only in this process's memory, for the
runner (a registry token has to be checked against the tokens the sandbox knows); everything that
leaves the process (API answers, /_sandbox/state, logs) carries at most its sha256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

SECRET_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SecretRejected(ValueError):
    """The PUT body cannot be turned into a secret (bad key id, undecryptable value, bad name)."""


@dataclass
class Secret:
    name: str
    sha256: str
    created_at: datetime
    updated_at: datetime
    visibility: str | None = None  # org secrets only: all / private / selected
    selected_repository_ids: list[int] = field(default_factory=list)
    _value: str = field(default="", repr=False)  # in memory only, never serialised

    def reveal(self) -> str:
        """The decrypted value, for the runner only."""
        return self._value


@dataclass
class SecretScope:
    """One scope (an org, a repo or an environment): its key pair and its secrets."""

    private_key: PrivateKey = field(default_factory=PrivateKey.generate, repr=False)
    key_id: str = field(default_factory=lambda: str(secrets.randbelow(9 * 10**18) + 10**18))
    secrets: dict[str, Secret] = field(default_factory=dict)  # upper-cased name -> secret

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(bytes(self.private_key.public_key)).decode()

    def get(self, name: str) -> Secret | None:
        return self.secrets.get(name.upper())

    def open(self, key_id: object, encrypted_value: object) -> str:
        """Decrypt a PUT body's value; SecretRejected says why it cannot be."""
        if not isinstance(key_id, str) or key_id != self.key_id:
            raise SecretRejected("Bad request: key_id does not match the current public key of this scope.")
        if not isinstance(encrypted_value, str):
            raise SecretRejected('Invalid request.\n\n"encrypted_value" must be a string.')
        try:
            sealed = base64.b64decode(encrypted_value, validate=True)
            return SealedBox(self.private_key).decrypt(sealed).decode("utf-8")
        except (binascii.Error, CryptoError, UnicodeDecodeError, ValueError):
            raise SecretRejected("Bad request: encrypted_value could not be decrypted with this scope's key.")

    def put(self, name: str, value: str, now: datetime, visibility: str | None = None) -> tuple[Secret, bool]:
        """Create or update; returns (secret, created)."""
        if not SECRET_NAME_RE.match(name) or name.upper().startswith("GITHUB_"):
            raise SecretRejected(
                "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), "
                "must not start with a number or with the GITHUB_ prefix."
            )
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
        existing = self.get(name)
        if existing:
            existing.sha256, existing._value, existing.updated_at = digest, value, now
            if visibility:
                existing.visibility = visibility
            return existing, False
        secret = Secret(name.upper(), digest, now, now, visibility, [], value)
        self.secrets[secret.name] = secret
        return secret, True

    def delete(self, name: str) -> bool:
        return self.secrets.pop(name.upper(), None) is not None


def visible_to(secret: Secret, repo_id: int, repo_private: bool) -> bool:
    """Whether an org secret reaches a repository, per its visibility."""
    if secret.visibility == "all":
        return True
    if secret.visibility == "private":
        return repo_private
    return repo_id in secret.selected_repository_ids
