"""Contents, branches, refs and pull requests: real git object names, GitHub's conflict rules, and merges
that move the base branch (a push)."""

from __future__ import annotations

import base64
import hashlib

from tests.sandbox_client import CALLER_WORKFLOW, ORG, REPO, Client, b64

R = f"/repos/{REPO}"


def _git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_contents_are_base64_with_gits_blob_sha(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    answer = admin.get(f"{R}/contents/Dockerfile", expect=200).json()
    data = base64.b64decode(answer["content"])
    assert answer["encoding"] == "base64" and data.startswith(b"# syntax=docker/dockerfile:1")
    assert answer["sha"] == _git_blob_sha(data)
    listing = admin.get(f"{R}/contents/src", expect=200).json()
    assert {entry["name"] for entry in listing} >= {"app.js", "server.js", "routes"}
    assert {entry["type"] for entry in listing} == {"file", "dir"}
    admin.get(f"{R}/contents/nope.txt", expect=404)
    admin.get(f"{R}/contents/Dockerfile?ref=no-such-branch", expect=404)


def test_create_update_and_delete_follow_githubs_sha_rules(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    created = admin.call("PUT", f"{R}/contents/docs/a.md", {"message": "add", "content": b64("one\n")}, expect=201)
    blob = created.json()["content"]["sha"]
    assert blob == _git_blob_sha(b"one\n")
    commit = created.json()["commit"]
    assert commit["message"] == "add" and len(commit["parents"]) == 1
    missing_sha = admin.call("PUT", f"{R}/contents/docs/a.md", {"message": "m", "content": b64("two\n")}, expect=422)
    assert '"sha" wasn\'t supplied.' in missing_sha.json()["message"]
    admin.call("PUT", f"{R}/contents/docs/a.md", {"message": "m", "content": b64("two\n"), "sha": "a" * 40}, expect=409)
    updated = admin.call("PUT", f"{R}/contents/docs/a.md", {"message": "m", "content": b64("two\n"), "sha": blob}, expect=200).json()
    assert updated["commit"]["parents"][0]["sha"] == commit["sha"]
    assert admin.get(f"{R}/branches/main", expect=200).json()["commit"]["sha"] == updated["commit"]["sha"]
    admin.call("DELETE", f"{R}/contents/docs/a.md", {"message": "rm", "sha": updated["content"]["sha"]}, expect=200)
    admin.get(f"{R}/contents/docs/a.md", expect=404)
    admin.call("PUT", f"{R}/contents/docs/b.md", {"message": "m", "content": "%%%"}, expect=422)
    admin.call("PUT", f"{R}/contents/docs/b.md", {"message": "m", "content": b64("x"), "branch": "nope"}, expect=404)


def test_workflow_files_need_the_workflow_scope_or_404(sandbox) -> None:
    repo_only = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    body = {"message": "add", "content": b64(CALLER_WORKFLOW)}
    refused = repo_only.call("PUT", f"{R}/contents/.github/workflows/build-image.yml", body, expect=404)
    assert refused.json()["message"] == "Not Found"
    repo_only.call("PUT", f"{R}/contents/docs/fine.md", {"message": "m", "content": b64("x")}, expect=201)
    with_workflow = Client(sandbox.base_url, sandbox.add_token(["repo", "workflow"]))
    with_workflow.call("PUT", f"{R}/contents/.github/workflows/build-image.yml", body, expect=201)


def test_refs_create_fast_forward_force_and_delete(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    main = admin.get(f"{R}/git/ref/heads/main", expect=200).json()["object"]["sha"]
    created = admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/topic", "sha": main}, expect=201)
    assert created.headers["Location"] == created.json()["url"]
    admin.call("POST", f"{R}/git/refs", {"ref": "heads/topic", "sha": main}, expect=422)
    admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/other", "sha": "b" * 40}, expect=422)
    admin.put_file(REPO, "topic.txt", "t\n", branch="topic", expect=201)
    admin.put_file(REPO, "main.txt", "m\n", expect=201)
    new_main = admin.get(f"{R}/git/ref/heads/main", expect=200).json()["object"]["sha"]
    admin.call("PATCH", f"{R}/git/refs/heads/topic", {"sha": new_main}, expect=422)  # diverged: not a fast forward
    admin.call("PATCH", f"{R}/git/refs/heads/topic", {"sha": new_main, "force": True}, expect=200)
    admin.get(f"{R}/contents/topic.txt?ref=topic", expect=404)
    admin.call("DELETE", f"{R}/git/refs/heads/main", expect=422)  # the default branch stays
    admin.call("DELETE", f"{R}/git/refs/heads/topic", expect=204)
    admin.get(f"{R}/branches/topic", expect=404)


def test_pull_request_merge_moves_main_and_starts_the_push_build(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    main = admin.get(f"{R}/git/ref/heads/main", expect=200).json()["object"]["sha"]
    admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/brik-onboard/setup", "sha": main}, expect=201)
    admin.call("POST", f"{R}/pulls", {"title": "x", "head": "brik-onboard/setup", "base": "main"}, expect=422)
    admin.put_file(REPO, ".github/workflows/build-image.yml", CALLER_WORKFLOW, branch="brik-onboard/setup", expect=201)
    assert admin.get(f"{R}/actions/runs", expect=200).json()["total_count"] == 0  # `on.push` is for main only
    pull = admin.call(
        "POST", f"{R}/pulls", {"title": "Build with Kaniko", "head": f"{ORG}:brik-onboard/setup", "base": "main", "body": "…"}, expect=201
    ).json()
    assert (pull["state"], pull["merged"], pull["commits"], pull["changed_files"]) == ("open", False, 1, 1)
    dup = admin.call("POST", f"{R}/pulls", {"title": "again", "head": "brik-onboard/setup", "base": "main"}, expect=422).json()
    assert dup["errors"][0]["message"].startswith("A pull request already exists")
    listed = admin.get(f"{R}/pulls?head={ORG}:brik-onboard/setup", expect=200).json()
    assert [p["number"] for p in listed] == [pull["number"]]
    head = admin.get(f"{R}/git/ref/heads/brik-onboard/setup", expect=200).json()["object"]["sha"]
    admin.call("PUT", f"{R}/pulls/{pull['number']}/merge", {"sha": main}, expect=409)
    merged = admin.call("PUT", f"{R}/pulls/{pull['number']}/merge", {"sha": head}, expect=200).json()
    assert merged["merged"] is True
    assert admin.get(f"{R}/branches/main", expect=200).json()["commit"]["sha"] == merged["sha"]
    admin.get(f"{R}/contents/.github/workflows/build-image.yml", expect=200)
    again = admin.get(f"{R}/pulls/{pull['number']}", expect=200).json()
    assert (again["state"], again["merged"], again["merge_commit_sha"]) == ("closed", True, merged["sha"])
    admin.call("PUT", f"{R}/pulls/{pull['number']}/merge", {}, expect=405)
    runs = admin.get(f"{R}/actions/runs?event=push&head_sha={merged['sha']}", expect=200).json()
    assert runs["total_count"] == 1 and runs["workflow_runs"][0]["head_branch"] == "main"


def test_conflicting_pull_request_is_not_mergeable(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    main = admin.get(f"{R}/git/ref/heads/main", expect=200).json()["object"]["sha"]
    admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/left", "sha": main}, expect=201)
    admin.put_file(REPO, "README.md", "left\n", branch="left", expect=200)
    admin.put_file(REPO, "README.md", "right\n", expect=200)
    pull = admin.call("POST", f"{R}/pulls", {"title": "t", "head": "left", "base": "main"}, expect=201).json()
    assert admin.get(f"{R}/pulls/{pull['number']}", expect=200).json()["mergeable"] is False
    admin.call("PUT", f"{R}/pulls/{pull['number']}/merge", {}, expect=405)
