"""The streaming Kaniko log parser: message texts under every prefix, format and fork."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest

from tests.kaniko_samples import (
    BUILD_FAILED,
    CACHE_REPO,
    IMAGE,
    NODE_APP,
    NODE_RUNS,
    UPLOAD_401,
    VARIANTS,
    Build,
    Stage,
    Variant,
    big_build,
    kaniko_log,
    write_log,
)
from wizard.core.kaniko import blocks
from wizard.core.kaniko.log import (
    KanikoLogParser,
    parse_log_file,
    parse_log_lines,
    parse_log_text,
    parse_timestamp,
    split_ref,
)
from wizard.core.kaniko.summary import LogSummary
from wizard.core.kaniko.text import _ANSI_RE, strip_ansi

DEST = f"{IMAGE}:sha-0123abc"
ISSUE_KEYS = {"path", "hits", "misses", "cache_pushes", "cache_upload_errors", "pushed", "fatal"}


def parse(build: Build, variant: Variant = Variant()) -> LogSummary:
    return parse_log_lines(kaniko_log(build, variant))


# -- every line format --------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_partial_hit_in_every_variant(variant: Variant) -> None:
    # Attempt 2 after a source change: the first RUN hits, the second misses, the third is not looked up.
    s = parse(Build(stages=(NODE_APP,), plan=[True, False]), variant)
    assert s.hits == [NODE_RUNS[0]]
    assert s.misses == [NODE_RUNS[1]]
    assert s.lookups == 2
    assert s.cache_pushes == 2  # the missed RUN and the one after it, built and pushed to the cache
    assert s.cache_upload_errors == 0
    assert s.pushed == [DEST]
    assert s.pushed_digests[0].startswith(IMAGE + "@sha256:")
    assert s.fatal is None
    assert s.cache_repo == CACHE_REPO
    assert s.instructions == list(NODE_APP.instructions)
    assert s.stages == 1
    assert s.duration_s is not None and s.duration_s > 0


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_all_hit_in_every_variant(variant: Variant) -> None:
    s = parse(Build(stages=(NODE_APP,), plan=[True] * 3), variant)
    assert s.hits == NODE_RUNS
    assert (s.misses, s.cache_pushes, s.lookups) == ([], 0, 3)
    assert s.pushed == [DEST]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_fatal_push_permission_in_every_variant(variant: Variant) -> None:
    s = parse(Build(stages=(NODE_APP,), fatal="push-permission"), variant)
    assert s.fatal is not None and s.fatal.startswith("error checking push permissions")
    assert "UNAUTHORIZED" in s.fatal or "DENIED" in s.fatal
    assert DEST in s.fatal
    assert s.push_permission_warning is variant.fork  # the fork warns first (FACTS §3)
    assert (s.hits, s.misses, s.pushed, s.lookups) == ([], [], [], 0)


@pytest.mark.parametrize("variant", VARIANTS[::3], ids=lambda v: v.id)
def test_cache_upload_401_warning(variant: Variant) -> None:
    s = parse(Build(stages=(NODE_APP,), upload_error=UPLOAD_401), variant)
    assert s.misses == [NODE_RUNS[0]]
    assert s.cache_pushes == 3
    assert s.cache_upload_errors == 3
    assert "401 Unauthorized" in s.upload_error_messages[0]
    assert s.upload_error_messages[0].startswith("failed to push to destination " + CACHE_REPO + ":")
    assert s.pushed == [DEST]  # a failed cache upload is only a warning: the image is still pushed


def test_debug_lines_are_not_instructions_hits_or_misses() -> None:
    plain = parse(Build(stages=(NODE_APP,), plan=[True, False]))
    debug = parse(Build(stages=(NODE_APP,), plan=[True, False]), Variant(debug=True))
    log = "\n".join(kaniko_log(Build(stages=(NODE_APP,), plan=[True, False]), Variant(debug=True)))
    assert "Optimize: composite key for command RUN npm ci" in log and "Key missing was:" in log
    assert "Failed to retrieve layer:" in log
    assert debug.instructions == plain.instructions
    assert (debug.hits, debug.misses, debug.lookups) == (plain.hits, plain.misses, plain.lookups)


def test_cold_cache_multi_stage() -> None:
    builder = Stage("golang:1.23", ("WORKDIR /src", "COPY . .", "RUN go build -o /out/app ./cmd/app"))
    runtime = Stage(
        "alpine:3.20",
        ("RUN apk add --no-cache ca-certificates", "COPY --from=0 /out/app /app", "RUN adduser -D app", 'ENTRYPOINT ["/app"]'),
    )
    s = parse(Build(stages=(builder, runtime)))
    # One miss per stage upstream: the lookups stop after the first miss of each stage.
    assert s.misses == ["RUN go build -o /out/app ./cmd/app", "RUN apk add --no-cache ca-certificates"]
    assert (s.lookups, s.cache_pushes, s.stages) == (2, 3, 2)


# -- forks ----------------------------------------------------------------------------------------------------


def test_fork_inferred_cross_stage_hit_counts_as_hit() -> None:
    s = parse(Build(stages=(NODE_APP,), plan=[True, True, True], inferred_hits=True), Variant(fork=True))
    assert s.hits == NODE_RUNS
    assert (s.hit_count, s.inferred_hits) == (3, 3)  # each layer logs both lines and counts once


def test_fork_probe_after_miss_logs_several_misses() -> None:
    s = parse(Build(stages=(NODE_APP,), plan=[False, True, False], probe_after_miss=True), Variant(fork=True))
    assert s.misses == [NODE_RUNS[0], NODE_RUNS[2]]
    assert s.hits == [NODE_RUNS[1]]


def test_fork_log_drops_upstream_only_lines() -> None:
    log = "\n".join(kaniko_log(Build(stages=(NODE_APP,)), Variant(fork=True)))
    assert "Executing 0 build triggers" not in log
    assert "No files changed in this command" not in log


# -- fatal errors ---------------------------------------------------------------------------------------------


def test_fatal_push_error_after_build() -> None:
    s = parse(Build(stages=(NODE_APP,), plan=[True] * 3, fatal="push"), Variant(ci_timestamps=True))
    assert s.fatal is not None and s.fatal.startswith("error pushing image: failed to push to destination " + DEST)
    assert s.pushed == []  # "Pushing image to" alone is not a push
    assert s.push_targets == [DEST]
    assert s.hits == NODE_RUNS


def test_fatal_build_error() -> None:
    s = parse(Build(stages=(NODE_APP,), fatal="build"), Variant(prefix="remote: "))
    assert s.fatal == BUILD_FAILED
    assert s.misses == [NODE_RUNS[0]]


def test_real_world_fatal_lines() -> None:
    # Verbatim shapes from public issue threads and CI logs.
    cases = [
        "error checking push permissions -- make sure you entered the correct tag name, and that you are "
        'authenticated correctly, and try again: checking push permission for "us.icr.io/j/web:0.6.1": '
        "creating push check transport for us.icr.io failed: unsupported status code 401",
        "2025-01-05T18:30:00.1234567Z error building image: error building stage: failed to get filesystem from image: unexpected EOF",
    ]
    for text in cases:
        s = parse_log_text(text)
        assert s.fatal is not None and s.fatal.startswith("error ")
        assert not s.fatal.startswith("2025")


def test_npm_error_output_is_not_fatal() -> None:
    s = parse_log_text("npm error code ERESOLVE\nnpm error ERESOLVE could not resolve\nerror: build failed")
    assert s.fatal is None


# -- prefixes and shapes written by hand (not by the generator) ------------------------------------------------


def test_cloud_build_log_with_padding_and_repo_without_tag() -> None:
    # The shape of a real Cloud Build log: padded colourless lines, destination without a tag.
    log = """\
