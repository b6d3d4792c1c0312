"""`brik-onboard rotate --org ORG` over real HTTP against the sandbox: the organization's REGISTRY_PAT replaced once
(visibility and repositories kept), every repository that reads it listed, validation builds on a sample of them;
no secret value in any output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine_helpers import (
    ORG,
    clear_request_log,
    leaks_in,
    live_state,
    org_secrets,
    request_log,
    run_brik,
    sha256,
    writes,
)
from tests.fleet_helpers import apply_unvalidated
from wizard.engine.fleet import validated_repos
from wizard.sandbox.seed import demo_files

SECRET_PATH = f"/orgs/{ORG}/actions/secrets/REGISTRY_PAT"


def onboard_fleet(sandbox, tmp_path: Path, names: list[str], visibility: str, *, private: tuple[str, ...] = ()) -> str:
    """`fleet apply` (no validation) of new repositories named `names` (those in `private` private); the PAT stored."""
    for name in names:
        sandbox.state.add_repo(ORG, name, demo_files(), private=name in private)
    pat = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    defaults = {"strategy": "pat", "scope": "org", "visibility": visibility, "delivery": "commit", "api_url": sandbox.base_url}
    path = tmp_path / "fleet.yml"
    path.write_text(json.dumps({"org": ORG, "defaults": defaults, "repos": names}))
    done = apply_unvalidated(sandbox, path, pat)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return pat


def rotate_org(sandbox, *flags: str, pat: str | None, org: str = ORG):
    env = {"GH_TOKEN": sandbox.token, **({"BRIK_SECRET_REGISTRY_PAT": pat} if pat else {})}
    return run_brik("rotate", "--org", org, "--api-url", sandbox.base_url, "--yes", "--json", *flags, env=env, timeout=120)


@pytest.mark.slow
def test_a_selected_secret_is_replaced_once_its_readers_listed_and_a_sample_built(sandbox, tmp_path: Path) -> None:
    names = ["svc-a", "svc-b", "svc-c"]
    old = onboard_fleet(sandbox, tmp_path, names, "selected")
    before = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    runs_before = {r["full_name"]: len(r["runs"]) for r in live_state(sandbox)["repos"]}
    new = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    clear_request_log(sandbox)

    result = rotate_org(sandbox, "--validate", "sample:1", "--poll-interval", "0.05", pat=new)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = json.loads(result.stdout)
    full = [f"{ORG}/{n}" for n in names]
    assert (out["org"], out["visibility"], out["repositories"], out["rotated"]) == (ORG, "selected", full, True)
    assert "read by 3 repositories" in out["readers"]
    after = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    assert after["sha256"] == sha256(new) and after["sha256"] != before["sha256"]
    assert (after["visibility"], sorted(after["selected_repositories"])) == ("selected", sorted(before["selected_repositories"]))
    log = request_log(sandbox)
    assert [w for w in writes(log) if w == f"PUT {SECRET_PATH}"] == [f"PUT {SECRET_PATH}"]

    (sampled,) = validated_repos(full, "sample:1")
    assert [(v["repo"].lower(), v["outcome"], v["verdict"]["passed"]) for v in out["validations"]] == [(sampled, "done", True)]
    assert out["validations"][0]["verdict"]["leaks"] == 0
    runs_after = {r["full_name"]: len(r["runs"]) for r in live_state(sandbox)["repos"]}
    built = [n for n in full if runs_after[n] > runs_before[n]]
    assert [n.lower() for n in built] == [sampled], "one build, on the sampled reader only"
    assert not [w for w in writes(log) if "/contents/" in w], "no file written in any repository"
    assert leaks_in({"stdout": result.stdout, "stderr": result.stderr}, [new, old, sandbox.token]) == []


@pytest.mark.slow
@pytest.mark.parametrize("visibility", ["all", "private"])
def test_an_all_or_private_secret_lists_the_repositories_whose_answers_read_it(sandbox, tmp_path: Path, visibility: str) -> None:
    names = ["svc-pub", "svc-priv"]
    old = onboard_fleet(sandbox, tmp_path, names, visibility, private=("svc-priv",))
    # Repositories of the org that do not read it: never onboarded, or onboarded without a PAT.
    sandbox.state.add_repo(ORG, "not-onboarded", demo_files(), private=True)
    new = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    result = rotate_org(sandbox, pat=new)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = json.loads(result.stdout)
    expected = [f"{ORG}/svc-priv"] if visibility == "private" else [f"{ORG}/svc-priv", f"{ORG}/svc-pub"]
    assert (out["visibility"], out["repositories"], out["validations"]) == (visibility, expected, [])
    assert f"onboarded to read it ({len(expected)})" in out["readers"] and "not-onboarded" not in out["readers"]
    secret = org_secrets(live_state(sandbox))["REGISTRY_PAT"]
    assert (secret["sha256"], secret["visibility"]) == (sha256(new), visibility)
    assert leaks_in({"stdout": result.stdout, "stderr": result.stderr}, [new, old, sandbox.token]) == []


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--repo", f"{ORG}/example-node-api"), "--org rotates the organization's secret: it takes no --repo"),
        (("--validate", "sample:x"), "--validate 'sample:x' is not a choice"),
    ],
)
def test_bad_org_flags_are_one_line_before_any_request(sandbox, flags: tuple[str, ...], says: str) -> None:
    clear_request_log(sandbox)
    result = rotate_org(sandbox, *flags, pat=None)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0] and "Traceback" not in result.stderr, result.stderr
    assert request_log(sandbox) == []


def test_an_org_without_the_secret_is_one_line_and_nothing_written(sandbox) -> None:
    clear_request_log(sandbox)
    result = rotate_org(sandbox, pat=sandbox.add_token(["write:packages"], login="ci-bot"))
    assert result.returncode == 2, result.stderr
    assert f"error: {ORG} has no organization secret REGISTRY_PAT to rotate" in result.stderr
    assert writes(request_log(sandbox)) == []
