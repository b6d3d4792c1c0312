"""Collect, per Kaniko release, the format strings of every message the log reader (wizard/core/kaniko) uses.

    python bench/kaniko_messages.py UPSTREAM_GIT_DIR FORK_GIT_DIR > tests/data/kaniko_messages.json

Each argument is a bare git repository (a mirror, no work tree): GoogleContainerTools/kaniko and
osscontainertools/kaniko. For every tag the script greps the Go sources (pkg/ and cmd/, tests and vendor
left out) for the logrus calls and error wrappers whose text matches one of KINDS, and prints
{kind: {"<level>|<format>": {"upstream": [tags], "fork": [tags]}}}. tests/test_kaniko_messages.py renders one
log per variant from that table and checks the reader classifies it; the tests read the JSON only, so they
run without the mirrors.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from typing import Any

# kind -> the text that identifies its format strings (case-insensitive: releases differ in case).
KINDS: dict[str, str] = {
    "checking": r"Checking for cached layer",
    "hit": r"Using caching version of cmd",
    "hit_inferred": r"Cache hit via inferred cross-stage key",
    "miss": r"No cached layer found",  # v0.4-v0.5: "No cached layer found, executing command..."
    "expired": r"Cache entry expired",
    "cache_push": r"Pushing layer .* to cache now",
    "upload_error": r"uploading layer to cache",
    "pushing_image": r"^Pushing image to ",
    "pushed": r"^Pushed ",  # v1.4-v1.7: "Pushed image(s) to %d destinations"
    "no_push": r"Skipping push to container registry",
    "stage": r"^Building stage '",
    "snapshot": r"^Taking snapshot of",
    "cross_stage_deps": r"^Built cross stage deps",
    "build_triggers": r"^Executing .* build triggers",
    "found_cached_layer": r"^Found cached layer",
    "push_permission_warning": r"^make sure you entered the correct tag name",
    "fatal_push_permissions": r"^error checking push permissions",
    "fatal_build": r"^error building image",
    "fatal_push": r"^error pushing image",
    "retrieve_failed": r"^Failed to retrieve (layer|pointer)",
    "key_missing": r"^Key missing was",
}
_LEVELS = {"Info": "info", "Warn": "warning", "Warning": "warning", "Error": "error", "Debug": "debug", "Trace": "trace"}
# logrus.Infof("…" / logrus.Info("…": the level and the format string
_LOGRUS = re.compile(r'\blogrus\.(Info|Warn|Warning|Error|Debug|Trace)f?\(\s*"((?:[^"\\]|\\.)*)"')
# The fatal errors are not logged: root.go wraps the error and prints it to stderr (errors.Wrap or fmt.Errorf).
_WRAP = re.compile(
    r'(?:errors\.Wrap\(\s*err,\s*|fmt\.Errorf\(\s*)"((?:error (?:checking push permissions|building image|pushing image))[^"]*)"'
)
_KIND_RES = {kind: re.compile(pattern, re.I) for kind, pattern in KINDS.items()}
_GREP = r"logrus\.|errors\.Wrap\(err, \"error |fmt\.Errorf\(\"error "


def _sources(git_dir: str, tag: str) -> list[str]:
    """The matching lines of the tag's Go sources (git grep prints `tag:path:line`)."""
    done = subprocess.run(
        ["git", "-C", git_dir, "grep", "-h", "-I", "-E", _GREP, tag, "--", "pkg/*.go", "cmd/*.go", ":!*_test.go", ":!vendor/*"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.splitlines()


def _messages(lines: list[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for line in lines:
        for m in _LOGRUS.finditer(line):
            found.add((_LEVELS[m.group(1)], m.group(2)))
        for m in _WRAP.finditer(line):
            found.add(("stderr", m.group(1)))
    return found


def _tags(git_dir: str) -> list[str]:
    out = subprocess.run(["git", "-C", git_dir, "tag"], capture_output=True, text=True, check=True).stdout.split()
    return sorted((t for t in out if re.fullmatch(r"v?\d+\.\d+\.\d+(-\d+)?", t)), key=_version)


def _version(tag: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", tag))


def collect(repos: dict[str, str]) -> dict[str, Any]:
    table: dict[str, dict[str, dict[str, list[str]]]] = {kind: defaultdict(lambda: defaultdict(list)) for kind in KINDS}
    tags: dict[str, list[str]] = {}
    for source, git_dir in repos.items():
        tags[source] = _tags(git_dir)
        for tag in tags[source]:
            for level, fmt in sorted(_messages(_sources(git_dir, tag))):
                for kind, kind_re in _KIND_RES.items():
                    if kind_re.search(fmt):
                        table[kind][f"{level}|{fmt}"][source].append(tag)
    return {
        "about": "Kaniko message formats per release; made by bench/kaniko_messages.py from the git tags of each source",
        "sources": {"upstream": "GoogleContainerTools/kaniko", "fork": "osscontainertools/kaniko"},
        "tags": tags,
        "kinds": {kind: {variant: dict(by_source) for variant, by_source in sorted(variants.items())} for kind, variants in table.items()},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    json.dump(collect({"upstream": argv[1], "fork": argv[2]}), sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
