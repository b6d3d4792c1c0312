"""Build secrets: what `RUN --mount=type=secret` lines ask for, and how each reaches the Kaniko build.

A mount's options are parsed as BuildKit parses them (moby/buildkit frontend/dockerfile/instructions/
commands_runmount.go): comma-separated CSV fields, keys case-blind, `target`/`dst`/`destination` one key, a bare
`required` meaning true. For a secret, BuildKit's dockerfile2llb takes the id from `id`, else `source`/`src`, else
the basename of the target; the target defaults to `/run/secrets/<id>`.

Each secret is stored as the Actions secret `BUILD_SECRET_<ID>` (ID upper-cased, other characters `_`) and the
reusable workflow writes it to `/kaniko/<id>` before the executor runs: Kaniko runs RUN in its own filesystem,
where /kaniko is never snapshotted into a layer, so a mount with `dst=/kaniko/<id>` finds the file there (and
`docker build --secret id=<id>,src=FILE` mounts the same path locally).
"""

from __future__ import annotations

import csv
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from wizard.core.dockerfile import Dockerfile, DockerfileError, Instruction, Stage
from wizard.core.shell_words import unquote
from wizard.errors import InputError

SECRET_PREFIX = "BUILD_SECRET_"
KANIKO_DIR = "/kaniko"
# How many build secrets the reusable workflow accepts. A caller may pass only secrets the called workflow declares
# by name, so it declares slots KANIKO_SECRET_1..N and an input `build_secrets` naming the id of each, in order.
MAX_BUILD_SECRETS = 10
SLOT_PREFIX = "KANIKO_SECRET_"
SLOT_NAMES = tuple(f"{SLOT_PREFIX}{n}" for n in range(1, MAX_BUILD_SECRETS + 1))
BUILD_SECRETS_INPUT = "build_secrets"
# A file name under /kaniko that is no path, no hidden file and fits a secret name.
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
# What the executor's image already keeps under /kaniko (the osscontainertools fork's deploy/Dockerfile and
# pkg/config/init.go; upstream's is a subset): a build secret must not overwrite or shadow any of it.
RESERVED_IDS = frozenset(
    name.lower()
    for name in (
        "executor",
        "warmer",
        "tini",
        "ssl",
        "secrets",
        "Dockerfile",
        "buildcontext",
        "stages",
        "bases",
        "deps",
        "layers",
        "caches",
        "swap",
        "docker-credential-gcr",
        "docker-credential-ecr-login",
        "docker-credential-acr-env",
    )
)


@dataclass(frozen=True)
class SecretMount:
    """One `--mount=type=secret` of a RUN: the id it names and where the build expects the file."""

    id: str
    target: str  # the path the RUN reads; BuildKit's default /run/secrets/<id>
    required: bool
    env: str | None  # the `env=` option: the value as an environment variable instead of (or besides) a file
    line: int
    stage: str  # the stage's name, or its index as text

    @property
    def kaniko_path(self) -> str:
        return f"{KANIKO_DIR}/{self.id}"


@dataclass(frozen=True)
class BuildSecret:
    """A secret the image needs, as the plan stores and passes it."""

    id: str
    lines: tuple[int, ...]  # the Dockerfile lines that mount it

    @property
    def name(self) -> str:
        return secret_name(self.id)

    @property
    def path(self) -> str:
        return f"{KANIKO_DIR}/{self.id}"


@dataclass(frozen=True)
class MountWarning:
    line: int
    message: str
    fix: str


def secret_name(secret_id: str) -> str:
    """The Actions secret that holds a build secret: BUILD_SECRET_<ID>, ID upper-cased, other characters `_`."""
    return SECRET_PREFIX + re.sub(r"[^A-Z0-9_]", "_", secret_id.upper())


def secret_mounts(df: Dockerfile, target: str | Sequence[str] | None = None) -> list[SecretMount]:
    """The secret mounts of the stages a build of `target` runs (every stage up to the target's, as Kaniko builds
    them without --skip-unused-stages), in Dockerfile order. Several targets (one job each, all passed the same
    build secrets): every stage up to the last of theirs."""
    targets: list[str | None] = [target] if target is None or isinstance(target, str) else [*target] or [None]
    last = max(df.stage_for_target(t).index for t in targets) if df.stages else -1
    return [m for stage in df.stages[: last + 1] for ins in stage.instructions for m in instruction_secret_mounts(ins, stage)]


def instruction_secret_mounts(ins: Instruction, stage: Stage) -> list[SecretMount]:
    """The secret mounts of one instruction (none but a RUN's), in the order written."""
    if ins.keyword != "RUN":
        return []
    found = (_secret_mount(value, ins.line, stage.name or str(stage.index)) for name, value in ins.flag_items if name.lower() == "mount")
    return [m for m in found if m is not None]


