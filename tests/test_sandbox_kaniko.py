"""The sandbox's Kaniko build emulation, scenario by scenario: consequences follow from registry state.

Most tests build the demo service (wizard/assets/demo/example-node-api, three stages, production by default);
the stopCache and invalidation details use a small in-test repository.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timezone

import pytest

from wizard.assets import demo_repo_dir
from wizard.core.kaniko.log import parse_log_text
from wizard.sandbox.kaniko import DEFAULT_EXECUTOR, BuildOutcome, BuildRequest, Registry, RegistryCredential, emulate_build

STARTED = datetime(2025, 1, 5, 18, 28, 3, tzinfo=UTC)
REPO = "BrikByte-Studios/example-node-api"
IMAGE = "ghcr.io/brikbyte-studios/example-node-api"
CACHE = IMAGE + "-cache"
DEST = f"{IMAGE}:sha-0123abc"
TOKEN = RegistryCredential("github-token", REPO)
UPSTREAM = "gcr.io/kaniko-project/executor:v1.24.0"  # caches RUN only (COPY with --cache-copy-layers)
SMALL = {
    "Dockerfile": b'FROM alpine:3.20\nWORKDIR /app\nCOPY a.txt ./\nRUN echo one\nCOPY b.txt ./\nRUN echo two\nRUN echo three\nCMD ["sh"]\n',
    "a.txt": b"a1\n",
    "b.txt": b"b1\n",
}
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ")
LOGRUS = re.compile(r"^\x1b\[(\d+)m(INFO|WARN|ERRO|FATA)\x1b\[0m\[(\d{4})\] (.*) \Z")
COLOURS = {"INFO": "36", "WARN": "33", "ERRO": "31", "FATA": "31"}


def demo_files() -> dict[str, bytes]:
    root = demo_repo_dir()
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def build(files: dict[str, bytes], registry: Registry, *, seed: int = 0, **kw) -> BuildOutcome:
    kw.setdefault("credential", TOKEN)
    kw.setdefault("executor", UPSTREAM)  # the fork's differences have tests of their own below
    req = BuildRequest(files=files, image_name=IMAGE, destinations=(DEST,), **kw)
    return emulate_build(req, registry, started_at=STARTED, seed=seed)


def messages(outcome: BuildOutcome) -> list[str]:
    """Kaniko's messages without the timestamp, the logrus header and the padding."""
    out = []
    for line in outcome.log_text.splitlines():
        match = LOGRUS.match(TS.sub("", line))
        if match:
            out.append(match[4].rstrip())
    return out


def results(outcome: BuildOutcome, keyword: str = "RUN") -> dict[str, str]:
    return {f"{l['stage']}: {l['instruction']}": l["result"] for l in outcome.layer_results if l["instruction"].startswith(keyword)}


NPM_CI = "deps: RUN npm ci --omit=dev --ignore-scripts     && npm cache clean --force"
APK = "production: RUN apk add --no-cache tini"
NPM_BUILD = "production: RUN npm run build     && rm -rf scripts src"
NPM_TEST = "test: RUN npm test"


def test_first_build_misses_every_layer_and_pushes_them_to_the_cache() -> None:
    registry = Registry()
    outcome = build(demo_files(), registry)
    assert outcome.conclusion == "success"
    # No target, no --skip-unused-stages: upstream Kaniko builds every stage, the unused test stage too
    assert results(outcome) == {NPM_CI: "miss", NPM_TEST: "miss", APK: "miss", NPM_BUILD: "miss"}
    msgs = messages(outcome)
    assert "No cached layer found for cmd RUN npm ci --omit=dev --ignore-scripts     && npm cache clean --force" in msgs
    built = [l["key"] for l in outcome.layer_results if l["result"] == "miss"]
    for key in built:
        assert f"Pushing layer {CACHE}:{key} to cache now" in msgs
        assert f"Pushing image to {CACHE}:{key}" in msgs
        assert registry.has_cache(CACHE, key)
    assert sum(m.startswith(f"Pushed {CACHE}@sha256:") for m in msgs) == 4
    assert msgs[-2:] == [f"Pushing image to {DEST}", f"Pushed {IMAGE}@{outcome.digest}"]
    assert registry.tags(IMAGE) == {"sha-0123abc": outcome.digest}
    assert "Built cross stage deps: map[0:[/app/node_modules]]" in msgs
    assert [s.name for s in outcome.steps] == [
        "Set up job",
        "Check the Kaniko flags",
        "Check out the repository",
        "Normalise tags and derive destinations",
        "Log in to the registry",
        "Build and push with Kaniko",
        "Post Log in to the registry",
        "Post Check out the repository",
        "Complete job",
    ]
    assert all(s.conclusion == "success" for s in outcome.steps)


