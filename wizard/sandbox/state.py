"""The whole sandbox world in one object, guarded by one re-entrant lock.

Routes take `state.lock` for every read-modify-write; the runner is called with the lock held, so a
run's jobs (and the registry's cache) are computed in the order requests arrive.
"""

from __future__ import annotations

import itertools
import secrets as pysecrets
import threading
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from wizard.core.clock import CLOCK
from wizard.sandbox import auth
from wizard.sandbox.gitstore import Commit, Signature
from wizard.sandbox.model import Account, App, Installation, Repo, Token
from wizard.sandbox.runs import Attempt, Job, Run

DEFAULT_SCOPES = ("repo", "workflow", "admin:org", "read:org")
PLANS = ("free", "team", "enterprise")
APP_SLUG = "brik-onboard-sandbox"  # the App whose installation tokens (`ghs_`) the sandbox hands out


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_token_value(prefix: str = "ghp_") -> str:
    """A fresh token made at run time (never a literal in the source)."""
    return prefix + pysecrets.token_hex(18)


class SandboxState:
    def __init__(self, *, time_factor: float = 1.0, registry: Any = None) -> None:
        self.lock = threading.RLock()
        self.time_factor = time_factor
        # Runs read time through here: the process's clock (wizard/core/clock.py), which tests may put on virtual
        # time for the wizard and an in-process sandbox at once, or a clock of the test's own.
        self.clock: Callable[[], datetime] = lambda: CLOCK.now()
        self.registry = registry
        self.accounts: dict[str, Account] = {}  # lower-cased login -> account
        self.repos: dict[int, Repo] = {}
        self.tokens: dict[str, Token] = {}
        self.requests: deque[dict[str, Any]] = deque(maxlen=20000)
        self.blobs: dict[str, tuple[Any, ...]] = {}  # download token -> what it serves
        self.control_token: str | None = None  # what the /_sandbox control area asks for (the serve token)
        # Behaviour switches for tests.
        self.legacy_dispatch_400 = False  # answer 400 to return_run_details, like older GHES
        self.ghes_version: str | None = None  # `serve --ghes 3.14`: answer as that GitHub Enterprise Server
        self.content_limit_per_minute = 80
        self.concurrent_limit = 100  # requests one token may have in flight (GitHub: about 100)
        self.rate_limit = 5000
        self.secondary_limit_hits = 0  # refusals for the secondary limits above (not injected faults)
        self._repo_names: dict[tuple[str, str], Repo] = {}  # (lower-cased owner, name) -> repo: one lookup per request
        # GitHub App installations: their tokens last an hour and share the installation's own hourly limit
        # (5,000 on GitHub, more in large orgs).
        self.installation_rate_limit = 5000
        self.installation_token_ttl_s = 3600.0
        self.apps: dict[int, App] = {}
        self._ids = itertools.count(1000)
        self._repo_ids = itertools.count(700000001)
        self._run_ids = itertools.count(9100000001)
        self._job_ids = itertools.count(31000000001)

    def now(self) -> datetime:
        """The time runs are measured against: the wall clock unless a test moved it."""
        return self.clock()

    def seconds(self) -> float:
        """now() as epoch seconds: what the rate-limit windows (auth.py) are measured against."""
        return self.clock().timestamp()

    # ids -------------------------------------------------------------------------------------------
    def next_id(self) -> int:
        return next(self._ids)

    def next_run_id(self) -> int:
        return next(self._run_ids)

    def next_job_id(self) -> int:
        return next(self._job_ids)

    # accounts and tokens ---------------------------------------------------------------------------
    def add_account(self, login: str, type_: str, **fields: Any) -> Account:
        with self.lock:
            existing = self.accounts.get(login.lower())
            if existing:
                return existing
            account = Account(self.next_id(), login, type_, utcnow(), **fields)
            self.accounts[login.lower()] = account
            return account

    def add_user(self, login: str, name: str | None = None, email: str | None = None) -> Account:
        return self.add_account(login, "User", name=name or login, email=email or f"{login}@users.noreply.example")

    def add_org(self, login: str, name: str | None = None, description: str | None = None, plan: str | None = None) -> Account:
        org = self.add_account(login, "Organization", name=name or login, description=description)
        if plan is not None:
            if plan not in PLANS:
                raise ValueError(f"plan {plan!r} is not one of {', '.join(PLANS)}")
            org.plan = plan
        return org

    def find_account(self, login: str) -> Account | None:
        return self.accounts.get(login.lower())

    def add_token(
        self,
        login: str,
        scopes: tuple[str, ...] | list[str] | frozenset[str] = DEFAULT_SCOPES,
        *,
        fine_grained: bool = False,
        value: str | None = None,
        permissions: Mapping[str, str] | None = None,
    ) -> str:
        """Register a token for `login` (created as a user if unknown); returns its value.

        Fine-grained tokens hold `permissions` (default: what their scopes stand for, auth.SCOPE_PERMISSIONS).
        """
        with self.lock:
            account = self.find_account(login) or self.add_user(login)
            value = value or make_token_value("github_pat_" if fine_grained else "ghp_")
            held = dict(permissions) if permissions is not None else auth.permissions_from_scopes(scopes) if fine_grained else {}
            self.tokens[value] = Token(value, account.login, frozenset(scopes), fine_grained, permissions=held)
            return value

    def add_installation_token(
        self,
        permissions: Mapping[str, str] | None = None,
        *,
        value: str | None = None,
        app: str = APP_SLUG,
        installation: Installation | None = None,
    ) -> str:
        """An App installation token (`ghs_`): acts as the App's bot, holds permissions and no scopes. One made for
        an `installation` (POST /app/installations/{id}/access_tokens) expires and shares its rate limit."""
        with self.lock:
            bot = self.add_account(f"{app}[bot]", "Bot", name=app)
            value = value or make_token_value("ghs_")
            held = dict(permissions) if permissions is not None else dict(auth.APP_PERMISSIONS)
            token = Token(value, bot.login, frozenset(), installation=True, permissions=held)
            if installation is not None:
                token.expires_at = self.now() + timedelta(seconds=self.installation_token_ttl_s)
                token.rate_limit = self.installation_rate_limit
                token.bucket = installation.bucket
                token.writes = installation.writes
            self.tokens[value] = token
            return value

    # GitHub Apps -----------------------------------------------------------------------------------
    def add_app(self, app_id: int, slug: str, public_key: str, *, client_id: str | None = None, name: str | None = None) -> App:
        """A registered App whose JWTs are verified with `public_key` (PEM)."""
        with self.lock:
            app = App(app_id, slug, client_id or f"Iv23li{app_id:010d}", public_key, utcnow(), name=name or slug)
            self.apps[app_id] = app
            return app

    def install_app(
        self, app: App, org: str, permissions: Mapping[str, str] | None = None, *, repository_selection: str = "all"
    ) -> Installation:
        """Install `app` on `org` (created if unknown) with these permissions (default auth.APP_PERMISSIONS)."""
        with self.lock:
            account = self.find_account(org) or self.add_org(org)
            held = dict(permissions) if permissions is not None else dict(auth.APP_PERMISSIONS)
            found = Installation(self.next_id(), app.id, account, held, utcnow(), repository_selection=repository_selection)
            app.installations[account.login.lower()] = found
            return found

    def find_app(self, issuer: object) -> App | None:
        """The App a JWT's `iss` names: its id (a number, or its digits) or its client id."""
        for app in self.apps.values():
            if str(issuer) in (str(app.id), app.client_id):
                return app
        return None

    def find_installation(self, installation_id: int) -> tuple[App, Installation] | None:
        for app in self.apps.values():
            for found in app.installations.values():
                if found.id == installation_id:
                    return app, found
        return None

    def token(self, value: str) -> Token | None:
        return self.tokens.get(value)

    # repositories ----------------------------------------------------------------------------------
    def add_repo(
        self,
        owner: str,
        name: str,
        files: Mapping[str, bytes],
        *,
        default_branch: str = "main",
        private: bool = False,
        description: str | None = None,
        author: str = "octo-admin",
        visibility: str | None = None,
        topics: list[str] | None = None,
        blobs: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> Repo:
        """A repository with one commit; `visibility` (public, private, internal) wins over `private`.

        `blobs` (path -> (blob sha, bytes)) adds files already hashed: many repos made from one template share them.
        ValueError when the owner already has a repository of that name, as GitHub refuses one.
        """
        with self.lock:
            if self.find_repo(owner, name) is not None:
                raise ValueError(f"repository {owner}/{name} already exists")
            account = self.find_account(owner) or self.add_org(owner)
            now = self.now()  # the clock the Date header reads, as pushed_at is compared with it
            if visibility is not None:
                if visibility not in ("public", "private", "internal"):
                    raise ValueError(f"visibility {visibility!r} is not public, private or internal")
                private = visibility != "public"
            repo = Repo(next(self._repo_ids), account, name, now, now, now, default_branch, private, description=description)
            repo.internal = visibility == "internal"
            repo.topics = list(topics or ())
            sig = Signature(author, f"{author}@users.noreply.example", now)
            tree = {path: repo.git.put_known_blob(sha, data) for path, (sha, data) in (blobs or {}).items()}
            tree.update({path: repo.git.put_blob(data) for path, data in files.items()})
            commit = repo.git.commit(tree, (), "Initial commit", sig)
            repo.branches[default_branch] = commit.sha
            self.repos[repo.id] = repo
            self._repo_names[(account.login.lower(), name.lower())] = repo
            return repo

    def find_repo(self, owner: str, name: str) -> Repo | None:
        repo = self._repo_names.get((owner.lower(), name.lower()))
        # A repo deleted from `repos` (or an org deleted and made again) leaves a stale name behind: not found.
        return repo if repo is not None and self.repos.get(repo.id) is repo else None

    def remove_repo(self, repo: Repo) -> None:
        with self.lock:
            self.repos.pop(repo.id, None)
            self._repo_names.pop((repo.owner.login.lower(), repo.name.lower()), None)

    def repo_by_id(self, repo_id: int) -> Repo | None:
        return self.repos.get(repo_id)

    def repos_of(self, account: Account) -> list[Repo]:
        return [r for r in self.repos.values() if r.owner is account]

    def commit_files(
        self,
        repo: Repo,
        branch: str,
        changes: Mapping[str, bytes | None],
        message: str,
        author: Signature,
        committer: Signature | None = None,
    ) -> Commit:
        """A commit on top of `branch` with files added/changed (bytes) or removed (None); moves the branch."""
        with self.lock:
            parent = repo.branches[branch]
            files = dict(repo.git.commits[parent].files)
            for path, data in changes.items():
                if data is None:
                    files.pop(path, None)
                else:
                    files[path] = repo.git.put_blob(data)
            commit = repo.git.commit(files, (parent,), message, author, committer)
            repo.branches[branch] = commit.sha
            repo.pushed_at = repo.updated_at = self.now()  # the clock the Date header reads (app.py)
            return commit

    def find_run(self, repo: Repo, run_id: int) -> Run | None:
        return repo.runs.get(run_id)

    def find_job(self, repo: Repo, job_id: int) -> tuple[Run, Attempt, Job] | None:
        for run in repo.runs.values():
            for attempt in run.attempts:
                for job in attempt.jobs:
                    if job.id == job_id:
                        return run, attempt, job
        return None

    def new_blob_token(self, *what: Any) -> str:
        token = pysecrets.token_urlsafe(24)
        self.blobs[token] = what
        return token
