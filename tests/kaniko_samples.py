"""Generate realistic Kaniko job logs for tests, one line at a time (never the whole log in memory).

Message texts are copied verbatim from shared/kaniko/FACTS.md §1/§3 and from real logs; the line shapes follow
logrus v1.9.3 (colour header ``"\\x1b[%dm%s\\x1b[0m[%04d]%s %-44s "``, logfmt with Go %q quoting, json with
sorted keys and HTML escaping). A ``Build`` says what Kaniko did; a ``Variant`` says how the log is printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path

IMAGE = "ghcr.io/brikbyte-studios/example-node-api"
CACHE_REPO = IMAGE + "-cache"
START = datetime(2025, 1, 5, 18, 28, 3, 353472, tzinfo=UTC)

_COLOURS = {"INFO": 36, "WARN": 33, "ERRO": 31, "FATA": 31, "DEBU": 37, "TRAC": 37}
_LOGRUS_NAMES = {"INFO": "info", "WARN": "warning", "ERRO": "error", "FATA": "fatal", "DEBU": "debug"}
_CACHEABLE = ("RUN",)  # upstream defaults: --cache-run-layers=true, --cache-copy-layers=false

UPLOAD_401 = "failed to push to destination {ref}: POST https://ghcr.io/v2/{path}/blobs/uploads/: unexpected status code 401 Unauthorized"
PUSH_PERMISSION_UPSTREAM = (
    "error checking push permissions -- make sure you entered the correct tag name, and that you are "
    'authenticated correctly, and try again: checking push permission for "{dest}": POST '
    "https://ghcr.io/v2/{path}/blobs/uploads/: UNAUTHORIZED: authentication required; "
    "[map[Action:pull Class: Name:{path} Type:repository] map[Action:push Class: Name:{path} Type:repository]]"
)
PUSH_PERMISSION_FORK_WARN = "make sure you entered the correct tag name, that you are authenticated correctly, and try again."
PUSH_PERMISSION_FORK = (
    'error checking push permissions: checking push permission for "{dest}": POST '
    "https://ghcr.io/v2/{path}/blobs/uploads/: DENIED: permission_denied: write_package"
)
PUSH_FAILED = (
    "error pushing image: failed to push to destination {dest}: PUT https://ghcr.io/v2/{path}/manifests/"
    "{tag}: DENIED: permission_denied: write_package"
)
BUILD_FAILED = "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1"

_OUTPUT = (
    "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory. Do not use it.",
    "[{n}/4] Fetching packages...",
    "added {n} packages, and audited {m} packages in 12s",
    "npm http fetch GET 200 https://registry.npmjs.org/left-pad-{n} 41ms (cache miss)",
    "  {n} packages are looking for funding",
    "gcc -O2 -fPIC -c src/module_{n}.c -o build/module_{n}.o",
    "found 0 vulnerabilities",
    "Step {n}: compiling crate serde v1.0.{m} (registry `crates-io`)",
    "error: no such file or directory, but that's fine: retrying {n}",
)

_OUTPUT_LINES = [t.format(n=k, m=k * 7 + 3) for k in range(40) for t in _OUTPUT]


@dataclass(frozen=True)
class Variant:
    """How the log is printed."""

    fmt: str = "color"  # color | text | json (--log-format)
    ansi: bool = True  # color only: keep the escape codes (False = a copy with them stripped)
    pad: bool = True  # color only: %-44s padding and the trailing space
    log_timestamp: bool = False  # color only: --log-timestamp (RFC 3339 instead of the counter)
    ci_timestamps: bool = False  # GitHub's raw-log prefix on every line
    prefix: str = ""  # "remote: ", "build-and-push / Build | ", …
    debug: bool = False  # --verbosity=debug
    fork: bool = False  # osscontainertools/kaniko strings

    @property
    def id(self) -> str:
        parts = [self.fmt]
        parts += [
            name
            for name, on in (
                ("noansi", not self.ansi and self.fmt == "color"),
                ("nopad", not self.pad and self.fmt == "color"),
                ("logts", self.log_timestamp),
                ("gh", self.ci_timestamps),
                ("debug", self.debug),
                ("fork", self.fork),
            )
            if on
        ]
        if self.prefix:
            parts.append(self.prefix.split()[0].strip(":|") or "prefix")
        return "-".join(parts)


VARIANTS: list[Variant] = [
    Variant(),
    Variant(ci_timestamps=True),
    Variant(ansi=False),
    Variant(ansi=False, pad=False),
    Variant(log_timestamp=True),
    Variant(log_timestamp=True, ci_timestamps=True, ansi=False),
    Variant(fmt="text"),
    Variant(fmt="text", ci_timestamps=True),
    Variant(fmt="json"),
    Variant(fmt="json", ci_timestamps=True, debug=True),
    Variant(prefix="remote: "),
    Variant(prefix="remote: ", ansi=False, fmt="color", debug=True),
    Variant(prefix="build-and-push / Build | ", ci_timestamps=True),
    Variant(prefix="build\tRun int128/kaniko-action\t", ci_timestamps=True, fmt="text"),
    Variant(debug=True),
    Variant(debug=True, ci_timestamps=True, log_timestamp=True),
    Variant(fork=True),
    Variant(fork=True, ci_timestamps=True, debug=True),
    Variant(fork=True, fmt="json"),
    Variant(fork=True, fmt="text", prefix="remote: "),
]


@dataclass(frozen=True)
class Stage:
    base: str = "node:20-alpine"
    instructions: Sequence[str] = ()


@dataclass(frozen=True)
class Build:
    """What Kaniko did. ``plan`` answers each cache lookup in order (True = hit); missing answers are misses."""

    stages: Sequence[Stage]
    plan: Sequence[bool] = ()
    cache: bool = True
    cache_copy_layers: bool = False
    image: str = IMAGE
    tags: Sequence[str] = ("sha-0123abc",)
    cache_repo: str = CACHE_REPO
    no_push: bool = False
    fatal: str | None = None  # None | "push-permission" | "push" | "build"
    upload_error: str | None = None  # the error text of every cache upload (None = uploads succeed)
    read_refused: str | None = None  # the registry's refusal of every cache read (None = a miss is MANIFEST_UNKNOWN)
    output_lines: int = 3  # RUN output lines per executed RUN
    run_seconds: float = 6.0
    inferred_hits: bool = False  # fork: each hit also logged as "Cache hit via inferred cross-stage key" before it
    probe_after_miss: bool = False  # fork: FF_KANIKO_CACHE_PROBE_AFTER_MISS, lookups go on after a miss
    debug_files: int = 3  # debug only: the files each RUN's snapshot lists
    start: datetime = START

    def with_(self, **changes: object) -> Build:
        return replace(self, **changes)


NODE_APP = Stage(
    "node:20-alpine",
    (
        "WORKDIR /app",
        "ENV NODE_ENV=production",
        "COPY package.json package-lock.json ./",
        "RUN npm ci --omit=dev",
        "COPY . .",
        'RUN echo "built \\"$(date)\\"" > /app/BUILD_INFO && npm run build',
        "RUN addgroup -S app && adduser -S app -G app",
        "USER app",
        'CMD ["node", "server.js"]',
    ),
)
NODE_RUNS = [i for i in NODE_APP.instructions if i.startswith("RUN ")]


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.start = start
        self.elapsed = 0.0
        self._offset = start.microsecond / 1e6
        self._whole = -1
        self._base = ""

    def tick(self, seconds: float = 0.013) -> None:
        self.elapsed += seconds

    def ci(self) -> str:
        """GitHub's prefix: seven fraction digits (cached per second: the 200 MB log has millions of lines)."""
        at = self.elapsed + self._offset
        whole = int(at)
        if whole != self._whole:
            self._whole = whole
            self._base = (self.start.replace(microsecond=0) + timedelta(seconds=whole)).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._base}.{int((at - whole) * 10_000_000):07d}Z"

    def rfc3339(self) -> str:
        return (self.start + timedelta(seconds=self.elapsed)).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Printer:
    def __init__(self, variant: Variant, clock: _Clock) -> None:
        self.v = variant
        self.clock = clock

    def raw(self, text: str) -> str:
        """A line as the CI shows it: prefix, CI timestamp, text."""
        self.clock.tick()
        return f"{self.v.prefix}{self.clock.ci() + ' ' if self.v.ci_timestamps else ''}{text}"

    def log(self, level: str, msg: str) -> str:
        v = self.v
        if v.fmt == "json":
            body = json.dumps({"level": _LOGRUS_NAMES[level], "msg": msg, "time": self.clock.rfc3339()}, separators=(",", ":"))
            body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        elif v.fmt == "text":
            body = f'time="{self.clock.rfc3339()}" level={_LOGRUS_NAMES[level]} msg={_go_quote(msg)}'
        else:
            stamp = self.clock.rfc3339() if v.log_timestamp else f"{int(self.clock.elapsed):04d}"
            head = f"\x1b[{_COLOURS[level]}m{level}\x1b[0m[{stamp}]" if v.ansi else f"{level}[{stamp}]"
            body = f"{head} {msg:<44} " if v.pad else f"{head} {msg}"
        return self.raw(body)


