"""What a token looks like, checked before it goes anywhere near an HTTP header."""

from __future__ import annotations

import re

from wizard.errors import InputError

# Tokens are printable ASCII without blanks (GitHub's are [A-Za-z0-9_]); anything else would break the HTTP
# header it travels in, and the error from there would print the header, token included.
_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,1024}")


def check_token_shape(value: str, what: str) -> None:
    """InputError naming `what` (where the token came from), never the token, when it cannot be a token."""
    if not _TOKEN_RE.fullmatch(value):
        problem = "is too long" if len(value) > 1024 else "contains blanks, line breaks or other characters no token has"
        raise InputError(f"{what} {problem}", "copy the token again, on its own, without quotes or line breaks")
