"""Shared fixtures: a started GitHub sandbox with a fresh state per test, and its admin token."""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.sandbox_client import TEST_TIME_FACTOR
from tests.virtual_time import VirtualTime
from tests.virtual_time import install as install_virtual_time

if TYPE_CHECKING:
    from wizard.sandbox import Sandbox

# The developer's own ~/.config/brik-onboard/config.yml never reaches a test; a test that wants one writes it.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="brik-test-config-")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="brik-test-cache-")  # run locks live here
os.environ.pop("BRIK_ONBOARD_CONFIG", None)


def pytest_configure(config: pytest.Config) -> None:
    """Textual's Pilot waits, after each key, until the app has been idle for a 20 ms window (and at least that
    long); 5 ms windows tell the same, and a TUI test presses dozens of keys. The tests wait for what they check
    themselves (tests/tui_helpers.py wait_for), not for the Pilot's idea of idle."""
    import textual._wait

    from tests import headless_render

    # pytest collects garbage 5 times over when a worker ends, to catch unraisable exceptions; on a worker's heap
    # after hundreds of TUI tests that takes seconds (long enough for pytest-xdist to interrupt it on a busy CI
    # machine). Once finds what a test left behind.
    with contextlib.suppress(ImportError):
        from _pytest.unraisableexception import gc_collect_iterations_key

        config.stash[gc_collect_iterations_key] = 1
    textual._wait.SLEEP_GRANULARITY = 0.005
    textual._wait.SLEEP_IDLE = 0.005 / 20
    headless_render.install()  # headless apps paint when a test looks, not every frame


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first: pytest-xdist hands tests out in this order, and a long test handed out last would keep
    one worker busy while the others have finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's full garbage collections walk every object a worker holds, the imported libraries included: about
    200 ms each, twenty-odd times per worker (about 5 s of a worker's CPU). What the imports made is frozen out of
    them, and they run a tenth as often; the TUI tests' cycles are still collected, a few hundred MB later at most."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(5000, 20, 100)


@pytest.fixture(autouse=True)
def virtual_time(request: pytest.FixtureRequest) -> Iterator[VirtualTime | None]:
    """Every test runs on virtual time (tests/virtual_time.py): the wizard's waits (build polls, retries) jump ahead
    instead of passing, and an in-process sandbox's runs read the same clock, so a build completes as soon as it
    has been polled through. A test marked `wall_clock` keeps real time (it watches a build while it runs); one marked
    `frozen_time` has a time that only the waits move. Its own
    MonkeyPatch: a test that undoes its `monkeypatch` keeps the virtual time."""
    if request.node.get_closest_marker("wall_clock") is not None:
        yield None
        return
    with pytest.MonkeyPatch.context() as patch:
        yield install_virtual_time(patch, frozen=request.node.get_closest_marker("frozen_time") is not None)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A started sandbox (default seed) whose simulated builds run 100x faster than real time."""
    from wizard.sandbox import Sandbox  # imported here so that collecting other tests stays light

    with Sandbox(time_factor=TEST_TIME_FACTOR) as started:
        yield started


@pytest.fixture
def admin_token(sandbox: Sandbox) -> str:
    """The sandbox's admin token (scopes repo, workflow, admin:org, read:org), made at run time."""
    return sandbox.token


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A GitHub App's private key in a file only its owner reads (tests/app_keys.py: one key pair per session)."""
    from tests.app_keys import shared_key_pair

    path = tmp_path / "app.private-key.pem"
    path.write_text(shared_key_pair()[0])
    path.chmod(0o600)
    return path


@pytest.fixture
def app_sandbox(sandbox: Sandbox) -> Sandbox:
    """The sandbox with the test App (tests/app_keys.py APP_ID) and its public key."""
    from tests.app_keys import APP_ID, shared_key_pair

    sandbox.add_app(APP_ID, shared_key_pair()[1])
    return sandbox
