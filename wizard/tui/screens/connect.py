"""Connect: who the admin token belongs to, where it came from, and its scopes."""

from __future__ import annotations

from typing import Any

from wizard.tui.screens.base import FactsScreen


class ConnectScreen(FactsScreen):
    step = "connect"

    def fact_rows(self, f: dict[str, Any]) -> list[tuple[str, Any]]:
        return [
            ("Signed in as", f.get("login")),
            ("Token from", f.get("token_source")),
            ("Scopes", f.get("scopes")),
            ("API", f.get("api_url")),
        ]
