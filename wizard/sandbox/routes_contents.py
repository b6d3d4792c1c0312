"""Contents API (get, create/update, delete) and branches."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, g, request

from wizard.sandbox import events
from wizard.sandbox.api import (
    ApiError,
    accept_scopes,
    body_json,
    find_repo,
    json_response,
    not_found,
    require_fields,
    state,
    token_account,
)
from wizard.sandbox.auth import has_scope
from wizard.sandbox.gitstore import Signature
from wizard.sandbox.model import Repo
from wizard.sandbox.render_git import branch, content_entry, content_file, git_commit
from wizard.sandbox.state import utcnow

bp = Blueprint("contents", __name__)
WORKFLOWS_DIR = ".github/workflows/"


def resolve_ref(repo: Repo, ref: str | None) -> tuple[str, str]:
    """(commit sha, ref name for links) for a branch, `refs/heads/x`, or a (short) commit SHA."""
    name = ref or repo.default_branch
    short = name.removeprefix("refs/heads/")
    if short in repo.branches:
        return repo.branches[short], short
    full = repo.git.resolve_prefix(name)
    if full:
        return full, full
    raise ApiError(404, f"No commit found for the ref {name}")


def _entries(repo: Repo, sha: str, directory: str, ref: str) -> list[dict[str, Any]]:
    prefix = f"{directory}/" if directory else ""
    files, dirs = {}, set()
    for path, blob in repo.git.commits[sha].files.items():
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        if "/" in rest:
            dirs.add(rest.split("/", 1)[0])
        else:
            files[rest] = blob
    out = [content_entry(repo, prefix + d, sha, 0, "dir", ref) for d in sorted(dirs)]
    out += [content_entry(repo, prefix + f, b, len(repo.git.blobs[b]), "file", ref) for f, b in sorted(files.items())]
    return sorted(out, key=lambda e: e["name"])


@bp.get("/repos/<owner>/<name>/contents", defaults={"path": ""})
@bp.get("/repos/<owner>/<name>/contents/<path:path>")
def get_contents(owner: str, name: str, path: str) -> Response:
    path = path.strip("/")
    with state().lock:
        repo = find_repo(owner, name)
        sha, ref = resolve_ref(repo, request.args.get("ref"))
        blob = repo.git.commits[sha].files.get(path)
        if blob is not None:
            data = repo.git.blobs[blob]
            if "raw" in request.headers.get("Accept", ""):
                return Response(data, mimetype="application/octet-stream")
            return json_response(content_file(repo, path, blob, data, ref))
        entries = _entries(repo, sha, path, ref)
        if not entries:
            not_found()
        return json_response(entries)


def _signature(raw: Any, fallback: Signature) -> Signature:
    if not isinstance(raw, dict) or not raw.get("name") or not raw.get("email"):
        return fallback
    date = fallback.date
    if isinstance(raw.get("date"), str):
        try:
            date = datetime.fromisoformat(raw["date"].replace("Z", "+00:00"))
        except ValueError:
            pass
    return Signature(str(raw["name"]), str(raw["email"]), date)


def _writer(body: dict[str, Any]) -> tuple[Signature, Signature]:
    account = token_account()
    me = Signature(account.name or account.login, account.email or f"{account.login}@users.noreply.example", utcnow())
    committer = _signature(body.get("committer"), me)
    return _signature(body.get("author"), committer), committer


def _writable(owner: str, name: str, path: str) -> Repo:
    repo = find_repo(owner, name, write=True)
    if path.startswith(WORKFLOWS_DIR):
        accept_scopes("repo", "workflow")
        if not has_scope(g.token, "workflow"):
            not_found()  # GitHub hides workflow files from tokens without the workflow scope
    return repo


def _branch(repo: Repo, body: dict[str, Any]) -> str:
    name = body.get("branch") or repo.default_branch
    if not isinstance(name, str) or name.removeprefix("refs/heads/") not in repo.branches:
        raise ApiError(404, f"Branch {name} not found")
    return name.removeprefix("refs/heads/")


@bp.put("/repos/<owner>/<name>/contents/<path:path>")
def put_contents(owner: str, name: str, path: str) -> Response:
    body = body_json()
    path = path.strip("/")
    with state().lock:
        repo = _writable(owner, name, path)
        require_fields(body, "message", "content")
        try:
            data = base64.b64decode(str(body["content"]), validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "content is not valid Base64")
        target = _branch(repo, body)
        before = repo.branches[target]
        current = repo.git.commits[before].files.get(path)
        if current is not None:
            if "sha" not in body:
                raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
            if body["sha"] != current:
                raise ApiError(409, f"{path} does not match {body['sha']}")
        author, committer = _writer(body)
        commit = state().commit_files(repo, target, {path: data}, str(body["message"]), author, committer)
        blob = commit.files[path]
        answer = {"content": content_entry(repo, path, blob, len(data), "file", target), "commit": git_commit(repo, commit)}
        events.pushed(state(), repo, target, before, commit.sha, g.token.login)
        return json_response(answer, 200 if current is not None else 201)


@bp.delete("/repos/<owner>/<name>/contents/<path:path>")
def delete_contents(owner: str, name: str, path: str) -> Response:
    body = body_json()
    path = path.strip("/")
    with state().lock:
        repo = _writable(owner, name, path)
        require_fields(body, "message", "sha")
        target = _branch(repo, body)
        before = repo.branches[target]
        current = repo.git.commits[before].files.get(path)
        if current is None:
            not_found()
        if body["sha"] != current:
            raise ApiError(409, f"{path} does not match {body['sha']}")
        author, committer = _writer(body)
        commit = state().commit_files(repo, target, {path: None}, str(body["message"]), author, committer)
        events.pushed(state(), repo, target, before, commit.sha, g.token.login)
        return json_response({"content": None, "commit": git_commit(repo, commit)})


@bp.get("/repos/<owner>/<name>/branches/<path:branch_name>")
def get_branch(owner: str, name: str, branch_name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        sha = repo.branches.get(branch_name)
        if sha is None:
            raise ApiError(404, "Branch not found")
        return json_response(branch(repo, branch_name, repo.git.commits[sha], state().find_account(g.token.login)))
