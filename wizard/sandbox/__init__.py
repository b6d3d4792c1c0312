"""The embedded GitHub sandbox: a local, stateful GitHub REST + Actions server with a computed Kaniko build.

Imported only by tests, `brik-onboard demo` and `brik-onboard sandbox serve` (never by core or the engine).
`Sandbox` is loaded lazily so that importing `wizard.sandbox.kaniko` does not start Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.sandbox.server import Sandbox, serve

__all__ = ["Sandbox", "serve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from wizard.sandbox import server

        return getattr(server, name)
    raise AttributeError(name)
