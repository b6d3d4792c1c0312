"""`brik-onboard apply` end to end against the sandbox: the commit, pull-request and local delivery paths.

Each test runs the real command in a subprocess (stdin closed) and then reads the sandbox: secrets by the
sha256 of their decrypted value, files on the default branch, pull requests, runs and the request log.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine_helpers import (
    ORG,
    REPO,
    SETUP_BRANCH,
    WORKFLOW_PATH,
    Onboarding,
    clear_request_log,
    file_on,
    leaks_in,
    live_state,
    merge_pull,
    org_secrets,
    org_variables,
    put_file,
    repo_state,
    request_log,
    sha256,
    writes,
)
from tests.sandbox_client import CALLER_WORKFLOW
from wizard.core.answers import load_answers


def registry_pat(sandbox) -> str:
    """A classic PAT the sandbox knows, with just what pushing images needs."""
    return sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")


def assert_cache_proven(result) -> None:
    verdict = result.json["verdict"]
    assert verdict["passed"] is True, verdict["reasons"]
    runs = [row for row in verdict["table"] if row["instruction"].startswith("RUN ")]
    assert runs, "the sample Dockerfile has RUN layers"
    assert all(row["attempt2"] == "hit" for row in runs), runs
    assert any(row["attempt1"].startswith(("miss", "built")) for row in runs), "attempt 1 started cold"
    assert verdict["leaks"] == 0


@pytest.mark.slow
def test_commit_path_onboards_with_pat_at_org_scope(sandbox, tmp_path: Path) -> None:
    pat = registry_pat(sandbox)
    # The console entry in a child process, once: the other tests run the CLI in this process.
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat}, subprocess_=True)
    result = ob.apply("--deliver", "commit", "--strategy", "pat", "--scope", "org", "--visibility", "selected")
    assert result.returncode == 0, result
    assert result.json["status"] == "done"
    assert_cache_proven(result)

    state = live_state(sandbox)
    repo = repo_state(state)
    secrets = org_secrets(state)
    assert secrets["REGISTRY_PAT"]["sha256"] == sha256(pat)
    assert "REGISTRY_URL" not in secrets  # a configuration variable now
    variables = org_variables(state)
    assert variables["REGISTRY_URL"]["value"] == "ghcr.io"
    for entry in (secrets["REGISTRY_PAT"], variables["REGISTRY_URL"]):
        assert entry["visibility"] == "selected"
        assert entry["selected_repositories"] == [repo["id"]]
    workflow = file_on(sandbox, WORKFLOW_PATH)
    assert workflow is not None and "      REGISTRY_PAT: ${{ secrets.REGISTRY_PAT }}\n" in workflow
    assert "      registry: ${{ vars.REGISTRY_URL || 'ghcr.io' }}\n" in workflow
    assert len(repo["runs"]) == 1, "the caller's own push build is the first build: no duplicate dispatch"
    assert [a["number"] for a in repo["runs"][0]["attempts"]] == [1, 2]
    assert repo["pulls"] == [] and SETUP_BRANCH not in repo["branches"]

    answers_text = ob.answers.read_text(encoding="utf-8")
    answers = load_answers(answers_text)
    assert (answers.repo, answers.strategy, answers.scope, answers.delivery) == (REPO, "pat", "org", "commit")
    assert leaks_in({"answers": answers_text, "state": ob.state_file.read_text(encoding="utf-8")}, [pat, ob.token]) == []


@pytest.mark.slow
def test_rerun_with_the_same_answers_writes_nothing(sandbox, tmp_path: Path) -> None:
    pat = registry_pat(sandbox)
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    first = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert first.returncode == 0, first
    before = live_state(sandbox)
    clear_request_log(sandbox)

    # The answers file alone (no --repo, no answer flags), and no secret value at hand.
    again = ob.apply(repo=False, env={"BRIK_SECRET_REGISTRY_PAT": ""})
    assert again.returncode == 0, again
    log = request_log(sandbox)
    assert log, "the re-run read GitHub's state"
    assert writes(log) == []
    assert again.json["status"] == "done" and again.json["applied"] == []
    assert "nothing to change: already onboarded" in again.stderr
    after = live_state(sandbox)
    assert repo_state(after)["runs"] == repo_state(before)["runs"]
    assert org_secrets(after) == org_secrets(before)


@pytest.mark.slow
def test_pr_path_pauses_for_the_merge_then_resumes(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path)
    first = ob.apply("--deliver", "pr")
    assert first.returncode == 0, first
    assert first.json["status"] == "paused"
    assert "merge pull request #1" in first.json["paused"] and "run brik-onboard again" in first.json["paused"]
    assert "merge pull request #1" in first.stderr
    repo = repo_state(live_state(sandbox))
    assert [(p["head"], p["base"], p["state"]) for p in repo["pulls"]] == [(SETUP_BRANCH, "main", "open")]
    assert file_on(sandbox, WORKFLOW_PATH) is None, "nothing lands on the default branch before the merge"
    assert file_on(sandbox, WORKFLOW_PATH, ref=SETUP_BRANCH) is not None
    assert repo["runs"] == []

    merge_pull(sandbox, repo["pulls"][0]["number"])
    second = ob.apply("--deliver", "pr")
    assert second.returncode == 0, second
    assert second.json["status"] == "done"
    assert_cache_proven(second)
    repo = repo_state(live_state(sandbox))
    assert len(repo["pulls"]) == 1 and repo["pulls"][0]["merged"]
    assert [b for b in repo["branches"] if b != "main"] == [SETUP_BRANCH]
    assert len(repo["runs"]) == 1 and repo["runs"][0]["event"] == "push"
    assert file_on(sandbox, WORKFLOW_PATH) == file_on(sandbox, WORKFLOW_PATH, ref=SETUP_BRANCH)


def test_local_path_writes_the_checkout_then_validate_after_the_push(sandbox, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    ob = Onboarding(sandbox, tmp_path / "run")
    clear_request_log(sandbox)
    first = ob.apply("--deliver", "local", "--checkout", str(checkout))
    assert first.returncode == 0, first
    assert first.json["status"] == "paused"
    assert "push .github/workflows/build-image.yml to main, then run `brik-onboard validate`" in first.json["paused"]
    written = checkout / WORKFLOW_PATH
    assert written.is_file()
    assert sorted(p.name for p in written.parent.iterdir()) == ["build-image.yml"], "atomic write: no temp file left"
    assert "uses: BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main" in written.read_text()
    repo_writes = [w for w in writes(request_log(sandbox)) if "/contents/" in w or "/git/" in w or "/pulls" in w]
    assert repo_writes == [], "local delivery writes nothing to the repository through the API"

    put_file(sandbox, WORKFLOW_PATH, written.read_text(encoding="utf-8"))  # the user's `git push`
    validated = ob.validate("--checkout", str(checkout))
    assert validated.returncode == 0, validated
    assert_cache_proven(validated)
    repo = repo_state(live_state(sandbox))
    assert len(repo["runs"]) == 1, "validate used the push build of the user's commit"


def test_org_secret_scope_and_url_for_github_token_strategy(sandbox, tmp_path: Path) -> None:
    """The default strategy stores no secret: only the REGISTRY_URL variable, readable by this repo alone."""
    ob = Onboarding(sandbox, tmp_path)
    result = ob.apply("--deliver", "commit", "--skip-validation")
    assert result.returncode == 0, result
    state = live_state(sandbox)
    assert org_secrets(state, ORG) == {}
    variables = org_variables(state, ORG)
    assert set(variables) == {"REGISTRY_URL"}
    assert variables["REGISTRY_URL"]["value"] == "ghcr.io"
    assert variables["REGISTRY_URL"]["selected_repositories"] == [repo_state(state)["id"]]
    clear_request_log(sandbox)
    assert ob.apply("--deliver", "commit", "--skip-validation").returncode == 0
    assert writes(request_log(sandbox)) == [], "a second run writes nothing"
    assert "${{ secrets.GITHUB_TOKEN }}" in (file_on(sandbox, WORKFLOW_PATH) or "")


def test_local_path_updates_an_existing_caller_in_place(sandbox, tmp_path: Path) -> None:
    """The user's comments and extra keys survive; the diff is shown; the file is replaced by a rename."""
    checkout = tmp_path / "checkout"
    caller = checkout / WORKFLOW_PATH
    caller.parent.mkdir(parents=True)
    caller.write_text("# owned by the platform team\n" + CALLER_WORKFLOW.replace("sha-${{ github.sha }}", "edge"), encoding="utf-8")
    inode = caller.stat().st_ino
    ob = Onboarding(sandbox, tmp_path / "run")
    result = ob.apply("--deliver", "local", "--checkout", str(checkout), "--tags", "sha-${{ github.sha }},latest")
    assert result.returncode == 0, result
    text = caller.read_text(encoding="utf-8")
    assert text.startswith("# owned by the platform team\n")
    assert "note:" in text and "description: free text" in text, "the user's dispatch input is kept"
    assert "edge" not in text and "latest" in text
    assert f"--- a/{WORKFLOW_PATH}" in result.stderr and "+" in result.stderr
    assert caller.stat().st_ino != inode, "written to a temporary file and renamed over the old one"
    assert sorted(p.name for p in caller.parent.iterdir()) == ["build-image.yml"]
