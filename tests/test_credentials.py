"""The admin-token search order and the keyring rules, with real keyring backends swapped in."""

from __future__ import annotations

import secrets

import keyring
import pytest
from keyring.backends import fail, null

from tests.keyring_backends import LockedKeyring, MemoryKeyring
from wizard import credentials
from wizard.credentials import KeyringUnavailable, Token, find_token, host_of, keyring_delete, keyring_set
from wizard.errors import NonInteractiveError


def fake_token() -> str:
    return "ghp_" + secrets.token_hex(18)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_gh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials.shutil, "which", lambda name: None)


def test_host_of() -> None:
    assert host_of(None) == "github.com"
    assert host_of("https://api.github.com") == "github.com"
    assert host_of("https://ghe.example.com/api/v3") == "ghe.example.com"
    assert host_of("http://127.0.0.1:8765") == "127.0.0.1:8765"


def test_order_flag_env_then_gh_token_then_github_token(memory_keyring, no_gh) -> None:
    a, b, c = fake_token(), fake_token(), fake_token()
    env = {"MY_TOKEN": a, "GH_TOKEN": b, "GITHUB_TOKEN": c}
    assert find_token(token_env="MY_TOKEN", environ=env).source == "environment variable MY_TOKEN"
    assert find_token(environ=env).value == b
    assert find_token(environ={"GITHUB_TOKEN": c}).value == c


def test_keyring_before_prompt_and_per_host(memory_keyring, no_gh) -> None:
    t = fake_token()
    keyring_set("github.com", Token(t, "test"))
    found = find_token(environ={})
    assert found.value == t and "keyring" in found.source
    with pytest.raises(NonInteractiveError) as err:
        find_token("http://127.0.0.1:9", environ={})
    assert err.value.message == "no GitHub token found for 127.0.0.1:9" and "--token-env" in (err.value.hint or "")
    assert keyring_delete("github.com") is True
    assert keyring_delete("github.com") is False


def test_prompt_is_last(memory_keyring, no_gh) -> None:
    t = fake_token()
    found = find_token(environ={}, ask=lambda prompt: t)
    assert found == Token(t, "prompt")


def test_token_never_in_repr_or_str() -> None:
    t = fake_token()
    tok = Token(t, "prompt")
    assert t not in repr(tok) and t not in str(tok)


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_fail_and_null_backends_refuse_plainly(backend) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        t = fake_token()
        with pytest.raises(KeyringUnavailable) as err:
            keyring_set("github.com", Token(t, "prompt"))
        assert "kept for this run only" in err.value.message
        assert t not in err.value.render()
        assert credentials.keyring_get("github.com") is None
    finally:
        keyring.set_keyring(previous)


def test_locked_keyring_refuses_without_the_value() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        t = fake_token()
        with pytest.raises(KeyringUnavailable) as err:
            keyring_set("github.com", Token(t, "prompt"))
        assert t not in err.value.render()
    finally:
        keyring.set_keyring(previous)


def test_empty_token_env_is_a_clear_error(no_gh) -> None:
    with pytest.raises(Exception) as err:
        find_token(token_env="NOPE", environ={})
    assert "NOPE" in str(err.value)


def test_gh_auth_token_after_keyring(memory_keyring, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = fake_token()
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\n[ "$1 $2 $3" = "auth token --hostname" ] && printf "%s\\n" "$FAKE_GH_TOKEN"\n')
    gh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_GH_TOKEN", t)
    assert find_token(environ={}) == Token(t, "gh auth token")
    stored = fake_token()
    keyring_set("github.com", Token(stored, "test"))
    assert find_token(environ={}).value == stored
