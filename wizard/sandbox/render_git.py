"""JSON shapes of contents, commits, refs, branches and pull requests."""

from __future__ import annotations

import base64
import urllib.parse
import zlib
from typing import Any

from wizard.sandbox.api import api_url, iso, web_url
from wizard.sandbox.gitstore import Commit, Signature
from wizard.sandbox.model import Account, Pull, Repo, node_id
from wizard.sandbox.render_core import full_repository, simple_user


def _b64_lines(data: bytes) -> str:
    """Base64 broken every 60 characters with a trailing newline, as the contents API sends it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


def _content_base(repo: Repo, path: str, sha: str, size: int, type_: str, ref: str) -> dict[str, Any]:
    quoted = urllib.parse.quote(path)
    self_url = api_url(f"/repos/{repo.full_name}/contents/{quoted}?ref={urllib.parse.quote(ref, safe='')}")
    git_url = api_url(f"/repos/{repo.full_name}/git/{'blobs' if type_ == 'file' else 'trees'}/{sha}")
    html_url = web_url(f"/{repo.full_name}/{'blob' if type_ == 'file' else 'tree'}/{ref}/{quoted}")
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "size": size,
        "url": self_url,
        "html_url": html_url,
        "git_url": git_url,
        "download_url": (f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{quoted}" if type_ == "file" else None),
        "type": type_,
        "_links": {"self": self_url, "git": git_url, "html": html_url},
    }


def content_file(repo: Repo, path: str, blob: str, data: bytes, ref: str) -> dict[str, Any]:
    return {**_content_base(repo, path, blob, len(data), "file", ref), "content": _b64_lines(data), "encoding": "base64"}


def content_entry(repo: Repo, path: str, sha: str, size: int, type_: str, ref: str) -> dict[str, Any]:
    return _content_base(repo, path, sha, size, type_, ref)


def _signature(sig: Signature) -> dict[str, Any]:
    return {"name": sig.name, "email": sig.email, "date": iso(sig.date)}


def git_commit(repo: Repo, commit: Commit) -> dict[str, Any]:
    """A commit as the contents API's `commit` member (git-data style)."""
    base = f"/repos/{repo.full_name}/git"
    return {
        "sha": commit.sha,
        "node_id": node_id("C", int(commit.sha[:12], 16)),
        "url": api_url(f"{base}/commits/{commit.sha}"),
        "html_url": web_url(f"/{repo.full_name}/commit/{commit.sha}"),
        "author": _signature(commit.author),
        "committer": _signature(commit.committer),
        "message": commit.message,
        "tree": {"url": api_url(f"{base}/trees/{commit.tree_sha}"), "sha": commit.tree_sha},
        "parents": [
            {"url": api_url(f"{base}/commits/{p}"), "html_url": web_url(f"/{repo.full_name}/commit/{p}"), "sha": p} for p in commit.parents
        ],
        "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None, "verified_at": None},
    }


def full_commit(repo: Repo, commit: Commit, author: Account | None) -> dict[str, Any]:
    """A commit as the repos API shows it (used inside a branch)."""
    url = api_url(f"/repos/{repo.full_name}/commits/{commit.sha}")
    return {
        "url": url,
        "sha": commit.sha,
        "node_id": node_id("C", int(commit.sha[:12], 16)),
        "html_url": web_url(f"/{repo.full_name}/commit/{commit.sha}"),
        "comments_url": f"{url}/comments",
        "commit": {
            "url": api_url(f"/repos/{repo.full_name}/git/commits/{commit.sha}"),
            "author": _signature(commit.author),
            "committer": _signature(commit.committer),
            "message": commit.message,
            "comment_count": 0,
            "tree": {"sha": commit.tree_sha, "url": api_url(f"/repos/{repo.full_name}/git/trees/{commit.tree_sha}")},
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None, "verified_at": None},
        },
        "author": simple_user(author) if author else None,
        "committer": simple_user(author) if author else None,
        "parents": [
            {"sha": p, "url": api_url(f"/repos/{repo.full_name}/commits/{p}"), "html_url": web_url(f"/{repo.full_name}/commit/{p}")}
            for p in commit.parents
        ],
    }


