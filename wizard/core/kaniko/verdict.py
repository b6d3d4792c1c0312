"""The run-1 / run-2 verdict: did the second build reuse the layer cache the first one wrote?

Each failure reason is a `Reason`: a stable `ReasonCode` that callers and tests branch on, and the text people
read (`str(reason)` is "code: text").
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wizard.core.kaniko.summary import LogSummary
from wizard.core.kaniko.text import normalize_repo, split_ref


class ReasonCode(enum.StrEnum):
    NO_BUILD = "no-build"  # a log shows no Kaniko build at all
    FATAL = "fatal"  # Kaniko stopped with an error (not a push refusal)
    PUSH_DENIED = "push-denied"  # the registry refused the image push or the push-permission check
    CACHE_UPLOAD_REFUSED = "cache-upload-refused"  # the registry refused a cache layer (401/403): the token cannot write the cache
    CACHE_UPLOAD_FAILED = "cache-upload-failed"  # a cache layer upload failed for another reason
    CACHE_DISABLED = "cache-disabled"  # no cache lookup in either log
    NO_CACHEABLE_LAYER = "no-cacheable-layer"  # nothing Kaniko caches by default (no RUN; the fork: no RUN or WORKDIR)
    CACHE_READ_REFUSED = "cache-read-refused"  # attempt 2's cache reads were refused (401/403), not missing
    MISSES_ON_ATTEMPT_2 = "misses-on-attempt-2"  # attempt 2 rebuilt a layer
    NO_CACHE_HITS = "no-cache-hits"  # attempt 2 looked up layers but used none
    UNCACHED_LAYERS = "uncached-layers"  # attempt 2 ran RUN instructions that were never looked up
    WRONG_CACHE_REPO = "wrong-cache-repo"  # the build used another cache repository than expected
    NOT_PUSHED = "not-pushed"  # an expected destination was not pushed
    LEAK = "leak"  # a secret value or a token shape in a job log (the engine's leak audit)


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    text: str

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


_AUTH_RE = re.compile(r"\b(401|403)\b|unauthori[sz]ed|denied|forbidden|authentication required", re.I)
_EXCERPT = 240
# Our hint replaces Kaniko's advice; the token scopes map after "; [map[" says nothing to a reader.
_BOILERPLATE_RE = re.compile(r" -- make sure you entered the correct tag name.*?try again|; \[map\[.*$")
# Upstream caches RUN layers by default and COPY with --cache-copy-layers; the osscontainertools fork also
# caches WORKDIR by default and ADD with --cache-copy-layers. A fork build with a WORKDIR looks it up, so a
# log without lookups and without RUN is either flavour's "nothing to cache".
_NO_CACHEABLE = (
    "the Dockerfile has no instruction Kaniko caches by default (RUN; the osscontainertools fork also "
    "WORKDIR); pass --cache-copy-layers (kaniko-args) to cache COPY layers (and ADD in the fork)"
)


@dataclass
class Verdict:
    passed: bool
    reasons: list[Reason] = field(default_factory=list)  # why it failed, one diagnosis each; empty when passed
    notes: list[str] = field(default_factory=list)  # informational: warmed cache, timings
    first_miss: str | None = None  # the first instruction attempt 2 rebuilt
    attempt1_s: float | None = None
    attempt2_s: float | None = None
    saving_s: float | None = None
    warmed_before: bool = False  # attempt 1 already hit a cache an earlier build had written
    hits: int = 0  # attempt 2
    misses: int = 0  # attempt 2

    @property
    def codes(self) -> list[ReasonCode]:
        return [r.code for r in self.reasons]

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "reasons": [str(r) for r in self.reasons],
            "codes": self.codes,
            "notes": list(self.notes),
            "first_miss": self.first_miss,
            "attempt1_s": self.attempt1_s,
            "attempt2_s": self.attempt2_s,
            "saving_s": self.saving_s,
            "warmed_before": self.warmed_before,
            "hits": self.hits,
            "misses": self.misses,
        }


def judge(
    first: LogSummary,
    second: LogSummary,
    *,
    image: str | None = None,
    cache_repo: str | None = None,
    destinations: Iterable[str] | None = None,
) -> Verdict:
    """Judge attempt 1 (``first``) and its re-run (``second``).

    ``image`` (a repository, any tag), ``destinations`` (full references) and ``cache_repo`` are what the
    build was expected to use; each check is skipped when it is not given.
    """
    logs = ((1, first), (2, second))
    reasons: list[Reason] = []
    for n, log in logs:
        reasons += _fatal_reasons(n, log)
    for n, log in logs:
        reasons += _upload_reasons(n, log)
    reasons += _cache_reasons(first, second)
    reasons += _cache_repo_reasons(first, second, cache_repo)
    if second.fatal is None:
        reasons += _push_reasons(second, image, list(destinations or ()))
    verdict = Verdict(
        passed=not reasons,
        reasons=reasons,
        first_miss=second.misses[0] if second.misses else None,
        warmed_before=first.hit_count > 0,
        hits=second.hit_count,
        misses=second.miss_count,
    )
    _timing(verdict, first, second)
    if second.miss_count and not second.debug and not second.cache_read_refusals:
        verdict.notes.append("attempt 2 logged at Kaniko's default verbosity, where a refused cache read looks like a miss")
    if verdict.warmed_before:
        verdict.notes.append(f"attempt 1 already hit the cache ({first.hit_count} layer(s)): an earlier build had warmed it")
    return verdict


def _built(log: LogSummary) -> bool:
    return bool(log.instruction_count or log.lookups or log.hit_count or log.miss_count or log.stages or log.pushed_digests)


def _excerpt(text: str) -> str:
    """Kaniko's error without its boilerplate, its head and its tail (where the registry's status is)."""
    text = _BOILERPLATE_RE.sub("", text).strip()
    return text if len(text) <= _EXCERPT else f"{text[: _EXCERPT // 2 - 20]} … {text[-(_EXCERPT // 2 + 20) :]}"


def _fatal_reasons(n: int, log: LogSummary) -> list[Reason]:
    if log.fatal is None:
        if log.push_permission_warning:
            return [
                Reason(
                    ReasonCode.PUSH_DENIED,
                    f"attempt {n}: Kaniko warned that the push-permission check failed; make sure "
                    "the registry login can push the image (packages: write / write:packages)",
                )
            ]
        if not _built(log):
            return [Reason(ReasonCode.NO_BUILD, f"attempt {n}: the log shows no Kaniko build; is it the job log of the build step?")]
        return []
    fatal = _excerpt(log.fatal)
    if log.fatal.startswith(("error checking push permissions", "error pushing image")) and _AUTH_RE.search(log.fatal):
        return [
            Reason(
                ReasonCode.PUSH_DENIED,
                f"attempt {n}: {fatal}; give the registry login push rights on the image "
                "(GITHUB_TOKEN with packages: write, or a classic PAT with write:packages)",
            )
        ]
    return [Reason(ReasonCode.FATAL, f"attempt {n}: {fatal}")]


def _upload_reasons(n: int, log: LogSummary) -> list[Reason]:
    if not log.cache_upload_errors:
        return []
    repo = log.cache_repo or "the cache repository"
    sample = _excerpt(log.upload_error_messages[0]) if log.upload_error_messages else ""
    if any(_AUTH_RE.search(m) for m in log.upload_error_messages):
        return [
            Reason(
                ReasonCode.CACHE_UPLOAD_REFUSED,
                f"attempt {n}: {log.cache_upload_errors} cache layer upload(s) to {repo} "
                f"were refused ({sample}); the token must be able to write the cache package too",
            )
        ]
    return [
        Reason(ReasonCode.CACHE_UPLOAD_FAILED, f"attempt {n}: {log.cache_upload_errors} cache layer upload(s) to {repo} failed ({sample})")
    ]


def _runs(log: LogSummary) -> list[str]:
    return [i for i in log.instructions if i.split(" ", 1)[0].upper() == "RUN"]


def _cache_reasons(first: LogSummary, second: LogSummary) -> list[Reason]:
    if second.fatal is not None or not _built(second):
        return []  # the build never got to its layers: the fatal reason says why
    if not second.cache_enabled_hint:
        if second.instructions and not _runs(second):
            return [Reason(ReasonCode.NO_CACHEABLE_LAYER, _NO_CACHEABLE)]
        where = "attempt 2 shows no cache lookup (attempt 1 did)" if first.cache_enabled_hint else "neither log shows a cache lookup"
        return [Reason(ReasonCode.CACHE_DISABLED, f"{where}; run Kaniko with --cache=true (cache_enabled: true in the workflow)")]
    if second.cache_read_refusals:
        repo = second.cache_repo or "the cache repository"
        sample = _excerpt(second.read_refusal_messages[0]) if second.read_refusal_messages else ""
        return [
            Reason(
                ReasonCode.CACHE_READ_REFUSED,
                f"attempt 2: {repo} refused {second.cache_read_refusals} cache read(s) ({sample}), so its layers "
                "were rebuilt though not missing; the token must be able to read the cache package too",
            )
        ]
    if second.miss_count:
        first_miss = second.misses[0] if second.misses else "?"
        why = " (attempt 1 could not upload its layers)" if first.cache_upload_errors else ""
        return [
            Reason(
                ReasonCode.MISSES_ON_ATTEMPT_2,
                f"first miss at `{first_miss}` ({second.miss_count} cache miss(es)); it and "
                f"every layer after it in its stage were rebuilt{why}",
            )
        ]
    if not second.hit_count:
        return [Reason(ReasonCode.NO_CACHE_HITS, f"attempt 2 used no cached layer ({second.lookups} lookup(s))")]
    if not second.truncated:
        unlooked = Counter(_runs(second)) - Counter(second.hits)
        if unlooked:
            first_run = next(i for i in _runs(second) if i in unlooked)
            return [
                Reason(
                    ReasonCode.UNCACHED_LAYERS,
                    f"{sum(unlooked.values())} RUN instruction(s) in attempt 2 were not taken from the cache, first `{first_run}`",
                )
            ]
    return []


def _cache_repo_reasons(first: LogSummary, second: LogSummary, expected: str | None) -> list[Reason]:
    if not expected:
        return []
    want = normalize_repo(split_ref(expected)[0])
    used = {normalize_repo(r): r for log in (first, second) for r in log.cache_repos}
    wrong = [r for key, r in used.items() if key != want]
    if wrong:
        return [Reason(ReasonCode.WRONG_CACHE_REPO, f"the build used {', '.join(wrong)} as its cache, expected {expected}")]
    return []


def _push_reasons(second: LogSummary, image: str | None, destinations: list[str]) -> list[Reason]:
    if not image and not destinations:
        return []
    if second.pushes_without_ref and not second.push_targets:
        return []  # v1.4-v1.5 only count their pushes ("Pushed images to N destinations"): nothing to compare
    pushed_repos = {normalize_repo(split_ref(r)[0]) for r in [*second.pushed_digests, *second.pushed]}
    named = {_normal_ref(r) for r in second.push_targets}
    missing = [d for d in destinations if normalize_repo(split_ref(d)[0]) not in pushed_repos or (named and _normal_ref(d) not in named)]
    if image and normalize_repo(split_ref(image)[0]) not in pushed_repos:
        missing.insert(0, image)
    if not missing:
        return []
    why = " (the build ran with --no-push)" if second.no_push else ""
    return [Reason(ReasonCode.NOT_PUSHED, f"attempt 2 did not push {', '.join(dict.fromkeys(missing))}{why}")]


def _normal_ref(ref: str) -> str:
    repo, tag, _ = split_ref(ref)
    return f"{normalize_repo(repo)}:{tag or 'latest'}"


def _timing(verdict: Verdict, first: LogSummary, second: LogSummary) -> None:
    verdict.attempt1_s, verdict.attempt2_s = first.duration_s, second.duration_s
    if first.duration_s is None or second.duration_s is None:
        return
    verdict.saving_s = round(first.duration_s - second.duration_s, 3)
    note = f"attempt 1 took {first.duration_s:.1f} s, attempt 2 took {second.duration_s:.1f} s"
    if verdict.saving_s >= 0 and first.duration_s > 0:
        note += f": {verdict.saving_s:.1f} s saved ({100 * verdict.saving_s / first.duration_s:.0f}%)"
    elif verdict.saving_s < 0:
        note += f": attempt 2 was {-verdict.saving_s:.1f} s slower"
    verdict.notes.append(note)
