"""The longer texts some commands' `--help` shows under their own headings (plain strings, as light as cli_help.py)."""

from __future__ import annotations

# `sandbox serve --seed FILE`: an example seed file (a test loads it into a sandbox), shown under its own heading.
SANDBOX_SEED_DOC = """\
# every key optional; added to the default org and sample repo
orgs:
  - {login: acme, plan: team}          # free | team | enterprise
users:
  - {login: alice, name: Alice}
repos:
  - full_name: acme/svc
    private: true                      # or visibility: internal
    default_branch: main
    files: {Dockerfile: "FROM alpine:3.20\\n"}
    dir: ./svc                         # relative to the seed file
    topics: [node]
    archived: false                    # true: read-only; fork: true too
fleet:                                 # acme/svc-001 .. acme/svc-200
  {count: 200, template: ./svc, prefix: svc-, org: acme, topics: [node]}
                                       # no template: the sample service
limits: {content_per_minute: 80, concurrent: 100}   # per token, as GitHub
tokens:
  - {login: alice, scopes: [repo, workflow, admin:org]}
  - {login: bob, fine_grained: true, permissions: {contents: write}}
  - {login: ci-bot, scopes: [write:packages], value_env: CI_BOT_PAT}
  - {login: my-app, installation: true}   # an App's token (ghs_)
packages:
  "ghcr.io/acme/svc": {linked_repos: [acme/svc]}
apps:                                  # GitHub Apps (--app-id, --app-key)
  - id: 12345
    slug: brik-onboard-fleet
    public_key_file: ./app.pub.pem     # or public_key_env: VAR (PEM)
    installations: [{org: acme}]       # permissions?: {contents: write}
# Token values never live in the file: value_env names the variable
# that holds one, or the sandbox makes one and prints it. An App's
# private key stays with you: the sandbox knows its public key only.
"""
SEED_HEADING = "Seed file (--seed FILE, YAML or JSON)"

BUILD_SECRETS_HEADING = "Build secrets"
BUILD_SECRETS_DOC = """\
Each RUN --mount=type=secret,id=ID,dst=/kaniko/ID of the
Dockerfile names a build secret. It is stored as the org
secret BUILD_SECRET_<ID> (ID upper-cased, other characters
_), its value read from BRIK_SECRET_BUILD_SECRET_<ID>,
stdin or the masked question; the reusable workflow writes
it to /kaniko/<id> before Kaniko runs (never a build arg).
Needs --builder container and --scope org. A multi-line
value on stdin (--secrets-from-stdin), as in
$GITHUB_OUTPUT:
  BUILD_SECRET_NPMRC<<EOF
  //npm.pkg.github.com/:_authToken=...
  EOF
At the masked question, <PATH reads the value from a file
(e.g. <~/.npmrc).
"""
