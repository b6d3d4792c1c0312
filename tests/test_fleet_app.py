"""`brik-onboard fleet` authenticated as a GitHub App, over real HTTP to the sandbox: every worker sends the one
installation token, made once, renewed once as it nears its end (by the wizard's clock, one thread at a time);
the tokens are values the leak audit knows; no key or token in any output."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.app_keys import APP_ID, shared_key_pair
from tests.engine_helpers import clear_request_log, leaks_in, live_state, request_log, run_brik
from tests.test_fleet import fleet_file, lines, seed_fleet
from tests.test_fleet import writes as applied_writes
from wizard.app.flag_questioner import FlagQuestioner
from wizard.app.fleet_sessions import fleet_session_maker
from wizard.app.options import AnswerSource, Connection
from wizard.app.sessions import build_session
from wizard.core.fleet_spec import load_fleet
from wizard.core.pacing import Pacer
from wizard.engine.fleet_state import FleetStore
from wizard.engine.session import Options
from wizard.github.app_auth import RENEW_BEFORE, app_installation
from wizard.sandbox.seed import DEFAULT_ORG

NO_TOKEN = {"GH_TOKEN": ""}  # the App alone: no token anywhere
N = 20


def issued_tokens(sandbox) -> list[str]:
    return [t.value for t in sandbox.state.tokens.values() if t.expires_at is not None]


def key_material() -> list[str]:
    private = shared_key_pair()[0]
    body = "".join(private.strip().splitlines()[1:-1])
    return [private, body[:64], body[-64:]]


def made_tokens(log: list[dict]) -> list[dict]:
    return [r for r in log if r["path"].endswith("/access_tokens")]


@pytest.mark.slow
def test_fleet_apply_as_a_github_app_onboards_the_fleet_as_with_a_token(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    names = seed_fleet(app_sandbox, N)
    pat = app_sandbox.add_token(["write:packages"], login="ci-bot")
    path = fleet_file(tmp_path, names, api_url=app_sandbox.base_url)
    env = {**NO_TOKEN, "BRIK_SECRET_REGISTRY_PAT": pat}
    args = ("fleet", "apply", str(path), "--yes", "--json", "--validate", "sample:2", "--poll-interval", "0.2")
    args += ("--app-id", str(APP_ID), "--app-key", str(key_file))
    clear_request_log(app_sandbox)

    first = run_brik(*args, env=env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    repos = [e for e in lines(first.stdout) if e["event"] == "repo"]
    assert len(repos) == N and {e["outcome"] for e in repos} == {"done"}
    assert sum(1 for e in repos if e["verdict"] is True) == 2
    state = live_state(app_sandbox)
    for repo in state["repos"]:
        if repo["full_name"].split("/")[1] in names:
            assert ".github/workflows/build-image.yml" in repo["files"], repo["full_name"]
    org = next(o for o in state["orgs"] if o["login"] == DEFAULT_ORG)
    secret = next(s for s in org["secrets"] if s["name"] == "REGISTRY_PAT")
    by_id = {r["id"]: r["full_name"] for r in state["repos"]}
    assert sorted(by_id[i] for i in secret["selected_repositories"]) == sorted(f"{DEFAULT_ORG}/{n}" for n in names)
    assert state.get("secondary_limit_hits", 0) == 0
    log = request_log(app_sandbox)
    assert len(made_tokens(log)) == 1, "every worker sent the one installation token"
    assert not [r for r in log if r["status"] in (401, 403)]

    clear_request_log(app_sandbox)
    second = run_brik(*args, env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert {e["outcome"] for e in lines(second.stdout) if e["event"] == "repo"} == {"skipped"}
    # Not even an installation token: it is made when a request first needs it, and none did.
    assert applied_writes(request_log(app_sandbox)) == []

    texts = {
        "first stdout": first.stdout,
        "first stderr": first.stderr,
        "second": second.stdout + second.stderr,
        "progress": (tmp_path / "fleet.state.json").read_text(),
    }
    assert leaks_in(texts, [*key_material(), *issued_tokens(app_sandbox), pat]) == []
    assert "BEGIN RSA PRIVATE KEY" not in first.stderr + second.stderr


def test_workers_renew_the_shared_token_once_as_it_nears_its_end(app_sandbox, virtual_time) -> None:
    """Eight threads ask for the token at once, then again once it is within a minute of its end: one token made
    each time, never a second one beside it."""
    tokens = app_installation(app_sandbox.base_url, str(APP_ID), shared_key_pair()[0], DEFAULT_ORG)
    got: list[str] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        got.append(tokens.token())

    for _round in range(2):
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        virtual_time.sleep(app_sandbox.state.installation_token_ttl_s - RENEW_BEFORE.total_seconds() + 1)
    assert tokens.made == 2 and len(set(got)) == 2 and len(got) == 16
    assert len(made_tokens(request_log(app_sandbox))) == 2
    assert set(tokens.secrets()) == set(got) == set(issued_tokens(app_sandbox))


def test_installation_tokens_are_values_the_leak_audit_knows(app_sandbox, tmp_path: Path, key_file: Path) -> None:
    """For one repository (build_session) and for a fleet: the key, and each installation token once it is made."""
    names = seed_fleet(app_sandbox, 2)
    connection = Connection(app_id=str(APP_ID), app_key_file=key_file)
    spec = load_fleet(fleet_file(tmp_path, names, api_url=app_sandbox.base_url).read_text())
    make = fleet_session_maker(spec, connection, FleetStore(None), Pacer(), environ=NO_TOKEN)
    sessions = [make(entry, Options(), lambda _event: None) for entry in spec.repos]
    source = AnswerSource(flags={"repo": f"{DEFAULT_ORG}/{names[0]}", "api_url": app_sandbox.base_url})
    one = build_session(
        source,
        connection,
        FlagQuestioner(yes=True, interactive=False),
        lambda _e: None,
        options=Options(),
        environ=NO_TOKEN,
        run_lock=False,
    )
    for session in (*sessions, one):
        assert shared_key_pair()[0] in session.secrets.known_values()
        assert not [v for v in session.secrets.known_values() if v.startswith("ghs_")], "no token before the first request"
    sessions[0].port.get_repo(f"{DEFAULT_ORG}/{names[0]}")
    one.port.get_repo(f"{DEFAULT_ORG}/{names[0]}")
    fleet_token, own_token = issued_tokens(app_sandbox)
    assert fleet_token in sessions[1].secrets.known_values(), "a token one worker made is known to the others"
    assert own_token in one.secrets.known_values()
    assert len(made_tokens(request_log(app_sandbox))) == 2


def test_fleet_plan_as_a_github_app_not_installed_is_one_clear_line(sandbox, tmp_path: Path, key_file: Path) -> None:
    sandbox.add_app(APP_ID, shared_key_pair()[1], orgs=())
    names = seed_fleet(sandbox, 2)
    path = fleet_file(tmp_path, names, api_url=sandbox.base_url)
    result = run_brik("fleet", "plan", str(path), "--app-id", str(APP_ID), "--app-key", str(key_file), env=NO_TOKEN)
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: GitHub App {APP_ID} is not installed on {DEFAULT_ORG}"], result.stderr
    assert "Traceback" not in result.stderr and leaks_in({"err": result.stderr}, key_material()) == []
