"""Streaming analysis of Kaniko executor logs (upstream and the maintained forks).

The parser matches Kaniko's message texts, not a line shape: a line may carry any
prefix (GitHub or container-runtime timestamps, step names, ``remote:``), ANSI colours, the logrus
``INFO[0003]`` / ``INFO[2021-11-09T13:14:31Z]`` header with 44-character padding, or be a logfmt
(``--log-format=text``) or json record. Fatal errors are plain stderr lines. Memory stays constant:
per line only counters change, and the lists kept for the summary are capped at ``max_items``.

A file is read in binary blocks (``parse_log_file``): a few byte searches per block find the lines that can
change the summary, and only those are decoded and parsed; every other line is only counted. The result is
the one ``parse_log_lines`` gives on the same text (tests/test_kaniko_log.py checks it on every sample).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable
from os import PathLike

from wizard.core.kaniko.blocks import candidate_starts, count_newlines, last_lines, read_blocks
from wizard.core.kaniko.messages import (
    CACHE_PUSH,
    CACHE_PUSH_END,
    CHECKING,
    EXPIRED,
    FATAL_MARKERS,
    FOUND,
    HIT,
    HIT_INFERRED,
    MISS,
    MISS_LEGACY,
    NO_PUSH,
    PUSH_WARNING,
    PUSHED,
    PUSHED_COUNT,
    PUSHING,
    RETRIEVE_FAILED,
    STAGE,
    UPLOAD_ERROR,
)
from wizard.core.kaniko.summary import MAX_ITEMS, LogSummary
from wizard.core.kaniko.text import go_unquote, is_refusal, normalize_repo, parse_timestamp, split_ref, strip_ansi

INSTRUCTION_KEYWORDS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
_LEVELS = {"INFO": "info", "WARN": "warning", "ERRO": "error", "DEBU": "debug", "TRAC": "trace", "FATA": "fatal", "PANI": "panic"}
_TAIL = 8  # lines kept from the end of a log with CI timestamps: the last timestamped one ends the build
_MAX_TEXT, _MAX_MESSAGES = 500, 20  # longest fatal / upload-error text kept; upload errors kept

# logrus TextFormatter header: LEVEL[counter] or LEVEL[RFC3339 time] (text_formatter.go:287-289)
_HEADER_RE = re.compile(r"(INFO|WARN|ERRO|DEBU|TRAC|FATA|PANI)\[(\d+|\d{4}-\d\d-\d\d[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)\] ?")
_LOGFMT_LEVEL_RE = re.compile(r"(?:^|\s)level=(\w+)")
_LOGFMT_MSG_RE = re.compile(r'\smsg=(?:"((?:[^"\\]|\\.)*)"|(\S*))')
_LOGFMT_TIME_RE = re.compile(r'(?:^|\s)time="?([0-9][0-9T:.+\-Z ]+)"?')
# CI timestamp in front of a line: GitHub's `2025-01-05T18:28:03.3534723Z `, containerd's 9-digit variant.
_CI_TS_RE = re.compile(r"(?:^|[\s|])(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ")
_DIGEST_REF_RE = re.compile(r"\S+@sha256:[0-9a-f]{64}(?:\s|$)")
_HEX64_RE = re.compile(r"[0-9a-f]{64}")
_JSON = json.JSONDecoder()
# The markers followed by an argument, by name; "Pushing layer " before "Pushing image to " and "Pushed image"
# before "Pushed " keep the alternation exact. The upload error's first letter changed case in v1.9.0.
_MARKERS = {
    "checking": re.escape(CHECKING),
    "hit": re.escape(HIT),
    "inferred": re.escape(HIT_INFERRED),
    "miss": re.escape(MISS),
    "miss_legacy": re.escape(MISS_LEGACY),
    "found": re.escape(FOUND),
    "expired": re.escape(EXPIRED),
    "cache_push": re.escape(CACHE_PUSH),
    "upload_error": "[Ee]" + re.escape(UPLOAD_ERROR),
    "pushing": re.escape(PUSHING),
    "pushed_count": re.escape(PUSHED_COUNT) + r"s? to (?=\d+ destinations)",
    "pushed": re.escape(PUSHED),
    "retrieve_failed": re.escape(RETRIEVE_FAILED) + "(?:layer|pointer): ",
}
_MARKER_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _MARKERS.items()))
# Read in a logrus record only (header, logfmt or json), never in a raw line: Kaniko prints them only so, and
# the block search (blocks.py) then needs no search of its own for them.
_LOGRUS_ONLY = frozenset({"found", "retrieve_failed"})


def _is_instruction(msg: str) -> bool:
    word = msg.split(" ", 1)[0]
    if " " not in msg or not (word.isupper() or word.islower()):
        return False  # "Cmd: /bin/sh", "Running: …" and other capitalised messages are not echoes
    return word.upper() in INSTRUCTION_KEYWORDS


class KanikoLogParser:
    """Feed lines one at a time (with or without their newline); ``result()`` gives the summary."""

    def __init__(self, path: str | None = None, *, max_items: int = MAX_ITEMS) -> None:
        self._s = LogSummary(path=path)
        self._max = max_items
        self._push_events: deque[tuple[bool | None, str]] = deque(maxlen=4 * max_items)  # None: "pushed them all"
        self._cache_repos: dict[str, None] = {}  # insertion-ordered set, normalised
        self._ci_first: str | None = None
        self._ci_probe = 5  # the first non-empty lines decide whether CI timestamps are present
        self._tail: deque[str] = deque(maxlen=_TAIL)
        self._first_time: str | None = None
        self._last_time: str | None = None
        self._max_counter: int | None = None
        self._instruction: str | None = None  # the last instruction echoed: v0.4-v0.5 name hits and misses by it
        self._found: list[str] = []  # "Found cached layer" lines: the hits of a log without hit lines (v0.4-v0.5)
        self._found_count = 0

    # -- per line --------------------------------------------------------------------------------
    def feed(self, line: str) -> None:
        self.feed_lines((line,))

    def feed_lines(self, lines: Iterable[str]) -> None:
        """Feed every line; the loop is tight because a big log has millions of them."""
        it = iter(lines)
        candidate = self._feed_candidate
        while self._ci_probe:  # the first lines: are there CI timestamps?
            line = next(it, None)
            if line is None:
                return
            self._feed_first(line)
        keep_tail = self._tail.append if self._ci_first is not None else None
        n = 0
        for line in it:
            n += 1
            if keep_tail:
                keep_tail(line)
            # _may_matter, inlined: cheap substring tests reject most lines (RUN output) before any regex.
            if "[" in line or "level" in line or "ach" in line or "Push" in line or "error" in line or "make sure" in line:
                candidate(line)
        self._s.lines += n

    # -- per block of a file ------------------------------------------------------------------------
    def feed_blocks(self, blocks: Iterable[bytes]) -> None:
        """Feed a log's bytes (UTF-8, line ends already "\\n" only) in blocks cut anywhere, e.g. by ``read_blocks``."""
        carry: list[bytes] = []  # the start of a line that the previous blocks cut
        for block in blocks:
            cut = block.rfind(b"\n") + 1
            if not cut:
                carry.append(block)  # a line longer than a block: kept whole, as reading line by line would
                continue
            first = block.find(b"\n") + 1
            self.feed_lines((b"".join([*carry, block[:first]]).decode("utf-8", "replace"),))
            self._feed_block(block, first, cut, count_newlines(block) - 1)  # all but the first line's "\n"
            carry = [block[cut:]]
        if last := b"".join(carry):  # the last line, without "\n"
            self.feed_lines((last.decode("utf-8", "replace"),))

    def _feed_block(self, block: bytes, start: int, end: int, lines: int) -> None:
        """The ``lines`` lines block[start:end], each ending in "\\n": count them, decode and parse those that can
        change the summary."""
        while self._ci_probe and start < end:  # the first lines take the line-by-line path
            stop = block.find(b"\n", start, end) + 1
            self._feed_first(block[start:stop].decode("utf-8", "replace"))
            start, lines = stop, lines - 1
        if start >= end:
            return
        self._s.lines += lines
        for line_start in candidate_starts(block, start, end):
            line = block[line_start : block.find(b"\n", line_start, end) + 1].decode("utf-8", "replace")
            if _may_matter(line):
                self._feed_candidate(line)
        if self._ci_first is not None:  # the last lines hold the build's last CI timestamp
            self._tail.extend(last_lines(block, start, end, _TAIL))

    def _feed_first(self, line: str) -> None:
        """One of the first lines, which decide whether the log has CI timestamps."""
        self._s.lines += 1
        line = self._probe_ci(line)
        if _may_matter(line):
            self._feed_candidate(line)

    def _feed_candidate(self, line: str) -> None:
        if "\x1b" in line or "[0m" in line:
            line = strip_ansi(line)
        level, msg, structured = self._extract(line)
        if msg:
            self._on_message(level, msg, structured)

    def _probe_ci(self, line: str) -> str:
        line = line.lstrip("\ufeff")
        if line.strip():
            self._ci_probe -= 1
            if m := _CI_TS_RE.search(line, 0, 200):
                self._ci_first, self._ci_probe = m.group(1), 0
                self._tail.append(line)
        return line

    def _extract(self, line: str) -> tuple[str | None, str, bool]:
        """(level, message, structured?) from any of the three logrus formats, or the raw line."""
        m = _HEADER_RE.search(line)
        if m:
            stamp = m.group(2)
            if stamp.isdigit():
                n = int(stamp)
                if self._max_counter is None or n > self._max_counter:
                    self._max_counter = n
            else:
                self._note_time(stamp)
            return _LEVELS[m.group(1)], line[m.end() :].rstrip(), True
        if "level=" in line and "msg=" in line:
            lm = _LOGFMT_LEVEL_RE.search(line)
            mm = _LOGFMT_MSG_RE.search(line, lm.end()) if lm else None
            if lm and mm:
                if tm := _LOGFMT_TIME_RE.search(line, 0, lm.start() + 1):
                    self._note_time(tm.group(1))
                body = mm.group(1) if mm.group(1) is not None else mm.group(2)
                return lm.group(1).lower(), go_unquote(body).rstrip(), True
        if '"msg"' in line and '"level"' in line:
            start = line.find("{")
            try:
                record, _ = _JSON.raw_decode(line, start) if start >= 0 else (None, 0)
            except ValueError:
                record = None
            if isinstance(record, dict) and isinstance(record.get("msg"), str):
                if isinstance(record.get("time"), str):
                    self._note_time(record["time"])
                return str(record.get("level", "")).lower() or None, record["msg"].rstrip(), True
        return None, line.rstrip(), False

    def _note_time(self, stamp: str) -> None:
        self._first_time = self._first_time or stamp
        self._last_time = stamp

    def _on_message(self, level: str | None, msg: str, structured: bool) -> None:
        if level == "debug":
            self._s.debug = True
        if structured:
            m = _MARKER_RE.match(msg)
        elif "ached layer" in msg or "caching version" in msg or "Cache " in msg or "to cache" in msg or "Push" in msg:
            m = _MARKER_RE.search(msg)  # a raw line: the marker may follow any prefix
            if m and m.lastgroup in _LOGRUS_ONLY:
                return
        elif "error " in msg:
            m = None
        else:
            return  # a raw line that holds no marker (RUN output): the common case, keep it cheap
        if m:
            self._on_marker(m.lastgroup or "", msg[m.end() :].strip())
            return
        s = self._s
        if NO_PUSH in msg:
            s.no_push = True
        elif structured and msg.startswith(STAGE):
            s.stages += 1
        elif level == "warning" and PUSH_WARNING in msg:
            s.push_permission_warning = True
        elif level in ("fatal", "panic"):
            s.fatal = msg[:_MAX_TEXT]
        elif level in (None, "error") and (fatal := _fatal_text(msg)) is not None:
            s.fatal = fatal  # the last one wins: Kaniko prints its own fatal error last
        elif level == "info" and _is_instruction(msg):
            s.instruction_count += 1
            self._keep(s.instructions, msg)
            self._instruction = msg

    def _on_marker(self, marker: str, arg: str) -> None:
        s = self._s
        if marker == "checking":
            s.lookups += 1
            self._cache_repo(arg.rstrip(".").strip())
        elif marker == "hit":
            s.hit_count += 1
            self._keep(s.hits, arg)
        elif marker == "inferred":
            # Not a hit by itself: the fork then looks the layer up and logs the ordinary hit or miss line
            # for the same command, or nothing when it rebuilds the layer (after a miss in the stage).
            s.inferred_hits += 1
        elif marker in ("miss", "miss_legacy"):
            s.miss_count += 1
            self._keep(s.misses, arg if marker == "miss" else self._instruction or "?")
        elif marker == "found":
            self._found_count += 1
            if len(self._found) < self._max:
                self._found.append(self._instruction or "?")
        elif marker == "cache_push" and arg.endswith(CACHE_PUSH_END):
            s.cache_pushes += 1
            self._cache_repo(arg[: -len(CACHE_PUSH_END)])
        elif marker == "upload_error":
            s.cache_upload_errors += 1
            if len(s.upload_error_messages) < _MAX_MESSAGES:  # they repeat: a few tell the story
                s.upload_error_messages.append(arg[:_MAX_TEXT])
        elif marker == "retrieve_failed" and is_refusal(arg):
            s.cache_read_refusals += 1
            if len(s.read_refusal_messages) < _MAX_MESSAGES:
                s.read_refusal_messages.append(arg[:_MAX_TEXT])
        elif marker == "pushing" and arg:
            ref = arg.split()[0]
            tag = split_ref(ref)[1]
            if tag and _HEX64_RE.fullmatch(tag):
                self._cache_repo(ref)  # a cache layer image: tagged with its 64-hex cache key
            self._push_events.append((False, ref))
        elif marker == "pushed" and _DIGEST_REF_RE.match(arg):
            self._push_events.append((True, arg.split()[0]))
        elif marker == "pushed_count":
            s.pushes_without_ref += int(arg.split()[0])
            self._push_events.append((None, ""))  # every image push before it landed
        elif marker == "expired":
            s.expired += 1

    def _keep(self, items: list[str], value: str) -> None:
        if len(items) < self._max:
            items.append(value)

    def _cache_repo(self, ref: str) -> None:
        repo = split_ref(ref)[0]
        key = normalize_repo(repo)
        if key not in self._cache_repos and len(self._cache_repos) < 16:
            self._cache_repos[key] = None
            self._s.cache_repos.append(repo)
            if self._s.cache_repo is None:
                self._s.cache_repo = repo

    # -- summary ---------------------------------------------------------------------------------
    def result(self) -> LogSummary:
        s = self._s
        if self._found_count and not s.hit_count and not s.inferred_hits:
            s.hit_count, s.hits = self._found_count, list(self._found)  # v0.4-v0.5 log no hit line of their own
        s.pushed, s.pushed_digests, s.push_targets = self._pushes()
        s.duration_s, s.timing_source = self._duration()
        return s

    def _is_cache_ref(self, ref: str) -> bool:
        repo, tag, _ = split_ref(ref)
        return normalize_repo(repo) in self._cache_repos or bool(tag and _HEX64_RE.fullmatch(tag))

    def _pushes(self) -> tuple[list[str], list[str], list[str]]:
        """Pair each "Pushed repo@digest" with the "Pushing image to repo:tag" before it, cache pushes left out."""
        pending: dict[str, list[str]] = {}
        pushed, digests, targets = [], [], []
        for done, ref in self._push_events:
            if done is None:  # "Pushed image(s) to N destinations": the images pushed before it landed
                pushed += [r for waiting in pending.values() for r in waiting]
                pending.clear()
                continue
            if self._is_cache_ref(ref):
                continue
            repo = normalize_repo(split_ref(ref)[0])
            if not done:
                targets.append(ref)
                pending.setdefault(repo, []).append(ref)
            else:
                digests.append(ref)
                waiting = pending.get(repo)
                pushed.append(waiting.pop(0) if waiting else ref)
        return pushed[: self._max], digests[: self._max], targets[: self._max]

    def _duration(self) -> tuple[float | None, str | None]:
        if self._ci_first is not None:
            for line in reversed(self._tail):
                m = _CI_TS_RE.search(line, 0, 200)
                if m:
                    start, end = parse_timestamp(self._ci_first), parse_timestamp(m.group(1))
                    if start is not None and end is not None:
                        return round(end - start, 3), "ci-timestamps"
                    break
        if self._first_time and self._last_time:
            start, end = parse_timestamp(self._first_time), parse_timestamp(self._last_time)
            if start is not None and end is not None:
                return round(end - start, 3), "logrus-timestamps"
        if self._max_counter is not None:
            return float(self._max_counter), "logrus-counter"
        return None, None