def test_rerun_of_the_same_commit_hits_every_run_layer_and_is_faster() -> None:
    registry, files = Registry(), demo_files()
    first = build(files, registry, seed=1)
    second = build(files, registry, seed=2)
    assert results(second) == {NPM_CI: "hit", NPM_TEST: "hit", APK: "hit", NPM_BUILD: "hit"}
    msgs = messages(second)
    assert "Using caching version of cmd: RUN apk add --no-cache tini" in msgs
    assert msgs.count("Found cached layer, extracting to filesystem") == 4
    assert not any(m.startswith(("No cached layer found", "Pushing layer")) for m in msgs)
    assert second.duration_s < first.duration_s
    step = {s.name: s for s in second.steps}["Build and push with Kaniko"]
    assert step.duration_s < {s.name: s for s in first.steps}["Build and push with Kaniko"].duration_s
    summary = parse_log_text(second.log_text)  # the product's own analyser reads the emulated log
    assert (summary.hit_count, summary.miss_count, summary.cache_upload_errors) == (4, 0, 0)
    assert summary.pushed == [DEST]


def test_changed_package_json_invalidates_npm_ci_and_what_depends_on_it() -> None:
    registry, files = Registry(), demo_files()
    build(files, registry)
    changed = dict(files, **{"package.json": files["package.json"].replace(b'"name"', b'"description": "x", "name"')})
    outcome = build(changed, registry)
    # apk runs before any COPY in production: still a hit; the copy of deps' node_modules changes npm run build
    assert results(outcome) == {NPM_CI: "miss", NPM_TEST: "miss", APK: "hit", NPM_BUILD: "miss"}


def test_changed_source_file_keeps_earlier_layers_cached() -> None:
    registry, files = Registry(), demo_files()
    build(files, registry)
    outcome = build(dict(files, **{"src/app.js": files["src/app.js"] + b"\n// changed\n"}), registry)
    assert results(outcome) == {NPM_CI: "hit", NPM_TEST: "miss", APK: "hit", NPM_BUILD: "miss"}


def test_change_before_a_run_invalidates_it_and_every_later_one_with_a_single_lookup_miss() -> None:
    registry = Registry()
    build(SMALL, registry)
    outcome = build(dict(SMALL, **{"a.txt": b"a2\n"}), registry)
    assert results(outcome) == {"0: RUN echo one": "miss", "0: RUN echo two": "miss", "0: RUN echo three": "miss"}
    msgs = messages(outcome)
    # stopCache: after the first miss in a stage nothing else is looked up
    assert sum(m.startswith("Checking for cached layer") for m in msgs) == 1
    assert sum(m.startswith("No cached layer found") for m in msgs) == 1
    assert sum(m.startswith("Pushing layer") for m in msgs) == 3


def test_change_after_a_run_keeps_it_cached() -> None:
    registry = Registry()
    build(SMALL, registry)
    outcome = build(dict(SMALL, **{"b.txt": b"b2\n"}), registry)
    assert results(outcome) == {"0: RUN echo one": "hit", "0: RUN echo two": "miss", "0: RUN echo three": "miss"}
    assert sum(m.startswith("Checking for cached layer") for m in messages(outcome)) == 2


