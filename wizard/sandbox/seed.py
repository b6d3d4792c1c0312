"""What the sandbox starts with: the default world, and more from a `--seed FILE` (JSON or YAML).

Default: org BrikByte-Studios (on the `--plan`, default free) with its `.github` repo (the reusable Kaniko workflow
from wizard/assets/; only a README as GitHub Enterprise Server), the sample service `example-node-api`
(wizard/assets/demo/), user `octo-admin` and the admin token. The admin token's kind follows its prefix, as on
GitHub: `ghs_` an App installation token (permissions auth.APP_PERMISSIONS, no identity), `github_pat_` a
fine-grained PAT (the permissions its scopes stand for), else classic.

Seed file (all keys optional):
    orgs:    [{login, name?, description?, plan?: free|team|enterprise}]        # plan default: --plan
    users:   [{login, name?, email?}]
    repos:   [{full_name: owner/name, default_branch?, private?, visibility?: public|private|internal,
               description?, topics?: [..], archived?: bool, fork?: bool,
               files?: {path: text}, dir?: path (relative to the seed file)}]
    fleet:   {count: N, template?: DIR | demo, prefix?: "service-", topics?: [..], org?: ORG}   # or a list of these
             # N repos <prefix>001 .. <prefix>N in ORG (default BrikByte-Studios), each with the files of DIR
             # (relative to the seed file; default, or "demo": the sample service). Seeding 200 takes milliseconds.
    limits:  {content_per_minute?: 80, concurrent?: 100}   # GitHub's secondary limits, per token
    tokens:  [{login, scopes: [..], fine_grained?: bool, installation?: bool,
               permissions?: {name: read|write}, value_env?: VAR}]           # value from $VAR, else generated
    packages: {"ghcr.io/org/name": {linked_repos: [org/repo]}}              # registry ACLs
    apps:    [{id, slug, client_id?, name?,
               public_key_file?: path (relative to the seed file) | public_key_env?: VAR,   # PEM public key
               installations?: [{org, permissions?: {name: read|write}, repository_selection?: all|selected}]}]
Token values never live in the seed file itself: give `value_env` or let the sandbox make one. An installation
token's `login` names it only in `serve`'s output; it acts as the App's bot.
An App (GitHub App authentication) is known by its public key only: whoever holds the matching private key signs
its JWTs (`brik-onboard apply --app-id ID --app-key FILE`). Each installation's permissions default to
auth.APP_PERMISSIONS; its tokens last `installation_token_ttl_s` (an hour) and share its hourly rate limit.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard import assets
from wizard.sandbox.gitstore import blob_sha
from wizard.sandbox.state import DEFAULT_SCOPES, PLANS, SandboxState
from wizard.sandbox.topics import checked_topics
from wizard.sandbox.workflows import parse_yaml

DEFAULT_ORG = "BrikByte-Studios"
DEFAULT_USER = "octo-admin"
DEMO_REPO = "example-node-api"
REUSABLE_PATH = ".github/workflows/ci-build-kaniko.yml"
SKIPPED_DIRS = frozenset({".git", "node_modules", "__pycache__"})


@dataclass
class SeedResult:
    admin_token: str
    tokens: dict[str, str] = field(default_factory=dict)  # generated seed tokens: login -> value


def read_dir(root: Path) -> dict[str, bytes]:
    """Every file under root (git metadata and dependency folders left out), keyed by / paths."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not (set(rel.parts) & SKIPPED_DIRS):
            files[rel.as_posix()] = path.read_bytes()
    return files


def reusable_workflow() -> bytes:
    return assets.reusable_workflow_path().read_bytes()


def demo_files() -> dict[str, bytes]:
    return read_dir(assets.demo_repo_dir())


def apply_default(st: SandboxState, token: str | None, scopes: list[str] | tuple[str, ...] | None, plan: str = "free") -> str:
    st.add_user(DEFAULT_USER, name="Octo Admin", email="octo-admin@users.noreply.example")
    st.add_org(DEFAULT_ORG, name="BrikByte Studios", description="Sandbox organisation", plan=plan)
    # As GitHub Enterprise Server, the org has not installed the reusable workflow yet (`apply` installs it).
    org_files = {"README.md": b"Org-wide workflows\n"} if st.ghes_version else {REUSABLE_PATH: reusable_workflow()}
    st.add_repo(DEFAULT_ORG, ".github", org_files, description="Org-wide workflows")
    st.add_repo(DEFAULT_ORG, DEMO_REPO, demo_files(), description="Sample Node.js service")
    if token is not None and token.startswith("ghs_"):
        return st.add_installation_token(value=token)
    fine = token is not None and token.startswith("github_pat_")
    return st.add_token(DEFAULT_USER, tuple(scopes) if scopes is not None else DEFAULT_SCOPES, value=token, fine_grained=fine)


