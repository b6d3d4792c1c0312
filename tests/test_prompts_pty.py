"""The prompt mode end to end through a pseudo-terminal: real questionary prompts, real keys, the demo sandbox.

Each test starts `run_prompts_demo` in a child process on a pty (pexpect), waits for each prompt's text and
answers it with keys, then checks the exit code and what the terminal showed — including that a PAT typed
into the masked prompt never appears in it.
"""

from __future__ import annotations

import io
import re
import sys

import pexpect  # the test extra: a missing pexpect must fail here, not skip
import pytest

from tests.engine_helpers import child_env, fake_token

pytestmark = pytest.mark.slow

CLEAR_LINE = "\x15"  # Ctrl-U: drop the pre-filled default
CTRL_C = "\x03"
DOWN = "j"  # questionary's select moves with j/k as well as the arrows
ENTER = "\r"
# The workflow step's build answers, asked before the delivery
BUILD_PROMPTS = ("Build arguments", "Runner label", "Kaniko executor", "Registry mirrors", "Further Kaniko flags")
TOKEN_SHAPE = re.compile(r"(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}")


# In the child: the wizard and its sandbox on virtual time (tests/virtual_time.py), as the tests in this process are.
VIRTUAL_TIME = (
    "from tests.virtual_time import VirtualTime; from wizard.core.clock import CLOCK\n"
    "virtual = VirtualTime(); CLOCK.sleep, CLOCK.monotonic, CLOCK.now = virtual.sleep, virtual.monotonic, virtual.now\n"
)


