"""`apply` (and `status`) authenticated as a GitHub App, over real HTTP to the sandbox: the App's installation on the
repo's org is found with a JWT, its installation token (renewed as it expires) does the work as a token would; a
JWT GitHub refuses, an App not installed and a bad key are refused in one line; no key or token in any output."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.app_keys import APP_ID, make_key_pair, shared_key_pair
from tests.engine_helpers import (
    ORG,
    REPO,
    Onboarding,
    clear_request_log,
    leaks_in,
    live_state,
    org_variables,
    request_log,
    run_brik,
    texts_of,
    writes,
)
from wizard.core.clock import CLOCK
from wizard.errors import EXIT_GITHUB_REFUSED, EXIT_OK, EXIT_USAGE
from wizard.sandbox.app_jwt import EXP_PAST, NOT_DECODED

NO_TOKEN = {"GH_TOKEN": ""}  # the App alone: no token anywhere


def app_args(key_file: Path) -> tuple[str, ...]:
    return ("--app-id", str(APP_ID), "--app-key", str(key_file))


def issued_tokens(sandbox) -> list[str]:
    """Every installation token the sandbox made from a JWT."""
    return [t.value for t in sandbox.state.tokens.values() if t.expires_at is not None]


def assert_no_secrets(sandbox, ob: Onboarding, result) -> None:
    values = [shared_key_pair()[0], *issued_tokens(sandbox)]
    key_body = "".join(shared_key_pair()[0].strip().splitlines()[1:-1])
    values.append(key_body[:64])  # a piece of the key, however it was wrapped
    assert leaks_in(texts_of(result, ob.answers, ob.state_file, ob.log), values) == []
    assert "BEGIN RSA PRIVATE KEY" not in result.output and "Bearer" not in result.output


def test_apply_as_a_github_app_onboards_as_with_a_token(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    clear_request_log(app_sandbox)
    ob = Onboarding(app_sandbox, tmp_path / "run")
    result = ob.apply("--deliver", "commit", *app_args(key_file), env=NO_TOKEN)
    assert result.returncode == EXIT_OK, result
    assert result.json["verdict"]["passed"] is True
    assert f"GitHub App {APP_ID}" in result.stderr
    log = request_log(app_sandbox)
    paths = [r["path"] for r in log]
    assert paths[0] == f"/orgs/{ORG}/installation" and "/user" not in paths
    assert sum(1 for p in paths if p.endswith("/access_tokens")) == 1  # one token: the run took less than its hour
    assert "REGISTRY_URL" in org_variables(live_state(app_sandbox))
    assert not [r for r in log if r["status"] == 401]
    assert_no_secrets(app_sandbox, ob, result)
    clear_request_log(app_sandbox)
    again = ob.apply("--deliver", "commit", "--skip-validation", *app_args(key_file), env=NO_TOKEN)
    assert again.returncode == EXIT_OK, again
    # The only POST is the run's own installation token: nothing is written to the org or the repo.
    assert [w for w in writes(request_log(app_sandbox)) if not w.endswith("/access_tokens")] == [], "a second run writes nothing"


def test_the_installation_token_is_renewed_when_it_expires_mid_run(app_sandbox, tmp_path: Path, key_file: Path, virtual_time) -> None:
    """Each build poll waits over an hour (virtual time): every token expires between two requests."""
    clear_request_log(app_sandbox)
    ob = Onboarding(app_sandbox, tmp_path / "run")
    result = ob.apply("--deliver", "commit", "--poll-interval", "4000", *app_args(key_file), env=NO_TOKEN)
    assert result.returncode == EXIT_OK, result
    assert result.json["verdict"]["passed"] is True
    assert sum(virtual_time.waits) > 2 * 3600
    log = request_log(app_sandbox)
    made = [r for r in log if r["path"].endswith("/access_tokens")]
    assert len(made) >= 3 and all(r["status"] == 201 for r in made), made
    assert not [r for r in log if r["status"] == 401], "no request went out with an expired token"
    first = issued_tokens(app_sandbox)[0]
    assert app_sandbox.state.now() >= app_sandbox.state.tokens[first].expires_at  # it did expire
    assert_no_secrets(app_sandbox, ob, result)


def test_a_key_that_is_not_the_apps_is_refused_with_githubs_message(app_sandbox, tmp_path: Path) -> None:
    other = tmp_path / "other.pem"
    other.write_text(make_key_pair()[0])
    ob = Onboarding(app_sandbox, tmp_path / "run")
    result = ob.apply("--deliver", "commit", *app_args(other), env=NO_TOKEN)
    assert result.returncode == EXIT_GITHUB_REFUSED, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and NOT_DECODED in errors[0], result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.output
    assert [w for w in writes(request_log(app_sandbox)) if not w.endswith("/access_tokens")] == []


def test_a_jwt_expired_by_githubs_clock_is_refused_with_githubs_message(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    app_sandbox.state.clock = lambda: CLOCK.now() + timedelta(minutes=10)  # this machine's clock is 10 minutes behind
    result = Onboarding(app_sandbox, tmp_path / "run").apply("--deliver", "commit", *app_args(key_file), env=NO_TOKEN)
    assert result.returncode == EXIT_GITHUB_REFUSED, result
    assert EXP_PAST in result.stderr and "clock" in result.stderr and "Traceback" not in result.output


def test_an_app_not_installed_on_the_org_is_refused_naming_where_to_install_it(sandbox, tmp_path: Path, key_file: Path) -> None:
    sandbox.add_app(APP_ID, shared_key_pair()[1], orgs=())
    result = Onboarding(sandbox, tmp_path / "run").apply("--deliver", "commit", *app_args(key_file), env=NO_TOKEN)
    assert result.returncode == EXIT_GITHUB_REFUSED, result
    assert f"error: GitHub App {APP_ID} is not installed on {ORG}" in result.stderr
    assert "/apps/brik-onboard-fleet/installations/new" in result.stderr


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no such file"),
        ("not a key at all\n", "is not a PEM private key"),
        ("public", "is a public key, not the App's private key"),
        ("truncated", "is not a PEM private key"),
    ],
)
def test_a_bad_key_file_is_a_one_line_usage_error(app_sandbox, tmp_path: Path, content: str | None, says: str) -> None:
    path = tmp_path / "key.pem"
    private, public = shared_key_pair()
    if content == "public":
        path.write_text(public)
    elif content == "truncated":
        path.write_text(private[: len(private) // 2])
    elif content is not None:
        path.write_text(content)
    ob = Onboarding(app_sandbox, tmp_path / "run")
    clear_request_log(app_sandbox)
    result = ob.apply("--deliver", "commit", *app_args(path), env=NO_TOKEN)
    assert result.returncode == EXIT_USAGE, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0] and str(path) in errors[0], result.stderr
    assert request_log(app_sandbox) == []
    assert private[40:100] not in result.output and "Traceback" not in result.output


def test_the_app_from_the_environment_with_the_key_itself_as_ci_gives_it(app_sandbox, tmp_path: Path) -> None:
    escaped = shared_key_pair()[0].replace("\n", "\\n")  # a CI secret with its line breaks escaped
    env = {**NO_TOKEN, "BRIK_APP_ID": str(APP_ID), "BRIK_APP_PRIVATE_KEY": escaped}
    ob = Onboarding(app_sandbox, tmp_path / "run")
    result = ob.apply("--deliver", "commit", "--skip-validation", env=env)
    assert result.returncode == EXIT_OK, result
    assert "BRIK_APP_PRIVATE_KEY" in result.stderr  # where the key came from, never the key
    assert_no_secrets(app_sandbox, ob, result)
    assert escaped[40:100] not in result.output


def test_app_options_are_refused_beside_token_env_and_key_without_id(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    ob = Onboarding(app_sandbox, tmp_path / "run")
    both = ob.apply("--token-env", "MY_TOKEN", *app_args(key_file), env={"MY_TOKEN": app_sandbox.token})
    assert both.returncode == EXIT_USAGE and "--token-env MY_TOKEN and GitHub App" in both.stderr, both
    keyless = ob.apply("--app-key", str(key_file))
    assert keyless.returncode == EXIT_USAGE and "--app-key needs --app-id" in keyless.stderr, keyless


def test_status_as_a_github_app(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    args = ("status", "--repo", REPO, "--api-url", app_sandbox.base_url, "--json", *app_args(key_file))
    done = run_brik(*args, env=NO_TOKEN)
    assert done.returncode in (0, 1), done.stderr  # not onboarded yet: 1
    assert '"repo"' in done.stdout and "error:" not in done.stderr
    assert shared_key_pair()[0][40:100] not in done.stdout + done.stderr
    assert not any(t in done.stdout + done.stderr for t in issued_tokens(app_sandbox))
    assert os.stat(key_file).st_mode & 0o777 == 0o600


def test_plan_reads_githubs_state_as_a_github_app(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    done = run_brik("plan", "--repo", REPO, "--api-url", app_sandbox.base_url, "--json", *app_args(key_file), env=NO_TOKEN)
    assert done.returncode == EXIT_OK, done.stderr
    assert json.loads(done.stdout)["offline"] is False  # GitHub's current state was read
    assert [w for w in writes(request_log(app_sandbox)) if not w.endswith("/access_tokens")] == []
