"""The bundled assets, shipped inside the package (so a wheel install has them too).

- `workflows/ci-build-kaniko.yml`: the org's reusable Kaniko workflow, for the org's `.github` repository;
- `workflows/brik-onboard-fleet.yml`: the scheduled fleet status (and `fleet apply` on demand), for the same repository;
- `demo/example-node-api/`: the sample service the demo (and the sandbox's default seed) onboards.
"""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent


def asset_path(*parts: str) -> Path:
    path = ASSETS_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"bundled asset missing: {path} (a broken install: reinstall brik-onboard)")
    return path


def reusable_workflow_path() -> Path:
    return asset_path("workflows", "ci-build-kaniko.yml")


def fleet_workflow_path() -> Path:
    return asset_path("workflows", "brik-onboard-fleet.yml")


def reusable_workflow_text() -> str:
    return reusable_workflow_path().read_text(encoding="utf-8")


def demo_repo_dir() -> Path:
    return asset_path("demo", "example-node-api")
