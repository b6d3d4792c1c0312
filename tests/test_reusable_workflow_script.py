"""The reusable workflow's one shell script: the `prepare` step of wizard/assets/workflows/ci-build-kaniko.yml.

The `run:` text is read out of the YAML and executed with bash on sample inputs, so what is tested is
what ships.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.workflow_script import ScriptRun, argv_logging_bin, run_bash_step, step_script
from wizard.assets import reusable_workflow_path

IMAGE = "ghcr.io/brikbyte-studios/example-node-api"


@pytest.fixture(scope="module")
def script_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("script") / "prepare.sh"
    path.write_text(step_script(reusable_workflow_path(), "build", "prepare"), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout with a Dockerfile at the root and one in a sub-service."""
    root = tmp_path / "repo"
    (root / "node-api-example").mkdir(parents=True)
    (root / "Dockerfile").write_text("FROM scratch\n")
    (root / "node-api-example" / "Dockerfile").write_text("FROM scratch\n")
    return root


def run_prepare(script_file: Path, repo: Path, **env: str) -> ScriptRun:
    defaults = {
        "IMAGE_NAME": IMAGE,
        "TAGS": "latest",
        "CACHE_REPO": "",
        "REGISTRY": "ghcr.io",
        "CONTEXT": ".",
        "DOCKERFILE": "./Dockerfile",
        "BUILD_ARGS": "",
        "INSECURE_REGISTRY": "",
    }
    return run_bash_step(script_file, repo, {**defaults, **env})


def destinations(run: ScriptRun) -> list[str]:
    assert run.returncode == 0, run.stderr
    return run.outputs["destinations"].split("\n")


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("v0.1.0,sha-abc123,latest", ["v0.1.0", "sha-abc123", "latest"]),
        ("v0.1.0\nsha-abc123\nlatest\n", ["v0.1.0", "sha-abc123", "latest"]),
        ("v0.1.0\r\nsha-abc123\r\nlatest\r\n", ["v0.1.0", "sha-abc123", "latest"]),
        ("  v0.1.0 ,\tsha-abc123\t\n\n , ,\n latest  ", ["v0.1.0", "sha-abc123", "latest"]),
        ("latest, v1\nlatest\r\nv1 ,v2", ["latest", "v1", "v2"]),
        ("single", ["single"]),
        ("_under.score-1", ["_under.score-1"]),
        ("A" * 128, ["A" * 128]),
    ],
    ids=["commas", "newlines", "crlf", "blanks-and-spaces", "duplicates", "single", "charset", "max-length"],
)
def test_tags_become_destinations_in_order(script_file: Path, repo: Path, tags: str, expected: list[str]) -> None:
    run = run_prepare(script_file, repo, TAGS=tags)
    assert destinations(run) == [f"{IMAGE}:{tag}" for tag in expected]
    assert run.outputs["tags"].split("\n") == expected
    for dest in destinations(run):
        assert f"  {dest}" in run.stdout.splitlines()


def test_image_name_is_trimmed(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo, IMAGE_NAME=f"  {IMAGE}\n", TAGS="v1")
    assert destinations(run) == [f"{IMAGE}:v1"]
    assert run.outputs["cache_repo"] == f"{IMAGE}-cache"


def test_cache_repo_is_derived_from_the_image(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo)
    assert run.returncode == 0, run.stderr
    assert run.outputs["cache_repo"] == f"{IMAGE}-cache"
    assert f"Cache repository: {IMAGE}-cache" in run.stdout


def test_explicit_cache_repo_wins(script_file: Path, repo: Path) -> None:
    explicit = "ghcr.io/brikbyte-studios/cache/example-node-api"
    run = run_prepare(script_file, repo, CACHE_REPO=f" {explicit} ")
    assert run.returncode == 0, run.stderr
    assert run.outputs["cache_repo"] == explicit