def _run_output(p: _Printer, step: float, count: int) -> Iterator[str]:
    """`count` lines of a RUN's output, `step` seconds apart: what tick(step) then p.raw(line) print, inlined (the
    200 MB log has millions of them)."""
    clock, prefix, stamped, n = p.clock, p.v.prefix, p.v.ci_timestamps, len(_OUTPUT_LINES)
    for k in range(count):
        clock.elapsed += step
        clock.elapsed += 0.013  # raw's own tick
        yield f"{prefix}{clock.ci()} {_OUTPUT_LINES[k % n]}" if stamped else f"{prefix}{_OUTPUT_LINES[k % n]}"


def _go_quote(msg: str) -> str:
    if msg and all(c.isalnum() or c in "-._/@^+" for c in msg):
        return msg
    return '"' + msg.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _key(*parts: object) -> str:
    return sha256("-".join(map(str, parts)).encode()).hexdigest()


def _ghcr_path(repo: str) -> str:
    return repo.split("/", 1)[1]


def kaniko_log(build: Build, variant: Variant = Variant()) -> Iterator[str]:
    """Yield the job log of ``build`` printed as ``variant`` (lines without newlines)."""
    clock = _Clock(build.start)
    p = _Printer(variant, clock)
    fork = variant.fork
    dest = [f"{build.image}:{t}" for t in build.tags]
    if variant.ci_timestamps:
        yield p.raw("##[group]Run int128/kaniko-action@4162b90e367d6644673112c523199e1839d7c547")
        yield p.raw(f"  cache: {str(build.cache).lower()}")
        yield p.raw(f"  cache-repository: {build.cache_repo}")
        yield p.raw("##[endgroup]")
        yield p.raw(
            "/usr/bin/docker run --rm -v /home/runner/work/app:/kaniko/action/context:ro "
            "gcr.io/kaniko-project/executor:v1.24.0 --context dir:///kaniko/action/context/ "
            f"--cache={str(build.cache).lower()} --cache-repo={build.cache_repo} --destination {dest[0]}"
        )
    if variant.debug:
        yield p.log("DEBU", "Copying file /kaniko/action/context/Dockerfile to /kaniko/Dockerfile")
        yield p.log("DEBU", "Skip resolving path /kaniko/Dockerfile")
    if build.fatal == "push-permission":
        path = _ghcr_path(build.image)
        if fork:
            yield p.log("WARN", PUSH_PERMISSION_FORK_WARN)
            yield p.raw(PUSH_PERMISSION_FORK.format(dest=dest[0], path=path))
        else:
            yield p.raw(PUSH_PERMISSION_UPSTREAM.format(dest=dest[0], path=path))
        return
    answers = iter(build.plan)
    for index, stage in enumerate(build.stages):
        yield from _stage(build, variant, p, index, stage, answers)
        if build.fatal == "build" and any(i.startswith("RUN ") for i in stage.instructions):
            return
    yield from _push(build, variant, p, dest)


