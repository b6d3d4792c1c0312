"""The sandbox's Kaniko build emulation: cache keys, registry, job log and timings, computed from the repo.

Imported only by the sandbox server, `demo` and tests (never by the engine or core).
"""

from __future__ import annotations

from .emulator import DEFAULT_EXECUTOR, BuildOutcome, BuildRequest, StepRecord, emulate_build
from .registry import Registry, RegistryCredential

__all__ = ["DEFAULT_EXECUTOR", "BuildOutcome", "BuildRequest", "Registry", "RegistryCredential", "StepRecord", "emulate_build"]
