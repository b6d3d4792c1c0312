"""`brik-onboard sandbox serve`: the embedded GitHub sandbox as a standalone server."""

from __future__ import annotations

from wizard.app.options import ServeOptions


def run_sandbox_serve(o: ServeOptions) -> int:
    from wizard.core.workflow.variants import parse_ghes_version
    from wizard.sandbox.server import serve

    if o.ghes is not None:
        parse_ghes_version(o.ghes)  # InputError (exit 2) before anything starts

    serve(port=o.port or None, token=o.token, scopes=list(o.scopes), seed_file=o.seed, time_factor=o.time_factor, plan=o.plan, ghes=o.ghes)
    return 0
