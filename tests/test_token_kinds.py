"""Token kinds as GitHub has them, over real HTTP to the sandbox: classic PATs (scopes), fine-grained PATs and
GitHub App installation tokens (permissions, X-Accepted-GitHub-Permissions, no identity for an installation);
and the org's plan against environments in private repositories."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.engine_helpers import (
    ORG,
    REPO,
    Onboarding,
    api,
    clear_request_log,
    fake_token,
    live_state,
    org_secrets,
    org_variables,
    request_log,
    writes,
)
from wizard.errors import ENVIRONMENTS_NEED_PLAN, EXIT_GITHUB_REFUSED, GitHubRefused
from wizard.github import connect
from wizard.github.tokens import accepted_permissions, permission_label, token_kind
from wizard.sandbox import Sandbox
from wizard.sandbox.auth import APP_PERMISSIONS
from wizard.sandbox.state import DEFAULT_SCOPES

TIME_FACTOR = 0.01
WORKFLOW_FILE = ".github/workflows/probe.yml"


def without(permissions: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in permissions.items() if k not in names}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def make_private(sandbox: Sandbox, full_name: str = REPO, *, internal: bool = False) -> None:
    owner, _, name = full_name.partition("/")
    repo = sandbox.state.find_repo(owner, name)
    assert repo is not None
    repo.private, repo.internal = True, internal


# the kind of a token -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("ghp_", "classic"),
        ("gho_", "classic"),
        ("github_pat_", "fine_grained"),
        ("ghs_", "installation"),
        ("ghu_", "app_user"),
        ("", "unknown"),
    ],
)
def test_token_kind_follows_githubs_prefixes(prefix: str, kind: str) -> None:
    assert token_kind(fake_token(prefix)) == kind


def test_accepted_permissions_header_reads_sets_and_alternatives() -> None:
    assert accepted_permissions("contents=write,workflows=write") == [[("contents", "write"), ("workflows", "write")]]
    assert accepted_permissions("repository_projects=write; organization_projects=admin") == [
        [("repository_projects", "write")],
        [("organization_projects", "admin")],
    ]
    assert accepted_permissions(None) == [] and accepted_permissions("") == []
    assert permission_label("workflows", "write") == "Workflows: write"
    assert permission_label("organization_secrets", "write") == "organization Secrets: write"


# the sandbox answers as GitHub ---------------------------------------------------------------------------
def test_sandbox_refuses_get_user_to_an_installation_token_as_github_does(sandbox) -> None:
    ghs = sandbox.add_installation_token()
    reply = api(sandbox, "GET", "/user", token=ghs)
    assert reply.status_code == 403
    assert reply.json()["message"] == "Resource not accessible by integration"
    assert reply.json()["documentation_url"] == "https://docs.github.com/rest/users/users#get-the-authenticated-user"
    assert "X-OAuth-Scopes" not in reply.headers
    listed = api(sandbox, "GET", "/installation/repositories?per_page=1", token=ghs)
    assert listed.status_code == 200 and listed.json()["total_count"] == len(sandbox.state.repos)
    assert listed.json()["repository_selection"] == "all"
    assert api(sandbox, "GET", "/installation/repositories", token=sandbox.token).status_code == 403  # not an installation


def test_sandbox_holds_fine_grained_tokens_to_permissions_and_names_them(sandbox) -> None:
    fine = sandbox.add_token(permissions=without(APP_PERMISSIONS, "secrets"))
    key = api(sandbox, "GET", f"/repos/{REPO}/actions/secrets/public-key", token=fine)
    assert key.status_code == 403
    assert key.json()["message"] == "Resource not accessible by personal access token"
    assert key.headers["X-Accepted-GitHub-Permissions"] == "secrets=read"
    assert "X-OAuth-Scopes" not in key.headers
    readable = api(sandbox, "GET", f"/repos/{REPO}", token=fine)
    assert readable.status_code == 200 and readable.headers["X-Accepted-GitHub-Permissions"] == "metadata=read"
    ghs = sandbox.add_installation_token(without(APP_PERMISSIONS, "environments"))
    env = api(sandbox, "PUT", f"/repos/{REPO}/environments/production", token=ghs, body={})
    assert env.status_code == 403 and env.json()["message"] == "Resource not accessible by integration"
    assert env.headers["X-Accepted-GitHub-Permissions"] == "environments=write"


def test_sandbox_hides_a_workflow_file_write_without_the_workflows_permission(sandbox) -> None:
    fine = sandbox.add_token(permissions=without(APP_PERMISSIONS, "workflows"))
    body = {"message": "probe", "content": "bmFtZTogcHJvYmUK"}
    reply = api(sandbox, "PUT", f"/repos/{REPO}/contents/{WORKFLOW_FILE}", token=fine, body=body)
    assert reply.status_code == 404
    assert reply.headers["X-Accepted-GitHub-Permissions"] == "contents=write,workflows=write"
    assert api(sandbox, "PUT", f"/repos/{REPO}/contents/README-probe.md", token=fine, body=body).status_code == 201


def test_org_plan_shows_to_owners_only(sandbox) -> None:
    assert api(sandbox, "GET", f"/orgs/{ORG}").json()["plan"]["name"] == "free"  # admin:org
    member = sandbox.add_token(["repo", "read:org"])
    assert "plan" not in api(sandbox, "GET", f"/orgs/{ORG}", token=member).json()
    app = sandbox.add_installation_token()  # a sensibly configured App: no organization Plan permission
    assert "plan" not in api(sandbox, "GET", f"/orgs/{ORG}", token=app).json()
    planned = sandbox.add_installation_token({**APP_PERMISSIONS, "organization_plan": "read"})
    assert api(sandbox, "GET", f"/orgs/{ORG}", token=planned).json()["plan"]["name"] == "free"


@pytest.mark.parametrize(("plan", "status"), [("free", 403), ("team", 200), ("enterprise", 200)])
def test_environments_in_a_private_repo_need_a_paid_plan(plan: str, status: int) -> None:
    with Sandbox(time_factor=TIME_FACTOR, plan=plan) as sandbox:
        assert api(sandbox, "PUT", f"/repos/{REPO}/environments/production", body={}).status_code == 200  # public: every plan
        make_private(sandbox)
        reply = api(sandbox, "PUT", f"/repos/{REPO}/environments/staging", body={})
        assert reply.status_code == status, reply.text
        secrets = api(sandbox, "GET", f"/repos/{REPO}/environments/production/secrets/public-key")
        assert secrets.status_code == (403 if plan == "free" else 200)
        if plan == "free":
            assert reply.json()["message"] == "Upgrade to GitHub Pro or make this repository public to enable this feature."


def test_seed_file_sets_plans_visibility_and_token_kinds(tmp_path: Path, monkeypatch) -> None:
    value = fake_token("ghs_")
    monkeypatch.setenv("SEED_APP_TOKEN", value)
    seed = {
        "orgs": [{"login": "acme", "plan": "enterprise"}, {"login": "tiny"}],
        "repos": [
            {"full_name": "acme/inner", "visibility": "internal", "files": {"README.md": "hi\n"}},
            {"full_name": "tiny/secret", "private": True, "files": {"README.md": "hi\n"}},
        ],
        "tokens": [
            {"login": "app", "installation": True, "value_env": "SEED_APP_TOKEN"},
            {"login": "carol", "permissions": {"contents": "read"}},
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    with Sandbox(seed_file=path, plan="team") as sandbox:
        assert api(sandbox, "GET", "/orgs/acme").json()["plan"]["name"] == "enterprise"
        assert api(sandbox, "GET", "/orgs/tiny").json()["plan"]["name"] == "team"  # --plan for orgs naming none
        assert api(sandbox, "GET", "/orgs/BrikByte-Studios").json()["plan"]["name"] == "team"
        inner = api(sandbox, "GET", "/repos/acme/inner").json()
        assert (inner["visibility"], inner["private"]) == ("internal", True)
        assert api(sandbox, "GET", "/user", token=value).status_code == 403
        carol = sandbox.seeded_tokens["carol"]
        assert carol.startswith("github_pat_")
        assert api(sandbox, "GET", "/repos/tiny/secret/contents/README.md", token=carol).status_code == 200
        assert api(sandbox, "GET", f"/repos/{REPO}/actions/secrets/public-key", token=carol).status_code == 403


# the tool --------------------------------------------------------------------------------------------------
def test_whoami_of_an_installation_token_has_no_identity_and_never_asks_get_user(sandbox) -> None:
    adapter = connect(sandbox.base_url, sandbox.add_installation_token())
    try:
        clear_request_log(sandbox)
        me = adapter.whoami()
        assert (me.login, me.scopes, me.kind) == (None, None, "installation")
        assert [r["path"] for r in request_log(sandbox)] == ["/installation/repositories"]
        assert adapter.org_plan(ORG) is None  # hidden from an App without the organization Plan permission
    finally:
        adapter.close()
    fine = connect(sandbox.base_url, sandbox.add_token(["repo"], fine_grained=True))
    try:
        assert (fine.whoami().login, fine.whoami().kind) == ("octo-admin", "fine_grained")
    finally:
        fine.close()


@pytest.mark.parametrize(
    ("kind", "says", "hint_says", "hint_never"),
    [
        ("classic", "needs the token's `workflow` scope", "gh auth refresh -s workflow", "Workflows: write"),
        ("fine_grained", "needs the token's Workflows: write permission", "Fine-grained tokens", "gh auth refresh"),
        ("installation", "needs the GitHub App's Workflows: write permission", "--deliver local", "gh auth refresh"),
    ],
)
def test_a_404_on_a_workflow_file_gets_the_hint_of_its_token_kind(sandbox, kind: str, says: str, hint_says: str, hint_never: str) -> None:
    if kind == "classic":
        token = sandbox.add_token(["repo", "admin:org"])
    elif kind == "fine_grained":
        token = sandbox.add_token(permissions=without(APP_PERMISSIONS, "workflows"))
    else:
        token = sandbox.add_installation_token(without(APP_PERMISSIONS, "workflows"))
    adapter = connect(sandbox.base_url, token, retries=0)
    try:
        with pytest.raises(GitHubRefused) as caught:
            adapter.put_file(REPO, WORKFLOW_FILE, "name: probe\n", "probe", "main", None)
    finally:
        adapter.close()
    error = caught.value
    assert error.exit_code == EXIT_GITHUB_REFUSED
    assert says in error.message, error.message
    assert error.hint and hint_says in error.hint and hint_never not in error.hint, error.hint
    assert token not in error.render()


def test_a_fine_grained_refusal_names_the_missing_permission(sandbox, tmp_path: Path) -> None:
    # The first org-level call of the default plan reads the org's REGISTRY_URL variable.
    token = sandbox.add_token(permissions=without(APP_PERMISSIONS, "organization_actions_variables"))
    ob = Onboarding(sandbox, tmp_path, token=token)
    result = ob.apply("--deliver", "commit", "--skip-validation")
    assert result.returncode == 3, result
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and "the token needs the organization Variables: read permission" in lines[0], result.stderr
    assert "Fine-grained tokens" in result.stderr and "Traceback" not in result.stderr
    assert token not in result.output


@pytest.mark.slow
def test_apply_with_an_installation_token_onboards_the_sample_repo(tmp_path: Path) -> None:
    ghs = fake_token("ghs_")
    with Sandbox(token=ghs, time_factor=TIME_FACTOR) as sandbox:
        clear_request_log(sandbox)
        ob = Onboarding(sandbox, tmp_path)
        result = ob.apply("--deliver", "commit")
        assert result.returncode == 0, result
        assert result.json["verdict"]["passed"] is True
        assert "connected with a GitHub App installation token" in result.stderr
        assert not any(r["path"] == "/user" for r in request_log(sandbox)), "GET /user is not for Apps"
        assert "REGISTRY_URL" in org_variables(live_state(sandbox))
        assert ghs not in result.output
        clear_request_log(sandbox)
        again = ob.apply("--deliver", "commit", "--skip-validation")
        assert again.returncode == 0, again
        assert writes(request_log(sandbox)) == [], "a second run with the same answers writes nothing"


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    """`brik-onboard sandbox serve ARGS` in a child; its API base URL once it says it is serving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "sandbox", "serve", *args], stdout=subprocess.PIPE, text=True, env={**os.environ}
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("GitHub sandbox API: http://127.0.0.1:"), first
    return process, first.split(": ", 1)[1].strip()