def _stage(build: Build, variant: Variant, p: _Printer, index: int, stage: Stage, answers: Iterator[bool]) -> Iterator[str]:
    fork = variant.fork
    yield p.log("INFO", f"Retrieving image manifest {stage.base}")
    yield p.log("INFO", f"Retrieving image {stage.base} from registry index.docker.io")
    if variant.debug:
        yield p.log("DEBU", f"Image {stage.base} not found in cache")
    if index == 0:
        yield p.log("INFO", "Built cross stage deps: map[]")
    yield p.log("INFO", "Returning cached image manifest")
    if not fork:
        yield p.log("INFO", "Executing 0 build triggers")
    yield p.log("INFO", f"Building stage '{stage.base}' [idx: '{index}', base-idx: '-1']")
    cacheable = _CACHEABLE + (("COPY",) if build.cache_copy_layers else ())
    cached: dict[int, bool] = {}
    keys: dict[int, str] = {}
    stop = False
    for n, ins in enumerate(stage.instructions):
        keys[n] = key = _key(stage.base, index, *stage.instructions[: n + 1])
        if variant.debug:
            yield p.log("DEBU", f"Optimize: composite key for command {ins} {{[sha256:{_key(stage.base)} {ins}]}}")
            yield p.log("DEBU", f"Optimize: cache key for command {ins} {key}")
        if not (build.cache and ins.split()[0] in cacheable and not stop):
            continue
        hit = next(answers, False)
        if hit and build.inferred_hits and fork:
            # build.go optimize: the pointer under the inferred key is read first, then the layer it names
            yield p.log("INFO", f"Checking for cached layer {build.cache_repo}:{_key('pointer', key)}...")
            yield p.log("INFO", f"Cache hit via inferred cross-stage key for cmd: {ins}")
        yield p.log("INFO", f"Checking for cached layer {build.cache_repo}:{key}...")
        if hit:
            cached[n] = True
            yield p.log("INFO", f"Using caching version of cmd: {ins}")
            continue
        if variant.debug:
            path = _ghcr_path(build.cache_repo)
            unknown = f"GET https://ghcr.io/v2/{path}/manifests/{key}: MANIFEST_UNKNOWN: manifest unknown; unknown tag={key}"
            yield p.log("DEBU", "Failed to retrieve layer: " + (build.read_refused.format(path=path) if build.read_refused else unknown))
        yield p.log("INFO", f"No cached layer found for cmd {ins}")
        if variant.debug:
            yield p.log("DEBU", f"Key missing was: sha256:{_key(stage.base)}-{ins}")
        stop = not (fork and build.probe_after_miss)
    first_run = next((i for n, i in enumerate(stage.instructions) if i.startswith("RUN ") and n not in cached), None)
    yield p.log(
        "INFO", f"Unpacking rootfs as cmd {first_run} requires it." if first_run else "Skipping unpacking as no commands require it."
    )
    for n, ins in enumerate(stage.instructions):
        yield p.log("INFO", ins)
        word = ins.split()[0]
        if cached.get(n):
            yield p.log("INFO", "Found cached layer, extracting to filesystem")
            p.clock.tick(0.4)
            continue
        if word == "RUN":
            yield p.log("INFO", "Cmd: /bin/sh")
            yield p.log("INFO", f"Args: [-c {ins[4:]}]")
            yield p.log("INFO", f"Running: [/bin/sh -c {ins[4:]}]")
            yield from _run_output(p, build.run_seconds / max(build.output_lines, 1), build.output_lines)
            if build.fatal == "build":
                yield p.raw(BUILD_FAILED)
                return
            yield p.log("INFO", "Taking snapshot of full filesystem...")
            if variant.debug:  # snapshot.go: whole file lists on one line each, the longest lines of a debug log
                files = [f"/app/node_modules/pkg-{k}/index.js" for k in range(build.debug_files)]
                yield p.log("DEBU", "Current image filesystem: map[" + " ".join(f"{f}:{{}}" for f in files) + "]")
                yield p.log("DEBU", f"Adding to layer: [{' '.join(files)}]")
                yield p.log("DEBU", "Deleting in layer: []")
        elif word in ("COPY", "ADD"):
            yield p.log("INFO", "Taking snapshot of files...")
        else:
            if not fork:
                yield p.log("INFO", "No files changed in this command, skipping snapshotting.")
            continue
        if build.cache and word in cacheable:
            yield from _cache_push(build, p, keys[n])


