"""A session's GitHub port that refuses every call once its run is ending: a polling loop stops at its next request
instead of holding the exit. The TUI (closing) and a fleet run (stopped) each wrap their sessions' ports in one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class GuardedPort:
    def __init__(self, port: Any, ending: threading.Event, refusal: Callable[[], Exception], *, passes: tuple[str, ...] = ()) -> None:
        """`refusal()`: what a call raises once `ending` is set; `passes`: methods that always go through (close)."""
        self._port, self._ending, self._refusal, self._passes = port, ending, refusal, passes

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._port, name)
        if not callable(attr) or name in self._passes:
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._ending.is_set():
                raise self._refusal()
            return attr(*args, **kwargs)

        return call