def test_cache_disabled_never_looks_up_or_hits() -> None:
    registry = Registry()
    build(SMALL, registry)  # a warm cache that must be ignored
    outcome = build(SMALL, registry, cache_enabled=False)
    assert set(results(outcome).values()) == {"not-cached"}
    cache_messages = ("Checking for cached layer", "Using caching version", "No cached layer found", "Found cached layer", "Pushing layer")
    assert not any(m.startswith(cache_messages) for m in messages(outcome))
    assert "--cache=true" not in outcome.log_text
    assert outcome.conclusion == "success"


def test_cache_copy_layers_caches_copy_too() -> None:
    registry = Registry()
    build(SMALL, registry, cache_copy_layers=True)
    outcome = build(SMALL, registry, cache_copy_layers=True)
    assert set(results(outcome, "COPY").values()) == {"hit"}
    assert messages(outcome).count("Found cached layer, extracting to filesystem") == 5


def test_cache_repo_linked_to_another_repo_warns_401_and_misses_next_time() -> None:
    registry = Registry({CACHE: {"linked_repos": ["BrikByte-Studios/other-service"]}})
    first = build(SMALL, registry)
    assert first.conclusion == "success"
    warnings = [m for m in messages(first) if m.startswith("Error uploading layer to cache:")]
    assert len(warnings) == 1  # the errgroup reports one error per stage
    expected = (
        rf"Error uploading layer to cache: failed to push to destination {re.escape(CACHE)}:[0-9a-f]{{64}}: "
        r"HEAD https://ghcr\.io/v2/brikbyte-studios/example-node-api-cache/blobs/sha256:[0-9a-f]{64}: "
        r"unexpected status code 401 Unauthorized \(HEAD responses have no body, use GET for details\)"
    )
    assert re.fullmatch(expected, warnings[0])
    assert "\x1b[33mWARN\x1b[0m" in first.log_text
    assert registry.tags(CACHE) == {} and registry.tags(IMAGE)
    second = build(SMALL, registry)
    assert set(results(second).values()) == {"miss"}
    assert parse_log_text(second.log_text).cache_upload_errors == 1


@pytest.mark.parametrize(
    ("cred", "denial"),
    [
        (RegistryCredential("pat", REPO, frozenset({"repo", "read:packages"})), "DENIED: permission_denied: write_package"),
        (
            RegistryCredential("pat", REPO, frozenset({"write:packages"}), fine_grained=True),
            "DENIED: permission_denied: The token provided does not match expected scopes",
        ),
        (RegistryCredential("github-token", "BrikByte-Studios/other-service"), "DENIED: permission_denied: write_package"),
    ],
)
def test_destination_not_writable_fails_before_building(cred: RegistryCredential, denial: str) -> None:
    registry = Registry({IMAGE: {"linked_repos": [REPO]}})
    outcome = build(demo_files(), registry, credential=cred)
    assert outcome.conclusion == "failure" and outcome.digest is None
    fatal = (
        "error checking push permissions -- make sure you entered the correct tag name, and that you are "
        f'authenticated correctly, and try again: checking push permission for "{DEST}": '
        f"POST https://ghcr.io/v2/brikbyte-studios/example-node-api/blobs/uploads/: {denial}"
    )
    lines = [TS.sub("", line) for line in outcome.log_text.splitlines()]
    assert fatal in lines
    assert lines[lines.index(fatal) + 1] == "##[error]The process '/usr/bin/docker' failed with exit code 1"
    assert messages(outcome) == []  # nothing built, nothing pushed
    assert registry.snapshot()["packages"] == {IMAGE: {"linked_repos": [REPO.lower()], "tags": {}}}
    assert {s.name: s.conclusion for s in outcome.steps}["Build and push with Kaniko"] == "failure"
    assert {l["result"] for l in outcome.layer_results} == {"skipped"}


