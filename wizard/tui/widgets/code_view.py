"""YAML or a unified diff with syntax highlighting (Rich's Syntax, i.e. Pygments), following the light/dark theme."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.theme import Theme
from textual.widgets import Static


class CodeView(Static):
    DEFAULT_CSS = """
    CodeView { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._code = ""
        self._lexer = "yaml"

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def show(self, code: str, lexer: str) -> None:
        if (code, lexer) == (self._code, self._lexer) and self.is_mounted and self.display == bool(code):
            return
        self._code, self._lexer = code, lexer
        self.display = bool(code)
        self._render_code()

    def _theme_changed(self, theme: Theme) -> None:
        self._render_code()

    def _render_code(self) -> None:
        dark = self.app.current_theme.dark
        self.update(
            Syntax(
                self._code.rstrip("\n"),
                self._lexer,
                theme="monokai" if dark else "friendly",
                line_numbers=self._lexer == "yaml",
                word_wrap=True,
                background_color="default",
            )
        )