@pytest.mark.slow
def test_apply_against_sandbox_serve_with_an_installation_token(tmp_path: Path) -> None:
    ghs = fake_token("ghs_")
    process, base_url = _serve("--token", ghs, "--time-factor", str(TIME_FACTOR))
    try:
        served = SimpleNamespace(base_url=base_url, token=ghs)
        result = Onboarding(served, tmp_path).apply("--deliver", "commit")
        assert result.returncode == 0, result
        assert result.json["verdict"]["passed"] is True
        assert not any(r["path"] == "/user" for r in request_log(served))
        assert ghs not in result.output
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("internal", [False, True])
def test_environment_scope_on_a_private_repo_of_a_free_org_stops_before_any_write(tmp_path: Path, internal: bool) -> None:
    with Sandbox(time_factor=TIME_FACTOR, plan="free") as sandbox:
        make_private(sandbox, internal=internal)
        clear_request_log(sandbox)
        ob = Onboarding(sandbox, tmp_path)
        result = ob.apply("--scope", "environment", "--environment", "production")
        assert result.returncode == 3, result
        lines = error_lines(result.stderr)
        assert len(lines) == 1, result.stderr
        assert ("internal" if internal else "private") in lines[0] and "GitHub Free" in lines[0] and "nothing was written" in lines[0]
        assert "hint: use --scope org" in result.stderr and "Traceback" not in result.stderr
        assert writes(request_log(sandbox)) == []
        assert not ob.answers.exists()


