"""Where secret values come from: never the answers file. Env `BRIK_SECRET_<NAME>` (or the variable the answers
name), `NAME=value` lines on stdin, or a masked question. Every value handed out is remembered for the leak audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from wizard.core.plan import URL_SECRET, Plan, secret_env_var
from wizard.engine.questions import Questioner
from wizard.errors import InputError

_LINE_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def parse_stdin_secrets(text: str) -> dict[str, str]:
    """`NAME=value` lines; blank lines and `#` comments skipped. Errors name the line, never its value."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE_RE.match(line.rstrip("\r"))
        if not match:
            raise InputError(f"stdin line {number} is not NAME=value", "give one secret per line, e.g. REGISTRY_PAT=<value>")
        values[match[1]] = match[2]
    return values


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
            value = self._questioner.secret(name, f"value for {name}")
            # Asked once per run: check() and apply() both need it, and the user should type it once.
            self._stdin[name] = value
            self._asked.add(name)
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

    def _remember(self, value: str) -> None:
        if value not in self._known:
            self._known.append(value)

    def known_values(self) -> list[str]:
        """Every secret value this run has seen (the admin token included), for the leak audit."""
        more = [v for v in self._more_known() if v and v not in self._known] if self._more_known is not None else []
        return [*self._known, *more]
