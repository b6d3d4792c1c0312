"""Connect: who the admin token belongs to, where it came from, and its scopes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.tui.screens.base import FactsScreen

if TYPE_CHECKING:
    from wizard.engine.results import ConnectResult


class ConnectScreen(FactsScreen):
    step = "connect"

    def fact_rows(self, r: ConnectResult | None) -> list[tuple[str, Any]]:
        if r is None:
            return [("Signed in as", None), ("Token from", None), ("Scopes", None), ("API", None)]
        return [("Signed in as", r.login), ("Token from", r.token_source), ("Scopes", r.scopes), ("API", r.api_url)]
