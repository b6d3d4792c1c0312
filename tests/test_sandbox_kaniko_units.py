"""The pieces of the Kaniko emulation on their own: the cache-key scheme, .dockerignore, the log line shapes,
the registry's GHCR write rules. Scenario tests (re-runs, invalidation, 401, push denied) are in
test_sandbox_kaniko.py."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wizard.sandbox.kaniko import BuildRequest, Registry, RegistryCredential, emulate_build
from wizard.sandbox.kaniko.build_context import BuildContext
from wizard.sandbox.kaniko.log_format import github_timestamp, logrus_line

STARTED = datetime(2025, 1, 5, 18, 28, 3, tzinfo=UTC)
IMAGE = "ghcr.io/acme/svc"
CACHE = IMAGE + "-cache"
TOKEN = RegistryCredential("github-token", "Acme/svc")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _file_key(content: bytes) -> str:
    # util.CacheHasher: md5 over mode, uid and gid in base 36 (1001 -> "rt"), then the content
    md5 = hashlib.md5(b"-rw-r--r--rt,rt" + content, usedforsecurity=False).hexdigest()
    return _sha(md5)


def _build(files: dict[str, bytes], registry: Registry | None = None, **kw):
    req = BuildRequest(files=files, image_name=IMAGE, destinations=(f"{IMAGE}:v1",), credential=TOKEN, **kw)
    return emulate_build(req, registry or Registry(), started_at=STARTED)


# --- cache keys (FACTS §2) ---------------------------------------------------------------------

KEYED = {
    "Dockerfile": b"FROM alpine:3.20\nARG V=1\nENV A=b\nCOPY f.txt ./\nRUN echo hi\n",
    "f.txt": b"hello\n",
}


def _expected_run_key(v: str) -> str:
    keys = [
        "sha256:" + _sha("alpine:3.20"),
        "ARG V=1",
        "ENV A=b",
        "COPY f.txt ./",
        _file_key(b"hello\n"),
        "|3",
        "A=b",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        f"V={v}",
        "RUN echo hi",
    ]
    return _sha("-".join(keys))


def test_run_key_is_kaniko_cumulative_composite_key() -> None:
    outcome = _build(KEYED)
    key = _expected_run_key("1")
    run = next(layer for layer in outcome.layer_results if layer["instruction"] == "RUN echo hi")
    assert run["key"] == key
    assert f"Checking for cached layer {CACHE}:{key}..." in outcome.log_text


def test_build_arg_value_changes_the_run_key() -> None:
    outcome = _build(KEYED, build_args={"V": "2"})
    run = next(layer for layer in outcome.layer_results if layer["instruction"] == "RUN echo hi")
    assert run["key"] == _expected_run_key("2")
    assert "--build-arg V=2" in outcome.log_text


def test_undeclared_build_arg_does_not_change_the_key() -> None:
    plain, extra = _build(KEYED), _build(KEYED, build_args={"UNUSED": "x"})
    assert [l["key"] for l in plain.layer_results] == [l["key"] for l in extra.layer_results]


def test_directory_copy_walks_and_honours_dockerignore() -> None:
    files = {
        "Dockerfile": b"FROM alpine\nCOPY . .\nRUN make\n",
        ".dockerignore": b"*.md\nlogs\n!logs/keep.log\n",
        "src/a.c": b"int a;\n",
        "README.md": b"# x\n",
        "logs/x.log": b"1\n",
        "logs/keep.log": b"k\n",
    }
    ctx = BuildContext(files)
    assert ctx.excludes("README.md") and ctx.excludes("logs/x.log")
    assert not ctx.excludes("logs/keep.log") and not ctx.excludes("src/a.c")
    assert ctx.walk("") == ["", ".dockerignore", "Dockerfile", "README.md", "logs", "logs/keep.log", "logs/x.log", "src", "src/a.c"]
    key = ctx.path_key("")
    assert BuildContext({**files, "README.md": b"changed"}).path_key("") == key
    assert BuildContext({**files, "logs/x.log": b"changed"}).path_key("") == key
    assert BuildContext({**files, "logs/keep.log": b"changed"}).path_key("") != key
    assert BuildContext({**files, "src/a.c": b"changed"}).path_key("") != key


def test_wildcard_sources_do_not_cross_directories() -> None:
    ctx = BuildContext({"package.json": b"{}", "package-lock.json": b"{}", "sub/package.json": b"{}"})
    assert ctx.resolve_sources(["package*.json"]) == ["package-lock.json", "package.json"]


def test_context_subdirectory_is_the_root_for_sources() -> None:
    files = {"svc/Dockerfile": b"FROM alpine\nCOPY app.py .\nRUN run\n", "svc/app.py": b"x", "app.py": b"other"}
    outcome = _build(files, dockerfile="svc/Dockerfile", context="svc")
    assert outcome.conclusion == "success"
    copy = next(l for l in outcome.layer_results if l["instruction"].startswith("COPY"))
    keys = ["sha256:" + _sha("alpine"), "COPY app.py .", _file_key(b"x")]
    assert copy["key"] == _sha("-".join(keys))


# --- log line shapes ---------------------------------------------------------------------------


def test_logrus_line_matches_text_formatter() -> None:
    assert logrus_line("info", 3, "RUN npm ci") == "\x1b[36mINFO\x1b[0m[0003] RUN npm ci" + " " * 35
    long = "x" * 60
    assert logrus_line("warning", 12, long) == f"\x1b[33mWARN\x1b[0m[0012] {long} "


def test_github_timestamp_has_seven_decimals_in_utc() -> None:
    assert github_timestamp(STARTED, 0.3534723) == "2025-01-05T18:28:03.3534723Z"
    local = STARTED.astimezone(timezone(timedelta(hours=2)))
    assert github_timestamp(local, 61.5) == "2025-01-05T18:29:04.5000000Z"


# --- registry: GHCR write rules ----------------------------------------------------------------


def test_github_token_creates_a_package_and_it_gets_linked_to_the_repo() -> None:
    registry = Registry()
    assert registry.can_write("ghcr.io/acme/new", TOKEN)
    registry.push("ghcr.io/acme/new", "v1", "sha256:" + "0" * 64, by=TOKEN)
    assert registry.can_write("ghcr.io/acme/new", TOKEN)
    assert not registry.can_write("ghcr.io/acme/new", RegistryCredential("github-token", "Acme/other"))
    assert registry.snapshot()["packages"]["ghcr.io/acme/new"]["linked_repos"] == ["acme/svc"]


def test_github_token_cannot_write_a_package_linked_elsewhere_or_under_another_owner() -> None:
    registry = Registry({"ghcr.io/Acme/svc-cache": {"linked_repos": ["Acme/other"]}})
    assert not registry.can_write("ghcr.io/acme/svc-cache", TOKEN)
    assert not registry.can_write("ghcr.io/someone-else/svc", TOKEN)
    assert Registry({"ghcr.io/acme/svc-cache": {"linked_repos": ["acme/SVC"]}}).can_write("ghcr.io/acme/svc-cache", TOKEN)


@pytest.mark.parametrize(
    ("cred", "allowed"),
    [
        (RegistryCredential("pat", "Acme/svc", frozenset({"write:packages"})), True),
        (RegistryCredential("pat", "Acme/svc", frozenset({"repo", "read:packages"})), False),
        (RegistryCredential("pat", "Acme/svc", frozenset({"write:packages"}), fine_grained=True), False),
        (RegistryCredential("none", "Acme/svc"), False),
    ],
)
def test_pat_rules(cred: RegistryCredential, allowed: bool) -> None:
    assert Registry().can_write("ghcr.io/acme/svc", cred) is allowed


def test_snapshot_is_json_and_holds_cache_entries() -> None:
    registry = Registry()
    _build({"Dockerfile": b"FROM alpine\nRUN echo hi\n"}, registry)
    state = json.loads(json.dumps(registry.snapshot()))
    cache_tags = state["packages"][CACHE]["tags"]
    assert len(cache_tags) == 1
    key = next(iter(cache_tags))
    assert registry.has_cache(CACHE, key) and not registry.has_cache(CACHE, "0" * 64)
    assert state["packages"][IMAGE]["tags"]["v1"].startswith("sha256:")
