"""Where secret values come from: never the answers file. Env `BRIK_SECRET_<NAME>` (or the variable the answers
name), stdin, or a masked question. Every value handed out is remembered for the leak audit.

Multi-line values (a build secret such as an .npmrc): an environment variable holds them as they are; on stdin a
`NAME<<DELIMITER` line starts one, as in GitHub's $GITHUB_OUTPUT, and a line holding only DELIMITER ends it (the
value is the lines between, without the last newline); at the masked question, `<` and a file's path reads the
value from that file (a masked single-line input cannot take a pasted block).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from wizard.core.build_secrets import SECRET_PREFIX
from wizard.core.plan import URL_SECRET, Plan, secret_env_var
from wizard.engine.questions import Questioner
from wizard.errors import InputError

_LINE_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_HEREDOC_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)<<(\S+)$")
# GitHub stores a secret of at most 48 KB (its Actions secrets limits).
MAX_SECRET_BYTES = 48 * 1024
FROM_FILE = "<"  # at the masked question: the rest is the path of a file holding the value


def parse_stdin_secrets(text: str) -> dict[str, str]:
    """`NAME=value` lines and `NAME<<DELIMITER` blocks; blank lines and `#` comments between them skipped. Errors name
    the line, never its value."""
    values: dict[str, str] = {}
    # Only line feeds end a line (CRs before them go below): str.splitlines would also cut a value at a form feed,
    # U+0085 or U+2028.
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number].rstrip("\r")
        number += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        block = _HEREDOC_RE.match(line)
        if block:
            start, delimiter = number, block[2]
            body: list[str] = []
            while number < len(lines) and lines[number].rstrip("\r") != delimiter:
                body.append(lines[number].rstrip("\r"))
                number += 1
            if number == len(lines):
                raise InputError(
                    f"stdin line {start} starts {block[1]}<<{delimiter} but no line holds only {delimiter}",
                    f"end the value with a line {delimiter}",
                )
            number += 1
            values[block[1]] = "\n".join(body)
            continue
        match = _LINE_RE.match(line)
        if not match:
            raise InputError(
                f"stdin line {number} is not NAME=value or NAME<<DELIMITER",
                "give one secret per line, e.g. REGISTRY_PAT=<value>, or a multi-line one as NAME<<EOF, its lines, then EOF",
            )
        values[match[1]] = match[2]
    return values


def secret_prompt(name: str) -> str:
    """The masked question for `name`; a build secret's says how to give a multi-line value."""
    if not name.startswith(SECRET_PREFIX):
        return f"value for {name}"
    return f"value for {name} (a multi-line one such as an .npmrc: type {FROM_FILE} and the path of a file holding it, e.g. {FROM_FILE}~/.npmrc)"


def read_value_file(name: str, typed: str) -> str:
    """The content of the file a typed `<PATH` names. Errors never repeat what was typed: it was typed hidden."""
    path = Path(os.path.expanduser(typed[len(FROM_FILE) :].strip()))
    hint = f"type {FROM_FILE} and the path of a readable UTF-8 file of at most {MAX_SECRET_BYTES // 1024} KB, or the value itself"
    unreadable = InputError(f"the value typed for {name} starts with {FROM_FILE} but names no readable UTF-8 file", hint)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_SECRET_BYTES + 1)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        raise unreadable from None
    if len(raw) > MAX_SECRET_BYTES:
        raise InputError(f"the file given for {name} is over the {MAX_SECRET_BYTES // 1024} KB GitHub stores in a secret", hint)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise unreadable from None
    if not text.strip():
        raise InputError(f"the file given for {name} is empty", hint)
    return text


class SecretSource:
    def __init__(
        self,
        plan: Plan,
        environ: Mapping[str, str],
        stdin_values: Mapping[str, str] | None = None,
        questioner: Questioner | None = None,
        extra_known: tuple[str, ...] = (),
        admin_token: str | None = None,
        more_known: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        """`more_known`: values that appear over the run (a GitHub App's installation tokens), asked for each time
        the leak audit needs the list."""
        self._plan = plan
        self._admin_token = admin_token
        self._environ = environ
        self._stdin = dict(stdin_values or {})
        self._questioner = questioner
        self._known: list[str] = [v for v in extra_known if v]
        self._more_known = more_known
        self._asked: set[str] = set()  # names whose value the questioner gave (not stdin)

    def value(self, name: str, *, ask: bool = True) -> str | None:
        if name == URL_SECRET:
            return self._plan.registry
        value = self._stdin.get(name) or self._environ.get(secret_env_var(self._plan, name), "")
        if not value and ask and self._questioner is not None:
            value = self._questioner.secret(name, secret_prompt(name))
            if name.startswith(SECRET_PREFIX) and value.startswith(FROM_FILE):
                value = read_value_file(name, value)
            # Asked once per run: check() and apply() both need it, and the user should type it once.
            self._stdin[name] = value
            self._asked.add(name)
        if len(value.encode("utf-8", "surrogatepass")) > MAX_SECRET_BYTES:
            self.forget(name)
            raise InputError(f"the value given for {name} is over the {MAX_SECRET_BYTES // 1024} KB GitHub stores in a secret", None)
        if value and self._admin_token is not None and value.strip() == self._admin_token:
            self.forget(name)
            raise InputError(
                f"the value given for {name} is the admin token: it would be stored where the repository's workflows can read it",
                f"give {name} its own credential (a classic PAT with write:packages only for REGISTRY_PAT)",
            )
        if value:
            self._remember(value)
            return value
        return None

    def source_of(self, name: str) -> str:
        """Where `name`'s value is read from (for hints; never the value)."""
        if name in self._asked:
            return "what was typed"
        if name in self._stdin:
            return "stdin"
        return f"the environment variable {secret_env_var(self._plan, name)}"

    def forget(self, name: str) -> None:
        """Drop an asked value (e.g. a refused PAT) so the next use asks again."""
        self._stdin.pop(name, None)
        self._asked.discard(name)

    def remember_available(self, names: list[str]) -> None:
        """Remember the values at hand for `names` (stdin, environment) without asking: the leak audit then knows
        secrets this run kept rather than stored."""
        for name in names:
            if name == URL_SECRET:
                continue
            value = self._stdin.get(name) or self._environ.get(secret_env_var(self._plan, name), "")
            if value and value != self._admin_token:
                self._remember(value)

    def _remember(self, value: str) -> None:
        if value not in self._known:
            self._known.append(value)

    def known_values(self) -> list[str]:
        """Every secret value this run has seen (the admin token included), for the leak audit."""
        more = [v for v in self._more_known() if v and v not in self._known] if self._more_known is not None else []
        return [*self._known, *more]
