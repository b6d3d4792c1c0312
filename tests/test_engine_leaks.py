"""No secret value anywhere the wizard writes: stdout, stderr, the answers and state files, the written workflow
(local and on GitHub) and the engine's own log, searched for every value as is, base64 and URL-encoded.
The admin token is one of the secrets. Failing runs are searched too: error messages must name, never echo."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine_helpers import (
    ORG,
    WORKFLOW_PATH,
    Onboarding,
    fake_token,
    file_on,
    leaks_in,
    run_brik,
    texts_of,
)


def scan(ob: Onboarding, result, values: list[str], *extra: Path) -> None:
    assert ob.log.is_file() and ob.log.stat().st_size > 0, "the engine logged its events"
    texts = texts_of(result, ob.answers, ob.state_file, ob.log, *extra)
    for path in (WORKFLOW_PATH, ".github/brik-onboard.yml"):
        texts[f"github:{path}"] = file_on(ob.sandbox, path) or ""
    assert leaks_in(texts, values) == []


def test_full_apply_with_a_pat_from_the_environment(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 0, result
    assert result.json["verdict"]["leaks"] == 0
    # The log records every event, the workflow text included: a real record, not an empty file.
    events = [json.loads(line)["event"] for line in ob.log.read_text().splitlines()]
    assert {"StepStarted", "StepChecked", "StepDone", "BuildUpdate", "VerdictReady"} <= set(events)
    scan(ob, result, [pat, ob.token])


def test_local_delivery_with_a_pat_from_stdin(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    ob = Onboarding(sandbox, tmp_path / "run")
    result = ob.apply(
        "--deliver",
        "local",
        "--checkout",
        str(checkout),
        "--strategy",
        "pat",
        "--scope",
        "environment",
        "--environment",
        "registry",
        "--secrets-from-stdin",
        stdin=f"REGISTRY_PAT={pat}\n",
    )
    assert result.returncode == 0, result
    scan(ob, result, [pat, ob.token], checkout / WORKFLOW_PATH)


def test_refused_registry_pats_are_named_not_echoed(sandbox, tmp_path: Path) -> None:
    fine = sandbox.add_token(["write:packages"], login="ci-bot", fine_grained=True)
    unknown = fake_token()
    for index, value in enumerate((fine, unknown)):
        ob = Onboarding(sandbox, tmp_path / str(index), secret_env={"BRIK_SECRET_REGISTRY_PAT": value})
        result = ob.apply("--deliver", "commit", "--strategy", "pat")
        assert result.returncode == 3, result
        scan(ob, result, [value, ob.token])


def test_bad_admin_token_is_not_echoed(sandbox, tmp_path: Path) -> None:
    bad = fake_token()
    result = run_brik(
        "apply",
        "--repo",
        f"{ORG}/example-node-api",
        "--api-url",
        sandbox.base_url,
        "--yes",
        "--answers",
        str(tmp_path / "a.yml"),
        "--log",
        str(tmp_path / "engine.log"),
        env={"GH_TOKEN": bad},
    )
    assert result.returncode == 3, result.stderr
    assert "error:" in result.stderr and "Traceback" not in result.stderr
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    if (tmp_path / "engine.log").is_file():
        texts["log"] = (tmp_path / "engine.log").read_text()
    assert leaks_in(texts, [bad]) == []
