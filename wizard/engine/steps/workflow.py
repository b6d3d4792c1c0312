"""Workflow: write or update the caller workflow; deliver it locally, as a pull request, or as a commit.

Nothing is written when the diff is empty. The PR path re-uses the branch and the pull request when they exist,
so a retried or resumed step finds its own earlier work.
"""

from __future__ import annotations

from dataclasses import replace

from wizard.core import workflow
from wizard.core.answers import dump_answers, for_repo, load_answers
from wizard.core.plan import ANSWERS_PATH
from wizard.core.resolved import resolve
from wizard.core.workflow import managed
from wizard.core.workflow.interface import SOFT_INPUTS
from wizard.engine.events import Action, Change, ChangeKind, StepChecked, StepDone, StepWarning
from wizard.engine.port import CommitInfo, FileInfo
from wizard.engine.results import WorkflowResult
from wizard.engine.session import Session
from wizard.engine.steps.base import ALL_ANSWERS, Step, done
from wizard.errors import InputError
from wizard.fsutil import MAX_WORKFLOW_BYTES, atomic_write_text, inside_checkout, read_text_file

SETUP_BRANCH = "brik-onboard/setup"
COMMIT_MESSAGE = "ci: build the image with the org's reusable Kaniko workflow (brik-onboard)"