def test_target_builds_only_the_stages_it_needs() -> None:
    registry = Registry()
    outcome = build(demo_files(), registry, target="test")
    assert outcome.conclusion == "success"
    assert results(outcome) == {NPM_CI: "miss", NPM_TEST: "miss", APK: "skipped", NPM_BUILD: "skipped"}
    msgs = messages(outcome)
    assert "Building stage 'deps' [idx: '1', base-idx: '0']" in msgs
    assert "Storing source image from stage 0 at path /kaniko/stages/0" in msgs
    assert not any("apk add" in m for m in msgs)
    # a stage FROM an earlier stage starts its key from that stage's final key
    deps_final = [l["key"] for l in outcome.layer_results if l["stage"] == "deps"][-1]
    env = next(l for l in outcome.layer_results if l["stage"] == "test")
    assert env["key"] == hashlib.sha256(f"{deps_final}-ENV NODE_ENV=test".encode()).hexdigest()
    assert "--target test" in outcome.log_text


def test_unknown_target_fails_with_kanikos_error() -> None:
    outcome = build(demo_files(), Registry(), target="nope")
    assert outcome.conclusion == "failure"
    fatal = "error building image: Error finding target stage: nope is not a valid target build stage"
    assert fatal in outcome.log_text


def test_missing_dockerfile_fails_the_prepare_step_and_skips_the_build() -> None:
    outcome = build({"README.md": b"x"}, Registry())
    conclusions = {s.name: s.conclusion for s in outcome.steps}
    assert conclusions["Normalise tags and derive destinations"] == "failure"
    assert conclusions["Build and push with Kaniko"] == "skipped"
    assert "##[error]dockerfile './Dockerfile' does not exist in the repository." in outcome.log_text


def test_missing_copy_source_fails_the_build() -> None:
    outcome = build({"Dockerfile": b"FROM alpine\nCOPY nothere.txt /\n"}, Registry())
    assert outcome.conclusion == "failure"
    assert "lstat /kaniko/action/context/nothere.txt: no such file or directory" in outcome.log_text


def test_every_line_has_the_github_timestamp_and_kaniko_lines_the_logrus_format() -> None:
    outcome = build(demo_files(), Registry({CACHE: {"linked_repos": ["x/y"]}}))
    lines = outcome.log_text.split("\n")
    assert lines[-1] == "" and all(TS.match(line) for line in lines[:-1])
    stamps = [line[:28] for line in lines[:-1]]
    assert stamps == sorted(stamps)
    counters, kaniko = [], 0
    for line in lines[:-1]:
        match = LOGRUS.match(TS.sub("", line))
        if not match:
            continue
        kaniko += 1
        colour, level, counter, padded = match.groups()
        assert COLOURS[level] == colour
        assert len(padded) >= 44 and (len(padded.rstrip()) >= 44 or padded == padded.rstrip().ljust(44))
        counters.append(int(counter))
    assert kaniko > 50 and counters == sorted(counters) and counters[0] == 0
    assert counters[-1] >= 30  # the counter follows the simulated clock


def test_identical_inputs_give_identical_logs_and_seed_only_moves_timings() -> None:
    files = demo_files()
    one, two = build(files, Registry(), seed=7), build(files, Registry(), seed=7)
    assert one == two
    other = build(files, Registry(), seed=8)
    assert other.log_text != one.log_text
    assert [l["key"] for l in other.layer_results] == [l["key"] for l in one.layer_results]
    assert messages(other) == messages(one)


def test_no_credential_fails_at_login() -> None:
    outcome = build(SMALL, Registry(), credential=RegistryCredential("none", REPO))
    conclusions = {s.name: s.conclusion for s in outcome.steps}
    assert conclusions["Log in to the registry"] == "failure" and conclusions["Build and push with Kaniko"] == "skipped"
    assert "Login Succeeded!" not in outcome.log_text


# -- the osscontainertools fork (the reusable workflow's default executor) and --verbosity=debug ---------------


