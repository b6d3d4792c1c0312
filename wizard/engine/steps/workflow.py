"""Workflow: write or update the caller workflow; deliver it locally, as a pull request, or as a commit.

Nothing is written when the diff is empty. The PR path re-uses the branch and the pull request when they exist,
so a retried or resumed step finds its own earlier work.
"""

from __future__ import annotations

from wizard.core import workflow
from wizard.core.answers import dump_answers, load_answers
from wizard.core.plan import ANSWERS_PATH, resolve
from wizard.engine.events import Action, Change, ChangeKind, StepChecked, StepDone
from wizard.engine.port import FileInfo
from wizard.engine.results import WorkflowResult
from wizard.engine.session import Session
from wizard.engine.steps.base import ALL_ANSWERS, Step, done
from wizard.errors import InputError
from wizard.fsutil import atomic_write_text, read_text_file

SETUP_BRANCH = "brik-onboard/setup"
COMMIT_MESSAGE = "ci: build the image with the org's reusable Kaniko workflow (brik-onboard)"


class WorkflowStep(Step):
    name = "workflow"
    reads = ALL_ANSWERS  # the caller, and the answers file delivered beside it

    def __init__(self) -> None:
        self._seen: dict[str, FileInfo | None] = {}  # files the last check read through the API, for its apply

    def check(self, s: Session) -> list[Change]:
        self._seen.clear()
        s.resolved = resolve(s.plan)  # the plan may have changed since the image step (going back, another strategy)
        path = s.plan.workflow_path
        base_text = self._current_text(s, path)
        new = self._render(s, base_text)
        s.workflow_text = new
        changes = [self._file_change(path, base_text, new)]
        if s.plan.delivery != "local":
            answers_old = self._api_text(s, ANSWERS_PATH)
            answers_new = dump_answers(s.plan, answers_old)
            if answers_old is not None and load_answers(answers_old) == s.plan:
                answers_new = answers_old  # same answers: keep the user's file byte for byte
            changes.append(self._file_change(ANSWERS_PATH, answers_old, answers_new, kind=ChangeKind.ANSWERS))
        s.emit(StepChecked(self.name, tuple(changes), WorkflowResult(s.plan.delivery, path, new)))
        return changes

    def _render(self, s: Session, existing: str | None) -> str:
        assert s.resolved is not None
        if existing is None:
            return workflow.render_caller(s.resolved, interface=s.interface, pinned_sha=s.pinned_sha)
        return workflow.update_caller(existing, s.resolved, interface=s.interface, pinned_sha=s.pinned_sha)

    def _current_text(self, s: Session, path: str) -> str | None:
        if s.plan.delivery == "local":
            if s.checkout is None:
                raise InputError(
                    "local delivery needs the repo's checkout", "run inside the clone, pass --checkout DIR, or use --deliver pr"
                )
            local = s.checkout / path
            return read_text_file(local, "workflow file") if local.is_file() else None
        return self._api_text(s, path)

    def _api_text(self, s: Session, path: str) -> str | None:
        """The file as the delivery will see it: on the setup branch when it exists (resume), else the default branch."""
        found = self._api_file(s, path)
        return found.text if found else None

    def _api_file(self, s: Session, path: str) -> FileInfo | None:
        assert s.repo is not None
        if path not in self._seen:
            if s.plan.delivery == "pr" and s.port.branch_sha(s.repo.full_name, SETUP_BRANCH):
                self._seen[path] = s.port.get_file(s.repo.full_name, path, ref=SETUP_BRANCH)
            else:
                self._seen[path] = s.port.get_file(s.repo.full_name, path, ref=s.repo.default_branch)
        return self._seen[path]

    @staticmethod
    def _file_change(path: str, old: str | None, new: str, kind: ChangeKind = ChangeKind.WORKFLOW) -> Change:
        if old is None:
            return Change(kind, path, Action.CREATE, f"create {path}", workflow.unified_diff(None, new, path))
        diff = workflow.unified_diff(old, new, path)
        if not diff:
            return Change(kind, path, Action.UNCHANGED, f"{path} already up to date")
        return Change(kind, path, Action.UPDATE, f"update {path}", diff)

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        writes = [c for c in changes if c.is_write]
        if writes:
            if s.plan.delivery == "local":
                self._deliver_local(s)
            elif s.plan.delivery == "commit":
                self._deliver_commit(s, writes)
            else:
                self._deliver_pr(s, writes)
            self._seen.clear()  # written: what the check read is stale now
            s.applied.extend(writes)
        elif s.plan.delivery == "pr":
            self._earlier_pull(s)
        return done(
            self.name, writes, f"{s.plan.workflow_path} delivered ({s.plan.delivery})", f"{s.plan.workflow_path} already up to date"
        )

    def _deliver_local(self, s: Session) -> None:
        assert s.checkout is not None and s.workflow_text is not None
        atomic_write_text(s.checkout / s.plan.workflow_path, s.workflow_text)

    def _contents(self, s: Session, change: Change) -> str:
        if change.kind is ChangeKind.WORKFLOW:
            assert s.workflow_text is not None
            return s.workflow_text
        return dump_answers(s.plan, self._api_text(s, ANSWERS_PATH))

    def _deliver_commit(self, s: Session, writes: list[Change]) -> None:
        assert s.repo is not None
        # The contents API makes one commit per file. The answers go first: before the caller exists that commit
        # starts no build, and the caller's own commit then starts exactly the build validation will use.
        for change in sorted(writes, key=lambda c: c.kind != "answers"):
            current = self._api_file(s, change.target)  # read on the default branch by check
            sha = s.port.put_file(
                s.repo.full_name,
                change.target,
                self._contents(s, change),
                COMMIT_MESSAGE,
                s.repo.default_branch,
                current.sha if current else None,
            )
            if change.kind is ChangeKind.WORKFLOW:
                s.state.workflow_commit = sha
                s.delivered_commit = sha
        s.save_state()

    def _deliver_pr(self, s: Session, writes: list[Change]) -> None:
        assert s.repo is not None
        repo = s.repo.full_name
        if s.port.branch_sha(repo, SETUP_BRANCH) is None:
            head = s.port.branch_sha(repo, s.repo.default_branch)
            assert head is not None, "the default branch has no head"
            s.port.create_branch(repo, SETUP_BRANCH, head)
        s.state.branch = SETUP_BRANCH
        s.save_state()
        for change in writes:
            current = s.port.get_file(repo, change.target, ref=SETUP_BRANCH)
            text = self._contents(s, change)
            if current is None or current.text != text:
                s.port.put_file(repo, change.target, text, COMMIT_MESSAGE, SETUP_BRANCH, current.sha if current else None)
        pull = s.port.find_pull(repo, SETUP_BRANCH, s.repo.default_branch)
        if pull is None or pull.state != "open":  # a closed or merged PR does not carry these new commits
            pull = s.port.create_pull(
                repo, SETUP_BRANCH, s.repo.default_branch, "Build the image with the org's Kaniko workflow", _pr_body(s)
            )
        s.state.pull_number = pull.number
        s.links["pull"] = pull.html_url
        s.save_state()

    def _earlier_pull(self, s: Session) -> None:
        """Nothing to write: the PR an earlier run opened, from the state file or, when that was lost, from GitHub."""
        assert s.repo is not None
        if s.state.pull_number:
            s.links.setdefault("pull", s.port.get_pull(s.repo.full_name, s.state.pull_number).html_url)
            return
        if s.port.branch_sha(s.repo.full_name, SETUP_BRANCH) is None:
            return
        pull = s.port.find_pull(s.repo.full_name, SETUP_BRANCH, s.repo.default_branch)
        if pull is not None:
            s.state.branch, s.state.pull_number = SETUP_BRANCH, pull.number
            s.links["pull"] = pull.html_url
            s.save_state()


def _pr_body(s: Session) -> str:
    assert s.resolved is not None
    lines = [
        "Onboards this repository to the org's container build convention (opened by `brik-onboard`).",
        "",
        f"- image: `{s.resolved.image}`",
        f"- cache: `{s.resolved.cache_repo}`" if s.plan.cache_enabled else "- cache: disabled",
        f"- tags: {', '.join(f'`{t}`' for t in s.resolved.tags)}",
        f"- workflow: `{s.plan.workflow_path}` calling `{s.plan.reusable_workflow}`",
        "",
        "After merging, re-run `brik-onboard` to validate the build and the layer cache.",
    ]
    return "\n".join(lines)
