"""Image: the image step's answers (service name, tags, the layer cache); the image, cache repo and destinations
follow from them."""

from __future__ import annotations

from textual.app import ComposeResult

from wizard.tui.model import StepState
from wizard.tui.screens.base import AnswerScreen
from wizard.tui.widgets.facts import FactList


class ImageScreen(AnswerScreen):
    step = "image"
    AUTO_FOCUS = "#service"

    def changes_visible(self, st: StepState) -> bool:
        return False  # nothing is written here: the resolved names below say it all

    def compose_body(self) -> ComposeResult:
        yield from self.compose_form()
        yield FactList(id="facts")

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        f = st.facts
        self.query_one("#facts", FactList).show(
            [
                ("Image", f.get("image")),
                ("Cache repo", f.get("cache_repo") or ("disabled" if f else None)),
                ("Destinations", "\n".join(f.get("destinations") or [])),
            ]
        )