def read_seed(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix.lower() == ".json" else parse_yaml(text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a seed file holds a mapping (orgs, users, repos, fleet, tokens, packages, limits)")
    return data


def packages_of(data: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    packages = data.get("packages")
    if packages is not None and not isinstance(packages, dict):
        raise ValueError("seed: 'packages' maps an image repository to {linked_repos: [...]}")
    return packages


def _topics(value: object, what: str) -> list[str]:
    try:
        return checked_topics(value or [])
    except ValueError as exc:
        raise ValueError(f"seed: {what} topics: {exc}") from None


def apply_limits(st: SandboxState, data: dict[str, Any]) -> None:
    limits = data.get("limits") or {}
    if not isinstance(limits, dict) or set(limits) - {"content_per_minute", "concurrent"}:
        raise ValueError("seed: 'limits' holds content_per_minute and concurrent (requests per minute, in flight)")
    for key, attribute in (("content_per_minute", "content_limit_per_minute"), ("concurrent", "concurrent_limit")):
        if key in limits:
            value = limits[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"seed: limits.{key} is a whole number of at least 1, not {value!r}")
            setattr(st, attribute, value)


def apply_fleets(st: SandboxState, data: dict[str, Any], base_dir: Path, plan: str = "free") -> None:
    """The `fleet` entries: each template's files are read and hashed once, and every repo shares those blobs."""
    fleets = data.get("fleet") or []
    for fleet in [fleets] if isinstance(fleets, dict) else fleets:
        if not isinstance(fleet, dict) or "count" not in fleet:
            raise ValueError("seed: a fleet is {count: N, template?: DIR, prefix?, topics?, org?}")
        count = fleet["count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"seed: fleet count is a whole number, not {count!r}")
        template = str(fleet.get("template") or "demo")
        root = assets.demo_repo_dir() if template == "demo" else (base_dir / template).resolve()
        if not root.is_dir():
            raise ValueError(f"seed: fleet template {template!r} is not a directory (relative to the seed file)")
        blobs = {path: (blob_sha(data), data) for path, data in read_dir(root).items()}
        org, prefix = str(fleet.get("org") or DEFAULT_ORG), str(fleet.get("prefix", "service-"))
        topics = _topics(fleet.get("topics"), f"fleet {prefix!r}")
        if st.find_account(org) is None:
            st.add_org(org, plan=plan)
        for i in range(1, count + 1):
            st.add_repo(org, f"{prefix}{i:03d}", {}, blobs=blobs, topics=topics)


def apply_seed(st: SandboxState, data: dict[str, Any], base_dir: Path, plan: str = "free") -> dict[str, str]:
    """Add the seed's limits, orgs, users, repos, fleets and tokens; returns the tokens it generated (login -> value)."""
    apply_limits(st, data)
    for org in data.get("orgs") or []:
        org_plan = str(org.get("plan") or plan)
        if org_plan not in PLANS:
            raise ValueError(f"seed: org {org['login']!r} plan {org_plan!r} is not one of {', '.join(PLANS)}")
        st.add_org(str(org["login"]), name=org.get("name"), description=org.get("description"), plan=org_plan)
    for user in data.get("users") or []:
        st.add_user(str(user["login"]), name=user.get("name"), email=user.get("email"))
    for repo in data.get("repos") or []:
        owner, _, name = str(repo["full_name"]).partition("/")
        if not owner or not name:
            raise ValueError(f"seed: repo full_name {repo['full_name']!r} is not owner/name")
        files = {str(k): str(v).encode() for k, v in (repo.get("files") or {}).items()}
        if repo.get("dir"):
            files = {**read_dir((base_dir / str(repo["dir"])).resolve()), **files}
        seeded = st.add_repo(
            owner,
            name,
            files,
            default_branch=str(repo.get("default_branch", "main")),
            private=bool(repo.get("private", False)),
            description=repo.get("description"),
            visibility=str(repo["visibility"]) if repo.get("visibility") else None,
            topics=_topics(repo.get("topics"), f"repo {repo['full_name']!r}"),
        )
        seeded.archived, seeded.fork = bool(repo.get("archived", False)), bool(repo.get("fork", False))
    apply_fleets(st, data, base_dir, plan)
    for entry in data.get("apps") or []:
        apply_app(st, entry, base_dir)
    generated: dict[str, str] = {}
    for entry in data.get("tokens") or []:
        login = str(entry["login"])
        value = os.environ.get(str(entry["value_env"])) if entry.get("value_env") else None
        permissions = entry.get("permissions")
        if permissions is not None and not isinstance(permissions, dict):
            raise ValueError(f"seed: token permissions for {login!r} map a permission to read or write")
        if entry.get("installation"):
            made = st.add_installation_token(permissions, value=value or None)
        else:
            fine = bool(entry.get("fine_grained")) or permissions is not None
            made = st.add_token(login, tuple(entry.get("scopes") or ()), fine_grained=fine, value=value or None, permissions=permissions)
        if not value:
            generated[login] = made
    return generated


def apply_app(st: SandboxState, entry: dict[str, Any], base_dir: Path) -> None:
    """One `apps` entry: the App, its public key and its installations."""
    app_id, slug = int(entry["id"]), str(entry["slug"])
    if entry.get("public_key_file"):
        public_key = (base_dir / str(entry["public_key_file"])).read_text(encoding="utf-8")
    elif entry.get("public_key_env"):
        public_key = os.environ.get(str(entry["public_key_env"]), "")
    else:
        public_key = ""
    if "PUBLIC KEY" not in public_key:
        raise ValueError(f"seed: app {slug!r} needs a PEM public key (public_key_file or public_key_env)")
    app = st.add_app(app_id, slug, public_key, client_id=entry.get("client_id"), name=entry.get("name"))
    for installation in entry.get("installations") or []:
        permissions = installation.get("permissions")
        if permissions is not None and not isinstance(permissions, dict):
            raise ValueError(f"seed: app {slug!r} installation permissions map a permission to read or write")
        selection = str(installation.get("repository_selection") or "all")
        if selection not in ("all", "selected"):
            raise ValueError(f"seed: app {slug!r} repository_selection {selection!r} is not all or selected")
        st.install_app(app, str(installation["org"]), permissions, repository_selection=selection)
