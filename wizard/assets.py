"""Where the bundled assets (reusable workflow, demo service) live.

The project is installed editable (`make` does), so the assets are read from the
checkout's top-level `assets/` folder, the same files an org copies into its `.github` repo.
"""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"


def asset_path(*parts: str) -> Path:
    path = ASSETS_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"bundled asset missing: {path} (is brik-onboard installed from its checkout?)")
    return path


def reusable_workflow_path() -> Path:
    return asset_path("workflows", "ci-build-kaniko.yml")


def demo_repo_dir() -> Path:
    return asset_path("demo", "example-node-api")
