"""The run-1 / run-2 verdict (DESIGN §2.7) on generated and hand-written Kaniko logs."""

from __future__ import annotations

import pytest

from tests.kaniko_samples import (
    CACHE_REPO,
    IMAGE,
    NODE_APP,
    NODE_RUNS,
    UPLOAD_401,
    Build,
    Stage,
    Variant,
    kaniko_log,
)
from wizard.core.kaniko.log import parse_log_lines
from wizard.core.kaniko.summary import LogSummary
from wizard.core.kaniko.verdict import ReasonCode, Verdict, judge

DEST = f"{IMAGE}:sha-0123abc"
COLD = Build(stages=(NODE_APP,))
WARM = COLD.with_(plan=[True, True, True])


def log(build: Build, variant: Variant = Variant(ci_timestamps=True)) -> LogSummary:
    return parse_log_lines(kaniko_log(build, variant))


def verdict(first: Build, second: Build, variant: Variant = Variant(ci_timestamps=True), **kw) -> Verdict:
    v = judge(log(first, variant), log(second, variant), **kw)
    assert set(v.codes) <= set(ReasonCode)
    return v


@pytest.mark.parametrize("variant", [Variant(ci_timestamps=True), Variant(fmt="json"), Variant(fork=True)], ids=lambda v: v.id)
def test_pass_cold_then_warm(variant: Variant) -> None:
    v = verdict(COLD, WARM, variant, image=IMAGE, cache_repo=CACHE_REPO, destinations=[DEST])
    assert v.passed and v.reasons == []
    assert v.hits == 3 and v.misses == 0 and v.first_miss is None
    assert not v.warmed_before
    assert v.attempt1_s is not None and v.attempt2_s is not None
    assert v.saving_s == pytest.approx(v.attempt1_s - v.attempt2_s) and v.saving_s > 0
    assert any("saved" in n for n in v.notes)


def test_pass_when_attempt_1_was_already_warm_says_so() -> None:
    v = verdict(WARM, WARM)
    assert v.passed and v.warmed_before
    assert any("already hit the cache" in n for n in v.notes)


def test_cache_disabled() -> None:
    off = COLD.with_(cache=False)
    v = verdict(off, off)
    assert not v.passed and v.codes == ["cache-disabled"]
    assert "--cache=true" in str(v.reasons[0])


def test_cache_disabled_on_attempt_2_only() -> None:
    v = verdict(COLD, COLD.with_(cache=False))
    assert v.codes == ["cache-disabled"] and "attempt 2" in str(v.reasons[0])


def test_cache_upload_refused_then_misses() -> None:
    v = verdict(COLD.with_(upload_error=UPLOAD_401), COLD)
    assert v.codes == ["cache-upload-refused", "misses-on-attempt-2"]
    assert "attempt 1" in str(v.reasons[0]) and "401 Unauthorized" in str(v.reasons[0])
    assert v.first_miss == NODE_RUNS[0]
    assert "could not upload" in str(v.reasons[1])


READ_DENIED = (
    "GET https://ghcr.io/token?scope=repository%3A{path}%3Apull&service=ghcr.io: DENIED: requested access to the resource is denied"
)


def test_refused_cache_read_at_debug_level_is_named_not_a_miss() -> None:
    refused = COLD.with_(upload_error=UPLOAD_401, read_refused=READ_DENIED)
    v = verdict(refused, refused, Variant(ci_timestamps=True, debug=True), cache_repo=CACHE_REPO)
    assert v.codes == ["cache-upload-refused", "cache-upload-refused", "cache-read-refused"]
    text = str(v.reasons[2])
    assert text.startswith("cache-read-refused: attempt 2: " + CACHE_REPO) and "DENIED" in text and "read the cache package" in text
    assert "misses-on-attempt-2" not in v.codes and v.misses == 1


def test_refused_cache_read_at_info_level_looks_like_a_miss_and_the_note_says_so() -> None:
    refused = COLD.with_(read_refused=READ_DENIED)
    v = verdict(COLD, refused)
    assert v.codes == ["misses-on-attempt-2"]
    assert any("default verbosity" in n for n in v.notes)
    assert not any("default verbosity" in n for n in verdict(COLD, refused, Variant(debug=True)).notes)


def test_cache_upload_failed_for_another_reason() -> None:
    v = verdict(COLD.with_(upload_error="failed to push to destination {ref}: connection reset by peer"), WARM)
    assert v.codes == ["cache-upload-failed"]


@pytest.mark.parametrize("fork", [False, True], ids=["upstream", "fork"])
def test_push_denied_at_the_permission_check(fork: bool) -> None:
    denied = COLD.with_(fatal="push-permission")
    v = verdict(denied, denied, Variant(ci_timestamps=True, fork=fork))
    assert v.codes == ["push-denied", "push-denied"]
    assert "packages: write" in str(v.reasons[0])


def test_push_denied_when_pushing() -> None:
    v = verdict(COLD, WARM.with_(fatal="push"))
    assert v.codes == ["push-denied"] and str(v.reasons[0]).startswith("push-denied: attempt 2: error pushing image")


def test_push_check_network_failure_is_fatal_not_denied() -> None:
    line = (
        "error checking push permissions -- make sure you entered the correct tag name, and that you are "
        'authenticated correctly, and try again: checking push permission for "ghcr.io/o/i:t": creating '
        'push check transport for ghcr.io failed: Get "https://ghcr.io/v2/": dial tcp: i/o timeout'
    )
    v = judge(log(COLD), parse_log_lines([line]))
    assert v.codes == ["fatal"]


def test_build_error_is_fatal() -> None:
    v = verdict(COLD, COLD.with_(fatal="build"))
    assert v.codes == ["fatal"] and "exit status 1" in str(v.reasons[0])


