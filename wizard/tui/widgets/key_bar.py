"""The key bar at the foot of each step screen."""

from __future__ import annotations

from collections.abc import Iterator

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyBar(Footer):
    """Textual's Footer, rebuilt only when the keys it shows change. Textual asks it to rebuild on every focus
    change and every binding refresh, and each rebuild mounts and restyles every key again, though the keys (and
    whether each is enabled) are most often the same."""

    _shown: tuple[tuple[object, ...], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            keys = tuple(
                (binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                for _node, binding, enabled, tooltip in screen.active_bindings.values()
            )
            if self._bindings_ready and keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)

    def compose(self) -> Iterator[Widget]:
        # A key bound to the bar's setting starts compact and takes the setting once mounted: two restyles of
        # every key, each time the bar is rebuilt. Starting with the bar's setting makes both no-ops.
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget._reactive_connect:
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
