"""The demo's sandbox in a child process (wizard/app/demo.py starts it before the wizard's UI loads).

Flask, the routes and the seeded state load here, on another core, while the parent paints its first screen.
The first line on stdin is the registry PAT (write:packages) the parent made and offers; the sandbox's registry
accepts it. One JSON line on stdout hands over the base URL, the admin token and that PAT (a pipe only the parent
reads); the sandbox then serves until stdin closes, which happens however the parent ends, so it never outlives
the demo.
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
    registry_pat = sys.stdin.readline().strip()
    with Sandbox(time_factor=args.time_factor) as sandbox:
        if registry_pat:
            sandbox.state.add_token("octo-admin", ("write:packages",), value=registry_pat)
        else:
            registry_pat = sandbox.add_token(("write:packages",))
        handover = {"url": sandbox.base_url, "token": sandbox.token, "registry_pat": registry_pat}
        sys.stdout.write(json.dumps(handover) + "\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the parent closes the pipe or ends
    return 0


if __name__ == "__main__":
    sys.exit(main())
