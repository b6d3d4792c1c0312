"""The engine's own log: one JSON line per event. Events never carry secret values, so neither does this."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from wizard.engine.events import Event


class EventLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("a", encoding="utf-8")

    def __call__(self, event: Event) -> None:
        record: dict[str, Any] = {"event": type(event).__name__, **dataclasses.asdict(event)}
        self._fh.write(json.dumps(record, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
