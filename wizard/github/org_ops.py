"""An org's repositories (GET /orgs/{org}/repos, every page) and a workflow's newest run, read conditionally.

Both keep what they last read in `self._conditional` (url -> [etag, the few fields used, next page]): a page or a run
list GitHub answers 304 to (not counted against the rate limit) is taken from there. The composition root may hand
the same mapping to the next run (see wizard/app/status_cache.py), so a second `status --org` reads unchanged pages
for free. Only the fields the port returns are kept, never a whole answer.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Mapping, MutableMapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath
from typing import Any

from requests.utils import parse_header_links

from wizard.engine.port import ListedRepo, RepoInfo, RunInfo
from wizard.github import convert
from wizard.github.base import AdapterBase, quote, repo_path

# The listing's fields the port reads (GitHub's minimal-repository has many more).
LISTED_FIELDS = ("full_name", "id", "default_branch", "private", "visibility", "topics", "archived", "fork", "pushed_at")
RUN_FIELDS = ("id", "status", "conclusion", "run_attempt", "head_sha", "event", "html_url", "created_at", "run_started_at", "updated_at")
PER_PAGE = 100  # GitHub's largest page: 10 requests for 1,000 repositories


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _slim_repo(data: Mapping[str, Any]) -> dict[str, Any]:
    owner = data["owner"]
    return {**{k: data.get(k) for k in LISTED_FIELDS}, "owner": {"login": owner["login"], "type": owner.get("type")}}


def _served_at(headers: Mapping[str, Any]) -> datetime | None:
    """The answer's Date header (GitHub's clock, to the second), also sent with a 304."""
    try:
        served = parsedate_to_datetime(str(headers["date"]))
    except (KeyError, TypeError, ValueError):
        return None
    return served if served.tzinfo else served.replace(tzinfo=UTC)  # "GMT" parses without a zone


def listed_repo(row: Mapping[str, Any], listed_at: datetime | None = None) -> ListedRepo:
    """A listing's row (as `_slim_repo` keeps it) as the port's ListedRepo; `listed_at` is when GitHub answered."""
    private = bool(row["private"])
    info = RepoInfo(
        full_name=str(row["full_name"]),
        id=int(row["id"]),
        default_branch=str(row["default_branch"]),
        private=private,
        owner=str(row["owner"]["login"]),
        owner_is_org=row["owner"].get("type") == "Organization",
        visibility=str(row.get("visibility") or ("private" if private else "public")),
    )
    topics = tuple(str(t) for t in row.get("topics") or ())
    return ListedRepo(info, topics, bool(row.get("archived")), bool(row.get("fork")), _when(row.get("pushed_at")), listed_at)


def _next_page(link: str | None) -> str | None:
    for item in parse_header_links(link or ""):
        if item.get("rel") == "next":
            return item.get("url")
    return None


class OrgOps(AdapterBase):
    _conditional: MutableMapping[str, Any]

    def _get_kept(self, url: str, counted: str, *, conditional: bool = True) -> tuple[bool, Any]:
        """GET `url` with the ETag kept for it: (True, the reply) when it changed, (False, what was kept) on a 304."""
        kept = self._conditional.get(url) if conditional else None
        self.stats[counted] = self.stats.get(counted, 0) + 1
        reply = self._api.request("GET", url, headers={"If-None-Match": kept[0]} if kept else None)
        if reply.status == 304 and kept:
            self.stats[counted + "_not_modified"] = self.stats.get(counted + "_not_modified", 0) + 1
            return False, (kept, reply.headers)
        return True, reply

    def _pages(self, url: str | None) -> Iterator[tuple[list[dict[str, Any]], datetime | None]]:
        """Each page's rows, with when GitHub answered for them."""
        while url:
            changed, got = self._get_kept(url, "listing_pages")
            if not changed:
                (_, rows, following), headers = got
                served = _served_at(headers)
                if "link" in headers:
                    following = _next_page(headers["link"])  # the org may have grown a page behind an unchanged one
                elif following is None and len(rows) >= PER_PAGE:
                    changed, got = self._get_kept(url, "listing_pages", conditional=False)  # a full last page: look again
            if changed:
                rows, served = [_slim_repo(item) for item in got.data], _served_at(got.headers)
                following = _next_page(got.headers.get("link"))
                if got.headers.get("etag"):
                    self._conditional[url] = [got.headers["etag"], rows, following]
            yield rows, served
            url = following

    def org_repos(self, org: str) -> list[ListedRepo]:
        """Every repository of `org` the token may see, by name; archived ones and forks included (the caller decides)."""
        first = f"/orgs/{quote(org)}/repos?" + urllib.parse.urlencode({"type": "all", "sort": "full_name", "per_page": PER_PAGE})
        return self._read(
            f"listing the repositories of {org}", lambda: [listed_repo(row, at) for page, at in self._pages(first) for row in page]
        )

    def newest_run(self, full_name: str, workflow_path: str) -> RunInfo | None:
        """The workflow's newest run, by its file name (GitHub takes a name for the id): one request, conditional."""
        name = PurePosixPath(workflow_path).name
        url = f"{repo_path(full_name)}/actions/workflows/{quote(name)}/runs?per_page=1"

        def fetch() -> dict[str, Any] | None:
            changed, got = self._get_kept(url, "run_lists")
            if not changed:
                return got[0][1]  # type: ignore[no-any-return]
            runs = got.data.get("workflow_runs") or []
            newest = {k: runs[0].get(k) for k in RUN_FIELDS} if runs else None
            if got.headers.get("etag"):
                self._conditional[url] = [got.headers["etag"], newest, None]
            return newest

        found = self._read(f"reading the newest run of {name} in {full_name}", fetch, not_found=None)
        return None if found is None else convert.run_from_json(self._api.requester, found)
