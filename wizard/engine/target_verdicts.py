"""The validation build's verdict table, and with several targets (one caller job each) each target judged on its
own: its job's two attempts, its own destinations, and one column per target and attempt in the table.

A job is found by the name GitHub gives a reusable-workflow call, `<caller job's name> / <called job's name>`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from wizard.core.kaniko.summary import LogSummary
from wizard.core.kaniko.verdict import Reason, Verdict, judge
from wizard.core.resolved import ResolvedPlan
from wizard.core.workflow.managed import CallingJob
from wizard.engine.results import LayerRow, TargetVerdict

NOT_BUILT = "not built"  # the instruction's stage is not one this target needs (--skip-unused-stages)
AttemptLogs = dict[str, tuple[LogSummary, str]]  # one attempt: each job's name -> its log's summary and text


@dataclass(frozen=True)
class TargetLogs:
    label: str  # the target, or the job's id when it names none
    job: str  # GitHub's name of the job ("" when no job of the attempt was found for it)
    first: LogSummary
    second: LogSummary
    destinations: tuple[str, ...] | None  # what it should push (None: not known from the answers)
    final: bool


@dataclass(frozen=True)
class Judged:
    verdict: Verdict  # all targets together: passed when every one did; the final target's timings
    targets: tuple[TargetVerdict, ...]
    columns: tuple[str, ...]
    table: tuple[LayerRow, ...]


def job_named(attempt: AttemptLogs, caller_name: str) -> str | None:
    return next((name for name in attempt if name == caller_name or name.startswith(f"{caller_name} / ")), None)


def target_logs(calling: list[CallingJob], attempts: list[AttemptLogs], resolved: ResolvedPlan, head_sha: str) -> list[TargetLogs]:
    """Each calling job's two logs (attempt 2 is attempt 1 when there was none) and expected destinations."""
    final = resolved.final_job.target
    out = []
    for job in calling:
        found = [job_named(attempt, job.name) for attempt in attempts]
        logs = [attempt[name][0] if name else LogSummary() for attempt, name in zip(attempts, found, strict=True)]
        wanted = next((j for j in resolved.jobs if j.target and job.target and j.target.lower() == job.target.lower()), None)
        destinations = tuple(d.replace("${{ github.sha }}", head_sha) for d in wanted.destinations) if wanted else None
        is_final = bool(job.target and final and job.target.lower() == final.lower())
        out.append(TargetLogs(job.target or job.job_id, found[0] or "", logs[0], logs[-1], destinations, is_final))
    return out


def judge_targets(targets: list[TargetLogs], *, image: str, cache_repo: str | None) -> Judged:
    verdicts = [
        judge(
            t.first, t.second, image=image, cache_repo=cache_repo, destinations=list(t.destinations) if t.destinations is not None else None
        )
        for t in targets
    ]
    final = next((v for t, v in zip(targets, verdicts, strict=True) if t.final), verdicts[-1])
    reasons = [Reason(r.code, f"{t.label}: {r.text}") for t, v in zip(targets, verdicts, strict=True) for r in v.reasons]
    combined = dataclasses.replace(final, passed=all(v.passed for v in verdicts), reasons=reasons)
    per_target = tuple(
        TargetVerdict(t.label, t.job, v.passed, v.attempt1_s, v.attempt2_s, v.saving_s, tuple(v.codes), v.hits)
        for t, v in zip(targets, verdicts, strict=True)
    )
    columns = tuple(f"{t.label} attempt {n}" for t in targets for n in (1, 2))
    return Judged(combined, per_target, columns, tuple(_rows(targets)))


def _rows(targets: list[TargetLogs]) -> list[LayerRow]:
    """One row per instruction any target's build echoed (in the order first seen), a result per target and attempt."""
    instructions = dict.fromkeys(i for t in targets for i in (t.second.instructions or t.first.instructions))
    rows = []
    for instruction in instructions:
        cells: list[str] = []
        for t in targets:
            if instruction in t.first.instructions or instruction in t.second.instructions:
                cells += [_result(t.first, instruction, pushed=t.first.cache_pushes > 0), _result(t.second, instruction, pushed=False)]
            else:
                cells += [NOT_BUILT, NOT_BUILT]
        rows.append(LayerRow(instruction, cells[0], cells[1], tuple(cells[2:])))
    return rows


def layer_table(first: LogSummary, second: LogSummary) -> list[LayerRow]:
    """One row per instruction Kaniko echoed: what happened to it in each attempt."""
    return [
        LayerRow(instruction, _result(first, instruction, pushed=first.cache_pushes > 0), _result(second, instruction, pushed=False))
        for instruction in second.instructions or first.instructions
    ]


def _result(summary: LogSummary, instruction: str, *, pushed: bool) -> str:
    if instruction in summary.hits:
        return "hit"
    if instruction in summary.misses:
        return "miss, pushed to cache" if pushed else "miss"
    if instruction.upper().startswith("RUN "):
        # Kaniko stops looking up after a stage's first miss: the layer is built (and cached) without a lookup.
        return "built, pushed to cache" if pushed else "built"
    return "not cached"
