"""The org's reusable workflow for a given server: github.com, or a GitHub Enterprise Server version.

One source of truth: the packaged asset is the github.com file; a server that does not know
`environment.deployment` gets the same file without that key (its jobs then record a deployment, which
only shows in the repository's deployments list). Everything else in the asset works on GHES 3.14+.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from wizard.core.workflow.roundtrip import dump, load, round_trip_yaml
from wizard.errors import InputError

# The first GitHub Enterprise Server release whose workflow parser accepts `environment: {deployment: false}`.
DEPLOYMENT_KEY_SINCE = (3, 22)
OLDEST_SUPPORTED = (3, 14)

_VERSION_RE = re.compile(r"^\s*(\d+)\.(\d+)(?:\.\d+)?\s*$")


def parse_ghes_version(value: str) -> tuple[int, int]:
    """'3.14.2' -> (3, 14); InputError for anything else."""
    match = _VERSION_RE.match(value)
    if not match:
        raise InputError(f"invalid GitHub Enterprise Server version {value!r}", "give MAJOR.MINOR, e.g. 3.14")
    return int(match[1]), int(match[2])


def accepts_deployment_key(ghes_version: str | None) -> bool:
    """Whether the server's workflow parser knows `environment.deployment` (None: github.com, which does)."""
    return ghes_version is None or parse_ghes_version(ghes_version) >= DEPLOYMENT_KEY_SINCE


def server_label(ghes_version: str | None) -> str:
    return "github.com" if ghes_version is None else f"GitHub Enterprise Server {ghes_version}"


@functools.lru_cache(maxsize=8)
def reusable_variant(text: str, ghes_version: str | None) -> str:
    """The reusable workflow `text` (the github.com asset) as the given server accepts it. Made once per text and
    server: a fleet run installs the same one in every repository's preflight."""
    if accepts_deployment_key(ghes_version):
        return text
    yaml = round_trip_yaml()
    doc = load(yaml, text, "the reusable workflow")
    jobs: Any = doc.get("jobs") if isinstance(doc, dict) else None
    for job in (jobs or {}).values():
        environment = job.get("environment") if isinstance(job, dict) else None
        if isinstance(environment, dict) and "deployment" in environment:
            del environment["deployment"]
    header = f"# Variant for {server_label(ghes_version)}: without `environment.deployment`, which it does not know.\n"
    return header + dump(yaml, doc)
