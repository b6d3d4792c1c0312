"""`brik-onboard schema [--fleet]`: the answers file's JSON Schema, or the fleet file's, for editors (see the README)."""

from __future__ import annotations

import json
import sys

from wizard.core.schema import answers_schema, fleet_schema


def run_schema(*, fleet: bool = False) -> int:
    json.dump(fleet_schema() if fleet else answers_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