def test_environment_scope_on_a_private_repo_works_on_the_team_plan(tmp_path: Path) -> None:
    with Sandbox(time_factor=TIME_FACTOR, plan="team") as sandbox:
        make_private(sandbox)
        result = Onboarding(sandbox, tmp_path).apply(
            "--scope", "environment", "--environment", "production", "--deliver", "commit", "--skip-validation"
        )
        assert result.returncode == 0, result
        envs = [e["name"] for r in live_state(sandbox)["repos"] if r["full_name"] == REPO for e in r["environments"]]
        assert envs == ["production"]


def test_a_hidden_plan_is_not_guessed_and_githubs_refusal_says_the_same(tmp_path: Path) -> None:
    """An App without the organization Plan permission cannot see the plan: the environment write is tried,
    and GitHub's refusal becomes the same one line and exit 3."""
    with Sandbox(token=fake_token("ghs_"), time_factor=TIME_FACTOR, plan="free") as sandbox:
        make_private(sandbox)
        clear_request_log(sandbox)
        result = Onboarding(sandbox, tmp_path).apply("--scope", "environment", "--environment", "production")
        assert result.returncode == 3, result
        lines = error_lines(result.stderr)
        assert len(lines) == 1 and ENVIRONMENTS_NEED_PLAN in lines[0], result.stderr
        assert "hint: use --scope org" in result.stderr and "Traceback" not in result.stderr
        refused = [r for r in request_log(sandbox) if r["method"] != "GET"]
        assert [(r["method"], r["path"], r["status"]) for r in refused] == [("PUT", f"/repos/{REPO}/environments/production", 403)]


