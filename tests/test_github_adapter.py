"""The PyGithub adapter over real HTTP against the embedded sandbox: every port method on the sample repo."""

from __future__ import annotations

import secrets
import traceback
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests

from tests.github_adapter_helpers import (  # noqa: F401 - gh, hello: fixtures
    HELLO,
    HELLO_PATH,
    LOG_LINE,
    ORG,
    REPO,
    fake_token,
    gh,
    hello,
    logged,
    org_secret_state,
    repo_state,
    sha256,
    wait_completed,
)
from wizard.engine.port import DispatchUnsupported, GitHubPort
from wizard.errors import EXIT_GITHUB_REFUSED, GitHubRefused
from wizard.github import connect


# identity -----------------------------------------------------------------------------------------------
def test_adapter_implements_the_port(gh):
    port_methods = {n for n in vars(GitHubPort) if not n.startswith("_")}
    assert port_methods <= set(dir(gh))
    assert isinstance(gh.api_url, str)


def test_default_api_url_is_github_com():
    adapter = connect(None, fake_token())
    assert adapter.api_url == "https://api.github.com"
    adapter.close()


def test_whoami_reads_login_and_classic_scopes(gh, sandbox, admin_token):
    me = gh.whoami()
    assert me.login == "octo-admin"
    assert me.scopes == sandbox.state.token(admin_token).scopes


def test_token_info_of_another_token(gh, sandbox):
    classic = sandbox.add_token(("write:packages", "read:packages"), login="registry-bot")
    fine = sandbox.add_token(("write:packages",), login="registry-bot", fine_grained=True)
    assert gh.token_info(classic).login == "registry-bot"
    assert gh.token_info(classic).scopes == frozenset({"write:packages", "read:packages"})
    assert gh.token_info(fine).scopes is None  # fine-grained tokens send no X-OAuth-Scopes
    assert gh.whoami().login == "octo-admin"  # the adapter's own token is untouched


def test_refused_token_is_exit_3_without_the_token(sandbox):
    token = fake_token()
    adapter = connect(sandbox.base_url, token)
    with pytest.raises(GitHubRefused) as caught:
        adapter.whoami()
    error = caught.value
    assert error.exit_code == EXIT_GITHUB_REFUSED
    assert "the token was refused (bad credentials)" in error.message
    shown = error.render() + "".join(traceback.format_exception(error)) + repr(adapter)
    assert token not in shown


def test_token_info_of_a_refused_token_does_not_show_it(gh):
    token = fake_token()
    with pytest.raises(GitHubRefused) as caught:
        gh.token_info(token)
    assert "bad credentials" in caught.value.message
    assert token not in caught.value.render() + "".join(traceback.format_exception(caught.value))


# repository, files, branches ----------------------------------------------------------------------------
def test_get_repo(gh, sandbox):
    info = gh.get_repo(REPO)
    state = repo_state(sandbox)
    assert (info.full_name, info.id, info.default_branch) == (REPO, state["id"], state["default_branch"])
    assert info.owner == ORG and info.owner_is_org
    assert info.private == state["private"]


def test_get_repo_missing_is_refused_as_not_found(gh):
    with pytest.raises(GitHubRefused) as caught:
        gh.get_repo(f"{ORG}/no-such-repo")
    assert "not found or not visible to this token" in caught.value.message


def test_get_file_and_missing_file(gh):
    package = gh.get_file(REPO, "package.json")
    assert package is not None and '"name"' in package.text and len(package.sha) == 40
    assert gh.get_file(REPO, "no/such/file.txt") is None


def test_put_file_creates_then_updates_with_sha(gh, sandbox):
    commit = gh.put_file(REPO, "docs/note.txt", "one\n", "add note", "main", None)
    assert commit == gh.branch_sha(REPO, "main")
    first = gh.get_file(REPO, "docs/note.txt")
    assert first.text == "one\n"
    commit2 = gh.put_file(REPO, "docs/note.txt", "two\n", "update note", "main", first.sha)
    assert commit2 != commit and commit2 == gh.branch_sha(REPO, "main")
    assert gh.get_file(REPO, "docs/note.txt").text == "two\n"
    with pytest.raises(GitHubRefused):  # stale sha: GitHub answers 409, nothing overwritten
        gh.put_file(REPO, "docs/note.txt", "three\n", "stale", "main", first.sha)
    assert gh.get_file(REPO, "docs/note.txt").text == "two\n"


