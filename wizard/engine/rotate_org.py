"""Rotation across an organization (`brik-onboard rotate --org ORG`): its REGISTRY_PAT replaced once, and every
repository that reads it named.

Who reads it: with `selected` visibility, the secret's own list of repositories (GitHub keeps it). With `all` or
`private`, every repository of the org (every private and internal one) may read it, and GitHub does not say which
do: the ones named are those whose recorded answers (the answers file this tool committed on their default branch)
put the registry PAT at org level — one read of that file per repository of the org, found through the org's
listing.
"""

from __future__ import annotations

import re

from wizard.core.plan import PAT_SECRET, Plan
from wizard.engine.port import GitHubPort
from wizard.engine.recorded import read_recorded
from wizard.engine.rotate import RotateTarget
from wizard.errors import InputError, WizardError

_ORG_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\Z")  # GitHub's account names; \Z: no final newline
ORG_HINT = "check the organization's name; `brik-onboard apply --strategy pat --scope org` creates the secret"


def locate_org(port: GitHubPort, org: str, secret: str = PAT_SECRET) -> RotateTarget:
    """The org secret and its readers, read from GitHub; InputError when the org has no such secret."""
    if not _ORG_RE.match(org):  # checked before GitHub is asked anything
        raise InputError(f"invalid organization {org!r}", "pass --org ORG, e.g. --org BrikByte-Studios")
    existing = port.get_org_secret(org, secret)
    if existing is None:
        raise InputError(f"{org} has no organization secret {secret} to rotate", ORG_HINT)
    plan = Plan(strategy="pat", scope="org")
    if existing.visibility == "selected":
        names = port.org_secret_repositories(org, secret)
        return RotateTarget(None, plan, False, "org", None, existing.visibility, tuple(sorted(names, key=str.lower)), secret, org)
    onboarded = _onboarded_readers(port, org, private_only=existing.visibility == "private")
    return RotateTarget(None, plan, False, "org", None, existing.visibility, onboarded, secret, org, onboarded)


def _onboarded_readers(port: GitHubPort, org: str, *, private_only: bool) -> tuple[str, ...]:
    """The org's repositories (only private and internal ones when `private_only`) whose recorded answers keep the
    registry PAT at org level. A repository whose answers file cannot be read or parsed is left out: its own
    `brik-onboard status` says what is wrong with it."""
    found = []
    for listed in port.org_repos(org):
        repo = listed.info
        if private_only and not repo.private:
            continue
        try:
            recorded = read_recorded(port, repo.full_name, repo.default_branch)
        except WizardError:
            continue
        if recorded is not None and recorded.strategy == "pat" and recorded.scope == "org":
            found.append(repo.full_name)
    return tuple(sorted(found, key=str.lower))
