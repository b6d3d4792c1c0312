"""The sandbox as GitHub for GitHub Apps: JWTs checked with the App's public key and GitHub's time rules (on the
sandbox's clock), installations per org, installation tokens that expire after an hour and share their
installation's rate limit; and PyGithub's own App authentication against it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from github import Auth, GithubIntegration

from tests.app_keys import APP_ID, APP_SLUG, app_jwt, make_key_pair, shared_key_pair
from tests.engine_helpers import ORG
from wizard.sandbox import Sandbox
from wizard.sandbox.app_jwt import EXP_PAST, EXP_TOO_FAR, IAT_INVALID, NOT_DECODED
from wizard.sandbox.auth import APP_PERMISSIONS


def call(sandbox: Sandbox, method: str, path: str, credential: str, body: object = None, scheme: str = "Bearer") -> requests.Response:
    headers = {"Authorization": f"{scheme} {credential}", "Accept": "application/vnd.github+json"}
    return requests.request(method, sandbox.base_url + path, headers=headers, json=body, timeout=30)


@pytest.fixture
def app_sandbox(sandbox: Sandbox) -> Sandbox:
    sandbox.add_app(APP_ID, shared_key_pair()[1])
    return sandbox


def now_of(sandbox: Sandbox) -> float:
    return sandbox.state.now().timestamp()


def installation_token(sandbox: Sandbox) -> tuple[str, dict]:
    signed = app_jwt(shared_key_pair()[0], now_of(sandbox))
    installation = call(sandbox, "GET", f"/orgs/{ORG}/installation", signed)
    assert installation.status_code == 200, installation.text
    made = call(sandbox, "POST", f"/app/installations/{installation.json()['id']}/access_tokens", signed, {})
    assert made.status_code == 201, made.text
    return made.json()["token"], made.json()


def test_an_app_jwt_finds_the_org_installation_and_makes_an_hour_long_installation_token(app_sandbox: Sandbox) -> None:
    signed = app_jwt(shared_key_pair()[0], now_of(app_sandbox))
    app = call(app_sandbox, "GET", "/app", signed).json()
    assert (app["id"], app["slug"], app["installations_count"]) == (APP_ID, APP_SLUG, 1)
    installation = call(app_sandbox, "GET", f"/orgs/{ORG}/installation", signed).json()
    assert (installation["app_id"], installation["account"]["login"], installation["target_type"]) == (APP_ID, ORG, "Organization")
    assert installation["permissions"] == APP_PERMISSIONS and installation["repository_selection"] == "all"
    token, body = installation_token(app_sandbox)
    assert token.startswith("ghs_") and body["permissions"] == APP_PERMISSIONS and body["repository_selection"] == "all"
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=59) < expires - app_sandbox.state.now() <= timedelta(hours=1)
    # The token acts as the App's installation: no identity, its repositories readable.
    assert call(app_sandbox, "GET", "/user", token, scheme="token").json()["message"] == "Resource not accessible by integration"
    assert call(app_sandbox, "GET", "/installation/repositories", token, scheme="token").status_code == 200


def test_an_installation_token_is_refused_once_it_has_expired(app_sandbox: Sandbox, virtual_time) -> None:
    token, _ = installation_token(app_sandbox)
    virtual_time.sleep(3600 - 5)
    assert call(app_sandbox, "GET", "/installation/repositories", token, scheme="token").status_code == 200
    virtual_time.sleep(10)
    reply = call(app_sandbox, "GET", "/installation/repositories", token, scheme="token")
    assert (reply.status_code, reply.json()["message"]) == (401, "Bad credentials")


def test_installation_tokens_share_their_installations_own_rate_limit(app_sandbox: Sandbox) -> None:
    app_sandbox.state.installation_rate_limit = 15000  # GitHub raises it for large orgs
    first, _ = installation_token(app_sandbox)
    call(app_sandbox, "GET", "/installation/repositories", first, scheme="token")
    second, _ = installation_token(app_sandbox)
    reply = call(app_sandbox, "GET", "/installation/repositories", second, scheme="token")
    assert reply.headers["X-RateLimit-Limit"] == "15000"
    assert reply.headers["X-RateLimit-Used"] == "2"  # the first token's request counted too
    assert call(app_sandbox, "GET", "/rate_limit", app_sandbox.token, scheme="token").json()["rate"]["limit"] == 5000


@pytest.mark.parametrize(
    ("iat", "exp", "message"),
    [
        (-700, -10, EXP_PAST),  # expired
        (-60, 700, EXP_TOO_FAR),  # more than 10 minutes ahead
        (-300, 400, EXP_TOO_FAR),  # more than 10 minutes after iat
        (120, 500, IAT_INVALID),  # issued beyond the 60 s clock drift allowance
    ],
)
def test_jwt_times_are_held_to_githubs_rules(app_sandbox: Sandbox, iat: int, exp: int, message: str) -> None:
    now = now_of(app_sandbox)
    signed = app_jwt(shared_key_pair()[0], now, iat=now + iat, exp=now + exp)
    reply = call(app_sandbox, "GET", f"/orgs/{ORG}/installation", signed)
    assert (reply.status_code, reply.json()["message"]) == (401, message)


def test_a_jwt_the_app_did_not_sign_or_not_a_jwt_cannot_be_decoded(app_sandbox: Sandbox) -> None:
    now = now_of(app_sandbox)
    for credential in (
        app_jwt(make_key_pair()[0], now),  # another key
        app_jwt(shared_key_pair()[0], now, iss=APP_ID + 1),  # another App
        app_sandbox.token,  # a PAT on an App endpoint
        "not-a-jwt",
    ):
        reply = call(app_sandbox, "POST", "/app/installations/1/access_tokens", credential, {})
        assert (reply.status_code, reply.json()["message"]) == (401, NOT_DECODED)
    # ...and a JWT is no token for the rest of the API
    assert call(app_sandbox, "GET", f"/repos/{ORG}/.github", app_jwt(shared_key_pair()[0], now)).status_code == 401


def test_an_app_not_installed_on_an_org_gets_404_and_no_more_permissions_than_granted(app_sandbox: Sandbox) -> None:
    app_sandbox.state.add_org("elsewhere")
    signed = app_jwt(shared_key_pair()[0], now_of(app_sandbox))
    reply = call(app_sandbox, "GET", "/orgs/elsewhere/installation", signed)
    assert (reply.status_code, reply.json()["message"]) == (404, "Not Found")
    installation_id = call(app_sandbox, "GET", f"/orgs/{ORG}/installation", signed).json()["id"]
    wider = call(app_sandbox, "POST", f"/app/installations/{installation_id}/access_tokens", signed, {"permissions": {"members": "read"}})
    assert wider.status_code == 422
    narrower = call(
        app_sandbox, "POST", f"/app/installations/{installation_id}/access_tokens", signed, {"permissions": {"contents": "read"}}
    )
    assert narrower.status_code == 201 and narrower.json()["permissions"] == {"contents": "read"}


def test_pygithub_app_authentication_works_against_the_sandbox(app_sandbox: Sandbox) -> None:
    auth = Auth.AppAuth(APP_ID, shared_key_pair()[0])
    with GithubIntegration(auth=auth, base_url=app_sandbox.base_url) as integration:
        installation = integration.get_org_installation(ORG)
        assert installation.app_id == APP_ID
        access = integration.get_access_token(installation.id)
        assert access.token.startswith("ghs_") and access.expires_at > app_sandbox.state.now()


def test_seed_file_registers_an_app_from_its_public_key(tmp_path: Path, monkeypatch) -> None:
    private, public = shared_key_pair()
    (tmp_path / "app.pub.pem").write_text(public)
    monkeypatch.setenv("SEED_APP_PUBLIC_KEY", public)
    seed = {
        "orgs": [{"login": "acme"}],
        "apps": [
            {"id": APP_ID, "slug": APP_SLUG, "public_key_file": "app.pub.pem", "installations": [{"org": ORG}, {"org": "acme"}]},
            {
                "id": 777,
                "slug": "other",
                "public_key_env": "SEED_APP_PUBLIC_KEY",
                "installations": [{"org": "acme", "permissions": {"contents": "read"}}],
            },
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    with Sandbox(seed_file=path) as sandbox:
        now = now_of(sandbox)
        assert call(sandbox, "GET", "/orgs/acme/installation", app_jwt(private, now)).json()["app_slug"] == APP_SLUG
        other = call(sandbox, "GET", "/orgs/acme/installation", app_jwt(private, now, iss=777)).json()
        assert (other["app_id"], other["permissions"]) == (777, {"contents": "read"})
        assert call(sandbox, "GET", f"/orgs/{ORG}/installation", app_jwt(private, now, iss=777)).status_code == 404
    path.write_text(json.dumps({"apps": [{"id": 1, "slug": "keyless"}]}))
    with pytest.raises(ValueError, match="PEM public key"):
        Sandbox(seed_file=path)


def test_installation_tokens_share_their_installations_content_write_window(app_sandbox: Sandbox) -> None:
    """A second token of the same installation is no way around the secondary limit on content creation."""
    app_sandbox.state.content_limit_per_minute = 2
    first, _ = installation_token(app_sandbox)
    second, _ = installation_token(app_sandbox)

    def create(token: str, n: int) -> requests.Response:
        return call(
            app_sandbox, "POST", f"/repos/{ORG}/example-node-api/actions/variables", token, {"name": f"V{n}", "value": "x"}, "token"
        )

    assert [create(first, 1).status_code, create(first, 2).status_code] == [201, 201]
    refused = create(second, 3)
    assert refused.status_code == 403 and "secondary rate limit" in refused.json()["message"]
    assert app_sandbox.state.secondary_limit_hits == 1
