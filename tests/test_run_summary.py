"""The result that stays: `--summary FILE` and $GITHUB_STEP_SUMMARY (Markdown), the summary printed at the end,
each attempt's own run URL, and an unwritable path refused before anything is written to GitHub."""

from __future__ import annotations

import re
from pathlib import Path

from tests.engine_helpers import (
    REPO,
    Onboarding,
    clear_request_log,
    fake_token,
    leaks_in,
    live_state,
    repo_state,
    request_log,
    writes,
)
from wizard.engine.results import LayerRow
from wizard.text.run_summary import DONE, RunSummary, to_markdown

ATTEMPT_URL = re.compile(r"^- (attempt [12]): (http://\S+/actions/runs/(\d+)/attempts/([12]))$", re.M)


def test_markdown_escapes_table_cells_and_says_the_next_step() -> None:
    from wizard.engine.events import VerdictReady

    verdict = VerdictReady("validate", True, (), (LayerRow("RUN echo a | tee b", "miss, pushed to cache", "hit"),), 0)
    summary = RunSummary(
        DONE, REPO, ("create org secret REGISTRY_PAT",), verdict, (("attempt 1", "u1"), ("attempt 2", "u2")), (), None, "x"
    )
    text = to_markdown(summary)
    assert "| ` RUN echo a \\| tee b ` | miss, pushed to cache | hit |" in text  # a code span; its pipe does not split the row
    assert "### Verdict: PASS" in text and "- create org secret REGISTRY\\_PAT" in text
    assert "- attempt 1: u1" in text and "- attempt 2: u2" in text and "**Next step:** x" in text