def _cache_push(build: Build, p: _Printer, key: str) -> Iterator[str]:
    ref = f"{build.cache_repo}:{key}"
    yield p.log("INFO", f"Pushing layer {ref} to cache now")
    yield p.log("INFO", f"Pushing image to {ref}")
    if build.upload_error is not None:
        text = build.upload_error.format(ref=ref, path=_ghcr_path(build.cache_repo))
        yield p.log("WARN", f"Error uploading layer to cache: {text}")
    else:
        yield p.log("INFO", f"Pushed {build.cache_repo}@sha256:{_key('cache', key)}")


def _push(build: Build, variant: Variant, p: _Printer, dest: list[str]) -> Iterator[str]:
    if build.no_push:
        yield p.log("INFO", "Skipping push to container registry due to --no-push flag")
        return
    digest = _key("image", build.image, *build.tags)
    for ref, tag in zip(dest, build.tags):
        yield p.log("INFO", f"Pushing image to {ref}")
        p.clock.tick(1.5)
        if build.fatal == "push":
            yield p.raw(PUSH_FAILED.format(dest=ref, path=_ghcr_path(build.image), tag=tag))
            return
        yield p.log("INFO", f"Pushed {build.image}@sha256:{digest}")
    if variant.ci_timestamps:
        yield p.raw("Built in 42s")


