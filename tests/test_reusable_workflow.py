"""The org's reusable workflow wizard/assets/workflows/ci-build-kaniko.yml: its declaration and step wiring.

The prepare step's script is run in test_reusable_workflow_script.py; schema and zizmor checks are in
test_reusable_workflow_lint.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.workflow_script import find_step, load_workflow
from wizard.assets import reusable_workflow_path

WORKFLOW = reusable_workflow_path()

# Kaniko FACTS.md §6: the commits these tags point to, read from the actions' own repositories.
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "docker/login-action": ("4907a6ddec9925e35a0a9e82d7399ccc52663121", "v4.1.0"),
    "int128/kaniko-action": ("4162b90e367d6644673112c523199e1839d7c547", "v1.69.0"),
}


@pytest.fixture(scope="module")
def workflow() -> Any:
    return load_workflow(WORKFLOW)


def test_script_reads_environment_only(workflow: Any) -> None:
    step = find_step(workflow, "build", "prepare")
    assert step["shell"] == "bash"
    script = str(step["run"])
    assert script.startswith("set -euo pipefail\n")
    assert "${{" not in script  # inputs reach the script through env:, never by interpolation
    assert dict(step["env"]) == {
        "IMAGE_NAME": "${{ inputs.image_name }}",
        "TAGS": "${{ inputs.tags }}",
        "CACHE_REPO": "${{ inputs.cache_repo }}",
        "REGISTRY": "${{ inputs.registry }}",
        "CONTEXT": "${{ inputs.context }}",
        "DOCKERFILE": "${{ inputs.dockerfile }}",
        "BUILD_ARGS": "${{ inputs.build_args }}",
        "INSECURE_REGISTRY": "${{ inputs.insecure_registry }}",
    }


# The scripts that see a secret, builder `container` only: one writes Kaniko's config.json, one the build secrets
# under /kaniko, each from its environment (test_reusable_workflow_script.py checks that no command line and no log
# line ever carries them).
CREDENTIAL_STEP = "registry_auth"
BUILD_SECRETS_STEP = "build_secrets"
SLOTS = [f"KANIKO_SECRET_{n}" for n in range(1, 11)]


def test_no_step_gives_a_secret_to_a_script(workflow: Any) -> None:
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                assert "secrets." not in str(step["run"])
                assert "set -x" not in str(step["run"])
                if step.get("id") not in (CREDENTIAL_STEP, BUILD_SECRETS_STEP):
                    assert all("secrets." not in str(v) for v in (step.get("env") or {}).values())


def test_the_credential_step_reads_secrets_from_env_only(workflow: Any) -> None:
    for job in workflow["jobs"].values():
        step = next(s for s in job["steps"] if s.get("id") == CREDENTIAL_STEP)
        assert step["if"] == "inputs.builder == 'container'"
        assert dict(step["env"]) == {
            "REGISTRY": "${{ inputs.registry }}",
            "REGISTRY_USER": "${{ secrets.REGISTRY_USERNAME || github.actor }}",
            "REGISTRY_PASSWORD": "${{ secrets.REGISTRY_PAT || secrets.REGISTRY_TOKEN }}",
        }


def test_the_build_secrets_step_reads_each_slot_from_env_only(workflow: Any) -> None:
    for job in workflow["jobs"].values():
        ids = [s.get("id") for s in job["steps"]]
        assert ids.index(CREDENTIAL_STEP) < ids.index(BUILD_SECRETS_STEP) == ids.index("executor") - 1  # before Kaniko
        step = job["steps"][ids.index(BUILD_SECRETS_STEP)]
        assert step["if"] == "inputs.builder == 'container' && inputs.build_secrets != ''"
        assert dict(step["env"]) == {
            "BUILD_SECRET_IDS": "${{ inputs.build_secrets }}",
            "SECRETS_DIR": "/kaniko",
            **{slot: f"${{{{ secrets.{slot} }}}}" for slot in SLOTS},
        }
        refuse = job["steps"][ids.index("refuse_build_secrets")]
        assert refuse["if"] == "inputs.builder != 'container' && inputs.build_secrets != ''"
        assert "builder container" in str(refuse["run"]) and "env" not in refuse


def test_the_two_jobs_differ_only_in_their_environment(workflow: Any) -> None:
    plain, in_env = (dict(workflow["jobs"][j]) for j in ("build", "build_in_environment"))
    assert plain.pop("if") == "inputs.environment == ''"
    assert in_env.pop("if") == "inputs.environment != ''"
    assert dict(in_env.pop("environment")) == {"name": "${{ inputs.environment }}", "deployment": False}
    assert "environment" not in plain
    assert plain == in_env


EXPECTED_INPUTS = {
    "image_name": ("string", True, None),
    "dockerfile": ("string", False, "./Dockerfile"),
    "context": ("string", False, "."),
    "tags": ("string", True, None),
    "registry": ("string", False, "ghcr.io"),
    "cache_enabled": ("boolean", False, True),
    "cache_repo": ("string", False, ""),
    "target": ("string", False, ""),
    "build_args": ("string", False, ""),
    "registry_mirror": ("string", False, ""),
    "runs_on": ("string", False, "ubuntu-latest"),
    "executor": ("string", False, "ghcr.io/osscontainertools/kaniko:v1.28.3"),
    "builder": ("string", False, "action"),
    "insecure_registry": ("string", False, ""),
    "kaniko_args": ("string", False, ""),
    "environment": ("string", False, ""),
    "build_secrets": ("string", False, ""),
}


def test_workflow_call_inputs(workflow: Any) -> None:
    inputs = workflow["on"]["workflow_call"]["inputs"]
    assert set(inputs) == set(EXPECTED_INPUTS)
    for name, (type_, required, default) in EXPECTED_INPUTS.items():
        spec = inputs[name]
        assert spec["type"] == type_, name
        assert bool(spec.get("required", False)) is required, name
        if required:
            assert "default" not in spec, name
        else:
            assert spec["default"] == default and type(spec["default"]) is type(default), name
        assert str(spec.get("description", "")).strip(), f"{name} has no description"


def test_workflow_call_secrets(workflow: Any) -> None:
    declared = workflow["on"]["workflow_call"]["secrets"]
    assert {name: bool(spec.get("required", False)) for name, spec in declared.items()} == {
        "REGISTRY_TOKEN": True,
        "REGISTRY_USERNAME": False,
        "REGISTRY_PAT": False,
        **dict.fromkeys(SLOTS, False),
    }
    assert all(str(spec.get("description", "")).strip() for spec in declared.values())


def test_workflow_call_outputs_point_at_the_job_that_ran(workflow: Any) -> None:
    outputs = workflow["on"]["workflow_call"]["outputs"]
    for name in ("digest", "destinations", "cache_repo"):
        assert outputs[name]["value"] == f"${{{{ jobs.build.outputs.{name} || jobs.build_in_environment.outputs.{name} }}}}"
        for job in ("build", "build_in_environment"):
            assert name in workflow["jobs"][job]["outputs"]


def test_permissions_are_minimal(workflow: Any) -> None:
    assert dict(workflow["permissions"]) == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert dict(job["permissions"]) == {"contents": "read", "packages": "write"}


def test_job_runner_container_and_environment_come_from_inputs(workflow: Any) -> None:
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "${{ inputs.runs_on }}"
        # An empty image runs the job on the runner (builder `action`); `container` runs in the debug image.
        assert job["container"]["image"] == "${{ inputs.builder == 'container' && format('{0}-debug', inputs.executor) || '' }}"
    assert workflow["jobs"]["build_in_environment"]["environment"]["name"] == "${{ inputs.environment }}"


def uses_of(workflow: Any) -> list[tuple[str, str]]:
    pairs = [str(step["uses"]).split("@", 1) for step in workflow["jobs"]["build"]["steps"] if "uses" in step]
    return [(action, ref) for action, ref in pairs]


def test_actions_are_pinned_to_the_known_commits(workflow: Any) -> None:
    assert [action for action, _ in uses_of(workflow)] == list(PINNED)
    assert dict(uses_of(workflow)) == {action: sha for action, (sha, _) in PINNED.items()}
    text = WORKFLOW.read_text(encoding="utf-8")
    for action, (sha, version) in PINNED.items():
        assert f"uses: {action}@{sha} # {version}\n" in text


def test_checkout_does_not_persist_credentials(workflow: Any) -> None:
    step = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert step["with"]["persist-credentials"] is False


def test_login_uses_the_pat_then_the_token(workflow: Any) -> None:
    step = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("docker/login-action@"))
    assert dict(step["with"]) == {
        "registry": "${{ inputs.registry }}",
        "username": "${{ secrets.REGISTRY_USERNAME || github.actor }}",
        "password": "${{ secrets.REGISTRY_PAT || secrets.REGISTRY_TOKEN }}",
    }


def test_each_step_belongs_to_one_builder(workflow: Any) -> None:
    steps = list(workflow["jobs"]["build"]["steps"])  # a copy: the module's workflow is shared
    # The flags' check runs first, in either builder: POSIX sh, as the debug image has no bash.
    first = steps.pop(0)
    assert first["id"] == "kaniko_flags" and "if" not in first and first["shell"] == "sh"
    by_builder = {
        "action": [s.get("id") or s["uses"].split("@")[0] for s in steps if s["if"].startswith("inputs.builder != 'container'")],
        "container": [s.get("id") or s["uses"].split("@")[0] for s in steps if s["if"].startswith("inputs.builder == 'container'")],
    }
    assert by_builder == {
        "action": ["refuse_build_secrets", "actions/checkout", "prepare", "docker/login-action", "build"],
        "container": ["registry_auth", "build_secrets", "executor"],
    }
    assert len(steps) == 8
    for step in steps:
        if by_builder["container"].count(step.get("id")):
            assert step["shell"] == "sh"  # the debug image has busybox sh, no bash and no node
            assert "uses" not in step


def test_kaniko_step_wiring(workflow: Any) -> None:
    build = find_step(workflow, "build", "build")
    assert dict(build["with"]) == {
        "executor": "${{ inputs.executor }}",
        "cache": "${{ inputs.cache_enabled }}",
        "cache-repository": "${{ steps.prepare.outputs.cache_repo }}",
        "push": True,
        "tags": "${{ steps.prepare.outputs.destinations }}",
        "context": "${{ inputs.context }}",
        "file": "${{ inputs.dockerfile }}",
        "target": "${{ inputs.target }}",
        "build-args": "${{ inputs.build_args }}",
        "registry-mirror": "${{ inputs.registry_mirror }}",
        "verbosity": "${{ runner.debug == '1' && 'debug' || 'info' }}",
        "kaniko-args": "${{ steps.kaniko_flags.outputs.args }}\n"
        "${{ inputs.insecure_registry != '' && format('--insecure-registry={0}', inputs.insecure_registry) || '' }}\n"
        "${{ inputs.insecure_registry != '' && format('--skip-tls-verify-registry={0}', inputs.insecure_registry) || '' }}\n",
    }


def test_the_checked_flags_reach_both_builders(workflow: Any) -> None:
    for job in ("build", "build_in_environment"):
        check = find_step(workflow, job, "kaniko_flags")
        assert dict(check["env"]) == {"KANIKO_ARGS": "${{ inputs.kaniko_args }}", "TARGET": "${{ inputs.target }}"}
        assert "${{" not in str(check["run"])
        assert find_step(workflow, job, "executor")["env"]["KANIKO_FLAGS"] == "${{ steps.kaniko_flags.outputs.args }}"


def test_header_comment_explains_the_file() -> None:
    head = WORKFLOW.read_text(encoding="utf-8").splitlines()[:11]
    assert all(line.startswith("#") for line in head)
    text = "\n".join(head)
    assert "uses: BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main" in text
    assert "REGISTRY_TOKEN" in text