def test_output_delimiter_is_random_and_not_in_values(script_file: Path, repo: Path) -> None:
    delims = []
    for _ in range(2):
        run = run_prepare(script_file, repo, TAGS="a,b")
        assert run.returncode == 0, run.stderr
        key, delim = run.output_text.split("\n", 1)[0].split("<<", 1)
        assert key == "destinations"
        assert re.fullmatch(r"EOF_[0-9a-f]{32}", delim)
        assert all(delim not in value for value in run.outputs.values())
        delims.append(delim)
    assert delims[0] != delims[1]


@pytest.mark.parametrize(
    ("tags", "shown"),
    [
        ("v1, foo bar", "'foo bar'"),
        ("v1\n.hidden", "'.hidden'"),
        ("-dash", "'-dash'"),
        ("A" * 129, "'" + "A" * 129 + "'"),
        ("ghcr.io/brikbyte-studios/x:v1", "'ghcr.io/brikbyte-studios/x:v1'"),
        ("v1/beta", "'v1/beta'"),
    ],
    ids=["space-inside", "leading-dot", "leading-dash", "too-long", "full-reference", "slash"],
)
def test_invalid_tag_fails_with_a_clear_message(script_file: Path, repo: Path, tags: str, shown: str) -> None:
    run = run_prepare(script_file, repo, TAGS=tags)
    assert run.returncode != 0
    assert f"::error::invalid tag {shown}" in run.stderr
    assert "must not start with '.'" in run.stderr
    assert run.output_text == ""


def test_no_tags_at_all_fails(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo, TAGS=" ,\r\n , \n")
    assert run.returncode != 0
    assert "::error::no tags given" in run.stderr
    assert run.output_text == ""


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("ghcr.io/BrikByte-Studios/api", "has upper-case letters"),
        (f"{IMAGE}:v1", "includes a tag or digest"),
        (f"{IMAGE}@sha256:{'0' * 64}", "includes a tag or digest"),
        ("", "image_name is empty"),
        ("api", "is not a valid repository"),
        ("ghcr.io/brikbyte studios/api", "is not a valid repository"),
    ],
)
def test_invalid_image_name_fails(script_file: Path, repo: Path, image: str, message: str) -> None:
    run = run_prepare(script_file, repo, IMAGE_NAME=image)
    assert run.returncode != 0
    assert "::error::image_name" in run.stderr
    assert message in run.stderr
    assert run.output_text == ""


def test_invalid_cache_repo_fails(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo, CACHE_REPO=f"{IMAGE}-cache:latest")
    assert run.returncode != 0
    assert "::error::cache_repo" in run.stderr
    assert "includes a tag or digest" in run.stderr


def test_image_outside_the_login_registry_warns(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo, IMAGE_NAME="quay.io/brikbyte/api", REGISTRY="ghcr.io")
    assert run.returncode == 0, run.stderr
    assert "::warning::image_name quay.io/brikbyte/api is not under registry ghcr.io" in run.stdout
    quiet = run_prepare(script_file, repo)
    assert "::warning::" not in quiet.stdout + quiet.stderr


def test_dockerfile_in_a_subdirectory_of_the_context(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo, DOCKERFILE="./node-api-example/Dockerfile", CONTEXT=".")
    assert run.returncode == 0, run.stderr


def test_dockerfile_outside_the_context_fails(script_file: Path, repo: Path) -> None:
    run = run_prepare(script_file, repo, DOCKERFILE="./Dockerfile", CONTEXT="./node-api-example")
    assert run.returncode != 0
    assert "is outside context" in run.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOCKERFILE": "./missing/Dockerfile"}, "::error::dockerfile './missing/Dockerfile' does not exist"),
        ({"CONTEXT": "./nowhere"}, "::error::context './nowhere' is not a directory"),
    ],
    ids=["dockerfile", "context"],
)
def test_missing_paths_fail(script_file: Path, repo: Path, env: dict[str, str], message: str) -> None:
    run = run_prepare(script_file, repo, **env)
    assert run.returncode != 0
    assert message in run.stderr


