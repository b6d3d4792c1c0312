"""JSON shapes of users, organisations and repositories, as GitHub's REST API returns them.

API URLs are absolute on the request's host (see api.api_url); html_url and other web links point
at the same host, as GitHub Enterprise Server's point at its own (api.web_url).
"""

from __future__ import annotations

from typing import Any

from wizard.sandbox.api import api_url, iso, web_url
from wizard.sandbox.model import Account, Repo, node_id

# Repository URL templates, in GitHub's order: (field, suffix after /repos/{owner}/{repo}).
_REPO_URLS = (
    ("forks_url", "/forks"),
    ("keys_url", "/keys{/key_id}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("teams_url", "/teams"),
    ("hooks_url", "/hooks"),
    ("issue_events_url", "/issues/events{/number}"),
    ("events_url", "/events"),
    ("assignees_url", "/assignees{/user}"),
    ("branches_url", "/branches{/branch}"),
    ("tags_url", "/tags"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("trees_url", "/git/trees{/sha}"),
    ("statuses_url", "/statuses/{sha}"),
    ("languages_url", "/languages"),
    ("stargazers_url", "/stargazers"),
    ("contributors_url", "/contributors"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("commits_url", "/commits{/sha}"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("comments_url", "/comments{/number}"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("contents_url", "/contents/{+path}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("merges_url", "/merges"),
    ("archive_url", "/{archive_format}{/ref}"),
    ("downloads_url", "/downloads"),
    ("issues_url", "/issues{/number}"),
    ("pulls_url", "/pulls{/number}"),
    ("milestones_url", "/milestones{/number}"),
    ("notifications_url", "/notifications{?since,all,participating}"),
    ("labels_url", "/labels{/name}"),
    ("releases_url", "/releases{/id}"),
    ("deployments_url", "/deployments"),
)


def simple_user(account: Account) -> dict[str, Any]:
    base = f"/users/{account.login}"
    user_url = api_url(base)  # one look at the request's host per object: a page of 100 repos renders 200 users
    return {
        "login": account.login,
        "id": account.id,
        "node_id": node_id("O" if account.is_org else "U", account.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
        "gravatar_id": "",
        "url": user_url,
        "html_url": web_url(f"/{account.login}"),
        "followers_url": f"{user_url}/followers",
        "following_url": f"{user_url}/following{{/other_user}}",
        "gists_url": f"{user_url}/gists{{/gist_id}}",
        "starred_url": f"{user_url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{user_url}/subscriptions",
        "organizations_url": f"{user_url}/orgs",
        "repos_url": f"{user_url}/repos",
        "events_url": f"{user_url}/events{{/privacy}}",
        "received_events_url": f"{user_url}/received_events",
        "type": account.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def private_user(account: Account, public_repos: int, private_repos: int) -> dict[str, Any]:
    return {
        **simple_user(account),
        "user_view_type": "private",
        "name": account.name,
        "company": None,
        "blog": "",
        "location": None,
        "email": account.email,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "notification_email": account.email,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": iso(account.created_at),
        "updated_at": iso(account.created_at),
        "private_gists": 0,
        "total_private_repos": private_repos,
        "owned_private_repos": private_repos,
        "disk_usage": 0,
        "collaborators": 0,
        "two_factor_authentication": True,
        "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
    }


# What GET /orgs/{org} shows only to the org's owners (classic: admin:org; Apps: the Organization plan permission).
OWNER_ONLY = ("total_private_repos", "owned_private_repos", "private_gists", "disk_usage", "collaborators", "plan", "billing_email")


def organization_full(org: Account, public_repos: int, private_repos: int, *, owner_view: bool = True) -> dict[str, Any]:
    data = _organization_full(org, public_repos, private_repos)
    return data if owner_view else {k: v for k, v in data.items() if k not in OWNER_ONLY}


def _organization_full(org: Account, public_repos: int, private_repos: int) -> dict[str, Any]:
    base = f"/orgs/{org.login}"
    return {
        "login": org.login,
        "id": org.id,
        "node_id": node_id("O", org.id),
        "url": api_url(base),
        "repos_url": api_url(f"{base}/repos"),
        "events_url": api_url(f"{base}/events"),
        "hooks_url": api_url(f"{base}/hooks"),
        "issues_url": api_url(f"{base}/issues"),
        "members_url": api_url(f"{base}/members{{/member}}"),
        "public_members_url": api_url(f"{base}/public_members{{/member}}"),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}?v=4",
        "description": org.description,
        "name": org.name,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": web_url(f"/{org.login}"),
        "created_at": iso(org.created_at),
        "updated_at": iso(org.created_at),
        "archived_at": None,
        "type": "Organization",
        "total_private_repos": private_repos,
        "owned_private_repos": private_repos,
        "private_gists": 0,
        "disk_usage": 0,
        "collaborators": 0,
        "default_repository_permission": "read",
        "members_can_create_repositories": True,
        "two_factor_requirement_enabled": True,
        "plan": {"name": org.plan, "space": 976562499, "private_repos": 10000, "filled_seats": 1, "seats": 0 if org.plan == "free" else 5},
        # What an admin of the org sees (the sandbox's tokens act as org owners).
        "billing_email": f"billing@{org.login.lower()}.example",
        "members_allowed_repository_creation_type": "all",
        "members_can_create_public_repositories": True,
        "members_can_create_private_repositories": True,
        "members_can_create_internal_repositories": False,
        "members_can_create_pages": True,
        "members_can_create_public_pages": True,
        "members_can_create_private_pages": True,
        "members_can_fork_private_repositories": False,
        "web_commit_signoff_required": False,
        **{
            f"{feature}_enabled_for_new_repositories": False
            for feature in (
                "advanced_security",
                "dependabot_alerts",
                "dependabot_security_updates",
                "dependency_graph",
                "secret_scanning",
                "secret_scanning_push_protection",
            )
        },
        "secret_scanning_push_protection_custom_link_enabled": False,
        "secret_scanning_push_protection_custom_link": None,
        "secret_scanning_validity_checks_enabled": False,
    }


def minimal_repository(repo: Repo) -> dict[str, Any]:
    base = f"/repos/{repo.full_name}"
    data: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("R", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": simple_user(repo.owner),
        "html_url": web_url(f"/{repo.full_name}"),
        "description": repo.description,
        "fork": repo.fork,
        "url": api_url(base),
    }
    repo_url = data["url"]
    for name, suffix in _REPO_URLS:
        data[name] = repo_url + suffix
    return data


def full_repository(repo: Repo) -> dict[str, Any]:
    size = sum(len(b) for b in repo.git.blobs.values()) // 1024
    data = minimal_repository(repo)
    data.update(
        {
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.updated_at),
            "pushed_at": iso(repo.pushed_at),
            "git_url": f"git://github.com/{repo.full_name}.git",
            "ssh_url": f"git@github.com:{repo.full_name}.git",
            "clone_url": f"https://github.com/{repo.full_name}.git",
            "svn_url": web_url(f"/{repo.full_name}"),
            "homepage": None,
            "size": size,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "has_discussions": False,
            "has_pull_requests": True,
            "pull_request_creation_policy": "all",
            "forks_count": 0,
            "mirror_url": None,
            "archived": repo.archived,
            "disabled": False,
            "open_issues_count": sum(1 for p in repo.pulls if p.state == "open"),
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": list(repo.topics),
            "visibility": repo.visibility,
            "forks": 0,
            "open_issues": sum(1 for p in repo.pulls if p.state == "open"),
            "watchers": 0,
            "default_branch": repo.default_branch,
            "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
            "temp_clone_token": "",
            "allow_squash_merge": True,
            "allow_merge_commit": True,
            "allow_rebase_merge": True,
            "allow_auto_merge": False,
            "delete_branch_on_merge": False,
            "allow_update_branch": False,
            "use_squash_pr_title_as_default": False,
            "squash_merge_commit_message": "COMMIT_MESSAGES",
            "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
            "merge_commit_message": "PR_TITLE",
            "merge_commit_title": "MERGE_MESSAGE",
            "custom_properties": {},
            "security_and_analysis": {
                name: {"status": "disabled"}
                for name in (
                    "secret_scanning",
                    "secret_scanning_push_protection",
                    "dependabot_security_updates",
                    "secret_scanning_validity_checks",
                )
            },
            "network_count": 0,
            "subscribers_count": 0,
        }
    )
    if repo.owner.is_org:
        data["organization"] = simple_user(repo.owner)
    return data


# What a listing (GET /orgs/{org}/repos) leaves out of the full repository: GitHub's minimal-repository has no merge
# settings and no organization.
_FULL_ONLY = frozenset(
    {
        "allow_squash_merge",
        "allow_merge_commit",
        "allow_rebase_merge",
        "allow_auto_merge",
        "allow_update_branch",
        "use_squash_pr_title_as_default",
        "squash_merge_commit_message",
        "squash_merge_commit_title",
        "merge_commit_message",
        "merge_commit_title",
        "organization",
    }
)


def listed_repository(repo: Repo) -> dict[str, Any]:
    """A repository as a list of repositories shows it (GitHub's minimal-repository)."""
    return {k: v for k, v in full_repository(repo).items() if k not in _FULL_ONLY}
