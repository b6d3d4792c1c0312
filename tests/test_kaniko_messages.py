"""Every released wording of every message the log reader uses, upstream Kaniko and the osscontainertools fork.

tests/data/kaniko_messages.json (made by bench/kaniko_messages.py from the git tags of both sources) lists, per
message kind, each format string with its level and the tags that print it. Each variant is rendered into a
log, in several line shapes, and the reader must classify it as that kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kaniko_samples import CACHE_REPO, IMAGE, START, UPLOAD_401, Variant, _Clock, _Printer
from wizard.core.kaniko.log import parse_log_file, parse_log_text
from wizard.core.kaniko.summary import LogSummary

TABLE = json.loads((Path(__file__).parent / "data" / "kaniko_messages.json").read_text())
KINDS: dict[str, dict[str, dict[str, list[str]]]] = TABLE["kinds"]
KEY = "3f9c" * 16
CACHE_REF = f"{CACHE_REPO}:{KEY}"
DEST = f"{IMAGE}:sha-0123abc"
DIGEST_REF = f"{IMAGE}@sha256:{'ab' * 32}"
CMD = "RUN npm ci --omit=dev"
_PATH = CACHE_REPO.split("/", 1)[1]
REFUSED = f"GET https://ghcr.io/token?scope=repository%3A{_PATH}%3Apull&service=ghcr.io: DENIED: requested access to the resource is denied"
UNKNOWN = f"GET https://ghcr.io/v2/{_PATH}/manifests/{KEY}: MANIFEST_UNKNOWN: manifest unknown; unknown tag={KEY}"
_LEVEL = {"info": "INFO", "warning": "WARN", "debug": "DEBU", "error": "ERRO"}
SHAPES = [Variant(ci_timestamps=True), Variant(ansi=False, pad=False), Variant(fmt="text"), Variant(fmt="json", ci_timestamps=True)]

# The argument each kind's format is filled with (Go's verbs in the order they appear).
ARGS: dict[str, list[object]] = {
    "checking": [CACHE_REF],
    "hit": [CMD],
    "hit_inferred": [CMD],
    "miss": [CMD],
    "expired": [CACHE_REF],
    "cache_push": [CACHE_REF],
    "upload_error": [UPLOAD_401.format(ref=CACHE_REF, path=_PATH)],
    "pushing_image": [DEST],
    "pushed": [DIGEST_REF],
    "stage": ["node:20-alpine", 0, -1],
    "snapshot": ["[/app]"],
    "cross_stage_deps": ["map[]"],
    "build_triggers": [0],
    "retrieve_failed": [REFUSED],
    "key_missing": [f"sha256:{'cd' * 32}-{CMD}"],
    "fatal_push_permissions": [f'checking push permission for "{DEST}": POST https://ghcr.io/v2/x/blobs/uploads/: DENIED: denied'],
    "fatal_build": ["error building stage: failed to execute command: exit status 1"],
    "fatal_push": [f"failed to push to destination {DEST}: DENIED: permission_denied: write_package"],
}


def variants() -> Iterator[tuple[str, str, str]]:
    for kind, by_variant in KINDS.items():
        for variant in by_variant:
            level, fmt = variant.split("|", 1)
            yield kind, level, fmt


def fill(level: str, fmt: str, args: list[object]) -> str:
    values = iter(args)
    text = re.sub(r"%[svdqw]", lambda m: str(next(values)), fmt)
    if level == "stderr" and "%w" not in fmt:
        text += ": " + str(next(values))  # errors.Wrap: "<text>: <cause>"
    return text


def render(lines: list[tuple[str, str]], shape: Variant) -> str:
    """(level, message) pairs as Kaniko prints them; level "stderr" is a plain line (the fatal errors)."""
    p = _Printer(shape, _Clock(START))
    return "\n".join(p.raw(msg) if level == "stderr" else p.log(_LEVEL[level], msg) for level, msg in lines) + "\n"


def parse_both(text: str, tmp_path: Path) -> LogSummary:
    """The line-by-line reader and the block reader (a file) must agree; the summary of either."""
    path = tmp_path / "kaniko.log"
    path.write_text(text)
    by_lines, by_blocks = parse_log_text(text).to_json(), parse_log_file(path)
    assert {**by_lines, "path": None} == {**by_blocks.to_json(), "path": None}
    return by_blocks


def neutral(s: LogSummary) -> None:
    """A message the summary must not count as any cache event, push or failure."""
    assert (s.hit_count, s.miss_count, s.lookups, s.cache_pushes, s.cache_upload_errors, s.expired) == (0, 0, 0, 0, 0, 0)
    assert (s.fatal, s.pushed, s.cache_read_refusals, s.stages) == (None, [], 0, 0)


def check_hit(s: LogSummary) -> None:
    assert (s.hit_count, s.hits, s.miss_count) == (1, [CMD], 0)


# kind -> what the summary of [echo of CMD, the message] must show
EXPECT: dict[str, Callable[[LogSummary], None]] = {
    "checking": lambda s: (s.lookups, s.cache_repo) == (1, CACHE_REPO) or pytest.fail(f"{s}"),
    "hit": check_hit,
    "hit_inferred": lambda s: (s.inferred_hits, s.hit_count, s.miss_count) == (1, 0, 0) or pytest.fail(f"{s}"),
    "miss": lambda s: (s.miss_count, s.misses, s.hit_count) == (1, [CMD], 0) or pytest.fail(f"{s}"),
    "expired": lambda s: (s.expired, s.hit_count) == (1, 0) or pytest.fail(f"{s}"),
    "cache_push": lambda s: (s.cache_pushes, s.cache_repo) == (1, CACHE_REPO) or pytest.fail(f"{s}"),
    "upload_error": lambda s: (
        (s.cache_upload_errors, s.upload_error_messages[0][:20]) == (1, "failed to push to de") or pytest.fail(f"{s}")
    ),
    "pushing_image": lambda s: (s.push_targets, s.pushed) == ([DEST], []) or pytest.fail(f"{s}"),
    "pushed": lambda s: s.pushed == [DEST] or pytest.fail(f"{s}"),  # after its "Pushing image to" line
    "no_push": lambda s: s.no_push or pytest.fail(f"{s}"),
    "stage": lambda s: s.stages == 1 or pytest.fail(f"{s}"),
    "snapshot": neutral,
    "cross_stage_deps": neutral,
    "build_triggers": neutral,
    "key_missing": neutral,
    "found_cached_layer": check_hit,  # alone it is v0.4-v0.5's hit line, named by the echo before it
    "push_permission_warning": lambda s: s.push_permission_warning or pytest.fail(f"{s}"),
    "fatal_push_permissions": lambda s: (s.fatal or "").startswith("error checking push permissions") or pytest.fail(f"{s}"),
    "fatal_build": lambda s: (s.fatal or "").startswith("error building image: error building stage") or pytest.fail(f"{s}"),
    "fatal_push": lambda s: (s.fatal or "").startswith("error pushing image: failed to push") or pytest.fail(f"{s}"),
    "retrieve_failed": lambda s: (s.cache_read_refusals, s.read_refusal_messages, s.debug) == (1, [REFUSED], True) or pytest.fail(f"{s}"),
}


def test_the_table_covers_every_tag_of_both_sources() -> None:
    assert len(TABLE["tags"]["upstream"]) >= 60 and TABLE["tags"]["upstream"][-1] == "v1.24.0"
    assert len(TABLE["tags"]["fork"]) >= 30 and TABLE["tags"]["fork"][-1] == "v1.28.3"
    assert set(EXPECT) == set(KINDS)  # a kind the script collects and no test checks would go unread
    for kind, source, since in [
        ("checking", "upstream", "v0.4.0"),
        ("miss", "upstream", "v0.4.0"),
        ("cache_push", "upstream", "v0.4.0"),
        ("upload_error", "upstream", "v0.7.0"),
        ("pushed", "upstream", "v1.4.0"),
        ("checking", "fork", "1.24.0-1"),
        ("hit", "fork", "1.24.0-1"),
        ("miss", "fork", "1.24.0-1"),
        ("upload_error", "fork", "1.24.0-1"),
        ("pushed", "fork", "1.24.0-1"),
    ]:
        tags = TABLE["tags"][source]
        printed = {t for by_source in KINDS[kind].values() for t in by_source.get(source, [])}
        assert set(tags[tags.index(since) :]) <= printed, (kind, source, sorted(set(tags[tags.index(since) :]) - printed))


def test_the_wordings_that_differ_between_releases_are_in_the_table() -> None:
    assert set(KINDS["upload_error"]) == {"warning|Error uploading layer to cache: %s", "warning|error uploading layer to cache: %s"}
    assert "info|No cached layer found, executing command..." in KINDS["miss"]
    assert {"info|Pushed image to %d destinations", "info|Pushed images to %d destinations"} <= set(KINDS["pushed"])
    assert list(KINDS["hit_inferred"]["info|Cache hit via inferred cross-stage key for cmd: %s"]) == ["fork"]
    assert "debug|Failed to retrieve pointer: %s" in KINDS["retrieve_failed"]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda v: v.id)
@pytest.mark.parametrize(("kind", "level", "fmt"), list(variants()), ids=lambda x: str(x)[:40])
def test_each_variant_is_read_as_its_kind(kind: str, level: str, fmt: str, shape: Variant, tmp_path: Path) -> None:
    if "%d destinations" in fmt:
        lines = [("info", f"Pushing image to {DEST}"), (level, fill(level, fmt, [1]))]
        s = parse_both(render(lines, shape), tmp_path)
        assert (s.pushed, s.pushed_digests, s.pushes_without_ref) == ([DEST], [], 1)
        return
    message = fill(level, fmt, ARGS.get(kind, []))
    lines = [("info", CMD), (level, message)]
    if kind == "pushed":
        lines.insert(1, ("info", f"Pushing image to {DEST}"))
        s = parse_both(render(lines, shape), tmp_path)
        assert s.pushed_digests == [DIGEST_REF]
    s = parse_both(render(lines, shape), tmp_path)
    EXPECT[kind](s)
    assert s.kaniko_seen  # inspect-log takes it for a Kaniko build
    if EXPECT[kind] is not neutral:  # a line the reader counts is a sign of Kaniko by itself, without the echo
        assert parse_both(render([(level, message)], shape), tmp_path).kaniko_seen, message


@pytest.mark.parametrize("shape", SHAPES, ids=lambda v: v.id)
def test_fork_inferred_hit_and_its_ordinary_hit_line_count_one_hit(shape: Variant, tmp_path: Path) -> None:
    """Done-when: the fork logs both lines for one layer (pkg/executor/build.go optimize); it is one hit."""
    lines = [
        ("info", f"Checking for cached layer {CACHE_REPO}:{'11' * 32}..."),  # the pointer under the inferred key
        ("info", "Cache hit via inferred cross-stage key for cmd: COPY --from=build /out /app"),
        ("info", f"Checking for cached layer {CACHE_REF}..."),
        ("info", "Using caching version of cmd: COPY --from=build /out /app"),
        ("info", "COPY --from=build /out /app"),
        ("info", "Found cached layer, extracting to filesystem"),
    ]
    s = parse_both(render(lines, shape), tmp_path)
    assert (s.hit_count, s.hits, s.miss_count, s.inferred_hits) == (1, ["COPY --from=build /out /app"], 0, 1)


def test_fork_inferred_hit_then_a_miss_is_a_miss(tmp_path: Path) -> None:
    lines = [
        ("info", "Cache hit via inferred cross-stage key for cmd: COPY --from=build /out /app"),
        ("info", f"Checking for cached layer {CACHE_REF}..."),
        ("info", "No cached layer found for cmd COPY --from=build /out /app"),
    ]
    s = parse_both(render(lines, Variant()), tmp_path)
    assert (s.hit_count, s.miss_count, s.misses) == (0, 1, ["COPY --from=build /out /app"])


def test_modern_hits_are_not_counted_again_by_their_found_line(tmp_path: Path) -> None:
    lines = [("info", f"Using caching version of cmd: {CMD}"), ("info", CMD), ("info", "Found cached layer, extracting to filesystem")]
    s = parse_both(render(lines, Variant(ci_timestamps=True)), tmp_path)
    check_hit(s)


def test_legacy_miss_is_named_by_the_echo_before_it(tmp_path: Path) -> None:
    lines = [
        ("info", "RUN apk add git"),
        ("info", f"Checking for cached layer {CACHE_REF}..."),
        ("info", "Found cached layer, extracting to filesystem"),
        ("info", CMD),
        ("info", f"Checking for cached layer {CACHE_REF}..."),
        ("info", "No cached layer found, executing command..."),
    ]
    s = parse_both(render(lines, Variant()), tmp_path)
    assert (s.hits, s.misses, s.lookups) == (["RUN apk add git"], [CMD], 2)


@pytest.mark.parametrize("error", [UNKNOWN, f"GET https://ghcr.io/v2/{_PATH}/manifests/{KEY}: NAME_UNKNOWN: repository name not known"])
def test_a_missing_cache_entry_at_debug_level_is_not_a_refusal(error: str, tmp_path: Path) -> None:
    lines = [("debug", f"Failed to retrieve layer: {error}"), ("info", f"No cached layer found for cmd {CMD}")]
    s = parse_both(render(lines, Variant(fmt="json")), tmp_path)
    assert (s.cache_read_refusals, s.miss_count, s.debug) == (0, 1, True)


@pytest.mark.parametrize(
    "error",
    [
        REFUSED,
        f"GET https://ghcr.io/v2/{_PATH}/manifests/{KEY}: UNAUTHORIZED: authentication required; [map[Action:pull]]",
        f"GET https://ghcr.io/v2/{_PATH}/manifests/{KEY}: unexpected status code 403 Forbidden (HEAD responses have no body)",
    ],
)
def test_a_refused_cache_read_at_debug_level_is_counted(error: str, tmp_path: Path) -> None:
    lines = [("debug", f"Failed to retrieve layer: {error}"), ("info", f"No cached layer found for cmd {CMD}")]
    s = parse_both(render(lines, Variant(ci_timestamps=True)), tmp_path)
    assert (s.cache_read_refusals, s.miss_count) == (1, 1)