def test_branch_created_once_and_reused(gh, sandbox):
    head = gh.branch_sha(REPO, "main")
    assert gh.branch_sha(REPO, "brik-onboard/setup") is None
    gh.create_branch(REPO, "brik-onboard/setup", head)
    gh.create_branch(REPO, "brik-onboard/setup", head)  # already there at our commit: fine
    assert gh.branch_sha(REPO, "brik-onboard/setup") == head
    assert gh.resolve_ref(REPO, "brik-onboard/setup") == head
    assert gh.resolve_ref(REPO, head) == head
    gh.put_file(REPO, "x.txt", "x\n", "move main", "main", None)
    with pytest.raises(GitHubRefused) as caught:  # exists at another commit: say so, do not move it
        gh.create_branch(REPO, "brik-onboard/setup", gh.branch_sha(REPO, "main"))
    assert "already exists" in caught.value.message
    assert gh.branch_sha(REPO, "brik-onboard/setup") == head


def test_pull_request_created_once_and_reused(gh, sandbox):
    gh.create_branch(REPO, "brik-onboard/setup", gh.branch_sha(REPO, "main"))
    gh.put_file(REPO, "ci.txt", "ci\n", "add ci", "brik-onboard/setup", None)
    assert gh.find_pull(REPO, "brik-onboard/setup", "main") is None
    pull = gh.create_pull(REPO, "brik-onboard/setup", "main", "Onboard", "body")
    again = gh.create_pull(REPO, "brik-onboard/setup", "main", "Onboard", "body")
    assert again.number == pull.number
    assert (pull.state, pull.merged, pull.head_ref, pull.base_ref) == ("open", False, "brik-onboard/setup", "main")
    assert gh.find_pull(REPO, "brik-onboard/setup", "main").number == pull.number
    assert gh.get_pull(REPO, pull.number).html_url == pull.html_url
    assert len(repo_state(sandbox)["pulls"]) == 1


def test_pull_without_commits_shows_githubs_message(gh):
    gh.create_branch(REPO, "empty", gh.branch_sha(REPO, "main"))
    with pytest.raises(GitHubRefused) as caught:
        gh.create_pull(REPO, "empty", "main", "t", "b")
    assert "422" in caught.value.message and "No commits between" in caught.value.message


def test_missing_pull_is_not_found(gh):
    with pytest.raises(GitHubRefused) as caught:
        gh.get_pull(REPO, 9999)
    assert "not found or not visible to this token" in caught.value.message


def test_workflow_write_without_workflow_scope_names_it(sandbox):
    token = sandbox.add_token(("repo",))
    adapter = connect(sandbox.base_url, token)
    with pytest.raises(GitHubRefused) as caught:
        adapter.put_file(REPO, HELLO_PATH, HELLO, "add", "main", None)
    assert "`workflow` scope" in caught.value.message
    assert token not in caught.value.render()
    assert HELLO_PATH not in repo_state(sandbox)["files"]


# secrets and environments -----------------------------------------------------------------------------
def test_org_secret_selected_keeps_the_other_repositories(gh, sandbox):
    others = [sandbox.state.add_repo(ORG, name, {"README.md": b"x"}).id for name in ("svc-a", "svc-b")]
    me = gh.get_repo(REPO).id
    value = "reg-" + secrets.token_hex(8)
    assert gh.get_org_secret(ORG, "REGISTRY_TOKEN") is None
    gh.put_org_secret(ORG, "REGISTRY_TOKEN", value, "selected", tuple(others))
    gh.add_org_secret_repo(ORG, "REGISTRY_TOKEN", me)
    gh.add_org_secret_repo(ORG, "REGISTRY_TOKEN", me)  # idempotent
    info = gh.get_org_secret(ORG, "REGISTRY_TOKEN")
    assert info.visibility == "selected"
    assert set(info.selected_repository_ids) == {*others, me}
    assert info.updated_at is not None
    stored = org_secret_state(sandbox, "REGISTRY_TOKEN")
    assert stored["sha256"] == sha256(value)
    assert set(stored["selected_repositories"]) == {*others, me}


def test_org_secret_update_keeps_visibility_and_list(gh, sandbox):
    other = sandbox.state.add_repo(ORG, "svc-c", {"README.md": b"x"}).id
    gh.put_org_secret(ORG, "REGISTRY_TOKEN", "first-value", "selected", (other,))
    gh.put_org_secret(ORG, "REGISTRY_TOKEN", "second-value", "selected", (other,))
    stored = org_secret_state(sandbox, "REGISTRY_TOKEN")
    assert stored["sha256"] == sha256("second-value")
    assert stored["selected_repositories"] == [other]


