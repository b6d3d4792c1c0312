"""Connect: who the admin token belongs to, where it came from, and its scopes."""

from __future__ import annotations

from typing import Any

from wizard.tui.screens.base import FactsScreen


class ConnectScreen(FactsScreen):
    step = "connect"
    heading = "Connect to GitHub"
    intro = "The admin token the wizard calls the API with: flag, GH_TOKEN/GITHUB_TOKEN, keyring, gh, or a prompt."

    def fact_rows(self, f: dict[str, Any]) -> list[tuple[str, Any]]:
        return [
            ("Signed in as", f.get("login")),
            ("Token from", f.get("token_source")),
            ("Scopes", f.get("scopes")),
            ("API", f.get("api_url")),
        ]
