"""A wheel built from the checkout, installed (not editable) into a fresh virtual environment, works from a directory
that is not the checkout: the reusable workflow and the demo service ship inside the package.

The fresh environment borrows the test environment's installed dependencies through a path file (so the test needs
no network); a path file does not run the editable install's hook, so `wizard` can only come from the wheel.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# One worker builds the wheel (a module fixture is built again on every worker that runs one of these tests).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fresh environment's bin directory, with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache"))
    dist = work / "dist"
    build = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("brik_onboard-*.whl"))
    env_dir = work / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    fresh_python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    Path(purelib, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = [sys.executable, "-m", "pip", "--python", str(fresh_python), "install", "--no-deps", "-q", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    return env_dir / "bin"


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run([str(bin_dir / "brik-onboard"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_package_comes_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import wizard; print(wizard.__file__)"], cwd=tmp_path, capture_output=True, text=True
    )
    assert where.returncode == 0, where.stderr
    assert str(installed.parent) in where.stdout and str(ROOT) not in where.stdout


def test_demo_headless_passes_from_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    done = run(installed, tmp_path, "demo", "--headless", "--time-factor", "0.01")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verdict: PASS" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the demo writes nothing where it runs


def test_plan_offline_uses_the_bundled_reusable_workflow(installed: Path, tmp_path: Path) -> None:
    done = run(installed, tmp_path, "plan", "--repo", "BrikByte-Studios/example-node-api", "--offline", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["image"] == "ghcr.io/brikbyte-studios/example-node-api"
    assert "uses: BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main" in report["workflow"]
    assert not any("not the org default" in n for n in report["notices"])


def test_the_fleet_workflow_and_screen_styles_ship(installed: Path, tmp_path: Path) -> None:
    code = (
        "from pathlib import Path; import wizard.tui; from wizard.assets import fleet_workflow_path\n"
        "tui = Path(wizard.tui.__file__).parent\n"
        "print(fleet_workflow_path().read_text().splitlines()[0]); print((tui / 'fleet.tcss').is_file(), (tui / 'dialogs.tcss').is_file())"
    )
    done = subprocess.run([str(installed / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "# brik-onboard-fleet.yml: the org's onboarding picture every week, run by the org's own GitHub Actions.",
        "True True",
    ]