def _may_matter(line: str) -> bool:
    """False for a line that cannot hold a logrus record, a marker or a fatal error."""
    return "[" in line or "level" in line or "ach" in line or "Push" in line or "error" in line or "make sure" in line


def _fatal_text(msg: str) -> str | None:
    for marker in FATAL_MARKERS:
        i = msg.find(marker)
        if i >= 0 and msg[i + len(marker) : i + len(marker) + 1] in (":", " ", ""):
            return msg[i:][:_MAX_TEXT]
    return None


def parse_log_lines(lines: Iterable[str], path: str | None = None, *, max_items: int = MAX_ITEMS) -> LogSummary:
    parser = KanikoLogParser(path, max_items=max_items)
    parser.feed_lines(lines)
    return parser.result()


def parse_log_text(text: str, path: str | None = None) -> LogSummary:
    return parse_log_lines(text.splitlines(), path)  # a log already in memory (tests, the sandbox's own logs)


def parse_log_file(path: str | PathLike[str], *, max_items: int = MAX_ITEMS) -> LogSummary:
    """Stream a log file from disk; undecodable bytes become U+FFFD, a BOM is dropped."""
    parser = KanikoLogParser(str(path), max_items=max_items)
    with open(path, "rb") as fh:
        parser.feed_blocks(read_blocks(fh))
    return parser.result()
