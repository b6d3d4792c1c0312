"""The sandbox's emulated build job with several targets and Kaniko flags: the flags' check step runs first and
refuses what the reusable workflow refuses, a target brings --skip-unused-stages (a stage the target does not
need is not built and has no cache lookup), and the flags it lets through reach the executor."""

from __future__ import annotations

import secrets

import pytest

from tests.test_sandbox_kaniko import APK, NPM_BUILD, NPM_CI, NPM_TEST, UPSTREAM, build, demo_files, messages, results
from wizard.sandbox.kaniko import DEFAULT_EXECUTOR, Registry
from wizard.sandbox.kaniko.executor import FORK_SKIP_WARNING

CHECK = "Check the Kaniko flags"


def steps(outcome) -> dict[str, str]:
    return {s.name: s.conclusion for s in outcome.steps}


@pytest.mark.parametrize("builder", ["action", "container"])
def test_each_target_builds_only_its_stages_and_looks_up_nothing_else(builder: str) -> None:
    registry = Registry()
    test = build(demo_files(), registry, target="test", builder=builder)
    production = build(demo_files(), registry, target="production", builder=builder)
    assert results(test) == {NPM_CI: "miss", NPM_TEST: "miss", APK: "skipped", NPM_BUILD: "skipped"}
    # deps was cached by the test build: production reuses it; the test stage is neither built nor looked up
    assert results(production) == {NPM_CI: "hit", NPM_TEST: "skipped", APK: "miss", NPM_BUILD: "miss"}
    assert not any("npm test" in m for m in messages(production))
    assert not any("apk add" in m for m in messages(test))
    for outcome in (test, production):
        assert steps(outcome)[CHECK] == "success"
        assert "--skip-unused-stages" in outcome.log_text  # on the executor's command line


def test_without_a_target_upstream_builds_every_stage() -> None:
    outcome = build(demo_files(), Registry())
    assert results(outcome)[NPM_TEST] == "miss"  # the test stage, though production does not need it
    assert "--skip-unused-stages" not in outcome.log_text


def test_the_fork_skips_unused_stages_anyway_and_warns_of_the_flag() -> None:
    with_target = build(demo_files(), Registry(), target="production", executor=DEFAULT_EXECUTOR)
    assert results(with_target)[NPM_TEST] == "skipped"
    assert FORK_SKIP_WARNING in messages(with_target)
    without = build(demo_files(), Registry(), executor=DEFAULT_EXECUTOR)
    assert results(without)[NPM_TEST] == "skipped" and FORK_SKIP_WARNING not in messages(without)


def test_allowed_flags_reach_the_executor_and_cache_copy_layers_caches_copies() -> None:
    registry = Registry()
    flags = "--snapshot-mode=redo\n--cache-copy-layers"
    build(demo_files(), registry, target="production", kaniko_args=flags, executor=UPSTREAM)
    again = build(demo_files(), registry, target="production", kaniko_args=flags, executor=UPSTREAM)
    assert "--snapshot-mode=redo" in again.log_text and "Kaniko flags:" in again.log_text
    copies = {k: v for k, v in results(again, "COPY").items() if not k.startswith("test:")}  # test: not built
    assert copies and all(result == "hit" for result in copies.values()), copies


@pytest.mark.parametrize("builder", ["action", "container"])
def test_a_refused_flag_fails_the_first_step_and_nothing_is_built(builder: str) -> None:
    registry = Registry()
    outcome = build(demo_files(), registry, target="test", kaniko_args="--use-new-run\n--destination=evil.example/x:1", builder=builder)
    assert outcome.conclusion == "failure"
    assert steps(outcome)[CHECK] == "failure"
    assert "##[error]kaniko_args flag 2 --destination is not an allowed Kaniko flag" in outcome.log_text
    assert not messages(outcome)  # Kaniko never ran
    assert registry.tags("ghcr.io/brikbyte-studios/example-node-api") == {}


def test_a_flag_carrying_a_credential_is_refused_without_its_value() -> None:
    token = "ghp_" + secrets.token_hex(18)
    outcome = build(demo_files(), Registry(), kaniko_args=f"--cache-ttl={token}")
    assert steps(outcome)[CHECK] == "failure"
    assert "##[error]kaniko_args flag 1 looks like it carries a credential" in outcome.log_text
    # The runner echoes the step's env (as GitHub does); the refusal itself never repeats it.
    assert outcome.log_text.count(token) == 1
