"""Build secrets end to end: a Dockerfile with `RUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc npm ci` is planned
offline with the secret listed, and onboarded in the sandbox with the container builder: BUILD_SECRET_NPMRC stored at
org level from BRIK_SECRET_BUILD_SECRET_NPMRC (a two-line value), passed by name, written to /kaniko/npmrc by the
job, a passing verdict, and the value in no output, log or file."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.engine_helpers import (
    ORG,
    REPO,
    WORKFLOW_PATH,
    Onboarding,
    file_on,
    leaks_in,
    live_state,
    org_secrets,
    put_file,
    repo_state,
    sha256,
    texts_of,
)
from tests.sandbox_client import Client

MOUNT = "RUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc npm ci"
DOCKERFILE = f"FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\n{MOUNT}\nCOPY src ./src\n"


def npmrc() -> str:
    """A two-line .npmrc whose lines are both credentials, made at run time."""
    return f"//npm.pkg.github.com/:_authToken=npm_{secrets.token_hex(18)}\n//registry.npmjs.org/:_authToken=npm_{secrets.token_hex(18)}"


def test_plan_offline_lists_the_build_secret(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    args = ("plan", "--repo", REPO, "--checkout", str(tmp_path), "--offline", "--json", "--builder", "container")
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["build_secrets"] == [
        {
            "id": "npmrc",
            "secret": "BUILD_SECRET_NPMRC",
            "scope": "org",
            "value_from": "env BRIK_SECRET_BUILD_SECRET_NPMRC",
            "path": "/kaniko/npmrc",
            "lines": [4],
        }
    ]
    assert {"name": "BUILD_SECRET_NPMRC", "scope": "org"} in out["secrets"]
    assert "      build_secrets: npmrc\n" in out["workflow"]
    assert "      KANIKO_SECRET_1: ${{ secrets.BUILD_SECRET_NPMRC }}\n" in out["workflow"]
    assert out["dockerfile"]["secret_mounts"] == []  # dst=/kaniko/npmrc: nothing to fix

    human = run_cli(*(a for a in args if a != "--json"))
    assert "npmrc              BUILD_SECRET_NPMRC from env BRIK_SECRET_BUILD_SECRET_NPMRC, at /kaniko/npmrc" in human.stdout


def test_plan_with_the_action_builder_is_refused_with_the_builder_to_use(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    res = run_cli("plan", "--repo", REPO, "--checkout", str(tmp_path), "--offline", "--json")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.startswith("error: the Dockerfile mounts build secrets (npmrc), which need the container builder")
    assert "hint: pass --builder container" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.slow
def test_apply_onboards_a_build_secret_and_leaks_it_nowhere(sandbox, tmp_path: Path) -> None:
    put_file(sandbox, "Dockerfile", DOCKERFILE)
    value = npmrc()
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_BUILD_SECRET_NPMRC": value})
    result = ob.apply("--deliver", "commit", "--builder", "container")
    assert result.returncode == 0, result
    assert result.json["status"] == "done"
    verdict = result.json["verdict"]
    assert verdict["passed"] is True, verdict["reasons"]
    assert verdict["leaks"] == 0
    assert "the image needs build secrets: npmrc (stored as BUILD_SECRET_NPMRC, written to /kaniko/npmrc)" in result.stderr

    state = live_state(sandbox)
    repo = repo_state(state)
    stored = org_secrets(state)["BUILD_SECRET_NPMRC"]
    assert stored["sha256"] == sha256(value)  # both lines, exactly
    assert (stored["visibility"], stored["selected_repositories"]) == ("selected", [repo["id"]])  # beside the registry ones
    caller = file_on(sandbox, WORKFLOW_PATH)
    assert caller is not None
    assert "      builder: container\n      build_secrets: npmrc\n" in caller
    assert "      KANIKO_SECRET_1: ${{ secrets.BUILD_SECRET_NPMRC }}\n" in caller
    (run,) = repo["runs"]
    jobs = [a["jobs"][0] for a in run["attempts"]]
    assert [j["build_secrets_mounted"] for j in jobs] == [["npmrc"], ["npmrc"]]
    assert all("KANIKO_SECRET_1" in j["secrets_seen"] for j in jobs)

    client = Client(sandbox.base_url, sandbox.token)
    logs = {f"job log {j['id']}": client.job_log(REPO, j["id"]) for j in jobs}
    assert all("Build secret npmrc written to /kaniko/npmrc" in log for log in logs.values())
    texts = {**texts_of(result, ob.answers, ob.state_file, ob.log), **logs, "caller": caller, "sandbox state": json.dumps(state)}
    assert ob.log.is_file() and ob.answers.is_file() and ob.state_file.is_file()
    assert leaks_in(texts, [value, *value.splitlines()]) == []

    # Idempotent: again with the value at hand, the secret is kept, not written.
    again = ob.apply("--deliver", "commit", "--builder", "container")
    assert again.returncode == 0, again
    assert org_secrets(live_state(sandbox))["BUILD_SECRET_NPMRC"]["updated_at"] == stored["updated_at"]
    assert leaks_in(texts_of(again), [value]) == []


@pytest.mark.slow
def test_a_multi_line_value_on_stdin_and_its_replacement(sandbox, tmp_path: Path) -> None:
    put_file(sandbox, "Dockerfile", DOCKERFILE)
    first, second = npmrc(), npmrc()
    ob = Onboarding(sandbox, tmp_path)
    stdin = f"# the build secret, as a GITHUB_OUTPUT-style block\nBUILD_SECRET_NPMRC<<EOF\n{first}\nEOF\n"
    result = ob.apply("--deliver", "commit", "--builder", "container", "--secrets-from-stdin", "--skip-validation", stdin=stdin)
    assert result.returncode == 0, result
    assert org_secrets(live_state(sandbox))["BUILD_SECRET_NPMRC"]["sha256"] == sha256(first)
    stdin = f"BUILD_SECRET_NPMRC<<END\n{second}\nEND\n"
    args = ("--deliver", "commit", "--builder", "container", "--secrets-from-stdin", "--replace-secrets", "--skip-validation")
    replaced = ob.apply(*args, stdin=stdin)
    assert replaced.returncode == 0, replaced
    assert org_secrets(live_state(sandbox))["BUILD_SECRET_NPMRC"]["sha256"] == sha256(second)
    assert leaks_in({**texts_of(result), **texts_of(replaced, ob.answers, ob.state_file, ob.log)}, [first, second]) == []


def test_without_a_value_apply_names_the_variable_to_set(sandbox, tmp_path: Path) -> None:
    put_file(sandbox, "Dockerfile", DOCKERFILE)
    result = Onboarding(sandbox, tmp_path).apply("--deliver", "commit", "--builder", "container")
    assert result.returncode == 2
    assert "the value of secret BUILD_SECRET_NPMRC has no answer" in result.stderr
    assert "BRIK_SECRET_BUILD_SECRET_NPMRC" in result.stderr
    assert "BUILD_SECRET_NPMRC" not in org_secrets(live_state(sandbox))


def test_a_dockerfile_alone_cannot_join_an_org_secret_other_repositories_read(sandbox, tmp_path: Path) -> None:
    """The mount id names the org secret: another team's selected BUILD_SECRET_DEPLOY_KEY is not given to this
    repository because its Dockerfile mounts `deploy_key`; the operator shares it by giving its value for the run."""
    from wizard.github import connect
    from wizard.sandbox.seed import demo_files

    other = sandbox.state.add_repo(ORG, "other-team", demo_files())
    theirs = f"deploy-{secrets.token_hex(16)}"
    connect(sandbox.base_url, sandbox.token).put_org_secret(ORG, "BUILD_SECRET_DEPLOY_KEY", theirs, "selected", (other.id,))
    put_file(sandbox, "Dockerfile", DOCKERFILE.replace("id=npmrc,dst=/kaniko/npmrc", "id=deploy_key,dst=/kaniko/deploy_key"))

    refused = Onboarding(sandbox, tmp_path).apply("--deliver", "commit", "--builder", "container", "--skip-validation")
    assert refused.returncode == 2, refused
    assert "BUILD_SECRET_DEPLOY_KEY exists at org level" in refused.stderr and "Traceback" not in refused.stderr
    stored = org_secrets(live_state(sandbox))["BUILD_SECRET_DEPLOY_KEY"]
    assert stored["selected_repositories"] == [other.id] and stored["sha256"] == sha256(theirs)

    shared = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_BUILD_SECRET_DEPLOY_KEY": theirs})
    done = shared.apply("--deliver", "commit", "--builder", "container", "--skip-validation")
    assert done.returncode == 0, done
    stored = org_secrets(live_state(sandbox))["BUILD_SECRET_DEPLOY_KEY"]
    assert sorted(stored["selected_repositories"]) == sorted([other.id, repo_state(live_state(sandbox))["id"]])
    assert stored["sha256"] == sha256(theirs)  # kept: joined, not replaced
    assert leaks_in({**texts_of(refused), **{f"2:{k}": v for k, v in texts_of(done).items()}}, [theirs, sandbox.token]) == []
