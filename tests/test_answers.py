"""The answers file: round trip keeps the user's comments; bad files get one clear error; no secret values."""

from __future__ import annotations

import pytest

from wizard.core.answers import dump_answers, load_answers
from wizard.core.plan import Plan
from wizard.errors import InputError


def test_new_file_round_trips_every_answer() -> None:
    plan = Plan(repo="BrikByte-Studios/example-node-api", tags=("v1", "sha-${{ github.sha }}"), target=("production",))
    text = dump_answers(plan)
    assert "Secret VALUES are never stored" in text
    assert load_answers(text) == plan


def test_update_keeps_comments_order_and_unrelated_formatting() -> None:
    existing = (
        "# team note: keep this file small\n"
        "repo: BrikByte-Studios/example-node-api  # the service repo\n"
        "tags:\n"
        "  - v1   # release tag\n"
        "strategy: github-token\n"
    )
    plan = load_answers(existing).updated(strategy="pat", target=("production",))
    text = dump_answers(plan, existing)
    assert text.startswith("# team note: keep this file small\n")
    assert "repo: BrikByte-Studios/example-node-api  # the service repo\n" in text
    assert "  - v1   # release tag\n" in text
    assert "strategy: pat\n" in text
    assert "target: production\n" in text
    # Answers still at their defaults are not added to a file the user keeps by hand.
    assert "registry:" not in text
    assert load_answers(text) == plan


def test_second_dump_with_same_plan_changes_nothing() -> None:
    plan = Plan(repo="o/r", scope="environment", environment="production")
    first = dump_answers(plan)
    assert dump_answers(load_answers(first), first) == first


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("repo: [unclosed\n", "not valid YAML at line"),
        ("- a\n- b\n", "must be a mapping"),
        ("repoo: o/r\n", "unknown key 'repoo'"),
        ("cache_enabled: 'yes'\n", "cache_enabled must be true or false"),
        ("tags: {a: 1}\n", "tags must be a string or a list"),
    ],
)
def test_bad_files_get_one_clear_error(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        load_answers(text, "answers.yml")
    assert fragment in err.value.message


def test_secret_env_names_a_variable_never_holds_a_value() -> None:
    import secrets

    from wizard.core.resolved import resolve

    fake = "ghp_" + secrets.token_hex(18)
    # secret_env is the user's setting (flags, config file), never an answers-file key; from there it is checked too.
    with pytest.raises(InputError) as err:
        load_answers(f"repo: o/r\nstrategy: pat\nsecret_env:\n  REGISTRY_PAT: {fake}\n")
    assert fake not in err.value.render()
    with pytest.raises(InputError) as err:
        resolve(Plan(repo="o/r", strategy="pat", secret_env={"REGISTRY_PAT": fake}))
    assert fake not in err.value.render()
    assert "never the value itself" in err.value.render()
