"""Shared fixtures: a started GitHub sandbox with a fresh state per test, and its admin token."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.sandbox_client import TEST_TIME_FACTOR

if TYPE_CHECKING:
    from wizard.sandbox import Sandbox

# The developer's own ~/.config/brik-onboard/config.yml never reaches a test; a test that wants one writes it.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="brik-test-config-")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="brik-test-cache-")  # run locks live here
os.environ.pop("BRIK_ONBOARD_CONFIG", None)


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
