"""GitHub App key pairs and JWTs for tests, made at run time (no key material lives in the repository)."""

from __future__ import annotations

import functools
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

APP_ID = 12345
APP_SLUG = "brik-onboard-fleet"


def make_key_pair() -> tuple[str, str]:
    """(private key PEM, public key PEM): a fresh RSA key, as a GitHub App's settings page hands one out."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


@functools.cache
def shared_key_pair() -> tuple[str, str]:
    """One key pair for the tests that only need a valid one (RSA generation costs ~50 ms)."""
    return make_key_pair()


def app_jwt(private_key: str, now: float, *, iss: Any = APP_ID, iat: float | None = None, exp: float | None = None) -> str:
    """A JWT as an App signs it (the product leaves this to PyGithub): iat 60 s back, exp 5 minutes ahead."""
    claims = {"iss": str(iss), "iat": int(now - 60 if iat is None else iat), "exp": int(now + 300 if exp is None else exp)}
    return jwt.encode(claims, private_key, algorithm="RS256")
