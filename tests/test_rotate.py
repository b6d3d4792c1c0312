"""`brik-onboard rotate` over real HTTP against the sandbox: the new registry PAT replaces REGISTRY_PAT where the
onboarding put it; visibility, selected repositories, the repo's files and the working folder stay as they were."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest

from tests.engine_helpers import (
    ORG,
    REPO,
    Onboarding,
    Result,
    add_repo,
    api,
    child_env,
    clear_request_log,
    env_secrets,
    fake_token,
    file_on,
    leaks_in,
    live_state,
    org_secrets,
    org_variables,
    repo_state,
    request_log,
    run_brik,
    sha256,
    texts_of,
    writes,
)
from tests.github_adapter_helpers import gh  # noqa: F401 - fixture
from tests.sandbox_client import Client
from wizard.engine.rotate import RotateRequest, locate
from wizard.errors import InputError
from wizard.github import connect

ORG_SECRET = f"/orgs/{ORG}/actions/secrets/REGISTRY_PAT"
ONBOARD_ORG = ("--deliver", "commit", "--strategy", "pat", "--scope", "org", "--visibility", "selected")
ONBOARD_ENV = ("--deliver", "commit", "--strategy", "pat", "--scope", "environment", "--environment", "registry")


def registry_pat(sandbox: Any) -> str:
    """A classic PAT the sandbox (GitHub and its registry) accepts for pushing images."""
    return sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")


def onboard(sandbox: Any, workdir: Path, *flags: str, validate: bool = False) -> tuple[Onboarding, str]:
    """`apply` with a registry PAT; the onboarding and the PAT it stored."""
    pat = registry_pat(sandbox)
    ob = Onboarding(sandbox, workdir, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    result = ob.apply(*flags, *(() if validate else ("--skip-validation",)))
    assert result.returncode == 0, result
    return ob, pat


def rotate(
    sandbox: Any, cwd: Path, *flags: str, pat: str | None, stdin: str | None = None, yes: bool = True, timeout: float = 60
) -> Result:
    """`brik-onboard rotate` in `cwd`, with the admin token and the new PAT (when given) in the environment."""
    cwd.mkdir(parents=True, exist_ok=True)
    env = {"GH_TOKEN": sandbox.token, **({"BRIK_SECRET_REGISTRY_PAT": pat} if pat else {})}
    args = ["rotate", "--repo", REPO, "--api-url", sandbox.base_url, "--json", *(["--yes"] if yes else []), *flags]
    done = run_brik(*args, env=env, stdin=stdin, cwd=cwd, timeout=timeout)
    return Result(done.returncode, done.stdout, done.stderr)


def repos_content(state: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    """Every repository's branches (so its commits) and files."""
    return [(r["full_name"], r["branches"], r["files"]) for r in state["repos"]]