class WorkflowStep(Step):
    name = "workflow"
    reads = ALL_ANSWERS  # the caller, and the answers file delivered beside it

    def __init__(self) -> None:
        self._seen: dict[str, FileInfo | None] = {}  # files the last check read through the API, for its apply

    def check(self, s: Session) -> list[Change]:
        self._seen.clear()
        s.resolved = s.resolve()  # the plan may have changed since the image step (going back, another strategy)
        path = s.plan.workflow_path
        base_text = self._current_text(s, path)
        if base_text is not None:
            self._adopt_hand_edits(s, base_text)
        new = self._render(s, base_text)
        s.workflow_text = new
        changes = [self._file_change(path, base_text, new)]
        if s.plan.delivery != "local":
            answers_old = self._api_text(s, ANSWERS_PATH)
            answers_new = dump_answers(s.plan, answers_old)
            if answers_old is not None and load_answers(answers_old) == for_repo(s.plan):
                answers_new = answers_old  # same answers: keep the user's file byte for byte
            changes.append(self._file_change(ANSWERS_PATH, answers_old, answers_new, kind=ChangeKind.ANSWERS))
        if s.plan.delivery == "pr":
            changes = self._already_proposed(s, changes, {path: new, ANSWERS_PATH: answers_new})
        s.emit(StepChecked(self.name, tuple(changes), WorkflowResult(s.plan.delivery, path, new)))
        return changes

    def _adopt_hand_edits(self, s: Session, current: str) -> None:
        """A managed key edited by hand on the default branch becomes the answer (three-way: the recorded answers
        are the base, the file is ours, the new rendering theirs), unless this run asked for that answer itself."""
        if s.recorded is None:
            return
        actual = managed.file_inputs(current, s.plan)
        if actual is None:
            return
        base = replace(s.recorded, repo=s.plan.repo, default_branch=s.plan.default_branch)
        edited = managed.answers_of(actual, managed.drift(managed.expected_inputs(resolve(base)), actual), s.plan)
        conflicts = sorted(k for k, v in edited.items() if k in s.explicit and s.explicit[k] != v)
        if conflicts:
            raise InputError(
                f"{', '.join(conflicts)}: changed by hand in {s.plan.workflow_path} on {s.plan.default_branch} and by this run, differently",
                "leave the flag out to keep the hand edit, or change the file on the default branch first",
            )
        adopted = {k: v for k, v in edited.items() if k not in s.explicit and getattr(s.plan, k) != v}
        if adopted:
            s.plan = replace(s.plan, **adopted)
            s.resolved = s.resolve()
            where = f"the workflow on {s.plan.default_branch}"
            s.emit(StepWarning(self.name, f"adopted from {where}: {', '.join(adopted)}", "they are recorded as answers"))

    def _already_proposed(self, s: Session, changes: list[Change], texts: dict[str, str]) -> list[Change]:
        """On the PR path: the writes an open pull request already carries, on its branch that holds only this
        tool's commits, are nothing to do again (a lost state file included: the branch's head commit says)."""
        assert s.repo is not None
        repo = s.repo.full_name
        if not any(c.is_write for c in changes):
            return changes
        head = s.port.branch_commit(repo, SETUP_BRANCH)
        if head is None or not (head.sha == s.state.setup_head or head.message.strip() == COMMIT_MESSAGE):
            return changes
        pull = s.port.find_pull(repo, SETUP_BRANCH, s.repo.default_branch)
        if pull is None or pull.state != "open":
            return changes
        out = []
        for change in changes:
            on_branch = s.port.get_file(repo, change.target, ref=SETUP_BRANCH) if change.is_write else None
            if on_branch is not None and on_branch.text == texts.get(change.target):
                change = replace(change, action=Action.KEEP, summary=f"{change.summary} (already in pull request #{pull.number})")
            out.append(change)
        return out

    def _render(self, s: Session, existing: str | None) -> str:
        assert s.resolved is not None
        if existing is None:
            return workflow.render_caller(s.resolved, interface=s.interface, pinned_sha=s.pinned_sha)
        # An input that only now became an answer is the caller's own until an answer set it: a recorded answer
        # that set it and is empty now is what removes it.
        recorded = s.recorded
        keep = frozenset(k for k in SOFT_INPUTS if recorded is None or not getattr(recorded, k))
        return workflow.update_caller(existing, s.resolved, interface=s.interface, pinned_sha=s.pinned_sha, keep=keep)

    def _current_text(self, s: Session, path: str) -> str | None:
        if s.plan.delivery == "local":
            if s.checkout is None:
                raise InputError(
                    "local delivery needs the repo's checkout", "run inside the clone, pass --checkout DIR, or use --deliver pr"
                )
            local = inside_checkout(s.checkout, path, "workflow path")
            return read_text_file(local, "workflow file", MAX_WORKFLOW_BYTES) if local.is_file() else None
        return self._api_text(s, path)

    def _api_text(self, s: Session, path: str) -> str | None:
        """The file on the default branch: the diff shown is against it, and equals what the PR changes."""
        found = self._api_file(s, path)
        return found.text if found else None

    def _api_file(self, s: Session, path: str) -> FileInfo | None:
        assert s.repo is not None
        if path not in self._seen:
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
        atomic_write_text(inside_checkout(s.checkout, s.plan.workflow_path, "workflow path"), s.workflow_text)

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
        self._fresh_branch(s)
        for change in writes:
            current = s.port.get_file(repo, change.target, ref=SETUP_BRANCH)
            text = self._contents(s, change)
            if current is None or current.text != text:
                s.state.setup_head = s.port.put_file(
                    repo, change.target, text, COMMIT_MESSAGE, SETUP_BRANCH, current.sha if current else None
                )
                s.save_state()
        pull = s.port.find_pull(repo, SETUP_BRANCH, s.repo.default_branch)
        if pull is None or pull.state != "open":  # a closed or merged PR does not carry these new commits
            pull = s.port.create_pull(
                repo, SETUP_BRANCH, s.repo.default_branch, "Build the image with the org's Kaniko workflow", _pr_body(s)
            )
        s.state.pull_number = pull.number
        s.links["pull"] = pull.html_url
        s.save_state()

    def _fresh_branch(self, s: Session) -> None:
        """The setup branch at the default branch's head before this run's commits: created, or moved there when
        it holds only this tool's commits or its pull request is closed; never force-moved over someone's work."""
        assert s.repo is not None
        repo, default = s.repo.full_name, s.repo.default_branch
        base = s.port.branch_sha(repo, default)
        assert base is not None, "the default branch has no head"
        head = s.port.branch_commit(repo, SETUP_BRANCH)
        start = base
        if head is None:
            s.port.create_branch(repo, SETUP_BRANCH, base)
        elif s.state.setup_base == base and (head.sha == s.state.setup_head or _unnoted(head, s.state.setup_head)):
            start = head.sha  # ours, on the current default head: this run adds to it
        elif head.sha != base:
            pull = s.port.find_pull(repo, SETUP_BRANCH, default)
            closed = pull is not None and pull.state != "open"
            ours = head.sha == s.state.setup_head or head.message.strip() == COMMIT_MESSAGE
            if not (closed or ours):
                first_line = head.message.strip().splitlines()[0] if head.message.strip() else ""
                raise InputError(
                    f"{SETUP_BRANCH} has a commit brik-onboard did not make ({head.sha[:7]} {first_line!r}): it is not moved",
                    "merge or close its pull request (or delete the branch), then run again",
                )
            s.port.force_branch(repo, SETUP_BRANCH, base)
        s.state.branch, s.state.setup_base, s.state.setup_head = SETUP_BRANCH, base, start
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


def _unnoted(head: CommitInfo, noted: str | None) -> bool:
    """`head` is this tool's commit made on top of the head the progress file noted, by a run stopped before it
    could note it (each commit is noted as soon as it is made, so there is at most one)."""
    return noted is not None and head.parents[:1] == (noted,) and head.message.strip() == COMMIT_MESSAGE