def test_malformed_build_arg_names_the_line_not_the_value(script_file: Path, repo: Path) -> None:
    value = "v-" + secrets.token_hex(8)
    run = run_prepare(script_file, repo, BUILD_ARGS=f"NODE_ENV=production\n\n1BAD={value}\n")
    assert run.returncode != 0
    assert "build_args line 3 is not KEY=VALUE" in run.stderr
    assert value not in run.stdout + run.stderr


def test_credential_like_build_arg_warns_without_its_value(script_file: Path, repo: Path) -> None:
    value = "npm_" + secrets.token_hex(18)
    run = run_prepare(script_file, repo, BUILD_ARGS=f"NODE_ENV=production\r\nNPM_TOKEN={value}\nNODE_PATH=/x")
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stdout.splitlines() if line.startswith("::warning::")]
    assert len(warnings) == 1
    assert "NPM_TOKEN" in warnings[0] and "/kaniko" in warnings[0]
    assert value not in run.stdout + run.stderr + run.output_text


@pytest.mark.parametrize("tags", ["v1,latest", "v1, bad tag"], ids=["success", "failure"])
def test_no_secret_value_is_echoed(script_file: Path, repo: Path, tags: str) -> None:
    token = "ghp_" + secrets.token_hex(18)
    pat = "github_pat_" + secrets.token_hex(20)
    username = "svc-" + secrets.token_hex(6)
    run = run_prepare(script_file, repo, TAGS=tags, REGISTRY_TOKEN=token, REGISTRY_PAT=pat, REGISTRY_USERNAME=username)
    for secret in (token, pat, username):
        assert secret not in run.stdout
        assert secret not in run.stderr
        assert secret not in run.output_text


# builder `container`: the two busybox-sh steps, run with dash (a POSIX sh without bash's extensions, as the
# debug image's busybox sh). Commands go through logging wrappers so a test sees every command line.
DASH = shutil.which("dash")
needs_dash = pytest.mark.skipif(DASH is None, reason="dash is not installed: the POSIX sh steps are run with it")
WRAPPED = ("base64", "tr", "sed", "mkdir", "grep", "awk", "od", "cat")


@pytest.fixture
def logged_path(tmp_path: Path) -> tuple[str, Path]:
    """A PATH whose commands record their argv (one per line) in a log before running the real one."""
    bin_dir, log = argv_logging_bin(tmp_path, WRAPPED)
    # A fake executor: records its arguments, one per line, and writes a digest like Kaniko's --digest-file.
    executor = bin_dir / "kaniko-executor"
    executor.write_text(
        f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "{tmp_path}/executor.args"\n'
        'for a in "$@"; do case $a in --digest-file=*) printf sha256:%064d 7 > "${a#--digest-file=}";; esac; done\n'
    )
    executor.chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}", log


