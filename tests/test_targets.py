"""Test and production images from one Dockerfile: several --target stages, one caller job each.

The plan renders a job per target (the final one with the plain id and tags, the others' tags prefixed with the
target's name), an existing caller is updated in place (its comments and other jobs kept, a single-target caller
without churn), the sandbox builds each target with --skip-unused-stages, and the validation judges each target.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.engine_helpers import Onboarding, file_on
from tests.prompts_helpers import DEFAULT, ScriptedPrompter, demo, run_scripted
from tests.test_status import status_json
from wizard.assets import demo_repo_dir
from wizard.core.answers import dump_answers, load_answers
from wizard.core.plan import Plan
from wizard.core.resolved import resolve
from wizard.core.spec import AskContext
from wizard.core.targets import final_target, proposal, split_targets
from wizard.core.workflow import render_caller, update_caller
from wizard.core.workflow.managed import drift, expected_inputs, file_inputs
from wizard.core.workflow.roundtrip import load, plain, round_trip_yaml
from wizard.errors import EXIT_OK, InputError

IMAGE = "ghcr.io/brikbyte-studios/svc"
SHA_TAG = "sha-${{ github.sha }}"


def jobs_of(text: str) -> dict:
    return plain(load(round_trip_yaml(), text, "caller"))["jobs"]


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


def test_plan_offline_json_renders_a_job_per_target_with_test_prefixed_tags(tmp_path: Path) -> None:
    res = run_cli(
        "plan", "--offline", "--json", "--repo", "o/svc", "--target", "test,production", "--tags", f"{SHA_TAG}, latest", cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    jobs = jobs_of(out["workflow"])
    assert list(jobs) == ["build-and-push-test", "build-and-push"]
    test, production = jobs["build-and-push-test"]["with"], jobs["build-and-push"]["with"]
    assert (test["target"], production["target"]) == ("test", "production")
    assert lines(test["tags"]) == ["test-sha-${{ github.sha }}", "test-latest"]
    assert lines(production["tags"]) == [SHA_TAG, "latest"]  # the final target keeps the plain tags
    for job in jobs.values():
        assert job["permissions"] == {"contents": "read", "packages": "write"}
        assert job["secrets"] == {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    assert [(j["job_id"], j["target"], j["final"]) for j in out["jobs"]] == [
        ("build-and-push-test", "test", False),
        ("build-and-push", "production", True),
    ]
    assert out["jobs"][0]["destinations"] == [f"{IMAGE}:test-sha-${{{{ github.sha }}}}", f"{IMAGE}:test-latest"]
    assert out["destinations"] == out["jobs"][0]["destinations"] + out["jobs"][1]["destinations"]
    assert list(tmp_path.iterdir()) == [], "plan writes nothing"


def test_repeated_and_comma_separated_targets_are_the_same_answer() -> None:
    one = run_cli("plan", "--offline", "--json", "--repo", "o/svc", "--target", "test", "--target", "release")
    two = run_cli("plan", "--offline", "--json", "--repo", "o/svc", "--target", "test, release")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert json.loads(one.stdout)["workflow"] == json.loads(two.stdout)["workflow"]


@pytest.mark.parametrize(
    ("targets", "final"),
    [
        (("test", "production"), "production"),
        (("production", "test"), "production"),  # named production: final wherever it is listed
        (("prod", "e2e"), "prod"),
        (("release", "test", "prod"), "prod"),  # several such names: the last of them
        (("lint", "test"), "test"),  # none: the last listed
        (("Test", "PRODUCTION"), "PRODUCTION"),
    ],
)
def test_which_target_is_final(targets: tuple[str, ...], final: str) -> None:
    assert final_target(targets) == final
    resolved = resolve(Plan(repo="o/svc", target=targets, tags=("v1",)))
    by_target = {job.target: job for job in resolved.jobs}
    assert by_target[final].final and by_target[final].tags == ("v1",) and by_target[final].job_id == "build-and-push"
    for target, job in by_target.items():
        if target != final:
            assert job.tags == (f"{target.lower()}-v1",) and job.job_id == f"build-and-push-{target.lower()}"


def test_one_target_is_one_job_with_the_plain_id_and_tags() -> None:
    resolved = resolve(Plan(repo="o/svc", target=("runtime",)))
    assert [(j.job_id, j.target, j.tags) for j in resolved.jobs] == [("build-and-push", "runtime", (SHA_TAG,))]
    assert jobs_of(render_caller(resolved))["build-and-push"]["with"]["target"] == "runtime"


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (("test", "1bad"), "invalid build target '1bad'"),
        (("a.b", "a-b", "production"), "would share the job id"),
        (tuple(f"s{i}" for i in range(9)), "more than 8 build targets"),
    ],
)
def test_bad_targets_are_refused_with_one_line(targets: tuple[str, ...], message: str) -> None:
    with pytest.raises(InputError, match=message):
        resolve(Plan(repo="o/svc", target=targets))


def test_a_prefixed_tag_too_long_for_a_registry_is_refused() -> None:
    with pytest.raises(InputError, match="128"):
        resolve(Plan(repo="o/svc", target=("integration", "production"), tags=("v" * 120,)))


def test_split_targets_drops_blanks_and_repeats() -> None:
    assert split_targets(["test, production", " test\nrelease ", ""]) == ("test", "production", "release")


def test_the_proposal_needs_a_test_and_a_production_like_stage() -> None:
    assert proposal(["deps", "test", "production"]) == ("test", "production")
    assert proposal(["build", "tests", "release"]) == ("tests", "release")
    assert proposal(["deps", "production"]) == ()
    assert proposal(["test", "runtime"]) == ()
    propose = next(a for a in __import__("wizard.core.plan", fromlist=["ANSWERS"]).ANSWERS if a.name == "target").meta.propose
    assert propose is not None
    proposed = propose(AskContext(stages=("deps", "test", "prod")))
    assert proposed is not None and proposed[0] == ("test", "prod") and "test-<tag>" in proposed[1]


# -- an existing caller ------------------------------------------------------------------------------------------
SINGLE = Plan(repo="o/svc", tags=(SHA_TAG, "latest"))
BOTH = SINGLE.updated(target=("test", "production"))


def users_caller() -> str:
    """A caller brik-onboard wrote for one image, then edited: a comment on a managed key, a job of the user's."""
    text = render_caller(resolve(SINGLE))
    text = text.replace("      cache_enabled: true\n", "      cache_enabled: true  # keep the cache\n")
    return text + "\n  lint:  # the user's own job\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n"


