"""What a caller job passes to the reusable workflow: its `uses:` reference, `with:` inputs and `secrets:`,
filtered by the reusable workflow's own `on.workflow_call` declaration when we have it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.scalarstring import LiteralScalarString

from wizard.core.build_secrets import BUILD_SECRETS_INPUT, SLOT_NAMES
from wizard.core.plan import DEFAULT_BUILDER, PAT_SECRET, URL_VARIABLE, Plan
from wizard.core.resolved import ResolvedPlan
from wizard.core.targets import TargetJob
from wizard.core.workflow.roundtrip import load, plain, round_trip_yaml
from wizard.errors import InputError

# The `with:` keys brik-onboard writes, in the order it writes them. The optional ones are removed from an
# existing caller when the plan no longer sets them.
BASE_INPUTS = ("image_name", "context", "dockerfile", "tags", "registry", "cache_enabled")
OPTIONAL_INPUTS = (
    "cache_repo",
    "target",
    "build_args",
    "registry_mirror",
    "kaniko_args",
    "runs_on",
    "executor",
    "builder",
    "insecure_registry",
    "environment",
)
# Derived from the Dockerfile, not an answer: the ids of its build secrets, each passed in the slot of its position.
DERIVED_INPUTS = (BUILD_SECRETS_INPUT,)
MANAGED_INPUTS = BASE_INPUTS + OPTIONAL_INPUTS + DERIVED_INPUTS
# Inputs a caller may hold from before they were answers: the caller's value is left alone while the answer is
# empty (it is the user's), and managed once an answer sets it.
SOFT_INPUTS = frozenset({"registry_mirror", "kaniko_args"})
TOKEN_SECRET = "REGISTRY_TOKEN"
USERNAME_SECRET = "REGISTRY_USERNAME"
MANAGED_SECRETS = (TOKEN_SECRET, PAT_SECRET, USERNAME_SECRET, *SLOT_NAMES)

_SHA_RE = re.compile(r"^[0-9a-fA-F]{40}$")


@dataclass(frozen=True)
class InputDecl:
    name: str
    type: str
    required: bool
    default: Any | None


@dataclass(frozen=True)
class SecretDecl:
    name: str
    required: bool


@dataclass(frozen=True)
class ReusableInterface:
    """What a reusable workflow declares under on.workflow_call."""

    inputs: dict[str, InputDecl]
    secrets: dict[str, SecretDecl]


@functools.lru_cache(maxsize=8)
def parse_reusable_interface(text: str) -> ReusableInterface:
    """Read the inputs and secrets a reusable workflow declares; InputError if it has no on.workflow_call.
    Each text is parsed once: the preflight reads the same workflow at every check of a session."""
    data = plain(load(round_trip_yaml(), text, "the reusable workflow"))
    hint = "point --reusable-workflow at a workflow whose `on:` has a `workflow_call:` trigger"
    if not isinstance(data, dict):
        raise InputError("the reusable workflow is not a YAML mapping", hint)
    triggers = data.get("on")
    if isinstance(triggers, str):
        triggers = {triggers: None}
    elif isinstance(triggers, list):
        triggers = {str(t): None for t in triggers}
    if not isinstance(triggers, dict) or "workflow_call" not in triggers:
        raise InputError("the workflow is not a reusable workflow: it has no on.workflow_call trigger", hint)
    call = triggers["workflow_call"] or {}
    if not isinstance(call, dict):
        raise InputError("the reusable workflow's on.workflow_call is not a mapping", hint)
    inputs = {}
    for name, decl in _mapping(call.get("inputs"), "inputs").items():
        decl = decl or {}
        inputs[str(name)] = InputDecl(str(name), str(decl.get("type", "string")), decl.get("required") is True, decl.get("default"))
    secrets = {}
    for name, decl in _mapping(call.get("secrets"), "secrets").items():
        secrets[str(name)] = SecretDecl(str(name), (decl or {}).get("required") is True)
    return ReusableInterface(inputs, secrets)


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or any(v is not None and not isinstance(v, dict) for v in value.values()):
        raise InputError(
            f"the reusable workflow's on.workflow_call.{what} is not a mapping of names to declarations",
            "fix the reusable workflow's declaration",
        )
    return value


def _lines(values: tuple[str, ...] | list[str]) -> str:
    """One value per line: a literal block scalar (`|`) when there is more than one."""
    if len(values) > 1:
        block: str = LiteralScalarString("".join(f"{v}\n" for v in values))  # ruamel types __new__ as Any
        return block
    return values[0] if values else ""


def plan_inputs(resolved: ResolvedPlan, job: TargetJob | None = None) -> dict[str, Any]:
    """Every `with:` value the plan sets for one job (default: the final target's), before any filtering."""
    plan = resolved.plan
    job = job or resolved.final_job
    values: dict[str, Any] = {
        "image_name": resolved.image,
        "context": plan.context,
        "dockerfile": plan.dockerfile,
        "tags": _lines(job.tags),
        "registry": registry_expression(resolved.image.split("/", 1)[0]),
        "cache_enabled": bool(plan.cache_enabled),
    }
    if plan.cache_repo:
        values["cache_repo"] = resolved.cache_repo
    if job.target:
        values["target"] = job.target
    if plan.build_args:
        values["build_args"] = _lines(plan.build_args)
    if plan.registry_mirror:
        values["registry_mirror"] = _lines(plan.registry_mirror)
    if plan.kaniko_args:
        values["kaniko_args"] = _lines(plan.kaniko_args)
    if plan.runs_on:
        values["runs_on"] = plan.runs_on
    if plan.executor:
        values["executor"] = plan.executor
    if plan.builder != DEFAULT_BUILDER:  # the reusable workflow's default is not written
        values["builder"] = plan.builder
    if plan.insecure_registry:
        values["insecure_registry"] = plan.insecure_registry
    if plan.scope == "environment" and plan.environment:
        # GitHub forbids `environment:` on a job that `uses:` a reusable workflow: the called job runs in it.
        values["environment"] = plan.environment
    if resolved.build_secrets:
        values[BUILD_SECRETS_INPUT] = _lines(tuple(b.id for b in resolved.build_secrets))
    return values


def registry_expression(host: str) -> str:
    """The `registry` input: the REGISTRY_URL configuration variable, else the plan's registry host. `with:` cannot
    read `secrets`, and the caller job runs in no environment, so only org and repository variables reach it."""
    return "${{ vars." + URL_VARIABLE + " || '" + host.replace("'", "''") + "' }}"


def caller_inputs(resolved: ResolvedPlan, interface: ReusableInterface | None = None, job: TargetJob | None = None) -> dict[str, Any]:
    """The `with:` values of one job (default: the final target's); with an interface, only declared ones (a
    required unfillable one is an error)."""
    values = plan_inputs(resolved, job)
    if interface is None:
        return values
    for decl in interface.inputs.values():
        if decl.required and decl.default is None and decl.name not in values:
            raise InputError(
                f"the reusable workflow requires the input {decl.name!r}, which the plan does not set",
                f"set {decl.name} in the answers file (or its flag), or give the input a default in the reusable workflow",
            )
    return {k: v for k, v in values.items() if k in interface.inputs}


def dropped_inputs(resolved: ResolvedPlan, interface: ReusableInterface | None) -> list[str]:
    """Notes on plan values left out because the reusable workflow does not declare them."""
    if interface is None:
        return []
    names = dict.fromkeys(name for job in resolved.jobs or (None,) for name in plan_inputs(resolved, job))
    return [f"input {name!r} is not declared by the reusable workflow: not passed" for name in names if name not in interface.inputs]


def caller_secrets(resolved: ResolvedPlan, interface: ReusableInterface | None = None) -> dict[str, str]:
    """The `secrets:` mapping; with an interface, only declared ones (a required unmappable one is an error)."""
    values = {TOKEN_SECRET: resolved.token_expression}
    # Passed by name even at environment scope: a called job in an environment sees that environment's value
    # only for a secret its caller passed (otherwise it resolves to an empty string, without error).
    if resolved.plan.strategy == "pat":
        values[PAT_SECRET] = _secret_ref(PAT_SECRET)
    if resolved.plan.registry_username:
        values[USERNAME_SECRET] = _secret_ref(USERNAME_SECRET)
    # Each build secret by its own name, in the slot its position in the `build_secrets` input gives it.
    for slot, build_secret in zip(SLOT_NAMES, resolved.build_secrets, strict=False):
        values[slot] = _secret_ref(build_secret.name)
    if interface is None:
        return values
    _check_takes_build_secrets(resolved, interface)
    for decl in interface.secrets.values():
        if decl.required and decl.name not in values:
            raise InputError(
                f"the reusable workflow requires the secret {decl.name!r}, which brik-onboard cannot map",
                f"make {decl.name} optional in the reusable workflow, or map it in the caller by hand",
            )
    return {k: v for k, v in values.items() if k in interface.secrets}


def _check_takes_build_secrets(resolved: ResolvedPlan, interface: ReusableInterface) -> None:
    """Dropping build secrets the way an undeclared input is dropped would fail the build later, at the RUN."""
    wanted = SLOT_NAMES[: len(resolved.build_secrets)]
    if resolved.build_secrets and (BUILD_SECRETS_INPUT not in interface.inputs or any(s not in interface.secrets for s in wanted)):
        raise InputError(
            f"the reusable workflow {resolved.plan.reusable_workflow} takes no build secrets (no `{BUILD_SECRETS_INPUT}` input "
            f"and {', '.join(wanted)} secrets), and the Dockerfile mounts {len(resolved.build_secrets)}",
            "update the org's reusable workflow to the one brik-onboard ships (wizard/assets/workflows/ci-build-kaniko.yml)",
        )


def _secret_ref(name: str) -> str:
    return "${{ secrets." + name + " }}"


def uses_ref(plan: Plan, pinned_sha: str | None = None) -> tuple[str, str | None]:
    """The `uses:` value and, when pinned to a commit SHA, the ref to keep as its comment."""
    if plan.reusable_workflow.startswith("./"):  # a reusable workflow in the same repository: no ref to pin
        if pinned_sha is not None:
            raise InputError("a reusable workflow in the same repository (./...) cannot be pinned to a SHA", "drop the pin")
        return plan.reusable_workflow, None
    path, sep, ref = plan.reusable_workflow.rpartition("@")
    if not sep or not path or not ref or path.count("/") < 2:
        raise InputError(
            f"invalid reusable workflow reference {plan.reusable_workflow!r}",
            "write it as OWNER/REPO/.github/workflows/FILE.yml@REF",
        )
    if pinned_sha is None:
        return plan.reusable_workflow, None
    if not _SHA_RE.match(pinned_sha):
        raise InputError(f"cannot pin to {pinned_sha!r}: a commit SHA is 40 hexadecimal digits", "pass the full commit SHA")
    return f"{path}@{pinned_sha.lower()}", ref


def workflow_path_of(uses: Any) -> str | None:
    """OWNER/REPO/PATH of a `uses:` value without its @ref, case-folded for comparison; None if not a string."""
    if not isinstance(uses, str):
        return None
    return uses.strip().rpartition("@")[0].casefold() or uses.strip().casefold()


def is_sha(ref: str) -> bool:
    return bool(_SHA_RE.match(ref))