def test_markdown_keeps_the_repositorys_text_literal() -> None:
    """A Dockerfile is untrusted input: its instructions become no HTML, link, image or emphasis in a rendered step
    summary (checked by rendering it, tables on, as GitHub's Markdown would), and no terminal escape gets through."""
    from markdown_it import MarkdownIt

    from wizard.engine.events import VerdictReady

    hostile = (
        "RUN echo <img src=x onerror=alert(1)> ![i](http://evil/i.png) [x](http://evil) *b* `tick` ``two`` "
        "a|b https://bare.example \x1b]0;pwned\x07 \x1b[2J\nnext"
    )
    verdict = VerdictReady("validate", False, (), (LayerRow(hostile, "miss", "miss"),), 0)
    text = to_markdown(RunSummary(DONE, REPO, (), verdict, (), (), "/tmp/a`b/brik-onboard.yml", "x", stopped="<b>x</b>"))
    assert "\x1b" not in text and "pwned" not in text  # the terminal-title sequence is gone, its text with it
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a " not in html and "<em>" not in html and "<b>" not in html
    row = next(line for line in html.splitlines() if line.startswith("<td><code>"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in row and "a|b https://bare.example" in row and "`tick`" in row
    assert html.count("<td>miss</td>") == 2  # the pipe and the line end in the instruction did not split the row
    assert "<code>/tmp/a`b/brik-onboard.yml</code>" in html  # a backtick in the path does not end its code span


def test_apply_writes_the_summary_file_and_appends_to_the_step_summary(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    decoy = fake_token()  # a token-shaped value in the environment: it must not appear either
    ob = Onboarding(sandbox, tmp_path / "work", secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("# earlier step\n")
    summary_file = tmp_path / "out" / "summary.md"
    summary_file.parent.mkdir()
    result = ob.apply(
        "--deliver",
        "commit",
        "--strategy",
        "pat",
        "--scope",
        "org",
        "--summary",
        str(summary_file),
        as_json=False,
        env={"GITHUB_STEP_SUMMARY": str(step_summary), "DECOY_TOKEN": decoy},
    )
    assert result.returncode == 0, result
    text = summary_file.read_text()
    assert text.startswith(f"## brik-onboard: {REPO} — done")
    assert "### Verdict: PASS" in text
    assert re.search(r"^\| `+ RUN .* `+ \| (miss|built)[^|]* \| hit \|$", text, re.M), text
    # each attempt's own page, on the sandbox's host: two different URLs for the same run
    urls = ATTEMPT_URL.findall(text)
    assert [(name, number) for name, _, _, number in urls] == [("attempt 1", "1"), ("attempt 2", "2")], text
    assert urls[0][1] != urls[1][1] and urls[0][2] == urls[1][2]
    assert urls[0][1].startswith(sandbox.base_url + "/" + REPO + "/actions/runs/")
    assert f"Answers file: ` {ob.answers} `" in text
    assert "**Next step:** nothing to do" in text
    assert "- create" in text  # what changed, one line each
    # the same Markdown is appended to GitHub Actions' step summary, after what earlier steps wrote there
    assert step_summary.read_text() == "# earlier step\n" + text + "\n"
    # the terminal gets the short form at the end: the run URLs and the next step
    assert urls[0][1] in result.stdout and urls[1][1] in result.stdout and "next: nothing to do" in result.stdout
    assert leaks_in({"summary": text, "stdout": result.stdout, "stderr": result.stderr}, [pat, sandbox.token, decoy]) == []


def test_paused_for_a_merge_the_summary_names_the_pull_request(sandbox, tmp_path: Path) -> None:
    summary_file = tmp_path / "summary.md"
    result = Onboarding(sandbox, tmp_path / "work").apply("--deliver", "pr", "--summary", str(summary_file))
    assert result.returncode == 0, result
    text = summary_file.read_text()
    pull = result.json["links"]["pull"]
    assert "— paused" in text.splitlines()[0]
    assert f"**Next step:** merge the pull request {pull}, then run \\`brik-onboard validate\\`" in text


def test_an_unwritable_summary_path_is_refused_before_any_write(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path / "work")
    clear_request_log(sandbox)
    for bad in (tmp_path / "missing-dir" / "summary.md", tmp_path):  # no such directory; a directory
        result = ob.apply("--deliver", "commit", "--summary", str(bad))
        assert result.returncode == 2, result
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "--summary" in errors[0], result.stderr
        assert "Traceback" not in result.stderr
    assert writes(request_log(sandbox)) == []
    assert repo_state(live_state(sandbox))["runs"] == []


def test_demo_headless_writes_the_summary_with_two_attempt_urls(tmp_path: Path) -> None:
    from tests.cli_helpers import run_cli

    summary_file = tmp_path / "summary.md"
    step_summary = tmp_path / "step.md"
    res = run_cli(
        "demo", "--headless", "--time-factor", "0.01", "--summary", str(summary_file), env={"GITHUB_STEP_SUMMARY": str(step_summary)}
    )
    assert res.returncode == 0, res.stdout + res.stderr
    text = summary_file.read_text()
    urls = ATTEMPT_URL.findall(text)
    assert [name for name, _, _, _ in urls] == ["attempt 1", "attempt 2"] and urls[0][1] != urls[1][1], text
    assert "### Verdict: PASS" in text and "Answers file: `" in text and "**Next step:** nothing to do" in text
    assert step_summary.read_text() == text + "\n"
    assert "next: nothing to do" in res.stdout and urls[1][1] in res.stdout
    assert not re.search(r"gh[pousr]_[A-Za-z0-9]{20,}", text + res.stdout + res.stderr)  # the demo's token, made at run time


def test_a_run_that_stops_part_way_still_leaves_its_summary(sandbox, tmp_path: Path) -> None:
    summary_file = tmp_path / "summary.md"
    step_summary = tmp_path / "step.md"
    ob = Onboarding(sandbox, tmp_path / "work")
    result = ob.apply(
        "--deliver", "commit", "--strategy", "pat", "--summary", str(summary_file), env={"GITHUB_STEP_SUMMARY": str(step_summary)}
    )
    assert result.returncode == 2, result  # no value for the registry PAT, and no terminal to ask on
    text = summary_file.read_text()
    assert "— stopped" in text.splitlines()[0] and "Stopped: interactive session required" in text
    assert "**Next step:** run brik-onboard again" in text and step_summary.read_text() == text + "\n"