def test_a_single_target_caller_updates_without_churn() -> None:
    for plan in (SINGLE, SINGLE.updated(target=("runtime",))):
        text = render_caller(resolve(plan))
        assert update_caller(text, resolve(plan)) == text
    edited = users_caller()
    assert update_caller(edited, resolve(SINGLE)) == edited


def test_adding_a_target_adds_its_job_and_keeps_the_users_lines() -> None:
    edited = users_caller()
    both = update_caller(edited, resolve(BOTH))
    jobs = jobs_of(both)
    assert list(jobs) == ["build-and-push-test", "build-and-push", "lint"]
    assert jobs["build-and-push"]["with"]["target"] == "production"
    assert "      cache_enabled: true  # keep the cache\n" in both
    assert "  lint:  # the user's own job\n" in both
    assert update_caller(both, resolve(BOTH)) == both  # a second run changes nothing
    # Back to one image: the job this tool wrote for the test target goes, the user's job stays.
    back = update_caller(both, resolve(SINGLE))
    assert list(jobs_of(back)) == ["build-and-push", "lint"]
    assert "target" not in jobs_of(back)["build-and-push"]["with"]
    assert "      cache_enabled: true  # keep the cache\n" in back


def test_a_job_named_like_a_target_job_but_running_steps_is_refused() -> None:
    text = render_caller(resolve(SINGLE)) + "\n  build-and-push-test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    with pytest.raises(InputError, match="'build-and-push-test'"):
        update_caller(text, resolve(BOTH))


def test_drift_compares_the_final_job_and_the_set_of_targets() -> None:
    text = render_caller(resolve(BOTH))
    assert drift(expected_inputs(resolve(BOTH)), file_inputs(text, BOTH) or {}) == []
    # The test job removed by hand on the default branch: the targets drifted (a re-run adopts it as the answer)
    only_production = update_caller(text, resolve(BOTH.updated(target=("production",))))
    assert drift(expected_inputs(resolve(BOTH)), file_inputs(only_production, BOTH) or {}) == ["target"]


def test_the_answers_file_keeps_a_single_target_a_string_and_reads_older_files() -> None:
    assert "target: runtime\n" in dump_answers(Plan(repo="o/svc", target=("runtime",)))
    assert "target:\n- test\n- production\n" in dump_answers(BOTH).replace("  - ", "- ")
    assert load_answers("target: null\n").target == ()  # older versions wrote an unset target so
    assert load_answers("target: runtime\n").target == ("runtime",)
    old = "# mine\ntarget: runtime  # the slim stage\n"
    assert dump_answers(load_answers(old), old) == old  # the same answer, written as the user wrote it


# -- the sandbox builds each target ------------------------------------------------------------------------------
def test_plan_names_the_proposal_for_a_test_and_production_dockerfile() -> None:
    res = run_cli("plan", "--offline", "--json", "--repo", "o/svc", "--checkout", str(demo_repo_dir()))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["dockerfile"]["proposed_targets"] == ["test", "production"]


