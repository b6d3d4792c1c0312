"""`brik-onboard sandbox serve`: the embedded GitHub sandbox as a standalone server."""

from __future__ import annotations

from wizard.app.options import ServeOptions


def run_sandbox_serve(o: ServeOptions) -> int:
    from wizard.sandbox.server import serve

    serve(port=o.port or None, token=o.token, scopes=list(o.scopes), seed_file=o.seed, time_factor=o.time_factor, plan=o.plan)
    return 0
