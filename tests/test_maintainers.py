"""A maintainer re-runs brik-onboard on an onboarded repository: the recorded answers on the default branch are the
baseline, only what is asked changes, hand edits on main are adopted (never reverted), and the pull request starts
from the default branch."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.engine_helpers import (
    REPO,
    SETUP_BRANCH,
    WORKFLOW_PATH,
    Onboarding,
    clear_request_log,
    file_on,
    live_state,
    merge_pull,
    put_file,
    repo_state,
    request_log,
    writes,
)
from tests.test_engine_secrets import registry_pat
from wizard.core.plan import ANSWERS_PATH

NEW_TAGS = "sha-${{ github.sha }}, v1.2.0"


def yaml_of(text: str | None) -> dict:
    assert text is not None
    return YAML(typ="safe").load(text)


def build_job(text: str | None) -> dict:
    return yaml_of(text)["jobs"]["build-and-push"]


def hand_edit_on_main(sandbox) -> str:
    """What a maintainer adds on main: a comment, build_args under `with:`, and a job of their own."""
    text = file_on(sandbox, WORKFLOW_PATH)
    assert text is not None
    text = text.replace("      cache_enabled: true\n", "      cache_enabled: true\n      build_args: NODE_ENV=production\n")
    text = text.replace("jobs:\n", "# the team's notification job lives below\njobs:\n")
    text += "  notify:\n    needs: build-and-push\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo built\n"
    put_file(sandbox, WORKFLOW_PATH, text)
    return text


def onboarded_by_pr(sandbox, tmp_path: Path) -> Onboarding:
    pat = registry_pat(sandbox)
    first = Onboarding(sandbox, tmp_path / "first", secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    done = first.apply("--strategy", "pat", "--scope", "environment", "--environment", "production", "--deliver", "pr", "--skip-validation")
    assert done.returncode == 0, done.stderr
    merge_pull(sandbox, repo_state(live_state(sandbox))["pulls"][0]["number"])
    return first


@pytest.mark.slow
def test_a_rerun_changes_only_the_tags_and_keeps_the_edits_on_main(sandbox, tmp_path: Path) -> None:
    onboarded_by_pr(sandbox, tmp_path)
    main_text = hand_edit_on_main(sandbox)

    # Another maintainer, elsewhere: no local answers file, no state file; only the tags are asked for.
    maintainer = Onboarding(sandbox, tmp_path / "maintainer")
    again = maintainer.apply("--tags", NEW_TAGS, "--skip-validation")
    assert again.returncode == 0, again.stderr
    assert f"starting from the recorded answers ({ANSWERS_PATH} on main)" in again.stderr
    assert "adopted from the workflow on main: build_args" in again.stderr

    proposed = file_on(sandbox, WORKFLOW_PATH, ref=SETUP_BRANCH)
    assert proposed is not None
    expected = main_text.replace("      tags: sha-${{ github.sha }}\n", "      tags: |\n        sha-${{ github.sha }}\n        v1.2.0\n")
    assert proposed == expected  # main's file, byte for byte, but the tags
    assert build_job(proposed)["secrets"] == build_job(main_text)["secrets"]  # the credential mapping is kept
    recorded = yaml_of(file_on(sandbox, ANSWERS_PATH, ref=SETUP_BRANCH))
    assert (recorded["strategy"], recorded["scope"], recorded["environment"], recorded["delivery"]) == (
        "pat",
        "environment",
        "production",
        "pr",
    )
    assert recorded["build_args"] == ["NODE_ENV=production"]  # the hand edit is an answer now
    assert recorded["tags"] == ["sha-${{ github.sha }}", "v1.2.0"]

    pulls = repo_state(live_state(sandbox))["pulls"]
    open_pulls = [p for p in pulls if p["state"] == "open"]
    assert len(open_pulls) == 1
    merge_pull(sandbox, open_pulls[0]["number"])
    clear_request_log(sandbox)
    settled = maintainer.apply("--skip-validation")
    assert settled.returncode == 0, settled.stderr
    assert writes(request_log(sandbox)) == []


@pytest.mark.slow
def test_a_flag_against_a_hand_edit_of_the_same_answer_stops_before_writing(sandbox, tmp_path: Path) -> None:
    onboarded_by_pr(sandbox, tmp_path)
    hand_edit_on_main(sandbox)
    clear_request_log(sandbox)
    maintainer = Onboarding(sandbox, tmp_path / "maintainer")
    refused = maintainer.apply("--build-args", "NODE_ENV=development", "--skip-validation")
    assert refused.returncode == 2, refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "build_args" in errors[0] and "Traceback" not in refused.stderr
    assert writes(request_log(sandbox)) == []


def test_the_setup_branch_with_someone_elses_commit_is_not_moved(sandbox, tmp_path: Path) -> None:
    first = Onboarding(sandbox, tmp_path / "first")
    assert first.apply("--deliver", "pr", "--skip-validation").returncode == 0
    put_file(sandbox, "NOTES.md", "a reviewer's note\n", branch=SETUP_BRANCH)  # someone pushed to the branch
    branch_head = repo_state(live_state(sandbox))["branches"][SETUP_BRANCH]
    clear_request_log(sandbox)
    again = Onboarding(sandbox, tmp_path / "maintainer").apply("--deliver", "pr", "--tags", NEW_TAGS, "--skip-validation")
    assert again.returncode == 2, again.stderr
    assert "did not make" in again.stderr and branch_head[:7] in again.stderr
    assert repo_state(live_state(sandbox))["branches"][SETUP_BRANCH] == branch_head
    assert not [w for w in writes(request_log(sandbox)) if "/git/refs" in w]


def test_a_flag_that_changes_a_recorded_answer_says_so(sandbox, tmp_path: Path) -> None:
    first = Onboarding(sandbox, tmp_path / "first")
    assert first.apply("--deliver", "commit", "--skip-validation").returncode == 0
    plan = Onboarding(sandbox, tmp_path / "maintainer")
    args = ["plan", "--repo", REPO, "--api-url", sandbox.base_url, "--json", "--scope", "environment", "--environment", "staging"]
    result = plan._run(args, None, None, 60)
    assert result.returncode == 0, result.stderr
    notices = result.json["notices"]
    assert any("changes the recorded answer scope: org -> environment" in n for n in notices), notices
