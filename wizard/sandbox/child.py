"""The demo's sandbox in a child process (wizard/app/demo.py starts it before the wizard's UI loads).

Flask, the routes and the seeded state load here, on another core, while the parent paints its first screen.
One JSON line on stdout hands over the base URL, the admin token and a registry PAT (write:packages) its registry
accepts, for the demo to offer (a pipe only the parent reads); the sandbox
then serves until stdin closes, which happens however the parent ends, so it never outlives the demo.
"""

from __future__ import annotations

import argparse
import json
import sys

from wizard.sandbox.server import Sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wizard.sandbox.child")
    parser.add_argument("--time-factor", type=float, default=1.0)
    args = parser.parse_args(argv)
    with Sandbox(time_factor=args.time_factor) as sandbox:
        handover = {"url": sandbox.base_url, "token": sandbox.token, "registry_pat": sandbox.add_token(("write:packages",))}
        sys.stdout.write(json.dumps(handover) + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the parent closes the pipe or ends
    return 0


if __name__ == "__main__":
    sys.exit(main())
