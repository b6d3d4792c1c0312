"""A repository's topics as GitHub accepts them (PUT /repos/{owner}/{repo}/topics and the seed file)."""

from __future__ import annotations

import re

# GitHub's rule for a topic, and its cap on how many a repository has.
TOPIC = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
MAX_TOPICS = 20
TOPIC_RULE = "Topics must start with a lowercase letter or number, consist of 50 characters or less, and can include hyphens."


def checked_topics(names: object) -> list[str]:
    """The topics as GitHub keeps them (no repeats), or ValueError saying what GitHub refuses."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("names must be a list of strings")
    bad = [n for n in names if not TOPIC.fullmatch(n)]
    if bad:
        raise ValueError(f"{', '.join(bad)}: {TOPIC_RULE}")
    kept = list(dict.fromkeys(names))
    if len(kept) > MAX_TOPICS:
        raise ValueError(f"A repository cannot have more than {MAX_TOPICS} topics.")
    return kept