def test_org_secret_visible_to_all(gh, sandbox):
    gh.put_org_secret(ORG, "REGISTRY_USERNAME", "robot", "all", ())
    info = gh.get_org_secret(ORG, "REGISTRY_USERNAME")
    assert info.visibility == "all" and info.selected_repository_ids == ()
    assert org_secret_state(sandbox, "REGISTRY_USERNAME")["sha256"] == sha256("robot")


def test_org_secret_without_admin_org_names_the_scope(sandbox):
    adapter = connect(sandbox.base_url, sandbox.add_token(("repo", "workflow")))
    value = "v-" + secrets.token_hex(8)
    with pytest.raises(GitHubRefused) as caught:
        adapter.put_org_secret(ORG, "REGISTRY_TOKEN", value, "all", ())
    assert "admin:org" in caught.value.message
    assert value not in caught.value.render()


def test_reading_an_org_secret_without_admin_org_is_refused_not_absent(sandbox):
    adapter = connect(sandbox.base_url, sandbox.add_token(("repo", "workflow")))
    with pytest.raises(GitHubRefused) as caught:
        adapter.get_org_secret(ORG, "REGISTRY_TOKEN")
    assert "admin:org" in caught.value.message


def test_environment_creation_is_idempotent(gh, sandbox):
    assert gh.get_environment(REPO, "ci/build") is False
    gh.create_environment(REPO, "ci/build")
    gh.create_environment(REPO, "ci/build")
    assert gh.get_environment(REPO, "ci/build") is True
    names = [e["name"] for e in repo_state(sandbox)["environments"]]
    assert names.count("ci/build") == 1


def test_environment_secret(gh, sandbox):
    gh.create_environment(REPO, "ci/build")
    assert gh.get_env_secret(REPO, "ci/build", "REGISTRY_TOKEN") is None
    gh.put_env_secret(REPO, "ci/build", "REGISTRY_TOKEN", "env-value")
    info = gh.get_env_secret(REPO, "ci/build", "REGISTRY_TOKEN")
    assert info.name == "REGISTRY_TOKEN" and info.updated_at is not None
    env = next(e for e in repo_state(sandbox)["environments"] if e["name"] == "ci/build")
    assert [s["sha256"] for s in env["secrets"]] == [sha256("env-value")]


def test_second_secret_in_a_scope_reuses_the_public_key(gh, sandbox):
    gh.put_org_secret(ORG, "ONE", "1", "all", ())
    gh.put_org_secret(ORG, "TWO", "2", "all", ())
    assert len(logged(sandbox, "GET", r"/orgs/[^/]+/actions/secrets/public-key$")) == 1


# actions ------------------------------------------------------------------------------------------------
def test_workflow_id_missing_is_none(gh):
    assert gh.workflow_id(REPO, ".github/workflows/none.yml") is None


def test_dispatch_rerun_attempts_jobs_and_logs(gh, sandbox, hello):
    run_id = gh.dispatch(REPO, hello, "main")
    assert [r["id"] for r in repo_state(sandbox)["runs"]] == [run_id]
    first = wait_completed(gh, run_id)
    assert (first.event, first.run_attempt, first.conclusion) == ("workflow_dispatch", 1, "success")
    assert first.head_sha == gh.branch_sha(REPO, "main")

    gh.rerun(REPO, run_id)
    second = wait_completed(gh, run_id)
    assert second.run_attempt == 2
    assert gh.get_attempt(REPO, run_id, 1).run_attempt == 1
    assert gh.get_attempt(REPO, run_id, 2).run_attempt == 2

    jobs = gh.attempt_jobs(REPO, run_id, 2)
    assert [j.name for j in jobs] == ["hello"]
    assert jobs[0].conclusion == "success" and jobs[0].steps
    assert gh.attempt_jobs(REPO, run_id, 1)[0].id != jobs[0].id
    log = gh.job_log(REPO, jobs[0].id)
    lines = log.splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines)


