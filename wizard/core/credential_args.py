"""Build arguments that look like credentials: a build argument's value is baked into the image history, so each
one found gets the fix (mount the value as a secret file under /kaniko/, which Kaniko never puts in a layer).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from wizard.core.build_secrets import KANIKO_DIR, secret_name
from wizard.core.dockerfile import Dockerfile, Instruction
from wizard.core.shell_words import split_words

CREDENTIAL_PARTS = frozenset(
    {
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "PASS",
        "SECRET",
        "KEY",
        "APIKEY",
        "CREDENTIALS",
        "CREDENTIAL",
        "PAT",
        "AUTH",
    }
)


@dataclass(frozen=True)
class CredentialArg:
    name: str
    line: int
    stage: str | None  # stage name, its index as text when unnamed, None before the first FROM
    message: str
    fix: str


def credential_args(df: Dockerfile) -> list[CredentialArg]:
    found: list[CredentialArg] = []
    # (stage name or None for the global scope, its ARG instructions, the instructions that can use them)
    scopes: list[tuple[str | None, Sequence[Instruction], Sequence[Instruction]]]
    scopes = [(None, df.global_args, [i for s in df.stages for i in s.instructions])]
    scopes += [(s.name or str(s.index), s.instructions, s.instructions) for s in df.stages]
    for stage, instructions, later in scopes:
        runs = [r.line for r in later if r.keyword == "RUN"]  # in line order: the next RUN is a bisection away
        named: set[str] = set()  # one finding per credential per scope: a redeclaration adds nothing to fix
        for ins in instructions:
            if ins.keyword != "ARG":
                continue
            for word in split_words(ins.args, posix=True):
                name, has_default, default = word.partition("=")
                if name not in named and looks_like_credential(name):
                    named.add(name)
                    after = bisect.bisect_right(runs, ins.line)
                    run = runs[after] if after < len(runs) else None
                    found.append(_credential(name, ins.line, stage, bool(has_default and default), run))
    return found


def looks_like_credential(name: str) -> bool:
    # Split on separators and camelCase humps, then compare whole parts: API_KEY and npmToken match,
    # KEYBOARD_LAYOUT and MONKEY do not.
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return any(part.upper() in CREDENTIAL_PARTS for part in re.split(r"[^A-Za-z0-9]+", spaced))


def _credential(name: str, line: int, stage: str | None, has_default: bool, run_line: int | None) -> CredentialArg:
    secret_id = name.lower().lstrip("_") or "credential"
    path = f"{KANIKO_DIR}/{secret_id}"
    message = (
        f"ARG {name} looks like a credential: a build argument's value is baked into the image "
        f"history, where anyone who can pull the image can read it"
    )
    if has_default:
        message += "; its default value is also committed in the Dockerfile (rotate that credential)"
    where = f" (line {run_line})" if run_line else ""
    fix = (
        f"remove ARG {name} and, in the RUN that needs it{where}, mount the value as a secret file under /kaniko/, "
        f"which Kaniko never puts in a layer: "
        f'RUN --mount=type=secret,id={secret_id},dst={path} {name}="$(cat {path})" && export {name} && <command>; '
        f"brik-onboard then stores it as {secret_name(secret_id)} (its value from "
        f"BRIK_SECRET_{secret_name(secret_id)}) and the reusable workflow writes it to {path} before the executor runs "
        f"(--builder container); locally: docker build --secret id={secret_id},env={name}"
    )
    return CredentialArg(name, line, stage, message, fix)
