"""The repository is untrusted input: its answers file describes the build, never where credentials go.

`api_url` and `secret_env` come only from flags or the user's own config file; the admin token never becomes a
stored secret; the token crosses the network only over https.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.engine_helpers import REPO, Onboarding, clear_request_log, put_file, request_log, run_brik, writes
from wizard.core.answers import dump_answers, load_answers
from wizard.core.plan import ANSWERS_PATH, Plan
from wizard.core.schema import answers_schema
from wizard.errors import InputError


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("version: 1\napi_url: http://collector.example:8080\n", "api_url"),
        ("version: 1\nstrategy: pat\nsecret_env:\n  REGISTRY_PAT: GH_TOKEN\n", "secret_env"),
        ("version: 1\nsecret_env: {REGISTRY_PAT: SOME_VAR}\n", "secret_env"),
    ],
)
def test_an_answers_file_may_not_say_where_credentials_go(text: str, key: str) -> None:
    with pytest.raises(InputError) as caught:
        load_answers(text, ".github/brik-onboard.yml")
    assert f"{key} may not be set in an answers file" in str(caught.value)
    assert "config.yml" in (caught.value.hint or "") and f"--{key.replace('_', '-')}" in (caught.value.hint or "")


def test_the_answers_file_and_its_schema_never_carry_them() -> None:
    text = dump_answers(Plan(repo="o/svc", api_url="https://ghe.example/api/v3", secret_env={"REGISTRY_PAT": "MY_PAT"}))
    assert "api_url" not in text and "secret_env" not in text and "MY_PAT" not in text
    legacy = "version: 1\napi_url: http://127.0.0.1:1\nservice: api\n"
    assert "api_url" not in dump_answers(Plan(repo="o/svc", service="api"), legacy)
    properties = answers_schema()["properties"]
    assert "api_url" not in properties and "secret_env" not in properties and "service" in properties


def test_a_checkout_whose_answers_redirect_the_token_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "brik-onboard.yml").write_text("version: 1\napi_url: http://collector.example/api\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    res = run_cli("plan", "--repo", "o/svc", "--checkout", str(tmp_path))
    assert res.returncode == 2, res
    assert "api_url may not be set in an answers file" in res.stderr and "Traceback" not in res.stderr


def test_recorded_answers_on_the_default_branch_cannot_redirect_the_token(sandbox, tmp_path: Path) -> None:
    put_file(sandbox, ANSWERS_PATH, "version: 1\nstrategy: pat\nsecret_env: {REGISTRY_PAT: GH_TOKEN}\n")
    ob = Onboarding(sandbox, tmp_path)
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit")
    assert result.returncode == 2, result
    assert "secret_env may not be set in an answers file" in result.stderr
    assert writes(request_log(sandbox)) == []
    assert sandbox.token not in result.output


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--secret-env", "REGISTRY_PAT=GH_TOKEN"], "where the admin token is read from"),
        (["--secret-env", "REGISTRY_PAT=github_token"], "where the admin token is read from"),
        (["--secret-env", "REGISTRY_PAT=MY_ADMIN", "--token-env", "MY_ADMIN"], "where --token-env reads the admin token"),
    ],
)
def test_secret_env_never_reads_the_admin_token(sandbox, tmp_path: Path, flags: list[str], fragment: str) -> None:
    ob = Onboarding(sandbox, tmp_path)
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat", *flags, env={"MY_ADMIN": sandbox.token})
    assert result.returncode == 2, result
    assert fragment in result.stderr
    assert request_log(sandbox) == [] or writes(request_log(sandbox)) == []
    assert sandbox.token not in result.output


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com", "http://10.0.0.5:8080/api/v3", "ftp://api.github.com", "https://user:pw@ghe.example/api/v3"],
)
def test_the_token_travels_only_over_https_except_to_this_machine(tmp_path: Path, url: str) -> None:
    res = run_brik("status", "--repo", REPO, "--api-url", url, env={"GH_TOKEN": "ghp_" + "0" * 36})
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "API URL" in res.stderr and "Traceback" not in res.stderr
    assert "user:pw" not in res.stderr


def test_the_user_config_file_is_where_the_api_url_lives(sandbox, tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "brik-onboard").mkdir(parents=True)
    (config / "brik-onboard" / "config.yml").write_text(f"api_url: {sandbox.base_url}\n")
    ob = Onboarding(sandbox, tmp_path / "work")
    args = ["apply", "--repo", REPO, "--yes", "--json", "--deliver", "commit", "--skip-validation", "--answers", str(ob.answers)]
    result = run_brik(*args, env={**ob.env(), "XDG_CONFIG_HOME": str(config)})
    assert result.returncode == 0, result.stderr
    assert "api_url" not in ob.answers.read_text()


def test_a_config_file_holds_only_user_settings(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("service: api\n")
    res = run_cli("plan", "--repo", "o/svc", env={"BRIK_ONBOARD_CONFIG": str(config)})
    assert res.returncode == 2, res
    assert "'service' is not a setting of this file" in res.stderr


def test_a_second_run_on_the_same_repo_stops_at_once(sandbox, tmp_path: Path) -> None:
    from wizard.app.run_lock import RunLock

    first = RunLock(sandbox.base_url)
    first.acquire(REPO)  # another run, in the middle of its writes
    try:
        ob = Onboarding(sandbox, tmp_path)
        clear_request_log(sandbox)
        result = ob.apply("--deliver", "commit")
        assert result.returncode == 2, result
        assert f"another brik-onboard run is in progress for {REPO} (pid {os.getpid()}" in result.stderr
        assert writes(request_log(sandbox)) == []
    finally:
        first.release()
    again = Onboarding(sandbox, tmp_path).apply("--deliver", "commit", "--skip-validation")
    assert again.returncode == 0, again  # the lock goes with the run that held it


def test_a_token_with_a_line_break_is_refused_without_a_traceback(sandbox, tmp_path: Path) -> None:
    broken = sandbox.token[:10] + "\n" + sandbox.token[10:]
    result = Onboarding(sandbox, tmp_path, token=broken).apply("--deliver", "commit")
    assert result.returncode == 2, result
    assert "the token from environment variable GH_TOKEN contains blanks, line breaks" in result.stderr
    assert "Traceback" not in result.stderr and sandbox.token[10:] not in result.output


def test_a_registry_pat_with_a_line_break_is_refused(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat[:8] + "\n" + pat[8:]})
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 2, result
    assert "the registry token contains blanks, line breaks" in result.stderr
    assert "Traceback" not in result.stderr and pat[8:] not in result.output
    assert writes(request_log(sandbox)) == []