INFO[0001] Building stage 'alpine' [idx: '0', base-idx: '-1'] 
INFO[0001] Checking for cached layer us-east1-docker.pkg.dev/p/c/countdown/cache:37409699ab537d1b7e7fae6d7f8f517917c8bb636f20f3108d269b5004cccacd... 
INFO[0001] Using caching version of cmd: RUN apk add git 
INFO[0002] RUN apk add git                              
INFO[0002] Found cached layer, extracting to filesystem 
INFO[0005] CMD [ "ps", "faux" ]                         
INFO[0005] Pushing image to us-east1-docker.pkg.dev/p/c/countdown 
INFO[0007] Pushed us-east1-docker.pkg.dev/p/c/countdown@sha256:1b0a6ea53d46f8d5210c6f2e2bd95e645b9757d00dd8cd212737400c1ef792fd 
PUSH
DONE
"""
    s = parse_log_text(log)
    assert s.hits == ["RUN apk add git"]
    assert s.instructions == ["RUN apk add git", 'CMD [ "ps", "faux" ]']
    assert s.cache_repo == "us-east1-docker.pkg.dev/p/c/countdown/cache"
    assert s.pushed == ["us-east1-docker.pkg.dev/p/c/countdown"]
    assert (s.duration_s, s.timing_source) == (7.0, "logrus-counter")


def test_logfmt_with_container_runtime_timestamps_and_oci_cache() -> None:
    log = [
        '2025-06-27T11:32:25.067243910Z time="2025-06-27T11:32:25Z" level=info msg="Running: [/bin/sh -c echo ${build_id}]"',
        "2025-06-27T11:32:25.095150183Z 9e447871-e415-4018-a860-d5a66d925a57",
        '2025-06-27T11:32:25.280396774Z time="2025-06-27T11:32:25Z" level=info msg="Pushing layer '
        'oci:/kaniko/cache/layers/cached:a035cdb3949daa8f4e7b2c523ea0d73741c7c2d5b09981c261ebae99fd2f3233 to cache now"',
        '2025-06-27T11:32:27.280572023Z time="2025-06-27T11:32:27Z" level=info msg="RUN microdnf install -y which && microdnf clean all"',
        '2025-06-27T11:32:28.280577315Z time="2025-06-27T11:32:28Z" level=info msg="Cmd: /bin/sh"',
        '2025-06-27T11:32:28.280578398Z time="2025-06-27T11:32:28Z" level=info msg="Args: [-c microdnf clean all]"',
    ]
    s = parse_log_lines(log)
    assert s.cache_pushes == 1 and s.cache_repo == "oci:/kaniko/cache/layers/cached"
    assert s.instructions == ["RUN microdnf install -y which && microdnf clean all"]
    assert s.timing_source == "ci-timestamps"
    assert s.duration_s == pytest.approx(28.280578398 - 25.067243910, abs=1e-3)


def test_logfmt_and_json_escapes_are_undone() -> None:
    ins = 'RUN echo "a \\"quoted\\" word" > /tmp/x && test -s /tmp/x'
    logfmt = (
        'time="2025-01-05T18:28:03Z" level=info msg="Using caching version of cmd: ' + ins.replace("\\", "\\\\").replace('"', '\\"') + '"'
    )
    as_json = json.dumps({"level": "info", "msg": "No cached layer found for cmd " + ins, "time": "2025-01-05T18:28:09Z"}).replace(
        ">", "\\u003e"
    )
    s = parse_log_lines([logfmt, as_json])
    assert s.hits == [ins] and s.misses == [ins]
    assert (s.duration_s, s.timing_source) == (6.0, "logrus-timestamps")


@pytest.mark.parametrize(
    "prefix", ["", "remote: ", "build-and-push / Build | ", "build\tKaniko\t", "2025-01-05T18:28:03.3534723Z ", "[36m", "\ufeff"]
)
def test_any_prefix_colour_and_padding(prefix: str) -> None:
    line = f"{prefix}\x1b[36mINFO\x1b[0m[0003] {'Using caching version of cmd: RUN make':<44} "
    bare_copy = f"{prefix}[36mINFO[0m[0004] No cached layer found for cmd RUN make test   "
    s = parse_log_lines([line, bare_copy])
    assert s.hits == ["RUN make"] and s.misses == ["RUN make test"]


def test_instruction_echo_rules() -> None:
    s = parse_log_lines(
        [
            "INFO[0001] Cmd: /bin/sh",
            "INFO[0001] Args: [-c make]",
            "INFO[0001] Running: [/bin/sh -c make]",
            "INFO[0001] User app has no home directory",  # a capitalised word is a sentence, not a keyword
            "INFO[0001] run make all",  # a lower-case Dockerfile keyword is echoed as written
            "DEBU[0001] RUN make debug",  # instructions are echoed at info level only
            "INFO[0001] HEALTHCHECK --interval=5m CMD curl -f http://localhost/",
        ]
    )
    assert s.instructions == ["run make all", "HEALTHCHECK --interval=5m CMD curl -f http://localhost/"]


def test_cache_pushes_are_not_final_pushes() -> None:
    key = "a" * 64
    s = parse_log_lines(
        [
            f"INFO[0009] Pushing image to {CACHE_REPO}:{key}",
            f"INFO[0010] Pushed {CACHE_REPO}@sha256:{'b' * 64}",
            f"INFO[0011] Pushing image to {DEST}",
            f"INFO[0012] Pushing image to {IMAGE}:latest",
            f"INFO[0013] Pushed {IMAGE}@sha256:{'c' * 64}",
            f"INFO[0013] Pushed {IMAGE}@sha256:{'c' * 64}",
        ]
    )
    # The cache repo is recognised by its 64-hex tag even without a "Checking for cached layer" line.
    assert s.pushed == [DEST, f"{IMAGE}:latest"]
    assert s.push_targets == [DEST, f"{IMAGE}:latest"]


def test_no_push_flag() -> None:
    s = parse(Build(stages=(NODE_APP,), no_push=True))
    assert s.no_push and s.pushed == []


def test_registry_with_port_and_helpers() -> None:
    assert split_ref("localhost:5000/a/b:v3") == ("localhost:5000/a/b", "v3", None)
    assert split_ref("localhost:5000/a/b@sha256:abc") == ("localhost:5000/a/b", None, "sha256:abc")
    assert split_ref("ghcr.io/o/i") == ("ghcr.io/o/i", None, None)
    assert parse_timestamp("2025-01-05T18:28:03.3534723Z") == pytest.approx(1736101683.3534723)
    assert parse_timestamp("2025-01-05T19:28:03+01:00") == parse_timestamp("2025-01-05T18:28:03Z")
    assert parse_timestamp("not a time") is None


def test_no_timing_without_any_clock() -> None:
    s = parse_log_lines(["Pushed x@sha256:" + "d" * 64])
    assert (s.duration_s, s.timing_source) == (None, None)


# -- streaming and bounds ------------------------------------------------------------------------------------


def test_feeding_lines_one_by_one_equals_parsing_the_file(tmp_path) -> None:
    build = Build(stages=(NODE_APP,), plan=[True, False], upload_error=UPLOAD_401)
    variant = Variant(ci_timestamps=True, debug=True)
    path = tmp_path / "job.log"
    write_log(path, build, variant)
    parser = KanikoLogParser("job.log")
    for line in kaniko_log(build, variant):
        parser.feed(line + "\n")
    from_file = parse_log_file(path).to_json()
    from_feed = parser.result().to_json()
    assert from_file.pop("path") == str(path) and from_feed.pop("path") == "job.log"
    assert from_file == from_feed


# parse_log_file reads bytes and parses only the lines a byte search picks out; reading the text line by line
# (parse_log_lines, what parse_log_file did before) must give the same summary.
SAMPLE_BUILDS = [
    Build(stages=(NODE_APP,), plan=[True, False], upload_error=UPLOAD_401),
    Build(stages=(NODE_APP,), plan=[True, True, True], inferred_hits=True),
    Build(stages=(NODE_APP,), plan=[False, True, False], probe_after_miss=True),
    Build(stages=(NODE_APP, Stage("alpine:3.20", ("RUN apk add curl", "USER app")))),
    Build(stages=(NODE_APP,), fatal="push-permission"),
    Build(stages=(NODE_APP,), plan=[True] * 3, fatal="push"),
    Build(stages=(NODE_APP,), fatal="build"),
    Build(stages=(NODE_APP,), no_push=True),
    big_build(300_000),
]
PLAIN = b"added 3 packages in 12s\n" * 5  # the first lines decide on CI timestamps, line by line: the rest is searched
EDGE_LOGS = {
    "crlf": PLAIN.replace(b"\n", b"\r\n")
    + b"INFO[0001] Checking for cached layer r/c:k...\r\nINFO[0002] No cached layer found for cmd RUN a\r\nINFO[0004] RUN a\r\n",
    "cr only": b"2025-01-05T18:28:03.1Z a\r2025-01-05T18:28:04.1Z INFO[0001] Using caching version of cmd: RUN x\r2025-01-05T18:28:09.5Z end\r",
    "mixed line ends": PLAIN + b"a\r\nb\rc\nINFO[0001] RUN x y\r\r\n\r",
    "bom": b"\xef\xbb\xbf2025-01-05T18:28:03.1Z INFO[0001] Using caching version of cmd: RUN x\n2025-01-05T18:28:05.1Z end\n",
    "only a bom's start": b"\xef\xbb",
    "invalid utf-8": PLAIN + b"INFO[0001] Using caching version of cmd: RUN \xe2\x82\n\xff\xfeerror building image: x\xc3\n",
    "no final newline": PLAIN + b"INFO[0001] Using caching version of cmd: RUN a\nINFO[0009] Pushed r/i@sha256:" + b"d" * 64,
    "raw markers": PLAIN
    + b"".join(
        line + b"\n"
        for line in (
            b"x Pushed r/i@sha256:" + b"a" * 64,
            b"foo Pushing image to r/i:t",
            b"bar Checking for cached layer r/c:k...",
            b"Using caching version of cmd: RUN z",
            b"Cache entry expired: k",
            b"Cache hit via inferred cross-stage key for cmd: RUN q",
            b"Error uploading layer to cache: boom",
            b"Pushing layer r/c:" + b"b" * 64 + b" to cache now",
            b"No cached layer found for cmd RUN w",
            b"Skipping push to container registry due to --no-push flag: error x",
            b"npm error code E",
            b"zz error pushing image: nope",
        )
    ),
    "colour inside a message": PLAIN + b"Using \x1b[1mcaching\x1b[0m version of cmd: RUN x\n",
    "bare colour codes": PLAIN
    + b"[36mINFO[0m[0004] No cached layer found for cmd RUN make\n[33mWARN[0m[0005] make sure you entered the correct tag name\n"
    + b"[31mFATA[0m[0006] boom\n",
    "any digit in a header": PLAIN + "INFO[\u0663] RUN a b\nINFO[0\u0663] CMD x y\n".encode(),
    "brackets that open no header": PLAIN
    + b"Unpacking libc6 (2.36-9) [1,234 kB]\n" * 20
    + b"INFO[0003] RUN a b\n"
    + b"Get:1 [x] [0 kB] [2 kB] [3 kB] [4 kB] [5 kB] " * 6
    + b"WARN[2021-11-09T13:14:31Z] make sure you entered the correct tag name [y]\n",
    "logrus times": PLAIN
    + b"WARN[2021-11-09T13:14:31Z] make sure you entered the correct tag name\nINFO[2021-11-09T13:15:31+01:00] RUN a b\n",
}


def _line_by_line(path: Path) -> dict[str, object]:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        return parse_log_lines(fh, str(path)).to_json()


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_file_in_blocks_equals_line_by_line_in_every_variant(variant: Variant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "job.log"
    for build in SAMPLE_BUILDS:
        write_log(path, build, variant)
        expected = _line_by_line(path)
        assert parse_log_file(path).to_json() == expected
        with monkeypatch.context() as m:
            m.setattr(blocks, "BLOCK_SIZE", 97)  # lines cut by the reads
            assert parse_log_file(path).to_json() == expected


def _assert_blocks_read_as_lines(data: bytes, block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file read in blocks of `block` bytes gives the summary reading it line by line gives."""
    path = tmp_path / "job.log"
    path.write_bytes(data)
    monkeypatch.setattr(blocks, "BLOCK_SIZE", block)
    assert parse_log_file(path).to_json() == _line_by_line(path)


