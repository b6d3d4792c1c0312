"""One error family: a message saying what was wrong, a hint saying what to do, and an exit code.

Exit codes: 0 done, 1 validation failed, 2 usage or input error, 3 GitHub refused, 130 interrupted.
Messages must never carry a secret value: callers pass names, never values.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VALIDATION_FAILED = 1
EXIT_USAGE = 2
EXIT_GITHUB_REFUSED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C; also the TUI's Ctrl+Q before the end

# Said by preflight (a Free org's private repo) and by the adapter (GitHub's own refusal, when the plan is hidden).
ENVIRONMENTS_NEED_PLAN = (
    "environments and their secrets work in private repositories only on a paid plan (GitHub Team or Enterprise; "
    "on GitHub Free, public repositories only)"
)
ENVIRONMENTS_PLAN_HINT = "use --scope org (organisation secrets work on every plan), or make the repository public"


class WizardError(Exception):
    """Base of every error the user is meant to read."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        text = f"error: {self.message}"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text


class InputError(WizardError):
    """Bad input from flags, an answers file or a workflow file (exit 2)."""

    exit_code = EXIT_USAGE


class NonInteractiveError(InputError):
    """A question needs an answer and there is no terminal to ask it on (exit 2).

    The hint is the raiser's: it names only what the command that can raise it accepts (tests/test_cli_hints.py)."""

    def __init__(self, missing: str, hint: str) -> None:
        super().__init__(f"interactive session required: {missing} has no answer", hint)


class NoTokenError(NonInteractiveError):
    """No admin token anywhere, and the command does not ask for one (exit 2)."""

    def __init__(self, host: str) -> None:
        InputError.__init__(
            self, f"no GitHub token found for {host}", "set GH_TOKEN, pass --token-env VAR, or run `brik-onboard auth login`"
        )


class GitHubRefused(WizardError):
    """GitHub (or the sandbox) refused a request (exit 3)."""

    exit_code = EXIT_GITHUB_REFUSED


class BadCredentials(GitHubRefused):
    """GitHub answered 401: the token sent is not valid there. Callers checking a token other than the admin token
    (the registry PAT) say which one, and where it came from."""
