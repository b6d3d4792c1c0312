"""Git refs (branches) and pull requests, including merge (which moves the base branch: a push)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, request

from wizard.sandbox import events
from wizard.sandbox.api import (
    ApiError,
    body_json,
    find_repo,
    int_arg,
    json_response,
    no_content,
    not_found,
    paginate,
    require_fields,
    state,
    token_account,
    validation_failed,
)
from wizard.sandbox.gitstore import MergeConflict, Signature
from wizard.sandbox.model import Pull, Repo
from wizard.sandbox.render_git import git_ref, pull_full, pull_simple
from wizard.sandbox.state import utcnow

bp = Blueprint("git", __name__)


def _branch_of(ref: str) -> str | None:
    """`heads/x` or `refs/heads/x` -> x; other refs (tags, notes) are not kept by the sandbox."""
    ref = ref.removeprefix("refs/")
    return ref[len("heads/") :] if ref.startswith("heads/") and len(ref) > len("heads/") else None


@bp.get("/repos/<owner>/<name>/git/ref/<path:ref>")
def get_ref(owner: str, name: str, ref: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        branch = _branch_of(ref)
        if branch is None or branch not in repo.branches:
            not_found()
        return json_response(git_ref(repo, f"refs/heads/{branch}", repo.branches[branch]))


@bp.post("/repos/<owner>/<name>/git/refs")
def create_ref(owner: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        require_fields(body, "ref", "sha")
        ref, sha = body["ref"], body["sha"]
        if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "ref must start with 'refs' and have at least two slashes.")
        branch = _branch_of(ref)
        if branch is None:
            raise ApiError(422, "The sandbox keeps branch refs (refs/heads/...) only.")
        if not isinstance(sha, str) or sha not in repo.git.commits:
            raise ApiError(422, "Object does not exist")
        if branch in repo.branches:
            raise ApiError(422, "Reference already exists")
        repo.branches[branch] = sha
        data = git_ref(repo, ref, sha)
        events.pushed(state(), repo, branch, None, sha, g.token.login)
        return json_response(data, 201, {"Location": data["url"]})


@bp.patch("/repos/<owner>/<name>/git/refs/<path:ref>")
def update_ref(owner: str, name: str, ref: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        require_fields(body, "sha")
        branch = _branch_of(ref)
        if branch is None or branch not in repo.branches:
            raise ApiError(422, "Reference does not exist")
        sha = body["sha"]
        if not isinstance(sha, str) or sha not in repo.git.commits:
            raise ApiError(422, "Object does not exist")
        before = repo.branches[branch]
        if not body.get("force") and not repo.git.is_ancestor(before, sha):
            raise ApiError(422, "Update is not a fast forward")
        repo.branches[branch] = sha
        if before != sha:
            events.pushed(state(), repo, branch, before, sha, g.token.login)
        return json_response(git_ref(repo, f"refs/heads/{branch}", sha))


@bp.delete("/repos/<owner>/<name>/git/refs/<path:ref>")
def delete_ref(owner: str, name: str, ref: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name, write=True)
        branch = _branch_of(ref)
        if branch is None or branch not in repo.branches:
            raise ApiError(422, "Reference does not exist")
        if branch == repo.default_branch:
            raise ApiError(422, "Cannot delete the default branch")
        del repo.branches[branch]
    return no_content()


# pull requests --------------------------------------------------------------------------------------
def _sides(repo: Repo, pull: Pull) -> tuple[str, str]:
    """(head sha, base sha): the merged head is frozen at merge time, a deleted branch keeps its last sha."""
    head = pull.head_sha_at_merge or repo.branches.get(pull.head) or ""
    return head, repo.branches.get(pull.base, "")


def _render(repo: Repo, pull: Pull, full: bool) -> dict[str, Any]:
    head, base = _sides(repo, pull)
    user = state().find_account(pull.user)
    assert user is not None, f"no account for {pull.user}"  # pulls are opened by a token's account (create_pull)
    if not full:
        return pull_simple(repo, pull, user, head, base)
    mergeable: bool | None = None
    commits = changed = 0
    if head and base and head in repo.git.commits:
        before = base
        if pull.merged and pull.merge_commit_sha in repo.git.commits:
            before = repo.git.commits[pull.merge_commit_sha].parents[0]
        commits = repo.git.ahead_count(head, before)
        root = repo.git.merge_base(before, head)
        root_files = repo.git.commits[root].files if root else {}
        head_files = repo.git.commits[head].files
        changed = sum(1 for p in set(root_files) | set(head_files) if root_files.get(p) != head_files.get(p))
        if pull.state == "open":
            try:
                repo.git.merged_files(base, head)
                mergeable = True
            except MergeConflict:
                mergeable = False
    merged_by = state().find_account(pull.merged_by) if pull.merged_by else None
    return pull_full(repo, pull, user, head, base, commits=commits, changed_files=changed, mergeable=mergeable, merged_by=merged_by)


def _find_pull(repo: Repo, number: str) -> Pull:
    n = int_arg(number)
    return next((p for p in repo.pulls if p.number == n), None) or not_found()


@bp.get("/repos/<owner>/<name>/pulls")
def list_pulls(owner: str, name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        wanted = request.args.get("state", "open")
        if wanted not in ("open", "closed", "all"):
            validation_failed("state must be one of open, closed, all", resource="PullRequest", field="state", code="invalid")
        pulls = [p for p in repo.pulls if wanted == "all" or p.state == wanted]
        if "head" in request.args:
            owner_part, _, branch = request.args["head"].rpartition(":")
            pulls = [p for p in pulls if p.head == branch and (not owner_part or owner_part.lower() == repo.owner.login.lower())]
        if "base" in request.args:
            pulls = [p for p in pulls if p.base == request.args["base"]]
        pulls.sort(key=lambda p: p.number, reverse=request.args.get("direction", "desc") == "desc")
        page, headers = paginate(pulls)
        return json_response([_render(repo, p, full=False) for p in page], headers=headers)


@bp.post("/repos/<owner>/<name>/pulls")
def create_pull(owner: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        require_fields(body, "head", "base")
        head_owner, _, head = str(body["head"]).rpartition(":")
        base = str(body["base"])
        if head_owner and head_owner.lower() != repo.owner.login.lower():
            validation_failed("", resource="PullRequest", field="head", code="invalid")
        if head not in repo.branches:
            validation_failed("", resource="PullRequest", field="head", code="invalid")
        if base not in repo.branches:
            validation_failed("", resource="PullRequest", field="base", code="invalid")
        if not body.get("title"):
            validation_failed("", resource="PullRequest", field="title", code="missing_field")
        if any(p.state == "open" and p.head == head and p.base == base for p in repo.pulls):
            validation_failed(f"A pull request already exists for {repo.owner.login}:{head}.", resource="PullRequest")
        if repo.git.ahead_count(repo.branches[head], repo.branches[base]) == 0:
            validation_failed(f"No commits between {base} and {head}", resource="PullRequest")
        now = utcnow()
        number = max((p.number for p in repo.pulls), default=0) + 1
        pull = Pull(
            number,
            state().next_id(),
            str(body["title"]),
            body.get("body"),
            head,
            base,
            g.token.login,
            now,
            now,
            draft=bool(body.get("draft", False)),
        )
        repo.pulls.append(pull)
        data = _render(repo, pull, full=True)
        return json_response(data, 201, {"Location": data["url"]})


@bp.get("/repos/<owner>/<name>/pulls/<number>")
def get_pull(owner: str, name: str, number: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        return json_response(_render(repo, _find_pull(repo, number), full=True))


@bp.patch("/repos/<owner>/<name>/pulls/<number>")
def update_pull(owner: str, name: str, number: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        pull = _find_pull(repo, number)
        if "title" in body:
            pull.title = str(body["title"])
        if "body" in body:
            pull.body = body["body"]
        if body.get("state") in ("open", "closed") and not pull.merged:
            pull.state = body["state"]
            pull.closed_at = utcnow() if pull.state == "closed" else None
        pull.updated_at = utcnow()
        return json_response(_render(repo, pull, full=True))


@bp.get("/repos/<owner>/<name>/pulls/<number>/merge")
def is_merged(owner: str, name: str, number: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        if not _find_pull(repo, number).merged:
            not_found()
    return no_content()


@bp.put("/repos/<owner>/<name>/pulls/<number>/merge")
def merge_pull(owner: str, name: str, number: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        pull = _find_pull(repo, number)
        head, base = _sides(repo, pull)
        if pull.state != "open" or not head or not base:
            raise ApiError(405, "Pull Request is not mergeable")
        if body.get("sha") and body["sha"] != head:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        method = body.get("merge_method", "merge")
        if method not in ("merge", "squash", "rebase"):
            validation_failed("merge_method must be merge, squash or rebase", resource="PullRequest", field="merge_method", code="invalid")
        try:
            files = repo.git.merged_files(base, head)
        except MergeConflict:
            raise ApiError(405, "Pull Request is not mergeable")
        account = token_account()
        sig = Signature(account.name or account.login, account.email or "", utcnow())
        title = body.get("commit_title") or (
            f"Merge pull request #{pull.number} from {repo.owner.login}/{pull.head}"
            if method == "merge"
            else f"{pull.title} (#{pull.number})"
        )
        message = title + (f"\n\n{body['commit_message']}" if body.get("commit_message") else "")
        parents = (base, head) if method == "merge" else (base,)
        commit = repo.git.commit(files, parents, message, sig)
        repo.branches[pull.base] = commit.sha
        repo.pushed_at = repo.updated_at = state().now()
        pull.state, pull.merged, pull.merged_by = "closed", True, account.login
        pull.merged_at = pull.closed_at = pull.updated_at = utcnow()
        pull.merge_commit_sha, pull.head_sha_at_merge = commit.sha, head
        events.pushed(state(), repo, pull.base, base, commit.sha, g.token.login)
        return json_response({"sha": commit.sha, "merged": True, "message": "Pull Request successfully merged"})
