"""What the wizard hands out: outputs to copy (the caller workflow, its diff, the run URLs) and pages to open.

A mixin of WizardApp (wizard/tui/app.py), kept apart from navigation and the engine calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from wizard.tui.controller import EngineController
    from wizard.tui.model import Journey

    class _AppPart(App[int]):
        """What these methods use of WizardApp, for mypy only (as in wizard/tui/handlers.py)."""

        journey: Journey
        controller: EngineController

        def links(self) -> dict[str, str]: ...

else:
    _AppPart = object


class Outputs(_AppPart):
    def copyable(self) -> list[tuple[str, str, str]]:
        """What the palette offers to copy: (title, help, text), for the outputs there are so far."""
        from wizard.engine.events import ChangeKind

        session = self.controller.session
        out: list[tuple[str, str, str]] = []
        if session is not None and session.workflow_text:
            out.append(("Copy the caller workflow", f"{session.plan.workflow_path}, as it is delivered", session.workflow_text))
        diff = next((c.detail for c in self.journey["workflow"].changes if c.kind is ChangeKind.WORKFLOW and c.detail), "")
        if diff:
            out.append(("Copy the workflow diff", "the unified diff of the caller workflow", diff))
        runs = [f"{name}: {url}" for name, url in self.links().items() if name.startswith("attempt ")]
        if runs:
            out.append(("Copy the run URLs", "each validation attempt's own page", "\n".join(runs)))
        return out

    def copy_text(self, what: str, text: str) -> None:
        # OSC 52: most terminals put it on the clipboard; where one does not, the summary printed at exit has the URLs
        self.copy_to_clipboard(text)
        self.notify(f"Copied {what} to the clipboard (if your terminal allows it).")

    def current_run_url(self) -> str | None:
        """The run page of the validation's latest attempt (each attempt has its own), once a build started."""
        builds = self.journey["validate"].builds
        return builds[max(builds)].html_url if builds else None

    def open_current_run(self) -> None:
        url = self.current_run_url()
        if url:
            self.open_link(url)
            self.notify(f"Opening {url}", timeout=4)
        else:
            self.notify("No build has started yet.", severity="warning")

    def open_link(self, url: str) -> None:
        import webbrowser  # only when asked: it is not needed for the first frame

        webbrowser.open(url)
