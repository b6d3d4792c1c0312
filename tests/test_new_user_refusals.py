"""What a new user hits first, said in one line with the documented exit code: a plain `pip install` without the
sandbox extra (demo, sandbox serve), and the wizard started outside a clone without --repo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.cli_inprocess import run_in_process


@pytest.mark.parametrize("args", [["demo", "--headless"], ["sandbox", "serve", "--port", "0"]])
def test_without_the_sandbox_extra_demo_and_serve_say_what_to_install(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "flask", None)  # as if Flask were not installed (importlib finds no spec)
    result = run_in_process(args, dict(os.environ), None, tmp_path)
    assert result.returncode == 2, result
    assert result.stderr.splitlines()[0] == "error: the embedded GitHub sandbox is not installed (its web server, Flask, is missing)"
    assert "pip install 'brik-onboard[sandbox]'" in result.stderr and "Traceback" not in result.stderr


def test_a_session_with_no_repository_stops_at_the_repository_step_with_an_input_error(sandbox, tmp_path: Path) -> None:
    # The wizard's faces outside a clone without --repo: "no repository given" (exit 2), not "reading : not found".
    from wizard.app.flag_questioner import FlagQuestioner
    from wizard.app.options import AnswerSource, Connection
    from wizard.app.sessions import session_factory
    from wizard.engine.runner import Engine
    from wizard.engine.session import Options
    from wizard.errors import InputError

    source = AnswerSource(flags={"api_url": sandbox.base_url}, answers_file=tmp_path / "brik-onboard.yml")
    factory = session_factory(source, Connection(), Options(), environ={"GH_TOKEN": sandbox.token}, run_lock=False)
    session = factory(FlagQuestioner(yes=True, interactive=False), lambda event: None)
    with pytest.raises(InputError, match="no repository given") as raised:
        Engine(session).run()
    assert raised.value.hint is not None and "--repo" in raised.value.hint


def test_the_prompts_stopped_by_an_error_still_write_the_summary_file(sandbox, tmp_path: Path) -> None:
    import io

    from tests.prompts_helpers import ScriptedPrompter
    from wizard.app.options import AnswerSource, Connection
    from wizard.app.sessions import session_factory
    from wizard.engine.session import Options
    from wizard.prompt_face.run import run_prompts

    source = AnswerSource(flags={"api_url": sandbox.base_url}, answers_file=tmp_path / "brik-onboard.yml")
    factory = session_factory(source, Connection(), Options(), environ={"GH_TOKEN": sandbox.token}, run_lock=False)
    summary = tmp_path / "summary.md"
    out, err = io.StringIO(), io.StringIO()
    code = run_prompts(factory, prompter=ScriptedPrompter([]), out=out, err=err, summary_file=summary)
    assert code == 2 and "no repository given" in err.getvalue()
    text = summary.read_text()
    assert "— stopped" in text and "Stopped: no repository given" in text and "nothing" in text
    assert sandbox.token not in out.getvalue() + err.getvalue() + text