def git_ref(repo: Repo, ref: str, sha: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "node_id": node_id("REF", zlib.crc32(f"{repo.id}:{ref}".encode())),
        "url": api_url(f"/repos/{repo.full_name}/git/{ref}"),
        "object": {"sha": sha, "type": "commit", "url": api_url(f"/repos/{repo.full_name}/git/commits/{sha}")},
    }


def branch(repo: Repo, name: str, commit: Commit, author: Account | None) -> dict[str, Any]:
    base = f"/repos/{repo.full_name}/branches/{urllib.parse.quote(name, safe='')}"
    return {
        "name": name,
        "commit": full_commit(repo, commit, author),
        "_links": {"self": api_url(base), "html": web_url(f"/{repo.full_name}/tree/{name}")},
        "protected": False,
        "protection": {"enabled": False, "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}},
        "protection_url": api_url(f"{base}/protection"),
    }


def _pull_side(repo: Repo, branch_name: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo.owner.login}:{branch_name}",
        "ref": branch_name,
        "sha": sha,
        "user": simple_user(repo.owner),
        "repo": full_repository(repo),
    }


def pull_simple(repo: Repo, pull: Pull, user: Account, head_sha: str, base_sha: str) -> dict[str, Any]:
    api = f"/repos/{repo.full_name}"
    url = api_url(f"{api}/pulls/{pull.number}")
    html = web_url(f"/{repo.full_name}/pull/{pull.number}")
    return {
        "url": url,
        "id": pull.id,
        "node_id": node_id("PR", pull.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": api_url(f"{api}/issues/{pull.number}"),
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": api_url(f"{api}/pulls/comments{{/number}}"),
        "comments_url": api_url(f"{api}/issues/{pull.number}/comments"),
        "statuses_url": api_url(f"{api}/statuses/{head_sha}"),
        "number": pull.number,
        "state": pull.state,
        "locked": False,
        "title": pull.title,
        "user": simple_user(user),
        "body": pull.body,
        "labels": [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iso(pull.created_at),
        "updated_at": iso(pull.updated_at),
        "closed_at": iso(pull.closed_at),
        "merged_at": iso(pull.merged_at),
        "merge_commit_sha": pull.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _pull_side(repo, pull.head, head_sha),
        "base": _pull_side(repo, pull.base, base_sha),
        "_links": {
            name: {"href": href}
            for name, href in (
                ("self", url),
                ("html", html),
                ("issue", api_url(f"{api}/issues/{pull.number}")),
                ("comments", api_url(f"{api}/issues/{pull.number}/comments")),
                ("review_comments", f"{url}/comments"),
                ("review_comment", api_url(f"{api}/pulls/comments{{/number}}")),
                ("commits", f"{url}/commits"),
                ("statuses", api_url(f"{api}/statuses/{head_sha}")),
            )
        },
        "author_association": "OWNER",
        "auto_merge": None,
        "draft": pull.draft,
    }


def pull_full(
    repo: Repo,
    pull: Pull,
    user: Account,
    head_sha: str,
    base_sha: str,
    *,
    commits: int,
    changed_files: int,
    mergeable: bool | None,
    merged_by: Account | None,
) -> dict[str, Any]:
    return {
        **pull_simple(repo, pull, user, head_sha, base_sha),
        "merged": pull.merged,
        "mergeable": mergeable,
        "rebaseable": mergeable,
        "mergeable_state": "clean" if mergeable else ("dirty" if mergeable is False else "unknown"),
        "merged_by": simple_user(merged_by) if merged_by else None,
        "comments": 0,
        "review_comments": 0,
        "maintainer_can_modify": False,
        "commits": commits,
        "additions": 0,
        "deletions": 0,
        "changed_files": changed_files,
    }
