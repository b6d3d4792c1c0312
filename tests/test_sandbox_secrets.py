"""Actions secrets: real sealed boxes, hashes in the state, org visibility and selected repositories,
scopes, and no clear value anywhere the sandbox answers."""

from __future__ import annotations

import hashlib
import os

import requests

from tests.openapi_check import ExchangeRecorder
from tests.sandbox_client import ORG, REPO, Client, seal

O = f"/orgs/{ORG}/actions"
R = f"/repos/{REPO}/actions"


def _value() -> str:
    return "ghp_" + os.urandom(18).hex()


def _org_secret(sandbox, name: str) -> dict:
    return next(s for s in sandbox.snapshot()["orgs"][0]["secrets"] if s["name"] == name)


def test_org_secret_decrypts_to_the_value_sent_and_keeps_only_its_hash(sandbox) -> None:
    recorder = ExchangeRecorder(sandbox.app)
    admin = Client(sandbox.base_url, sandbox.token)
    repo_id = admin.get(f"/repos/{REPO}", expect=200).json()["id"]
    value = _value()
    admin.put_secret(O, "registry_pat", value, visibility="selected", selected_repository_ids=[repo_id], expect=201)
    stored = _org_secret(sandbox, "REGISTRY_PAT")  # names are upper-cased, like GitHub's
    assert stored["sha256"] == hashlib.sha256(value.encode()).hexdigest()
    assert stored["visibility"] == "selected" and stored["selected_repositories"] == [repo_id]
    got = admin.get(f"{O}/secrets/REGISTRY_PAT", expect=200).json()
    assert set(got) == {"name", "created_at", "updated_at", "visibility", "selected_repositories_url"}
    state_text = requests.get(f"{sandbox.base_url}/_sandbox/state", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).text
    log_text = requests.get(f"{sandbox.base_url}/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).text
    for text in [state_text, log_text] + [ex.response_body.decode() for ex in recorder.exchanges]:
        assert value not in text


def test_update_answers_204_and_keeps_visibility_and_selection_unless_given(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    repo_id = admin.get(f"/repos/{REPO}", expect=200).json()["id"]
    other_id = admin.get(f"/repos/{ORG}/.github", expect=200).json()["id"]
    admin.put_secret(O, "REGISTRY_PAT", _value(), visibility="selected", selected_repository_ids=[other_id], expect=201)
    admin.call("PUT", f"{O}/secrets/REGISTRY_PAT/repositories/{repo_id}", expect=204)
    new_value = _value()
    admin.put_secret(O, "REGISTRY_PAT", new_value, visibility="selected", expect=204)
    stored = _org_secret(sandbox, "REGISTRY_PAT")
    assert stored["selected_repositories"] == [other_id, repo_id]
    assert stored["sha256"] == hashlib.sha256(new_value.encode()).hexdigest()
    admin.call("DELETE", f"{O}/secrets/REGISTRY_PAT/repositories/{other_id}", expect=204)
    listed = admin.get(f"{O}/secrets/REGISTRY_PAT/repositories", expect=200).json()
    assert [r["id"] for r in listed["repositories"]] == [repo_id]
    admin.put_secret(O, "REGISTRY_PAT", new_value, visibility="all", expect=204)
    assert _org_secret(sandbox, "REGISTRY_PAT")["selected_repositories"] == []


def test_repository_sees_org_secrets_by_visibility(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    other_id = admin.get(f"/repos/{ORG}/.github", expect=200).json()["id"]
    admin.put_secret(O, "FOR_ALL", _value(), visibility="all", expect=201)
    admin.put_secret(O, "FOR_PRIVATE", _value(), visibility="private", expect=201)
    admin.put_secret(O, "FOR_OTHER", _value(), visibility="selected", selected_repository_ids=[other_id], expect=201)
    seen = admin.get(f"{R}/organization-secrets", expect=200).json()
    assert [s["name"] for s in seen["secrets"]] == ["FOR_ALL"]  # the sample repo is public
    seen_by_other = admin.get(f"/repos/{ORG}/.github/actions/organization-secrets", expect=200).json()
    assert [s["name"] for s in seen_by_other["secrets"]] == ["FOR_ALL", "FOR_OTHER"]


def test_org_secrets_need_admin_org_and_say_so(sandbox) -> None:
    weak = Client(sandbox.base_url, sandbox.add_token(["repo", "read:org"]))
    refused = weak.get(f"{O}/secrets/public-key", expect=403)
    assert refused.headers["X-Accepted-OAuth-Scopes"] == "admin:org"
    weak.call("PUT", f"{O}/secrets/X", {"encrypted_value": "x", "key_id": "1", "visibility": "all"}, expect=403)
    weak.get("/orgs/no-such-org/actions/secrets", expect=404)  # an unknown org is a 404 first


def test_repo_and_environment_secrets_need_the_repo_scope(sandbox) -> None:
    reader = Client(sandbox.base_url, sandbox.add_token(["read:org"]))
    reader.get(f"{R}/secrets/public-key", expect=404)  # GitHub hides what the token may not manage


def test_wrong_key_id_and_undecryptable_values_are_refused(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    key = admin.get(f"{R}/secrets/public-key", expect=200).json()
    other_key = admin.get(f"{O}/secrets/public-key", expect=200).json()
    assert key["key_id"] != other_key["key_id"] and key["key"] != other_key["key"]
    sealed_for_org = seal(other_key["key"], "x")
    admin.call("PUT", f"{R}/secrets/A", {"encrypted_value": sealed_for_org, "key_id": other_key["key_id"]}, expect=422)
    admin.call("PUT", f"{R}/secrets/A", {"encrypted_value": sealed_for_org, "key_id": key["key_id"]}, expect=422)
    admin.call("PUT", f"{R}/secrets/A", {"encrypted_value": "not base64!", "key_id": key["key_id"]}, expect=422)
    admin.call("PUT", f"{R}/secrets/A", {"key_id": key["key_id"]}, expect=422)
    admin.call("PUT", f"{R}/secrets/GITHUB_X", {"encrypted_value": seal(key["key"], "x"), "key_id": key["key_id"]}, expect=422)
    admin.call("PUT", f"{R}/secrets/A", {"encrypted_value": seal(key["key"], "x"), "key_id": key["key_id"]}, expect=201)


def test_environment_secrets_live_in_their_environment(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    admin.get(f"/repos/{REPO}/environments/production/secrets/public-key", expect=404)
    admin.call("PUT", f"/repos/{REPO}/environments/production", {}, expect=200)
    value = _value()
    admin.put_secret(f"/repos/{REPO}/environments/production", "REGISTRY_PAT", value, expect=201)
    repo_state = next(r for r in sandbox.snapshot()["repos"] if r["full_name"] == REPO)
    env = repo_state["environments"][0]
    assert env["name"] == "production"
    assert env["secrets"][0]["sha256"] == hashlib.sha256(value.encode()).hexdigest()
    assert repo_state["secrets"] == []


def test_environment_names_with_a_slash_travel_encoded(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    created = admin.call("PUT", f"/repos/{REPO}/environments/prod%2Feu", {}, expect=200).json()
    assert created["name"] == "prod/eu"
    assert created["url"].endswith("/environments/prod%2Feu")
    admin.put_secret(f"/repos/{REPO}/environments/prod%2Feu", "TOKEN", _value(), expect=201)
    assert admin.get(f"/repos/{REPO}/environments/prod%2Feu/secrets", expect=200).json()["total_count"] == 1
