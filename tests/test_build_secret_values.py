"""Where a build secret's (multi-line) value comes from: a `NAME<<DELIMITER` block on stdin, or `<PATH` at the masked
question of either face (a masked one-line input cannot take a pasted block); errors never repeat what was typed."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.prompts_helpers import BUILD_DEFAULTS, DEFAULT, INTERRUPT, ScriptedPrompter, demo, run_scripted
from tests.tui_helpers import complete_steps, org_secrets, paste, screen_text, sha256, wait_screen, wait_status, wizard_on
from wizard.app.demo import DEMO_REPO
from wizard.core.plan import Plan
from wizard.engine.secret_values import MAX_SECRET_BYTES, SecretSource, parse_stdin_secrets, secret_prompt
from wizard.errors import InputError

MOUNT = "RUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc npm ci"
DOCKERFILE = f"FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\n{MOUNT}\n"
NAME = "BUILD_SECRET_NPMRC"


def npmrc() -> str:
    return f"//npm.pkg.github.com/:_authToken=npm_{secrets.token_hex(18)}\n@brikbyte-studios:registry=https://npm.pkg.github.com\n"


# --- stdin ---------------------------------------------------------------------------------------


def test_stdin_takes_one_line_values_and_heredoc_blocks() -> None:
    text = "REGISTRY_PAT=one-line\r\n# a comment\n\nBUILD_SECRET_NPMRC<<EOF\r\nline 1\r\n\nline 3=x\nEOF\nOTHER=x\n"
    assert parse_stdin_secrets(text) == {"REGISTRY_PAT": "one-line", NAME: "line 1\n\nline 3=x", "OTHER": "x"}


def test_an_unterminated_block_names_its_line_not_its_value() -> None:
    value = secrets.token_hex(12)
    with pytest.raises(InputError, match=r"stdin line 2 starts BUILD_SECRET_NPMRC<<END but no line holds only END") as err:
        parse_stdin_secrets(f"A=b\n{NAME}<<END\n{value}\nEND \n")
    assert value not in err.value.message + str(err.value.hint)


def test_a_line_that_is_neither_form_says_both() -> None:
    with pytest.raises(InputError, match="stdin line 1 is not NAME=value or NAME<<DELIMITER"):
        parse_stdin_secrets("just text\n")


# --- the masked question ---------------------------------------------------------------------------


class Typed:
    """A questioner that types one answer per secret asked."""

    def __init__(self, answer: str) -> None:
        self.answer, self.prompts = answer, []

    def secret(self, name: str, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answer


def source(answer: str) -> tuple[SecretSource, Typed]:
    typed = Typed(answer)
    return SecretSource(Plan(repo="o/r"), {}, None, typed), typed  # type: ignore[arg-type]


def test_a_build_secret_is_read_from_the_file_a_typed_lt_path_names(tmp_path: Path, monkeypatch: Any) -> None:
    value = npmrc()
    (tmp_path / ".npmrc").write_text(value)
    monkeypatch.setenv("HOME", str(tmp_path))
    src, typed = source("<~/.npmrc")
    assert src.value(NAME) == value  # both lines and the final newline, byte for byte
    assert src.value(NAME) == value and len(typed.prompts) == 1  # asked once
    assert "type < and the path of a file holding it" in typed.prompts[0]
    assert value in src.known_values()  # the leak audit knows it
    assert "<~/.npmrc" not in src.known_values()


def test_lt_is_literal_for_other_secrets(tmp_path: Path) -> None:
    src, typed = source("<not-a-path")
    assert src.value("REGISTRY_USERNAME") == "<not-a-path"
    assert typed.prompts == ["value for REGISTRY_USERNAME"]
    assert secret_prompt("REGISTRY_PAT") == "value for REGISTRY_PAT"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "names no readable UTF-8 file"), (b"\xff\xfe", "names no readable UTF-8 file"), (b" \n", "is empty")],
)
def test_an_unusable_file_is_refused_without_repeating_what_was_typed(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / ("secret-" + secrets.token_hex(6))
    if content is not None:
        path.write_bytes(content)
    src, _ = source(f"<{path}")
    with pytest.raises(InputError, match=message) as err:
        src.value(NAME)
    assert path.name not in err.value.message + str(err.value.hint)


def test_a_value_over_githubs_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big").write_text("x" * (MAX_SECRET_BYTES + 1))
    src, _ = source(f"<{tmp_path / 'big'}")
    with pytest.raises(InputError, match="over the 48 KB GitHub stores in a secret"):
        src.value(NAME)
    env = SecretSource(Plan(repo="o/r"), {f"BRIK_SECRET_{NAME}": "y" * (MAX_SECRET_BYTES + 1)})
    with pytest.raises(InputError, match=f"the value given for {NAME} is over the 48 KB"):
        env.value(NAME)


def test_values_at_hand_for_kept_secrets_are_known_to_the_audit() -> None:
    value = npmrc()
    src = SecretSource(Plan(repo="o/r"), {f"BRIK_SECRET_{NAME}": value}, {"OTHER": "from-stdin"})
    assert src.known_values() == []
    src.remember_available([NAME, "OTHER", "REGISTRY_URL", "MISSING"])
    assert src.known_values() == [value, "from-stdin"]


# --- both faces --------------------------------------------------------------------------------------


def test_the_prompts_read_a_multi_line_build_secret_from_a_file(tmp_path: Path) -> None:
    value = npmrc()
    (tmp_path / "npmrc").write_text(value)
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", DEFAULT),
            ("Registry credential", DEFAULT),
            ("secrets live", "org"),
            ("Which repositories", DEFAULT),
            (f"value for {NAME} (a multi-line one such as an .npmrc: type < and the path", f"<{tmp_path / 'npmrc'}"),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", DEFAULT),
            ("Apply the workflow", INTERRUPT),
        ]
    )
    with demo() as env:
        env.sandbox.commit_file(DEMO_REPO, "Dockerfile", DOCKERFILE)
        run = run_scripted(env, prompter, builder="container")
        stored = {s["name"]: s for o in env.sandbox.snapshot()["orgs"] for s in o["secrets"]}
    assert prompter.script == [], run.out + run.err
    assert [a.kind for a in prompter.asked if NAME in a.message] == ["password"]  # masked
    assert stored[NAME]["sha256"] == sha256(value)
    assert value.splitlines()[0] not in run.out + run.err


@pytest.mark.slow
def test_the_wizard_asks_a_build_secret_in_a_masked_dialog_and_reads_the_file(sandbox: Any, tmp_path: Path) -> None:
    from tests.engine_helpers import put_file

    value = npmrc()
    (tmp_path / "npmrc").write_text(value)
    put_file(sandbox, "Dockerfile", DOCKERFILE)
    app = wizard_on(sandbox, tmp_path / "run", builder="container")

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image"))
            await wait_screen(pilot, "SecretModal")
            shown = " ".join(screen_text(app).split())
            assert f"value for {NAME}" in shown and "type < and the path of a file holding it" in shown
            await paste(pilot, f"<{tmp_path / 'npmrc'}")
            assert str(tmp_path) not in screen_text(app)  # masked as typed
            await pilot.press("enter")
            await complete_steps(pilot, ("secrets",))
            await wait_status(pilot, "workflow", "ready", "failed")

    asyncio.run(scenario())
    assert org_secrets(sandbox)[NAME]["sha256"] == sha256(value)


def test_only_line_feeds_end_stdin_lines() -> None:
    # str.splitlines also splits on form feeds, U+001C..U+001E, U+0085 and U+2028: a value holding one was cut in two.
    odd = "a\x0cb\x1cc\x1ed\x85e\u2028f\u2029g\x0bh"
    text = f"REGISTRY_PAT={odd}\r\n{NAME}<<EOF\nline {odd}\r\nEOF\n"
    assert parse_stdin_secrets(text) == {"REGISTRY_PAT": odd, NAME: f"line {odd}"}


def test_a_typed_path_with_a_nul_is_refused_in_one_line() -> None:
    src, _ = source("<a\0b")
    with pytest.raises(InputError, match="names no readable UTF-8 file"):
        src.value(NAME)
