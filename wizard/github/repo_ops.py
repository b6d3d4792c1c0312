"""Repository, files, branches and pull requests.

Each create first looks for its own earlier work after an ambiguous failure (and on "already exists"),
so a retried or resumed step finds the branch, file or pull request it made before.
"""

from __future__ import annotations

import itertools
import re
import urllib.parse

from github.GithubException import GithubException
from github.GithubObject import NotSet

from wizard.engine.port import CommitInfo, FileInfo, PullInfo, RepoInfo
from wizard.errors import GitHubRefused
from wizard.github import convert
from wizard.github.base import AdapterBase, repo_path
from wizard.github.retry import MISSING, Missing

FULL_SHA = re.compile(r"[0-9a-f]{40}")


class RepoOps(AdapterBase):
    def get_repo(self, full_name: str) -> RepoInfo:
        return self._read(f"reading {full_name}", lambda: convert.repo_info(self._repo(full_name).complete()))

    def org_repos(self, org: str) -> tuple[RepoInfo, ...]:
        """GET /orgs/{org}/repos, every page (100 a page): the listing carries what RepoInfo holds, so no repository
        is read on its own."""
        return self._read(
            f"listing the repositories of {org}", lambda: tuple(convert.repo_info(r) for r in self._gh.get_organization(org).get_repos())
        )

    def get_file(self, full_name: str, path: str, ref: str | None = None) -> FileInfo | None:
        action = f"reading {path} in {full_name}"

        def fetch() -> FileInfo:
            content = self._repo(full_name).get_contents(path, ref=ref if ref else NotSet)
            if isinstance(content, list):
                raise GitHubRefused(f"{action}: it is a directory, not a file")
            return convert.file_info(content)

        return self._read(action, fetch, not_found=None)

    def put_file(self, full_name: str, path: str, text: str, message: str, branch: str, sha: str | None) -> str:
        """Create (sha None) or update the file; the SHA of the commit that holds the new text."""
        repo = self._repo(full_name)

        def send() -> str:
            if sha is None:
                result = repo.create_file(path, message, text, branch=branch)
            else:
                result = repo.update_file(path, message, text, sha, branch=branch)
            return result["commit"].sha

        def recheck() -> str | Missing:
            current = self.get_file(full_name, path, ref=branch)
            if current is None or current.text != text:
                return MISSING
            return self.branch_sha(full_name, branch) or MISSING

        return self._write(f"writing {path} on {full_name}@{branch}", send, recheck=recheck, write_path=path)

    def branch_sha(self, full_name: str, branch: str) -> str | None:
        return self._read(
            f"reading branch {branch} of {full_name}",
            lambda: self._repo(full_name).get_git_ref(f"heads/{branch}").object.sha,
            not_found=None,
        )

    def create_branch(self, full_name: str, branch: str, from_sha: str) -> None:
        action = f"creating branch {branch} on {full_name}"

        def existing() -> None | Missing:
            sha = self.branch_sha(full_name, branch)
            if sha is None:
                return MISSING
            if sha != from_sha:
                raise GitHubRefused(
                    f"{action}: the branch already exists at another commit ({sha[:12]})",
                    "delete that branch or let it be merged, then run again",
                )
            return None

        def send() -> None:
            try:
                self._repo(full_name).create_git_ref(f"refs/heads/{branch}", from_sha)
            except GithubException as exc:  # 422 "Reference already exists": ours from an earlier run?
                if exc.status != 422 or isinstance(existing(), Missing):
                    raise

        self._write(action, send, recheck=existing)

    def branch_commit(self, full_name: str, branch: str) -> CommitInfo | None:
        def fetch() -> CommitInfo:
            commit = self._repo(full_name).get_branch(branch).commit
            return CommitInfo(commit.sha, commit.commit.message, tuple(p.sha for p in commit.parents))

        return self._read(f"reading the head of {branch} in {full_name}", fetch, not_found=None)

    def force_branch(self, full_name: str, branch: str, sha: str) -> None:
        def send() -> None:
            # Not GitRef.edit: a ref read through git/ref (singular) would be PATCHed at that URL, which is not one.
            url = f"{repo_path(full_name)}/git/refs/heads/{urllib.parse.quote(branch)}"
            self._api.request("PATCH", url, body={"sha": sha, "force": True})

        def moved() -> None | Missing:
            return None if self.branch_sha(full_name, branch) == sha else MISSING

        self._write(f"moving branch {branch} of {full_name} to {sha[:12]}", send, recheck=moved)

    def resolve_ref(self, full_name: str, ref: str) -> str:
        """A full commit SHA as is; otherwise the branch, else the tag, of that name (through git/ref)."""
        if FULL_SHA.fullmatch(ref):
            return ref
        action = f"resolving {ref} in {full_name}"
        names = [ref.removeprefix("refs/")] if ref.startswith("refs/") else [f"heads/{ref}", f"tags/{ref}"]
        for name in names:
            target = self._read(action, lambda: self._repo(full_name).get_git_ref(name).object, not_found=None)
            if target is None:
                continue
            if target.type != "commit":  # an annotated tag: its object is a tag, not the commit
                raise GitHubRefused(f"{action}: it is an annotated tag", "name a branch or a commit SHA")
            return target.sha
        raise GitHubRefused(f"{action}: no branch or tag of that name", "check the name")

    # pull requests ------------------------------------------------------------------------------------
    def find_pull(self, full_name: str, head_branch: str, base: str) -> PullInfo | None:
        """The open pull request from head_branch into base, else the newest closed or merged one."""
        owner = full_name.partition("/")[0]

        def fetch() -> PullInfo | None:
            pulls = self._repo(full_name).get_pulls(state="all", head=f"{owner}:{head_branch}", base=base)
            found = [convert.pull_info(p) for p in itertools.islice(pulls, 100)]  # newest first
            return next((p for p in found if p.state == "open"), found[0] if found else None)

        return self._read(f"looking for a pull request from {head_branch} in {full_name}", fetch)

    def create_pull(self, full_name: str, head_branch: str, base: str, title: str, body: str) -> PullInfo:
        def open_pull() -> PullInfo | Missing:
            found = self.find_pull(full_name, head_branch, base)
            return found if found is not None and found.state == "open" else MISSING

        def send() -> PullInfo:
            try:
                pull = self._repo(full_name).create_pull(base=base, head=head_branch, title=title, body=body)
            except GithubException as exc:  # 422 "A pull request already exists": re-use it
                if exc.status == 422 and not isinstance(found := open_pull(), Missing):
                    return found
                raise
            return convert.pull_info(pull)

        return self._write(f"opening a pull request from {head_branch} in {full_name}", send, recheck=open_pull)

    def get_pull(self, full_name: str, number: int) -> PullInfo:
        return self._read(
            f"reading pull request #{number} of {full_name}", lambda: convert.pull_info(self._repo(full_name).get_pull(number).complete())
        )
