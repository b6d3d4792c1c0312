"""Headless test apps paint only when a test looks.

Textual renders every frame of a headless app (`App.run_test`) and then throws it away (`App._display` writes
nothing when headless); that painting was about 40% of a TUI test's CPU. `install` defers it for headless apps,
and `render_now` paints what changed since the last look (the regions a terminal would repaint, dialogs'
backgrounds included) where a test observes the app: after each `wait_for` (tests/tui_helpers.py). Screenshots and
`screen_text` paint in full. A widget whose render fails still fails the test at the next observation; the
snapshot tests render every screen in every state they capture.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

_paint = Screen._compositor_refresh


def _refresh_unless_headless(self: Screen) -> None:
    app = self.app
    if app.is_headless and not app.is_inline and self is app.screen:
        self._dirty_widgets.clear()  # the compositor keeps its dirty regions for the next look
        app._update_mouse_over(self)
        return
    _paint(self)


def install() -> None:
    Screen._compositor_refresh = _refresh_unless_headless  # type: ignore[method-assign]


def render_now(app: Any) -> Any:
    """Paint what changed on the current screen since the last look, as a terminal would; returns the update."""
    return app.screen._compositor.render_update(screen_stack=app._background_screens)