def run_sh_step(step_id: str, cwd: Path, path: str, env: dict[str, str]) -> ScriptRun:
    script = cwd.parent / f"{step_id}.sh"
    script.write_text(step_script(reusable_workflow_path(), "build", step_id), encoding="utf-8")
    output_file = cwd.parent / f"{step_id}.github_output"
    output_file.write_text("")
    assert DASH is not None
    proc = subprocess.run(  # GitHub's command for `shell: sh`
        [DASH, "-e", str(script)],
        cwd=cwd,
        env={"PATH": path, "GITHUB_OUTPUT": str(output_file), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return ScriptRun(proc.returncode, proc.stdout, proc.stderr, output_file.read_text())


@needs_dash
def test_registry_auth_writes_config_json_without_a_secret_on_a_command_line(tmp_path: Path, logged_path: tuple[str, Path]) -> None:
    path, log = logged_path
    password = "ghs_" + secrets.token_hex(18)
    user = "svc-" + secrets.token_hex(6)
    config = tmp_path / "docker"
    run = run_sh_step(
        "registry_auth",
        tmp_path,
        path,
        {"REGISTRY": "ghcr.io", "REGISTRY_USER": user, "REGISTRY_PASSWORD": password, "DOCKER_CONFIG": f"{config}/"},
    )
    assert run.returncode == 0, run.stderr
    written = json.loads((config / "config.json").read_text())
    assert base64.b64decode(written["auths"]["ghcr.io"]["auth"]).decode() == f"{user}:{password}"
    assert oct((config / "config.json").stat().st_mode & 0o777) == "0o600"
    encoded = written["auths"]["ghcr.io"]["auth"]
    for secret in (password, user, encoded):
        assert secret not in run.stdout + run.stderr
        assert secret not in log.read_text()  # no command ever had it in its argv
    assert "base64" in log.read_text()  # the wrappers did see the commands


@needs_dash
@pytest.mark.parametrize(
    ("registry", "key"), [("docker.io", "https://index.docker.io/v1/"), ("registry.local:5000", "registry.local:5000")]
)
def test_registry_auth_key_per_registry(tmp_path: Path, logged_path: tuple[str, Path], registry: str, key: str) -> None:
    env = {"REGISTRY": registry, "REGISTRY_USER": "u", "REGISTRY_PASSWORD": "p", "DOCKER_CONFIG": str(tmp_path / "d")}
    run = run_sh_step("registry_auth", tmp_path, logged_path[0], env)
    assert run.returncode == 0, run.stderr
    assert list(json.loads((tmp_path / "d" / "config.json").read_text())["auths"]) == [key]


@needs_dash
def test_registry_auth_without_password_fails_clearly(tmp_path: Path, logged_path: tuple[str, Path]) -> None:
    env = {"REGISTRY": "ghcr.io", "REGISTRY_USER": "u", "REGISTRY_PASSWORD": "", "DOCKER_CONFIG": str(tmp_path / "d")}
    run = run_sh_step("registry_auth", tmp_path, logged_path[0], env)
    assert run.returncode != 0
    assert "::error::no registry password" in run.stderr


def executor_env(tmp_path: Path, **env: str) -> dict[str, str]:
    defaults = {
        "IMAGE_NAME": IMAGE,
        "TAGS": "latest",
        "CACHE_ENABLED": "true",
        "CACHE_REPO": "",
        "CONTEXT": ".",
        "DOCKERFILE": "./Dockerfile",
        "TARGET": "",
        "BUILD_ARGS": "",
        "REGISTRY_MIRROR": "",
        "INSECURE_REGISTRY": "",
        "KANIKO_FLAGS": "",
        "KANIKO_EXECUTOR": "kaniko-executor",
        "GIT_USERNAME": "x-access-token",
        "GIT_PASSWORD": "ghs_" + secrets.token_hex(18),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "BrikByte-Studios/example-node-api",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SHA": "a" * 40,
        "RUNNER_TEMP": str(tmp_path),
    }
    return {**defaults, **env}


def executor_args(tmp_path: Path) -> list[str]:
    return (tmp_path / "executor.args").read_text().splitlines()


@needs_dash
def test_executor_arguments(tmp_path: Path, repo: Path, logged_path: tuple[str, Path]) -> None:
    env = executor_env(
        tmp_path,
        TAGS="v1, sha-abc\nv1",
        CONTEXT="./node-api-example/",
        DOCKERFILE="./node-api-example/Dockerfile",
        TARGET="runtime",
        BUILD_ARGS="NODE_ENV=production\nGREETING=hello world",
        REGISTRY_MIRROR="mirror.gcr.io\n",
        INSECURE_REGISTRY="registry.local:5000",
        KANIKO_FLAGS="--skip-unused-stages\n--snapshot-mode=redo\n--use-new-run",
        RUNNER_DEBUG="1",
    )
    run = run_sh_step("executor", repo, logged_path[0], env)
    assert run.returncode == 0, run.stderr
    assert executor_args(tmp_path) == [
        f"--context=git://github.com/BrikByte-Studios/example-node-api.git#refs/heads/main#{'a' * 40}",
        "--context-sub-path=node-api-example",
        "--dockerfile=Dockerfile",
        f"--digest-file={tmp_path}/kaniko-digest",
        f"--destination={IMAGE}:v1",
        f"--destination={IMAGE}:sha-abc",
        "--build-arg",
        "NODE_ENV=production",
        "--build-arg",
        "GREETING=hello world",
        "--target=runtime",
        "--cache=true",
        f"--cache-repo={IMAGE}-cache",
        "--registry-mirror=mirror.gcr.io",
        "--insecure-registry=registry.local:5000",
        "--skip-tls-verify-registry=registry.local:5000",
        "--skip-unused-stages",
        "--snapshot-mode=redo",
        "--use-new-run",
        "--verbosity=debug",
    ]
    assert run.outputs == {
        "digest": "sha256:" + "0" * 63 + "7",
        "destinations": f"{IMAGE}:v1\n{IMAGE}:sha-abc",
        "cache_repo": f"{IMAGE}-cache",
    }
    assert env["GIT_PASSWORD"] not in run.stdout + run.stderr + logged_path[1].read_text() + "\n".join(executor_args(tmp_path))


@needs_dash
def test_executor_defaults_add_no_optional_flag(tmp_path: Path, repo: Path, logged_path: tuple[str, Path]) -> None:
    run = run_sh_step("executor", repo, logged_path[0], executor_env(tmp_path, CACHE_ENABLED="false"))
    assert run.returncode == 0, run.stderr
    args = executor_args(tmp_path)
    assert args[0].startswith("--context=git://github.com/")
    assert args[1:] == ["--dockerfile=Dockerfile", f"--digest-file={tmp_path}/kaniko-digest", f"--destination={IMAGE}:latest"]


@needs_dash
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TAGS": "v1, bad tag"}, "::error::invalid tag 'bad tag'"),
        ({"TAGS": " , "}, "::error::no tags given"),
        ({"IMAGE_NAME": "ghcr.io/BrikByte/api"}, "has upper-case letters"),
        ({"IMAGE_NAME": f"{IMAGE}:v1"}, "includes a tag or digest"),
        ({"CONTEXT": "./node-api-example", "DOCKERFILE": "./Dockerfile"}, "is outside context"),
        ({"CONTEXT": "../elsewhere"}, "must be relative paths inside the repository"),
        ({"BUILD_ARGS": "1BAD=secret-value"}, "build_args line 1 is not KEY=VALUE"),
        ({"INSECURE_REGISTRY": "http://registry:5000"}, "is not a host[:port]"),
    ],
)
def test_executor_refuses_bad_input_before_running(
    tmp_path: Path, repo: Path, logged_path: tuple[str, Path], env: dict[str, str], message: str
) -> None:
    run = run_sh_step("executor", repo, logged_path[0], executor_env(tmp_path, **env))
    assert run.returncode != 0
    assert message in run.stderr
    assert "secret-value" not in run.stderr
    assert not (tmp_path / "executor.args").exists()
    assert run.output_text == ""


@pytest.mark.parametrize(
    "insecure", ["registry.local:5000\n--destination=evil.example/x:1", "registry.local --cache-repo=x", "Registry.local"]
)
def test_insecure_registry_is_a_host_before_it_joins_kanikos_flags(script_file: Path, repo: Path, insecure: str) -> None:
    # The action builder adds it to kaniko-args, one flag per line, past the kaniko_flags step's allow-list.
    run = run_prepare(script_file, repo, INSECURE_REGISTRY=insecure)
    assert run.returncode != 0
    assert "::error::insecure_registry '" in run.stderr and "' is not a host[:port]." in run.stderr
    assert "\n--destination" not in run.stderr and run.output_text == ""
    assert run_prepare(script_file, repo, INSECURE_REGISTRY="registry.local:5000").returncode == 0
