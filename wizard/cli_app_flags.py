"""The GitHub App options (`--app-id`, `--app-key`), declared beside --token-env by every command that talks to GitHub."""

from __future__ import annotations

import argparse
from typing import Any


def add_app_flags(group: Any, prefix: str = "") -> None:
    """A GitHub App instead of a token (beside --token-env; `prefix`: the dests of commands that take no run flags)."""
    group.add_argument(
        "--app-id",
        dest=prefix + "app_id",
        metavar="ID",
        default=argparse.SUPPRESS,
        help="authenticate as this GitHub App (env BRIK_APP_ID)",
    )
    group.add_argument(
        "--app-key",
        dest=prefix + "app_key",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="the App's private key (env BRIK_APP_KEY_FILE, or the key itself in BRIK_APP_PRIVATE_KEY)",
    )
