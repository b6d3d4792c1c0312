"""Image: the image step's answers (service name, tags, the layer cache); the image, cache repo and destinations
follow from them."""

from __future__ import annotations

from textual.app import ComposeResult

from wizard.engine.results import ImageResult
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
        r = st.result if isinstance(st.result, ImageResult) else None
        if self.preview_hidden():
            self.query_one("#facts", FactList).show([])  # never names from a half-typed answer
            return
        self.query_one("#facts", FactList).show(
            [
                ("Image", r.image if r else None),
                ("Cache repo", (r.cache_repo or "disabled") if r else None),
                ("Destinations", "\n".join(r.destinations) if r else ""),
            ]
        )
