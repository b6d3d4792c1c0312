"""`brik-onboard sandbox serve`: the embedded GitHub sandbox as a standalone server."""

from __future__ import annotations

import argparse
from pathlib import Path


def run_sandbox_serve(args: argparse.Namespace) -> int:
    from wizard.sandbox.server import serve

    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
    serve(
        port=args.port or None,
        token=args.token,
        scopes=scopes,
        seed_file=Path(args.seed) if args.seed else None,
        time_factor=args.time_factor,
    )
    return 0
