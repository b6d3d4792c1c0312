"""The `builder` answer: asked only for a self-hosted runner, passed to the reusable workflow only when it is not
the default; `insecure_registry` is passed as given."""

from __future__ import annotations

import pytest

from tests.prompts_helpers import BUILD_DEFAULTS, DEFAULT, INTERRUPT, ScriptedPrompter, demo, run_scripted
from wizard.assets import reusable_workflow_text
from wizard.core.plan import ANSWERS_BY_NAME, Plan, is_github_hosted
from wizard.core.resolved import resolve
from wizard.core.workflow import caller_inputs, parse_reusable_interface
from wizard.errors import InputError
from wizard.prompt_face.run import EXIT_INTERRUPTED

REPO = "BrikByte-Studios/example-node-api"


@pytest.mark.parametrize(
    ("label", "hosted"),
    [
        (None, True),
        ("ubuntu-latest", True),
        ("ubuntu-24.04-arm", True),
        ("windows-2022", True),
        ("macos-15", True),
        ("arc-runner-set", False),
        ("self-hosted", False),
        ("ubuntu", False),
    ],
)
def test_github_hosted_labels(label: str | None, hosted: bool) -> None:
    assert is_github_hosted(label) is hosted
    assert ANSWERS_BY_NAME["builder"].shown(Plan(repo=REPO, runs_on=label)) is not hosted


def test_builder_is_passed_only_when_not_the_default() -> None:
    interface = parse_reusable_interface(reusable_workflow_text())
    default = caller_inputs(resolve(Plan(repo=REPO, runs_on="arc-runner-set")), interface)
    assert "builder" not in default and "insecure_registry" not in default
    chosen = caller_inputs(
        resolve(Plan(repo=REPO, runs_on="arc-runner-set", builder="container", insecure_registry="registry.local:5000")),
        interface,
    )
    assert chosen["builder"] == "container"
    assert chosen["insecure_registry"] == "registry.local:5000"
    assert chosen["runs_on"] == "arc-runner-set"


def test_a_cluster_local_registry_names_the_image() -> None:
    resolved = resolve(Plan(repo=REPO, registry="registry.local:5000", builder="container", insecure_registry="registry.local:5000"))
    assert resolved.image == "registry.local:5000/brikbyte-studios/example-node-api"
    assert caller_inputs(resolved)["registry"] == "${{ vars.REGISTRY_URL || 'registry.local:5000' }}"  # the org's variable wins


@pytest.mark.parametrize("value", ["http://registry:5000", "Registry:5000", "registry:5000/path", "reg istry"])
def test_insecure_registry_must_be_a_host(value: str) -> None:
    with pytest.raises(InputError):
        resolve(Plan(repo=REPO, insecure_registry=value))


def test_an_unknown_builder_is_refused() -> None:
    with pytest.raises(InputError, match="invalid builder 'docker'"):
        resolve(Plan(repo=REPO, builder="docker"))


def test_the_prompts_ask_the_builder_for_a_self_hosted_runner() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", DEFAULT),
            ("secrets live", "org"),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("runs Kaniko", "container"),
            ("caller workflow reach", DEFAULT),
            ("Apply the workflow", INTERRUPT),
        ]
    )
    with demo() as env:
        run = run_scripted(env, prompter, runs_on="arc-runner-set")
    assert run.code == EXIT_INTERRUPTED, run.out + run.err
    assert prompter.script == []
    assert "builder: container" in run.out + run.err