def test_fork_caches_workdir_by_default_and_logs_no_build_triggers() -> None:
    registry = Registry()
    first = build(SMALL, registry, executor=DEFAULT_EXECUTOR)
    assert results(first, "WORKDIR") == {"0: WORKDIR /app": "miss"}
    assert sum(m.startswith("Checking for cached layer") for m in messages(first)) == 1  # the WORKDIR missed: stopCache
    second = build(SMALL, registry, executor=DEFAULT_EXECUTOR)
    assert results(second, "WORKDIR") == {"0: WORKDIR /app": "hit"}
    assert "Using caching version of cmd: WORKDIR /app" in messages(second)
    assert not any(m.startswith("Executing") for m in messages(second))
    summary = parse_log_text(second.log_text)
    assert (summary.hits, summary.miss_count) == (["WORKDIR /app", "RUN echo one", "RUN echo two", "RUN echo three"], 0)


def test_upstream_does_not_cache_workdir() -> None:
    registry = Registry()
    build(SMALL, registry)
    assert results(build(SMALL, registry), "WORKDIR") == {"0: WORKDIR /app": "not-cached"}


def test_fork_caches_add_with_cache_copy_layers_only() -> None:
    files = dict(SMALL, Dockerfile=b"FROM alpine:3.20\nADD a.txt /a.txt\nRUN echo one\n")
    registry = Registry()
    build(files, registry, executor=DEFAULT_EXECUTOR)
    assert results(build(files, registry, executor=DEFAULT_EXECUTOR), "ADD") == {"0: ADD a.txt /a.txt": "not-cached"}
    build(files, registry, executor=DEFAULT_EXECUTOR, cache_copy_layers=True)
    assert results(build(files, registry, executor=DEFAULT_EXECUTOR, cache_copy_layers=True), "ADD") == {"0: ADD a.txt /a.txt": "hit"}


DEBU = re.compile(r"^\x1b\[37mDEBU\x1b\[0m\[\d{4}\] (.*?) *$")


def debug_messages(outcome: BuildOutcome) -> list[str]:
    return [m[1] for line in outcome.log_text.splitlines() if (m := DEBU.match(TS.sub("", line)))]


def test_debug_verbosity_logs_why_each_miss_missed() -> None:
    registry = Registry()
    cold = build(SMALL, registry, verbosity="debug")
    assert "--verbosity=debug" in cold.log_text
    failed = [m for m in debug_messages(cold) if m.startswith("Failed to retrieve layer: ")]
    assert len(failed) == 1 and failed[0].endswith("NAME_UNKNOWN: repository name not known to registry")  # no cache package yet
    changed = build(dict(SMALL, **{"a.txt": b"a2\n"}), registry, verbosity="debug")
    [failed] = [m for m in debug_messages(changed) if m.startswith("Failed to retrieve layer: ")]
    assert re.fullmatch(r"Failed to retrieve layer: GET https://ghcr\.io/v2/\S+/manifests/([0-9a-f]{64}): MANIFEST_UNKNOWN: .*=\1", failed)
    summary = parse_log_text(changed.log_text)
    assert (summary.debug, summary.cache_read_refusals, summary.miss_count) == (True, 0, 1)
    assert any(m.startswith("Key missing was: ") for m in debug_messages(changed))
    assert debug_messages(build(SMALL, registry)) == []  # info level: none of it


def test_refused_cache_read_shows_at_debug_level_only() -> None:
    registry = Registry({CACHE: {"linked_repos": ["BrikByte-Studios/other-service"]}})
    registry.push(CACHE, "seed", "sha256:" + "0" * 64)
    info, debug = build(SMALL, registry), build(SMALL, registry, verbosity="debug", seed=1)
    # the INFO lines do not tell a refused read from a miss
    assert [m for m in messages(info) if "cached layer" in m] == [m for m in messages(debug) if "cached layer" in m]
    [failed] = [m for m in debug_messages(debug) if m.startswith("Failed to retrieve layer: ")]
    assert failed == (
        "Failed to retrieve layer: GET https://ghcr.io/token?scope=repository%3Abrikbyte-studios%2Fexample-node-api-cache"
        "%3Apull&service=ghcr.io: DENIED: requested access to the resource is denied"
    )
    assert parse_log_text(info.log_text).cache_read_refusals == 0
    assert parse_log_text(debug.log_text).cache_read_refusals == 1