def write_log(path: Path, build: Build, variant: Variant = Variant()) -> int:
    """Stream the log to ``path``; returns the number of bytes written."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        chunk: list[str] = []
        for line in kaniko_log(build, variant):
            chunk.append(line)
            if len(chunk) >= 4096:
                fh.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            fh.write("\n".join(chunk) + "\n")
    return Path(path).stat().st_size


def big_build(target_bytes: int, variant: Variant = Variant(), *, runs: int = 12) -> Build:
    """A two-stage build whose RUN output brings the log to about ``target_bytes``."""
    deps = Stage("golang:1.23", tuple(f"RUN go build -o /out/tool{i} ./cmd/tool{i}" for i in range(runs // 2)))
    app = Stage(
        "node:20-alpine",
        NODE_APP.instructions[:3] + tuple(f"RUN npm run build:part{i}" for i in range(runs - runs // 2)) + NODE_APP.instructions[-2:],
    )
    avg_line = sum(len(t) for t in _OUTPUT) / len(_OUTPUT) + 1 + len(variant.prefix)
    avg_line += 29 if variant.ci_timestamps else 0
    plan = [True] * (runs // 2) + [True, False]  # stage 1 all hit; stage 2 one hit then a miss
    executed = runs - sum(plan)  # cached RUNs print no output
    lines = int(target_bytes / (avg_line * executed)) + 1
    return Build(stages=(deps, app), plan=plan, output_lines=lines, run_seconds=600.0)