@pytest.mark.slow
def test_apply_with_two_targets_passes_validation_with_a_verdict_per_target(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ob = Onboarding(sandbox, tmp_path)
    result = ob.apply("--deliver", "commit", "--target", "test,production", "--kaniko-args=--snapshot-mode=redo")
    assert result.returncode == 0, result
    verdict = result.json["verdict"]
    assert verdict["passed"] is True, verdict["reasons"]
    assert verdict["columns"] == ["test attempt 1", "test attempt 2", "production attempt 1", "production attempt 2"]
    targets = {t["target"]: t for t in verdict["targets"]}
    assert set(targets) == {"test", "production"} and all(t["passed"] for t in targets.values())
    assert targets["test"]["job"] == "build-and-push-test / Kaniko build"
    assert targets["production"]["job"] == "build-and-push / Kaniko build"
    rows = {row["instruction"]: row["results"] for row in verdict["table"]}
    # --skip-unused-stages: the test job never builds the production stage, nor production the test stage
    assert rows["RUN npm test"]["production attempt 1"] == "not built"
    assert rows["RUN apk add --no-cache tini"]["test attempt 2"] == "not built"
    for row in rows.values():
        for column in ("test attempt 2", "production attempt 2"):
            assert row[column] in ("hit", "not cached", "not built"), row
    caller = file_on(sandbox, ".github/workflows/build-image.yml")
    assert caller is not None
    jobs = jobs_of(caller)
    assert jobs["build-and-push-test"]["with"]["target"] == "test"
    assert jobs["build-and-push-test"]["with"]["kaniko_args"] == "--snapshot-mode=redo"
    # `status` reads the two jobs as the answers render them, and judges the final target's job
    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 0, report
    assert report["workflow"]["state"] == "current", report["workflow"]
    assert report["last_run"]["verdict"] == "passed", report["last_run"]


@pytest.mark.slow
def test_the_plain_face_proposes_test_and_production_and_asks_the_build_answers() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", DEFAULT),  # the proposal, taken
            ("Registry credential", DEFAULT),
            ("secrets live", "org"),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", True),
            ("Build arguments", "NODE_ENV=production, GREETING=hi, there"),
            ("Runner label", DEFAULT),
            ("Kaniko executor", DEFAULT),
            ("Registry mirrors", "mirror.gcr.io"),
            ("Further Kaniko flags", "--snapshot-mode=fast"),  # refused while typing, with the workflow's reason
            ("Further Kaniko flags", "--snapshot-mode=redo --use-new-run"),
            ("caller workflow reach", "commit"),
            ("Apply the workflow", True),
            ("Start the validation", True),
            ("Write the answers", True),
        ]
    )
    with demo() as env:
        run = run_scripted(env, prompter, delivery=None)
        caller = file_on(env.sandbox, ".github/workflows/build-image.yml")
    assert run.code == EXIT_OK, run.out + run.err
    assert prompter.script == []
    assert prompter.defaults_of("Build targets") == ["test, production"]
    assert "proposed: the Dockerfile has test and production stages" in run.out
    assert "--cache-copy-layers: caches COPY layers too" in run.out  # the recommendations, one line each
    assert "mirror.gcr.io: Google's mirror of Docker Hub" in run.out
    assert prompter.refused[0][0] == "--snapshot-mode=fast"
    assert prompter.refused[0][1].startswith("kaniko_args flag 1 --snapshot-mode takes full, redo or time")
    assert "target test: PASS" in run.out and "target production: PASS" in run.out
    assert caller is not None
    jobs = jobs_of(caller)
    assert list(jobs) == ["build-and-push-test", "build-and-push"]
    production = jobs["build-and-push"]["with"]
    assert production["build_args"] == "NODE_ENV=production\nGREETING=hi, there\n"  # a comma starts an argument before KEY= only
    assert production["registry_mirror"] == "mirror.gcr.io"
    assert production["kaniko_args"] == "--snapshot-mode=redo\n--use-new-run\n"


def test_build_secrets_of_every_targets_stages_go_to_every_job(tmp_path: Path) -> None:
    # The test stage mounts an .npmrc; production needs none: both jobs are passed the same build secrets, the
    # union of what a build of any target runs (Kaniko without --skip-unused-stages builds every stage before it).
    (tmp_path / "Dockerfile").write_text(
        "FROM node:22-alpine AS test\nRUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc npm ci\n"
        "FROM node:22-alpine AS production\nRUN echo prod\n"
    )
    args = ["plan", "--offline", "--json", "--repo", "o/svc", "--checkout", str(tmp_path), "--builder", "container"]
    res = run_cli(*args, "--target", "test,production")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert [b["id"] for b in out["build_secrets"]] == ["npmrc"]
    for job in jobs_of(out["workflow"]).values():
        assert job["with"]["build_secrets"] == "npmrc"
        assert job["secrets"]["KANIKO_SECRET_1"] == "${{ secrets.BUILD_SECRET_NPMRC }}"
    refused = run_cli(*args[:-2], "--target", "test,production")  # the action builder cannot write /kaniko
    assert refused.returncode == 2 and "container builder" in refused.stderr
