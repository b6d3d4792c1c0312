"""The demo's session: the embedded sandbox with the sample repo, started in the worker after the first frame."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contextlib import ExitStack

    from wizard.engine.events import Event
    from wizard.tui.controller import SessionFactory
    from wizard.tui.questioner import TuiQuestioner


def demo_factory(stack: ExitStack, time_factor: float | None = None) -> SessionFactory:
    """A session on the embedded sandbox with the sample repo; the sandbox starts in the worker, after the first frame."""

    def factory(questioner: TuiQuestioner, emit: Callable[[Event], None]) -> Any:
        from wizard.commands.session_factory import build_session
        from wizard.demo import DEMO_TIME_FACTOR, demo_environment
        from wizard.engine.session import Options

        env = stack.enter_context(demo_environment(DEMO_TIME_FACTOR if time_factor is None else time_factor))
        return build_session(env.args(), questioner, emit, options=Options(poll_interval_s=0.1, live_steps=True), environ=env.environ)

    return factory