@pytest.mark.parametrize("block", [1, 5, blocks.BLOCK_SIZE])
@pytest.mark.parametrize("data", EDGE_LOGS.values(), ids=EDGE_LOGS.keys())
def test_file_in_blocks_equals_line_by_line_on_edge_bytes(data: bytes, block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_blocks_read_as_lines(data, block, tmp_path, monkeypatch)


# A debug log's snapshot lines: a megabyte long, coloured, cut by several reads.
_FILES = b" ".join(b"/app/node_modules/pkg-%d/index.js:{}" % k for k in range(30_000))
LONG_LINES = {
    "debug snapshot": PLAIN
    + b"\x1b[37mDEBU\x1b[0m[0006] Current image filesystem: map["
    + _FILES
    + b"]\n"
    + b"\x1b[36mINFO\x1b[0m[0007] Using caching version of cmd: RUN x\n",
    "codes and brackets all along": PLAIN
    + b"INFO[0001] RUN a"
    + b" [1m[0mX \x1b[0m[2-\x1b[ [0m[" * 40_000
    + b"\nerror building image: "
    + _FILES[:9000]
    + b"\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("block", [97, 70_000, blocks.BLOCK_SIZE])
@pytest.mark.parametrize("data", LONG_LINES.values(), ids=LONG_LINES.keys())
def test_file_in_blocks_equals_line_by_line_on_long_lines(data: bytes, block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_blocks_read_as_lines(data, block, tmp_path, monkeypatch)


# Pieces of the texts the block search looks for, whole and cut, among colours, headers and line ends.
FRAGMENTS = [
    *(line for line in EDGE_LOGS["raw markers"].splitlines() if line),
    *(b"INFO[0001] " + t for t in (b"Found cached layer, extracting to filesystem", b"Failed to retrieve layer: DENIED", b"RUN a b")),
    *(b"\x1b[36mINFO\x1b[0m[0003] ", b"[33mWARN[0m[0004] ", b"ERRO[2021-11-09T13:14:31Z] ", b"\x1b[1m", b"[0m", b"["),
    *(b'time="2021-01-01T00:00:00Z" level=error msg=', b'{"level":"info","msg":"RUN x y"}', b"2025-01-05T18:28:03.3534723Z "),
    *(b"Push", b"ached layer", b"Cache ", b"error ", b"to cache", b"make sure", b"\xe2\x82", b"\xff", b"\r", b"\r\n", b" ", b"x" * 90),
]


@pytest.mark.parametrize("seed", range(12))
def test_file_in_blocks_equals_line_by_line_on_random_logs(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    path = tmp_path / "job.log"
    for _ in range(6):
        pieces = [rng.choice(FRAGMENTS) + (b"\n" if rng.random() < 0.4 else b"") for _ in range(rng.randint(1, 600))]
        path.write_bytes(b"".join(pieces))
        expected = _line_by_line(path)
        for block in (7, 97, blocks.BLOCK_SIZE):
            monkeypatch.setattr(blocks, "BLOCK_SIZE", block)
            assert parse_log_file(path).to_json() == expected, (seed, block)


def test_strip_ansi_removes_what_the_pattern_matches() -> None:
    # strip_ansi tries the pattern only around each "["; it must remove exactly what re.sub would, left to right.
    rng = random.Random(3)
    pieces = ["\x1b", "[", "]", "0", "36", ";", "m", "A", "Z", "a", " ", "\x1b[0m", "[0m", "INFO", "[0004]"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert strip_ansi(text) == _ANSI_RE.sub("", text), repr(text)


def test_json_has_the_issue_keys() -> None:
    out = parse(Build(stages=(NODE_APP,), plan=[True, False])).to_json()
    assert ISSUE_KEYS <= out.keys()
    assert isinstance(out["cache_pushes"], int) and isinstance(out["pushed"], list)
    json.dumps(out)


def test_lists_are_capped_counts_are_not() -> None:
    parser = KanikoLogParser(max_items=10)
    for i in range(5000):
        parser.feed(f"INFO[0001] Using caching version of cmd: RUN step {i}")
    s = parser.result()
    assert len(s.hits) == 10 and s.hit_count == 5000 and s.truncated


@pytest.mark.slow
def test_200_mb_log_streams_in_flat_memory(tmp_path) -> None:
    variant = Variant(ci_timestamps=True)
    path = tmp_path / "big.log"
    size = write_log(path, big_build(205_000_000, variant), variant)
    assert size > 200_000_000
    tracemalloc.start()
    try:
        s = parse_log_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000, f"peak {peak} bytes: the parser is not streaming"
    assert s.hit_count == 7 and s.miss_count == 1 and s.lookups == 8
    assert s.misses == ["RUN npm run build:part1"]
    assert s.cache_pushes == 5 and s.stages == 2
    assert s.pushed == [DEST]
    assert s.fatal is None and s.timing_source == "ci-timestamps"
    assert s.lines > 2_000_000