def folder(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def share_with_others(sandbox: Any) -> list[int]:
    """Two more repositories on the org secret's selected list (as another team's onboarding would add)."""
    others = [add_repo(sandbox, "other-service-a"), add_repo(sandbox, "other-service-b")]
    for repo_id in others:
        assert api(sandbox, "PUT", f"{ORG_SECRET}/repositories/{repo_id}").status_code == 204
    return others


# -- org level ----------------------------------------------------------------------------------------------------
def test_rotate_replaces_the_org_secret_and_keeps_everything_else(sandbox, tmp_path: Path) -> None:
    ob, old_pat = onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    share_with_others(sandbox)
    before = live_state(sandbox)
    secret_before = org_secrets(before)["REGISTRY_PAT"]
    onboarding_files = folder(ob.workdir)
    new_pat = registry_pat(sandbox)
    clear_request_log(sandbox)

    result = rotate(sandbox, tmp_path / "cwd", pat=new_pat)

    assert result.returncode == 0, result
    after = live_state(sandbox)
    secret_after = org_secrets(after)["REGISTRY_PAT"]
    assert secret_after["sha256"] == sha256(new_pat) != secret_before["sha256"]
    assert secret_after["visibility"] == secret_before["visibility"] == "selected"
    assert secret_after["selected_repositories"] == secret_before["selected_repositories"]
    assert set(org_secrets(after)) == set(org_secrets(before)) == {"REGISTRY_PAT"}, "no REGISTRY_URL secret is assumed or made"
    assert org_variables(after) == org_variables(before)
    assert org_variables(after)["REGISTRY_URL"]["value"] == "ghcr.io"
    assert repos_content(after) == repos_content(before), "no file and no commit in any repository"
    assert writes(request_log(sandbox)) == [f"PUT {ORG_SECRET}"], "one write: the secret's value"
    assert folder(tmp_path / "cwd") == {}, "nothing written in the working folder"
    assert folder(ob.workdir) == onboarding_files, "the answers and progress files are not touched"
    assert leaks_in(texts_of(result), [new_pat, old_pat, sandbox.token]) == []
    out = result.json
    assert out["repo"] == REPO and out["secret"] == "REGISTRY_PAT" and out["rotated"] is True
    assert (out["level"], out["environment"], out["visibility"]) == ("org", None, "selected")
    assert out["repositories"] == [REPO, f"{ORG}/other-service-a", f"{ORG}/other-service-b"]
    assert out["recorded"] is True and out["verdict"] is None
    assert f"read by {REPO}, {ORG}/other-service-a, {ORG}/other-service-b" in result.stderr


def test_visibility_all_is_kept_and_said(sandbox, tmp_path: Path) -> None:
    _, pat = onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    # Someone widened the secret by hand since: rotation keeps what GitHub holds, not what was recorded.
    Client(sandbox.base_url, sandbox.token).put_secret(f"/orgs/{ORG}/actions", "REGISTRY_PAT", pat, expect=204, visibility="all")
    new_pat = registry_pat(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", pat=new_pat)
    assert result.returncode == 0, result
    secret = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    assert (secret["sha256"], secret["visibility"], secret["selected_repositories"]) == (sha256(new_pat), "all", [])
    assert (result.json["visibility"], result.json["repositories"]) == ("all", [])
    assert f"read by every repository of {ORG} (visibility all)" in result.stderr


def test_new_value_from_stdin(sandbox, tmp_path: Path) -> None:
    onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    new_pat = registry_pat(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", "--secrets-from-stdin", pat=None, stdin=f"# new\nREGISTRY_PAT={new_pat}\n")
    assert result.returncode == 0, result
    assert org_secrets(live_state(sandbox))["REGISTRY_PAT"]["sha256"] == sha256(new_pat)
    assert leaks_in(texts_of(result), [new_pat]) == []


# -- environment level --------------------------------------------------------------------------------------------
def test_rotate_replaces_the_environment_secret_only(sandbox, tmp_path: Path) -> None:
    ob, old_pat = onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ENV)
    before = live_state(sandbox)
    onboarding_files = folder(ob.workdir)
    new_pat = registry_pat(sandbox)
    clear_request_log(sandbox)

    result = rotate(sandbox, tmp_path / "cwd", pat=new_pat)

    assert result.returncode == 0, result
    after = live_state(sandbox)
    secrets_before, secrets_after = env_secrets(before, "registry"), env_secrets(after, "registry")
    assert secrets_before["REGISTRY_PAT"]["sha256"] == sha256(old_pat)
    assert secrets_after["REGISTRY_PAT"]["sha256"] == sha256(new_pat)
    assert set(secrets_after) == set(secrets_before) == {"REGISTRY_PAT"}, "no REGISTRY_URL secret is assumed or made"
    assert repo_state(after)["variables"] == repo_state(before)["variables"]
    assert {v["name"]: v["value"] for v in repo_state(after)["variables"]} == {"REGISTRY_URL": "ghcr.io"}
    assert org_secrets(after) == {}
    assert repos_content(after) == repos_content(before)
    assert [e["name"] for e in repo_state(after)["environments"]] == ["registry"]
    assert writes(request_log(sandbox)) == [f"PUT /repos/{REPO}/environments/registry/secrets/REGISTRY_PAT"]
    assert folder(tmp_path / "cwd") == {} and folder(ob.workdir) == onboarding_files
    assert leaks_in(texts_of(result), [new_pat, old_pat, sandbox.token]) == []
    out = result.json
    assert (out["level"], out["environment"], out["visibility"], out["repositories"]) == ("environment", "registry", None, [REPO])


@pytest.mark.slow
def test_flags_override_the_recorded_answers(sandbox, tmp_path: Path) -> None:
    """Recorded (last onboarding): org. Asked: the environment, which holds a REGISTRY_PAT from an earlier one."""
    onboard(sandbox, tmp_path / "env", *ONBOARD_ENV)
    onboard(sandbox, tmp_path / "org", *ONBOARD_ORG)
    assert "scope: org" in (file_on(sandbox, ".github/brik-onboard.yml") or "")
    org_before = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    new_pat = registry_pat(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", "--environment", "registry", pat=new_pat)
    assert result.returncode == 0, result
    state = live_state(sandbox)
    assert env_secrets(state, "registry")["REGISTRY_PAT"]["sha256"] == sha256(new_pat)
    assert org_secrets(state)["REGISTRY_PAT"] == org_before


# -- refusals -----------------------------------------------------------------------------------------------------
def test_fine_grained_pat_is_refused_before_any_write(sandbox, tmp_path: Path) -> None:
    onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    before = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    fine = fake_token("github_pat_")
    clear_request_log(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", pat=fine)
    assert result.returncode == 3, result
    assert "fine-grained PAT: GHCR accepts only classic PATs" in result.stderr
    assert "Traceback" not in result.stderr
    assert writes(request_log(sandbox)) == []
    assert org_secrets(live_state(sandbox))["REGISTRY_PAT"] == before
    assert leaks_in(texts_of(result), [fine]) == []


def test_pat_without_write_packages_is_refused(sandbox, tmp_path: Path) -> None:
    onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    weak = sandbox.add_token(["read:packages"], login="ci-bot")
    clear_request_log(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", pat=weak)
    assert result.returncode == 3, result
    assert "lacks the write:packages scope" in result.stderr
    assert writes(request_log(sandbox)) == []


def test_no_terminal_and_no_yes_fails_fast_without_a_request(sandbox, tmp_path: Path) -> None:
    onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    clear_request_log(sandbox)
    started = time.monotonic()
    result = rotate(sandbox, tmp_path / "cwd", pat=registry_pat(sandbox), yes=False, timeout=20)
    assert time.monotonic() - started < 15
    assert result.returncode == 2, result
    assert "interactive session required" in result.stderr and "--yes" in result.stderr
    assert request_log(sandbox) == []


def test_no_value_and_no_terminal_fails_fast(sandbox, tmp_path: Path) -> None:
    onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    clear_request_log(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", pat=None, timeout=20)
    assert result.returncode == 2, result
    assert "interactive session required: the value of secret REGISTRY_PAT" in result.stderr
    assert writes(request_log(sandbox)) == []


def test_no_recorded_answers_and_no_flags_is_a_clear_error(sandbox, tmp_path: Path) -> None:
    result = rotate(sandbox, tmp_path / "cwd", pat=registry_pat(sandbox))
    assert result.returncode == 2, result
    assert "has no recorded answers (.github/brik-onboard.yml on main)" in result.stderr
    assert "--scope org, or --scope environment --environment NAME" in result.stderr


def test_scope_flag_without_recorded_answers_rotates(sandbox, tmp_path: Path) -> None:
    old = registry_pat(sandbox)
    Client(sandbox.base_url, sandbox.token).put_secret(f"/orgs/{ORG}/actions", "REGISTRY_PAT", old, expect=201, visibility="private")
    new_pat = registry_pat(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", "--scope", "org", pat=new_pat)
    assert result.returncode == 0, result
    secret = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    assert (secret["sha256"], secret["visibility"]) == (sha256(new_pat), "private")
    assert result.json["recorded"] is False
    assert f"every private and internal repository of {ORG}" in result.json["readers"]


def test_missing_secret_is_an_input_error(sandbox, tmp_path: Path) -> None:
    result = rotate(sandbox, tmp_path / "cwd", "--scope", "org", pat=registry_pat(sandbox))
    assert result.returncode == 2, result
    assert "has no organization secret REGISTRY_PAT to rotate" in result.stderr


@pytest.mark.slow
def test_on_a_terminal_the_value_is_asked_masked_and_the_change_confirmed(sandbox, tmp_path: Path) -> None:
    onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG)
    new_pat = registry_pat(sandbox)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    args = ["-m", "wizard", "rotate", "--repo", REPO, "--api-url", sandbox.base_url]
    env = child_env({"GH_TOKEN": sandbox.token, "TERM": "xterm"})
    child = pexpect.spawn(sys.executable, args, env=env, cwd=str(cwd), encoding="utf-8", dimensions=(40, 160), timeout=30)
    transcript = io.StringIO()
    child.logfile_read = transcript
    try:
        child.expect_exact("value for REGISTRY_PAT (input hidden):")
        child.send(new_pat + "\r")
        child.expect_exact("apply the rotate step? [y/N]")
        child.send("y\r")
        child.expect(pexpect.EOF)
        child.close()
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript.getvalue()[-3000:]
    assert org_secrets(live_state(sandbox))["REGISTRY_PAT"]["sha256"] == sha256(new_pat)
    assert new_pat not in transcript.getvalue()
    assert folder(cwd) == {}


# -- validation ---------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_validate_builds_with_the_new_pat(sandbox, tmp_path: Path) -> None:
    ob, old_pat = onboard(sandbox, tmp_path / "onboarding", *ONBOARD_ORG, validate=True)
    new_pat = registry_pat(sandbox)
    before = live_state(sandbox)
    result = rotate(sandbox, tmp_path / "cwd", "--validate", "--poll-interval", "0.05", pat=new_pat, timeout=120)
    assert result.returncode == 0, result
    verdict = result.json["verdict"]
    assert verdict is not None and verdict["passed"] is True, verdict
    assert verdict["leaks"] == 0
    after = live_state(sandbox)
    assert repos_content(after) == repos_content(before)
    assert len(repo_state(after)["runs"]) > len(repo_state(before)["runs"]), "a new build ran"
    assert folder(tmp_path / "cwd") == {}
    assert leaks_in(texts_of(result), [new_pat, old_pat, sandbox.token]) == []


# -- the rotation over the port (in-process) ----------------------------------------------------------------------
def test_locate_refuses_a_recorded_github_token_strategy(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "commit", "--skip-validation").returncode == 0
    port = connect(sandbox.base_url, sandbox.token)
    with pytest.raises(InputError) as caught:
        locate(port, RotateRequest(REPO))
    assert "use the github-token strategy: no REGISTRY_PAT to rotate" in caught.value.message


def test_locate_refuses_an_environment_with_org_scope(sandbox) -> None:
    port = connect(sandbox.base_url, sandbox.token)
    clear_request_log(sandbox)
    with pytest.raises(InputError) as caught:
        locate(port, RotateRequest(REPO, scope="org", environment="registry"))
    assert "--environment goes with --scope environment" in caught.value.message
    assert request_log(sandbox) == [], "refused before GitHub is asked"


def test_adapter_lists_a_selected_secrets_repositories_by_name(gh, sandbox) -> None:  # noqa: F811 - fixture
    others = [add_repo(sandbox, name) for name in ("svc-b", "svc-a")]
    gh.put_org_secret(ORG, "REGISTRY_PAT", fake_token(), "selected", tuple(others))
    assert gh.org_secret_repositories(ORG, "REGISTRY_PAT") == (f"{ORG}/svc-a", f"{ORG}/svc-b")
    gh.put_org_secret(ORG, "REGISTRY_PAT", fake_token(), "all", ())
    assert gh.org_secret_repositories(ORG, "REGISTRY_PAT") == ()