def test_auth_status_with_an_installation_token_names_no_user(sandbox) -> None:
    from tests.cli_helpers import run_cli

    ghs = sandbox.add_installation_token()
    done = run_cli("auth", "status", "--api-url", sandbox.base_url, env={"GH_TOKEN": ghs})
    assert done.returncode == 0, done.stderr
    assert "no user (GitHub App installation token)" in done.stdout and ghs not in done.stdout + done.stderr


def test_the_default_sandbox_token_keeps_its_scopes() -> None:
    with Sandbox(time_factor=TIME_FACTOR) as sandbox:
        reply = api(sandbox, "GET", "/user")
        assert reply.headers["X-OAuth-Scopes"] == ", ".join(sorted(DEFAULT_SCOPES))


@pytest.mark.slow
def test_the_wizard_shows_an_installation_token_without_a_user_and_ticks_no_permission(sandbox, tmp_path: Path) -> None:
    import asyncio

    from tests.tui_helpers import complete_steps, screen_text, wait_for, wait_screen, wait_status, wizard_on

    def shows(text: str):
        return lambda: text in " ".join(screen_text(app).split())

    app = wizard_on(sandbox, tmp_path, token=sandbox.add_installation_token())

    async def scenario() -> None:
        async with app.run_test(size=(110, 36)) as pilot:
            await wait_status(pilot, "connect", "ready")
            await wait_for(pilot, shows("no user (GitHub App installation token)"), "the connect facts")
            await complete_steps(pilot, ("connect", "repository"))
            await wait_status(pilot, "preflight", "ready")
            await wait_screen(pilot, "PreflightScreen")
            await wait_for(pilot, shows("Permissions this plan needs (GitHub checks each call)"), "the preflight facts")
            text = " ".join(screen_text(app).split())
            assert "• Workflows: write" in text and "✔ Workflows" not in text

    asyncio.run(scenario())
