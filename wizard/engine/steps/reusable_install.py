"""Installing the org's reusable workflow when preflight finds it missing: the packaged asset, in the variant the
server accepts (wizard/core/workflow/variants.py), at the path and branch the plan's reference names.

Delivery follows the caller's: `commit` commits it to that branch of the org's repository; `pr` and `local` open
a pull request there (the org's `.github` repository is shared and usually protected, and there is no local clone
of it), on a branch of its own that a re-run finds again.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.assets import reusable_workflow_text
from wizard.core.workflow import unified_diff
from wizard.core.workflow.variants import reusable_variant, server_label
from wizard.engine.events import Action, Change, ChangeKind
from wizard.engine.port import GitHubPort
from wizard.errors import GitHubRefused

INSTALL_BRANCH = "brik-onboard/reusable-workflow"
INSTALL_MESSAGE = "ci: add the org's reusable Kaniko workflow (brik-onboard)"
PULL_TITLE = "Add the org's reusable Kaniko workflow"


@dataclass(frozen=True)
class Install:
    repo: str  # OWNER/.github
    path: str
    branch: str  # the reference's ref: the branch callers use
    text: str
    server: str | None  # the GHES version, None for github.com
    via_pull: bool

    @property
    def target(self) -> str:
        return f"{self.repo}/{self.path}@{self.branch}"


def plan_install(port: GitHubPort, repo: str, path: str, ref: str, delivery: str) -> Install:
    """The install to propose, or GitHubRefused when it cannot be installed there (no such repo or branch)."""
    hint = f"create {path} in {repo} from the packaged asset, or point --reusable-workflow at one that exists"
    if port.branch_sha(repo, ref) is None:
        raise GitHubRefused(
            f"the reusable workflow {repo}/{path}@{ref} was not found, and {ref} is not a branch of {repo} to add it to", hint
        )
    server = port.enterprise_version()
    return Install(repo, path, ref, reusable_variant(reusable_workflow_text(), server), server, delivery != "commit")


def install_change(port: GitHubPort, install: Install) -> Change:
    summary = f"install the reusable workflow {install.target} ({server_label(install.server)} variant)"
    how = f"{summary}, by pull request" if install.via_pull else summary
    diff = unified_diff(None, install.text, install.path)
    if install.via_pull:
        pull = port.find_pull(install.repo, INSTALL_BRANCH, install.branch)
        on_branch = port.get_file(install.repo, install.path, ref=INSTALL_BRANCH) if pull and pull.state == "open" else None
        if pull is not None and on_branch is not None and on_branch.text == install.text:
            return Change(ChangeKind.REUSABLE, install.target, Action.KEEP, f"{summary} (already in pull request #{pull.number})")
    return Change(ChangeKind.REUSABLE, install.target, Action.CREATE, how, diff)


def apply_install(port: GitHubPort, install: Install) -> str | None:
    """Make the install; the pull request's URL when it went through one."""
    if not install.via_pull:
        port.put_file(install.repo, install.path, install.text, INSTALL_MESSAGE, install.branch, None)
        return None
    base = port.branch_sha(install.repo, install.branch)
    assert base is not None, "checked by plan_install"
    if port.branch_sha(install.repo, INSTALL_BRANCH) is None:
        port.create_branch(install.repo, INSTALL_BRANCH, base)
    current = port.get_file(install.repo, install.path, ref=INSTALL_BRANCH)
    if current is None or current.text != install.text:
        port.put_file(install.repo, install.path, install.text, INSTALL_MESSAGE, INSTALL_BRANCH, current.sha if current else None)
    pull = port.find_pull(install.repo, INSTALL_BRANCH, install.branch)
    if pull is None or pull.state != "open":
        body = (
            f"Adds `{install.path}`, the org's reusable Kaniko build, for {server_label(install.server)} "
            "(opened by `brik-onboard`). Callers' builds need it on this branch: merge before validating them."
        )
        pull = port.create_pull(install.repo, INSTALL_BRANCH, install.branch, PULL_TITLE, body)
    return pull.html_url
