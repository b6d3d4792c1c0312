"""Image: service name, tags and the layer cache; the image, cache repo and destinations follow from them."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Switch

from wizard.core import naming
from wizard.tui.model import StepState
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.facts import FactList
from wizard.tui.widgets.fields import CoreValidator, Field


class ImageScreen(StepScreen):
    step = "image"
    heading = "Image name"
    intro = "The image under the org's registry namespace, its tags, and the registry-backed layer cache."
    AUTO_FOCUS = "#service"

    def changes_visible(self, st: StepState) -> bool:
        return False  # nothing is written here: the resolved names below say it all

    def compose_body(self) -> ComposeResult:
        plan = self.wizard.plan()
        service = plan.service or naming.slugify_service(plan.repo.split("/")[-1]).value
        tags = ", ".join(plan.tags)
        self._sent: dict[str, Any] = {
            "service": service,
            "tags": tuple(naming.normalise_tags(list(plan.tags))),
            "cache_enabled": plan.cache_enabled,
        }
        yield Field("Service name", Input(service, id="service", validators=[CoreValidator(naming.validate_service)]), id="service-field")
        yield Field("Tags (comma separated)", Input(tags, id="tags", validators=[CoreValidator(naming.normalise_tags)]), id="tags-field")
        with Horizontal(classes="switch-row"):
            yield Switch(plan.cache_enabled, id="cache")
            yield Label("Layer cache, kept in <image>-cache")
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

    @on(Input.Changed, "#service")
    def _service(self, event: Input.Changed) -> None:
        if self.query_one("#service-field", Field).show_result(event.validation_result):
            self._send("service", event.value)

    @on(Input.Changed, "#tags")
    def _tags(self, event: Input.Changed) -> None:
        if self.query_one("#tags-field", Field).show_result(event.validation_result):
            self._send("tags", tuple(naming.normalise_tags(event.value)))

    @on(Switch.Changed, "#cache")
    def _cache(self, event: Switch.Changed) -> None:
        self._send("cache_enabled", event.value)

    def _send(self, key: str, value: Any) -> None:
        if self._sent.get(key) == value:
            return
        self._sent[key] = value
        self.wizard.edit_step(self.step, {key: value})

    def problem(self) -> str | None:
        for field_id, what in (("#service-field", "service name"), ("#tags-field", "tags")):
            if not self.query_one(field_id, Field).valid:
                return f"the {what} is not valid yet: fix it first"
        return None
