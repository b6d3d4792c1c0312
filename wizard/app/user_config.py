"""The user's own settings, outside any repository: where the admin token goes (`api_url`) and which variables
hold the secrets' values (`secret_env`). An answers file inside a repository may not set these (anyone who can
push to the repository could otherwise send the token elsewhere), so this file is where they live besides flags.

Location: $BRIK_ONBOARD_CONFIG, else $XDG_CONFIG_HOME/brik-onboard/config.yml, else ~/.config/brik-onboard/config.yml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wizard.core.answers import MAX_ANSWERS_BYTES, load_user_settings
from wizard.fsutil import read_text_file


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("BRIK_ONBOARD_CONFIG"):
        return Path(env["BRIK_ONBOARD_CONFIG"])
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "brik-onboard" / "config.yml"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/brik-onboard, else ~/.cache/brik-onboard: run locks and what `status --org` keeps."""
    env = os.environ if environ is None else environ
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "brik-onboard"


def user_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The answers the user's config file sets (by answer name); {} when there is no such file."""
    path = config_path(environ)
    if not path.is_file():
        return {}
    return load_user_settings(read_text_file(path, "config file", MAX_ANSWERS_BYTES), str(path))
