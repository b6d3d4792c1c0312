"""`brik-onboard auth login | status | logout`: the admin token in the OS keyring, never shown."""

from __future__ import annotations

import getpass
import sys

from wizard.app.options import AuthOptions
from wizard.app.sessions import connect_port
from wizard.credentials import Token, find_token, host_of, keyring_delete, keyring_set
from wizard.engine.port import GitHubPort
from wizard.engine.steps.connect import shown_login, shown_scopes
from wizard.errors import InputError


def run_auth(args: AuthOptions) -> int:
    host = host_of(args.api_url)
    if args.action == "login":
        return _login(args, host)
    if args.action == "logout":
        removed = keyring_delete(host)
        print(f"removed the stored token for {host}" if removed else f"no token stored for {host}")
        return 0
    return _status(args, host)


def _login(args: AuthOptions, host: str) -> int:
    if args.with_token:
        value = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        value = getpass.getpass(f"GitHub token for {host} (input hidden): ").strip()
    else:
        raise InputError("interactive session required: no token given", "pipe the token in with --with-token")
    if not value:
        raise InputError("no token given", "paste a token with the repo, workflow and admin:org scopes")
    token = Token(value, "login")
    info = _port(args, token).whoami()  # refuse to store a token GitHub refuses
    keyring_set(host, token)
    who = f"as {info.login}" if info.login else "with a GitHub App installation token"
    print(f"logged in to {host} {who}; token stored in the keyring (service brik-onboard)")
    return 0


def _status(args: AuthOptions, host: str) -> int:
    token = find_token(args.api_url, token_env=args.token_env, ask=None)
    info = _port(args, token).whoami()
    scopes = shown_scopes(info)
    print(f"host:   {host}")
    print(f"user:   {shown_login(info)}")
    print(f"scopes: {scopes}")
    print(f"token:  from {token.source}")
    return 0


def _port(args: AuthOptions, token: Token) -> GitHubPort:
    return connect_port(args.api_url, token)
