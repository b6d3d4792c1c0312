"""`brik-onboard schema`: the answers file's JSON Schema, for editors (see the README)."""

from __future__ import annotations

import json
import sys

from wizard.core.schema import answers_schema


def run_schema() -> int:
    json.dump(answers_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