def spawn(
    registry_pat: str | None = None, time_factor: float = 0.01, columns: int = 160, *, wall_clock: bool = False
) -> tuple[pexpect.spawn, io.StringIO]:
    # The plain demo, with the sandbox accepting `registry_pat` typed at the prompt (None: one in the environment).
    code = ("" if wall_clock else VIRTUAL_TIME) + (
        "from wizard.app.demo import demo_environment; from wizard.engine.session import Options; "
        "from wizard.prompt_face.run import run_prompts\n"
        f"with demo_environment(time_factor={time_factor}, registry_pat={registry_pat if registry_pat else True!r}) as env:\n"
        "    raise SystemExit(run_prompts(env.factory(Options(poll_interval_s=0.05))))"
    )
    # No cursor-position requests: a pty under pexpect never answers them.
    env = child_env({"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"})
    child = pexpect.spawn(sys.executable, ["-c", code], env=env, encoding="utf-8", dimensions=(40, columns), timeout=30)
    transcript = io.StringIO()
    child.logfile_read = transcript
    return child, transcript


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def plain(text: str) -> str:
    """The transcript without terminal escape sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_a_full_onboarding_with_a_pat_passes_and_never_shows_the_pat() -> None:
    pat = fake_token()
    child, transcript = spawn(registry_pat=pat)
    try:
        answer(child, "Service name", CLEAR_LINE + "OrdersApi")
        answer(child, "upper case is not allowed", CLEAR_LINE + "orders-api" + ENTER)  # the core's reason, as typed
        answer(child, "Image tags", CLEAR_LINE + "sha-${{ github.sha }}, latest" + ENTER)
        answer(child, "Layer cache", ENTER)  # yes, the default
        answer(child, "Build targets", CLEAR_LINE + ENTER)  # declines the proposed test,production
        answer(child, "Registry credential", DOWN + ENTER)  # github-token -> pat
        answer(child, "Where the registry secrets live", ENTER)  # org
        answer(child, "Which repositories may read", ENTER)  # selected
        answer(child, "value for REGISTRY_PAT", pat + ENTER)
        answer(child, "Apply the secrets step's changes?", "y")
        for build_answer in BUILD_PROMPTS:  # left as offered
            answer(child, build_answer, ENTER)
        answer(child, "How should the caller workflow reach", ENTER)  # the demo's default: commit
        answer(child, "+++ b/.github/workflows/build-image.yml", "")
        answer(child, "Apply the workflow step's changes?", "y")
        answer(child, "Start the validation build", "y")
        answer(child, "verdict: PASS", "")
        answer(child, "Write the answers file", "y")
        status = finish(child)
    finally:
        child.close(force=True)
    shown = plain(transcript.getvalue())
    assert status == 0, shown[-3000:]
    assert "image: ghcr.io/brikbyte-studios/orders-api" in shown
    assert "create REGISTRY_PAT at org (visibility selected)" in shown
    # the diff shown before the write: the PAT is passed by its own name, REGISTRY_TOKEN stays the run's token
    assert "REGISTRY_TOKEN: ${{ secrets.GITHUB_TOKEN }}" in shown and "REGISTRY_PAT: ${{ secrets.REGISTRY_PAT }}" in shown
    assert "create variable REGISTRY_URL=ghcr.io at org (visibility selected)" in shown
    assert "leak audit: clean" in shown
    # the summary at the end: each attempt's own run page, and what to do next
    attempts = re.findall(r"attempt ([12]): (http://\S+/actions/runs/\d+/attempts/[12])", shown.split("next:")[0])
    assert {n for n, _ in attempts} == {"1", "2"} and len({u for _, u in attempts}) == 2, shown[-3000:]
    assert "next: nothing to do" in shown
    assert "*" * len(pat) in shown  # the masked echo
    assert pat not in transcript.getvalue()
    assert not TOKEN_SHAPE.search(transcript.getvalue())


def test_ctrl_c_before_the_first_write_says_no_changes_were_made() -> None:
    child, transcript = spawn()
    try:
        answer(child, "Service name", CTRL_C)
        status = finish(child)
    finally:
        child.close(force=True)
    assert status == 130
    assert "interrupted: no changes were made" in plain(transcript.getvalue())


def test_ctrl_c_after_the_secrets_step_names_the_step_reached() -> None:
    child, transcript = spawn()
    try:
        answer(child, "Service name", ENTER)
        answer(child, "Image tags", ENTER)
        answer(child, "Layer cache", ENTER)
        answer(child, "Build targets", CLEAR_LINE + ENTER)  # declines the proposed test,production
        answer(child, "Registry credential", ENTER)
        answer(child, "Where the registry secrets live", ENTER)
        answer(child, "Which repositories may read", ENTER)
        answer(child, "Apply the secrets step's changes?", "y")
        for build_answer in BUILD_PROMPTS:  # left as offered
            answer(child, build_answer, ENTER)
        answer(child, "How should the caller workflow reach", CTRL_C)
        status = finish(child)
    finally:
        child.close(force=True)
    shown = plain(transcript.getvalue())
    assert status == 130, shown[-2000:]
    assert "interrupted at the workflow step (done: connect, repository, preflight, image, secrets)" in shown
    assert "already applied: create variable REGISTRY_URL=ghcr.io at org" in shown
    assert "run the wizard again to resume" in shown
    assert "no changes were made" not in shown


def test_ctrl_c_during_the_build_says_the_run_goes_on_and_a_rerun_resumes() -> None:
    child, transcript = spawn(time_factor=0.05, wall_clock=True)  # a first build of a few seconds: time to press Ctrl-C in it
    try:
        for prompt in ("Service name", "Image tags", "Layer cache"):
            answer(child, prompt, ENTER)
        answer(child, "Build targets", CLEAR_LINE + ENTER)  # declines the proposed test,production
        for prompt in ("Registry credential", "Where the registry secrets live", "Which repositories may read"):
            answer(child, prompt, ENTER)
        answer(child, "Apply the secrets step's changes?", "y")
        for build_answer in BUILD_PROMPTS:  # left as offered
            answer(child, build_answer, ENTER)
        answer(child, "How should the caller workflow reach", ENTER)
        answer(child, "Apply the workflow step's changes?", "y")
        answer(child, "Start the validation build", "y")
        answer(child, "attempt 1: in_progress", CTRL_C)  # no prompt is up: the terminal sends SIGINT
        status = finish(child)
    finally:
        child.close(force=True)
    shown = plain(transcript.getvalue())
    assert status == 130, shown[-2000:]
    assert "interrupted at the validate step" in shown
    assert re.search(r"the validation build \(run \d+\) keeps running on GitHub", shown)
    assert "verdict:" not in shown


def test_at_80_columns_a_long_reason_is_shown_whole_and_broken_at_spaces() -> None:
    child, transcript = spawn(columns=80)
    try:
        answer(child, "Service name", CLEAR_LINE + "Orders Api With A Long Name")
        # The reason is wider than the terminal: its end (the suggestion) is drawn too, and not cut inside a word.
        child.expect_exact("(did you mean")
        child.expect_exact('"orders-api-with-a-long-name"?)')
        child.send(CTRL_C)
        status = finish(child)
    finally:
        child.close(force=True)
    assert status == 130
    shown = plain(transcript.getvalue())
    reason = shown[shown.index("invalid service name") : shown.index('-long-name"?)')]
    assert all(len(line) <= 80 for line in reason.splitlines()), reason


def test_at_80_columns_each_change_is_listed_once_before_its_confirm() -> None:
    child, transcript = spawn(columns=80)
    try:
        answer(child, "Service name", CLEAR_LINE + "orders-api" + ENTER)
        answer(child, "Image tags", ENTER)
        answer(child, "Layer cache", ENTER)
        answer(child, "Build targets", CLEAR_LINE + ENTER)  # declines the proposed test,production
        answer(child, "Registry credential", ENTER)  # github-token: only the REGISTRY_URL variable is written
        answer(child, "Where the registry secrets live", ENTER)
        answer(child, "Which repositories may read", ENTER)
        child.expect_exact("Apply the secrets step's changes?")
        before_confirm = plain(transcript.getvalue())
        child.send(CTRL_C)
        finish(child)
    finally:
        child.close(force=True)
    secrets_step = before_confirm[before_confirm.rindex("== Registry secrets") :]
    assert secrets_step.count("create variable REGISTRY_URL=ghcr.io") == 1, secrets_step
    assert "step will:" not in secrets_step


def test_the_plain_face_prints_each_attempts_time_and_the_layer_table_once() -> None:
    pat = fake_token()
    child, transcript = spawn(registry_pat=pat)
    try:
        answer(child, "Service name", ENTER)
        answer(child, "Image tags", ENTER)
        answer(child, "Layer cache", ENTER)
        answer(child, "Build targets", CLEAR_LINE + ENTER)  # declines the proposed test,production
        answer(child, "Registry credential", DOWN + ENTER)  # github-token -> pat
        answer(child, "Where the registry secrets live", ENTER)
        answer(child, "Which repositories may read", ENTER)
        answer(child, "value for REGISTRY_PAT", pat + ENTER)
        answer(child, "Apply the secrets step's changes?", "y")
        for build_answer in BUILD_PROMPTS:  # left as offered
            answer(child, build_answer, ENTER)
        answer(child, "How should the caller workflow reach", ENTER)
        answer(child, "Apply the workflow step's changes?", "y")
        answer(child, "Start the validation build", "y")
        answer(child, "verdict: PASS", "")
        answer(child, "Write the answers file", "y")
        status = finish(child)
    finally:
        child.close(force=True)
    shown = plain(transcript.getvalue())
    assert status == 0, shown[-3000:]
    # One line per attempt when it completes, with how long it took (the run's own start and end times).
    took = {int(m[1]): m[2] for m in re.finditer(r"attempt (\d): completed \(success\) in ((?:\d+m )?\d+s)  http", shown)}
    assert set(took) == {1, 2}, shown[-3000:]
    assert len(re.findall(r"attempt 1: completed", shown)) == 1
    # The per-layer table, once, at the end: each Dockerfile RUN with what each attempt did.
    assert len(re.findall(r"^\s+instruction\s+attempt 1\s+attempt 2\s*$", shown, re.M)) == 1
    assert re.search(r"^\s+RUN npm ci .*\bhit\s*$", shown, re.M)
    assert shown.index("attempt 2: completed") < shown.index("verdict: PASS")
    assert pat not in transcript.getvalue()
