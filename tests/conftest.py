"""Shared fixtures: a started GitHub sandbox with a fresh state per test, and its admin token."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
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


@pytest.fixture
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    """The wizard's clock on virtual time: its waits (build polls, retries) jump ahead instead of passing."""
    return install_virtual_time(monkeypatch)


@pytest.fixture
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A started sandbox (default seed) whose simulated builds run 100x faster than real time, on the wizard's
    virtual time (tests/virtual_time.py): a build completes as soon as the wizard has polled through it. A test
    marked `wall_clock` keeps real time (what it checks happens while a build runs for real)."""
    from wizard.sandbox import Sandbox  # imported here so that collecting other tests stays light

    with Sandbox(time_factor=TEST_TIME_FACTOR) as started:
        if request.node.get_closest_marker("wall_clock") is None:
            started.state.clock = request.getfixturevalue("virtual_time").now
        yield started


@pytest.fixture
def admin_token(sandbox: Sandbox) -> str:
    """The sandbox's admin token (scopes repo, workflow, admin:org, read:org), made at run time."""
    return sandbox.token