def test_no_cacheable_layer_suggests_cache_copy_layers() -> None:
    static = Stage("nginx:1.27-alpine", ("COPY dist/ /usr/share/nginx/html/", "EXPOSE 8080", 'CMD ["nginx", "-g", "daemon off;"]'))
    v = verdict(Build(stages=(static,)), Build(stages=(static,)))
    assert v.codes == ["no-cacheable-layer"] and "--cache-copy-layers" in str(v.reasons[0])


def test_no_cacheable_layer_text_holds_for_upstream_and_the_fork() -> None:
    copy_only = Build(stages=(Stage("nginx:alpine", ("COPY site /usr/share/nginx/html",)),))
    v = verdict(copy_only, copy_only, Variant(fork=True))
    assert v.codes == ["no-cacheable-layer"]
    assert "RUN" in str(v.reasons[0]) and "WORKDIR" in str(v.reasons[0]) and "--cache-copy-layers" in str(v.reasons[0])


def test_push_confirmed_by_count_in_v1_6_logs() -> None:
    lines = [
        "INFO[0001] Checking for cached layer " + CACHE_REPO + ":" + "ab" * 32 + "...",
        "INFO[0001] Using caching version of cmd: RUN npm ci",
        "INFO[0001] RUN npm ci",
        "INFO[0002] Pushing image to " + DEST,
        "INFO[0005] Pushed image to 1 destinations",
    ]
    second = parse_log_lines(lines)
    assert (second.pushed, second.pushes_without_ref) == ([DEST], 1)
    v = judge(second, second, image=IMAGE, destinations=[DEST])
    assert v.passed, v.reasons


def test_copy_only_build_passes_with_cache_copy_layers() -> None:
    static = Stage("nginx:1.27-alpine", ("COPY dist/ /usr/share/nginx/html/", "EXPOSE 8080"))
    first = Build(stages=(static,), cache_copy_layers=True)
    v = verdict(first, first.with_(plan=[True]))
    assert v.passed, v.reasons


def test_misses_on_attempt_2_names_the_first_miss() -> None:
    v = verdict(COLD, COLD.with_(plan=[True, False]))
    assert v.codes == ["misses-on-attempt-2"]
    assert v.first_miss == NODE_RUNS[1]
    assert f"first miss at `{NODE_RUNS[1]}`" in str(v.reasons[0])


def test_wrong_cache_repo() -> None:
    v = verdict(COLD, WARM, cache_repo="ghcr.io/brikbyte-studios/cache/example-node-api")
    assert v.codes == ["wrong-cache-repo"] and CACHE_REPO in str(v.reasons[0])


def test_expected_cache_repo_compares_case_insensitively() -> None:
    assert verdict(COLD, WARM, cache_repo=CACHE_REPO.upper()).passed


def test_not_pushed_to_an_expected_destination() -> None:
    v = verdict(COLD, WARM, image=IMAGE, destinations=[DEST, f"{IMAGE}:v1.2.0"])
    assert v.codes == ["not-pushed"] and f"{IMAGE}:v1.2.0" in str(v.reasons[0]) and DEST not in str(v.reasons[0])


def test_not_pushed_to_the_expected_image() -> None:
    v = verdict(COLD, WARM, image="ghcr.io/brikbyte-studios/other")
    assert v.codes == ["not-pushed"]


def test_no_push_flag_is_named() -> None:
    v = verdict(COLD.with_(no_push=True), WARM.with_(no_push=True), image=IMAGE)
    assert v.codes == ["not-pushed"] and "--no-push" in str(v.reasons[0])


def test_empty_logs_are_no_build() -> None:
    empty = parse_log_lines(["Run int128/kaniko-action", "Error: docker: command not found"])
    v = judge(empty, empty)
    assert v.codes == ["no-build", "no-build"]


def test_uncached_run_without_lookup() -> None:
    lines = [
        "INFO[0001] Checking for cached layer ghcr.io/o/i-cache:" + "e" * 64 + "...",
        "INFO[0001] Using caching version of cmd: RUN make deps",
        "INFO[0002] RUN make deps",
        "INFO[0003] RUN make build",
    ]
    v = judge(log(COLD), parse_log_lines(lines))
    assert v.codes == ["uncached-layers"] and "`RUN make build`" in str(v.reasons[0])


def test_lookups_without_hits() -> None:
    lines = ["INFO[0001] Checking for cached layer ghcr.io/o/i-cache:" + "e" * 64 + "...", "INFO[0002] RUN make"]
    v = judge(log(COLD), parse_log_lines(lines))
    assert v.codes == ["no-cache-hits"]


def test_slower_attempt_2_is_reported_not_negative_saving_text() -> None:
    lookup = "INFO[0001] Checking for cached layer ghcr.io/o/i-cache:" + "e" * 64 + "..."
    first = parse_log_lines([lookup, "INFO[0001] No cached layer found for cmd RUN a", "INFO[0003] RUN a"])
    second = parse_log_lines([lookup, "INFO[0001] Using caching version of cmd: RUN a", "INFO[0009] RUN a"])
    v = judge(first, second)
    assert v.passed
    assert v.saving_s == -6.0 and any("slower" in n for n in v.notes)


def test_json_shape_and_reason_codes() -> None:
    v = verdict(COLD.with_(upload_error=UPLOAD_401), COLD)
    out = v.to_json()
    assert {"passed", "reasons"} <= out.keys() and out["passed"] is False
    assert out["codes"] == [r.split(":", 1)[0] for r in out["reasons"]]
    assert out["first_miss"] == NODE_RUNS[0]
