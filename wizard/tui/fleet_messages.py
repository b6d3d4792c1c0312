"""Typed messages the fleet run's worker thread posts to the fleet app (Textual's `post_message` is thread-safe).

The worker never touches a widget: it posts one of these, and the app updates the fleet screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from wizard.engine.fleet import FleetEvent, FleetResult


class FleetChanged(Message):
    """An event of the run (a repository's state change, or the run's progress), forwarded as is."""

    def __init__(self, event: FleetEvent) -> None:
        super().__init__()
        self.event = event


class RunFinished(Message):
    """The run returned: every repository finished, or the run was stopped and those in progress have stopped."""

    def __init__(self, result: FleetResult) -> None:
        super().__init__()
        self.result = result


class RunFailed(Message):
    """The run could not go on (not one repository's failure: those are outcomes)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error