def test_find_runs_filters(gh, hello):
    before = datetime.now(UTC) - timedelta(minutes=1)
    run_id = gh.dispatch(REPO, hello, "main")
    head = gh.branch_sha(REPO, "main")
    assert [r.id for r in gh.find_runs(REPO, hello, event="workflow_dispatch", created_after=before)] == [run_id]
    assert [r.id for r in gh.find_runs(REPO, hello, head_sha=head)] == [run_id]
    assert gh.find_runs(REPO, hello, event="push") == []
    assert gh.find_runs(REPO, hello, created_after=datetime.now(UTC) + timedelta(hours=1)) == []


def test_rerun_with_debug_logging_sends_it_and_the_attempt_records_it(gh, sandbox, hello):
    run_id = gh.dispatch(REPO, hello, "main")
    wait_completed(gh, run_id)
    gh.rerun(REPO, run_id, debug_logging=True)
    assert wait_completed(gh, run_id).run_attempt == 2
    gh.rerun(REPO, run_id)
    assert wait_completed(gh, run_id).run_attempt == 3
    [run] = repo_state(sandbox)["runs"]
    assert [a["debug_logging"] for a in run["attempts"]] == [False, True, False]
    assert len(logged(sandbox, "POST", r"/rerun$")) == 2


def test_rerun_refusal_is_raised(gh, sandbox, hello):
    run_id = gh.dispatch(REPO, hello, "main")
    wait_completed(gh, run_id)
    sandbox.faults.add("POST", r"/rerun$", status=403)  # PyGithub's WorkflowRun.rerun() would return False
    with pytest.raises(GitHubRefused) as caught:
        gh.rerun(REPO, run_id)
    assert "403" in caught.value.message
    assert len(logged(sandbox, "POST", r"/rerun$")) == 1
    assert gh.get_run(REPO, run_id).run_attempt == 1


def test_dispatch_on_a_server_refusing_run_details(gh, sandbox, hello):
    sandbox.state.legacy_dispatch_400 = True
    started = datetime.now(UTC) - timedelta(seconds=5)
    with pytest.raises(DispatchUnsupported):
        gh.dispatch(REPO, hello, "main")
    gh.dispatch_without_details(REPO, hello, "main")
    runs = gh.find_runs(REPO, hello, event="workflow_dispatch", created_after=started)
    assert len(runs) == 1 == len(repo_state(sandbox)["runs"])


def test_polling_is_conditional_and_counted(gh, sandbox, hello):
    run_id = gh.dispatch(REPO, hello, "main")
    wait_completed(gh, run_id)
    before = gh.stats["not_modified"]
    gh.get_run(REPO, run_id)
    gh.get_run(REPO, run_id)
    assert gh.stats["not_modified"] == before + 2
    answered_304 = [e for e in logged(sandbox, "GET", rf"/actions/runs/{run_id}$") if e["status"] == 304]
    assert len(answered_304) == gh.stats["not_modified"]
    assert gh.stats["polls"] >= gh.stats["not_modified"] + 1


def test_polling_without_etags(sandbox, admin_token, hello):
    adapter = connect(sandbox.base_url, admin_token, poll_etag=False)
    run_id = adapter.dispatch(REPO, hello, "main")
    adapter.get_run(REPO, run_id)
    adapter.get_run(REPO, run_id)
    assert adapter.stats["not_modified"] == 0
    assert all(e["status"] == 200 for e in logged(sandbox, "GET", rf"/actions/runs/{run_id}$"))


def test_job_log_download_carries_no_authorization(gh, sandbox, hello, admin_token, monkeypatch):
    run_id = gh.dispatch(REPO, hello, "main")
    wait_completed(gh, run_id)
    job = gh.attempt_jobs(REPO, run_id, 1)[0]

    sent: list[tuple[str, dict[str, str]]] = []
    real_send = requests.Session.send

    def spy(self, request, **kwargs):
        sent.append((request.url, dict(request.headers)))
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", spy)
    text = gh.job_log(REPO, job.id)
    api_calls = [h for url, h in sent if f"/actions/jobs/{job.id}/logs" in url]
    downloads = [h for url, h in sent if "/_sandbox/blobs/" in url]
    assert len(api_calls) == 1 and "Authorization" in api_calls[0]
    assert len(downloads) == 1 and "Authorization" not in downloads[0]

    # and the redirect target really serves the log to a client that has no token at all
    monkeypatch.undo()
    answer = requests.get(
        f"{sandbox.base_url}/repos/{REPO}/actions/jobs/{job.id}/logs",
        headers={"Authorization": f"token {admin_token}"},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    assert requests.get(answer.headers["Location"]).text == text
