"""The caller workflow: render a new one from a plan, update an existing one in place, diff them.

The pieces live in `interface` (what is passed to the reusable workflow), `render` (a new file, the diff),
`update` (round-trip edit of an existing file) and their helpers; this package's top is the API.
"""

from __future__ import annotations

from wizard.core.workflow.interface import (
    InputDecl,
    ReusableInterface,
    SecretDecl,
    caller_inputs,
    caller_secrets,
    dropped_inputs,
    parse_reusable_interface,
    uses_ref,
)
from wizard.core.workflow.render import render_caller, unified_diff
from wizard.core.workflow.update import update_caller

__all__ = [
    "InputDecl",
    "ReusableInterface",
    "SecretDecl",
    "caller_inputs",
    "caller_secrets",
    "dropped_inputs",
    "parse_reusable_interface",
    "render_caller",
    "unified_diff",
    "update_caller",
    "uses_ref",
]