def build_secrets(mounts: list[SecretMount]) -> tuple[BuildSecret, ...]:
    """The distinct secrets the mounts name; InputError when one cannot be stored or written as /kaniko/<id>."""
    lines: dict[str, list[int]] = {}
    for mount in mounts:
        lines.setdefault(mount.id, []).append(mount.line)
    secrets = tuple(BuildSecret(secret_id, tuple(at)) for secret_id, at in lines.items())
    names: dict[str, str] = {}
    for secret in secrets:
        where = f"Dockerfile line {secret.lines[0]}"
        if not _ID_RE.match(secret.id):
            raise InputError(
                f"{where}: the build secret id {_shown(secret.id)} cannot be a file under {KANIKO_DIR}/",
                "give the secret an id of letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)",
            )
        if secret.id.lower() in RESERVED_IDS:
            raise InputError(
                f"{where}: the build secret id {secret.id!r} names {KANIKO_DIR}/{secret.id}, which Kaniko's image already uses",
                "give the secret another id (and mount it at dst=/kaniko/<that id>)",
            )
        other = names.setdefault(secret.name, secret.id)
        if other != secret.id:
            raise InputError(
                f"{where}: the build secrets {other!r} and {secret.id!r} would both be stored as {secret.name}",
                "give them ids that differ in more than case and punctuation",
            )
    if len(secrets) > MAX_BUILD_SECRETS:
        raise InputError(
            f"the Dockerfile mounts {len(secrets)} build secrets; the reusable workflow passes at most {MAX_BUILD_SECRETS}",
            "put related values in one secret file (e.g. one .npmrc for several registries)",
        )
    return secrets


def needed_build_secrets(df: Dockerfile, target: str | Sequence[str] | None = None) -> tuple[BuildSecret, ...]:
    return build_secrets(secret_mounts(df, target))


def mount_warnings(mounts: list[SecretMount]) -> list[MountWarning]:
    """Mounts that Kaniko in the reusable workflow would not satisfy, each with the line to write instead."""
    out: list[MountWarning] = []
    for m in mounts:
        fix = f"write RUN --mount=type=secret,id={m.id},dst={m.kaniko_path} <command reading {m.kaniko_path}>"
        if m.env is not None:
            out.append(
                MountWarning(
                    m.line,
                    f"the secret {m.id} is mounted as the environment variable {m.env}: Kaniko gets no value for it, "
                    f"only the file {m.kaniko_path} the reusable workflow writes",
                    f'{fix}, e.g. {m.env}="$(cat {m.kaniko_path})" <command>',
                )
            )
        elif m.target != m.kaniko_path:
            out.append(
                MountWarning(
                    m.line,
                    f"the secret {m.id} is mounted at {m.target}: under Kaniko the reusable workflow's file is at "
                    f"{m.kaniko_path}, so the RUN would not find it",
                    fix + " (Docker mounts it there too)",
                )
            )
        if m.required:
            out.append(
                MountWarning(
                    m.line,
                    f"the mount of {m.id} is required: Kaniko's osscontainertools executor fails it with "
                    f"'secret not defined: {m.id}' (the reusable workflow hands the value over as {m.kaniko_path}, "
                    "not with --secret)",
                    f"drop required from the mount; {fix}",
                )
            )
    return out


def _secret_mount(value: str, line: int, stage: str) -> SecretMount | None:
    try:
        fields = next(csv.reader([unquote(value)], strict=True), [])
    except csv.Error:
        raise DockerfileError("the --mount options are not valid comma-separated fields", line) from None
    options: dict[str, str] = {}
    kind = "bind"
    required = False
    for field in fields:
        key, eq, val = field.partition("=")
        key = key.lower()
        if key == "type":
            kind = val.lower()
        elif key == "required":
            required = not eq or val.lower() in ("1", "t", "true")
        elif key in ("target", "dst", "destination"):
            options["target"] = val
        elif key in ("source", "src"):
            options["source"] = val
        elif key in ("id", "env"):
            options[key] = val
    if kind != "secret":
        return None
    target = options.get("target", "")
    secret_id = options.get("id") or options.get("source") or (posixpath.basename(target) if target else "")
    if not secret_id:
        raise DockerfileError("a secret mount needs an id (or a target whose file name is the id)", line, "write --mount=type=secret,id=ID")
    if "$" in secret_id:
        raise DockerfileError(
            "a secret mount's id uses a variable: brik-onboard cannot tell which secret to store",
            line,
            "write the id out: --mount=type=secret,id=ID,dst=/kaniko/ID",
        )
    if not target and "env" not in options:
        target = _default_target(secret_id)
    return SecretMount(secret_id, target, required, options.get("env"), line, stage)


def _default_target(secret_id: str) -> str:
    return "/run/secrets/" + posixpath.basename(secret_id)


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 80 and value.isprintable() else f"of {len(value)} characters"
