"""Fault injection: rules matched by method and path pattern, each firing a set number of times.

A rule can delay the answer, replace it with an error status (500/502/503, or 429/403 with
`retry-after` like GitHub's secondary rate limit), or reset the connection (the server closes the
socket with SO_LINGER 0, so the client sees a reset / a remote disconnect, not an HTTP answer). A reset with
`apply_after` seconds is GitHub applying the request late: the client sees the reset, the write lands later.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

ALLOWED_STATUSES = frozenset({403, 429, 500, 502, 503})


@dataclass
class FaultRule:
    id: int
    method: str  # "*" matches any
    path: str  # regular expression, searched in the request path
    count: int | None  # times left; None = until removed
    status: int | None = None
    reset: bool = False
    delay: float = 0.0
    retry_after: int | None = None
    apply_after: float | None = None  # with reset: the request is carried out this many seconds later
    fired: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)  # set by Faults.add, which compiles `path` first

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method.upper() == method.upper()) and bool(self._regex.search(path))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_regex")
        return data


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(
        self,
        method: str = "*",
        path: str = ".*",
        *,
        count: int | None = 1,
        status: int | None = None,
        reset: bool = False,
        delay: float = 0.0,
        retry_after: int | None = None,
        apply_after: float | None = None,
    ) -> FaultRule:
        """Add a rule; raises ValueError for a rule that could not fire as asked."""
        if status is not None and status not in ALLOWED_STATUSES:
            raise ValueError(f"fault status must be one of {sorted(ALLOWED_STATUSES)}")
        if retry_after is not None and status not in (403, 429):
            raise ValueError("retry_after goes with status 403 or 429")
        if not (status or reset or delay > 0):
            raise ValueError("a fault needs a status, reset=True or a delay")
        if status and reset:
            raise ValueError("a fault either answers with a status or resets the connection")
        if apply_after is not None and (not reset or apply_after < 0):
            raise ValueError("apply_after goes with reset=True and is a number of seconds")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for no limit)")
        regex = re.compile(path)
        with self._lock:
            rule = FaultRule(next(self._ids), method, path, count, status, reset, float(delay), retry_after, apply_after)
            rule._regex = regex
            self._rules.append(rule)
            return rule

    def add_from_json(self, data: dict[str, Any]) -> FaultRule:
        known = {"method", "path", "count", "status", "reset", "delay", "retry_after", "apply_after"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        return self.add(**data)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first live rule matching this request; spends one of its count."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.fired += 1
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count == 0:
                            self._rules.remove(rule)
                    return rule
            return None

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)
