"""A tour of every described operation, each answered once with success and once with an error.

Used by the conformance test: the exchanges it produces are checked against GitHub's OpenAPI description.
Each call also states the status it expects, so the tour doubles as a behaviour check.
"""

from __future__ import annotations

from tests.sandbox_client import CALLER_WORKFLOW, ORG, REPO, Client, b64
from wizard.sandbox.state import utcnow

R = f"/repos/{REPO}"
O = f"/orgs/{ORG}"
ENV = f"{R}/environments/staging"


BROKEN_CALLER = CALLER_WORKFLOW.replace("name: build-image", "name: broken").replace(
    "ghcr.io/brikbyte-studios/example-node-api", "ghcr.io/BrikByte-Studios/Example"
)  # upper case: refused


def tour_meta(admin: Client, weak: Client, bad: Client, sandbox) -> None:
    powerful = Client(admin.base_url, sandbox.add_token(["repo", "user", "delete_repo", "admin:org"]))
    admin.get("/user", expect=200)
    bad.get("/user", expect=401)
    admin.call("PATCH", "/user", {"name": "Octo"}, expect=404)  # needs the `user` scope
    powerful.call("PATCH", "/user", {"name": "Octo Admin"}, expect=200)
    sandbox.state.add_org("doomed-org")
    sandbox.state.add_repo("doomed-org", "scratch", {"README.md": b"x"})
    sandbox.state.add_repo(ORG, "scratch", {"README.md": b"x"})
    powerful.call("DELETE", "/orgs/doomed-org", expect=202)
    powerful.call("DELETE", f"/repos/{ORG}/scratch", expect=204)
    admin.get("/rate_limit", expect=200)
    bad.get("/rate_limit", expect=401)
    admin.get(O, expect=200)
    admin.get("/orgs/no-such-org", expect=404)
    admin.call("PATCH", O, {"description": "Sandbox org"}, expect=200)
    admin.call("PATCH", "/orgs/no-such-org", {"description": "x"}, expect=404)
    admin.call("DELETE", "/orgs/no-such-org", expect=404)
    weak.call("DELETE", O, expect=403)  # needs admin:org
    admin.get(R, expect=200)
    admin.get(f"/repos/{ORG}/missing", expect=404)
    admin.call("PATCH", R, {"description": "Sample"}, expect=200)
    admin.call("PATCH", R, {"default_branch": "nope"}, expect=422)
    admin.call("DELETE", R, expect=403)  # needs delete_repo


def tour_secrets(admin: Client, weak: Client, repo_id: int) -> None:
    weak.get(f"{O}/actions/secrets", expect=403)
    weak.get(f"{O}/actions/secrets/public-key", expect=403)
    admin.put_secret(f"{O}/actions", "REGISTRY_PAT", "v1", visibility="selected", selected_repository_ids=[repo_id], expect=201)
    admin.put_secret(f"{O}/actions", "REGISTRY_PAT", "v2", visibility="selected", expect=204)
    admin.put_secret(f"{O}/actions", "ORG_WIDE", "v3", visibility="all", expect=201)
    admin.call("PUT", f"{O}/actions/secrets/BROKEN", {"encrypted_value": "x", "key_id": "1"}, expect=422)
    admin.get(f"{O}/actions/secrets", expect=200)
    admin.get(f"{O}/actions/secrets/REGISTRY_PAT", expect=200)
    admin.get(f"{O}/actions/secrets/MISSING", expect=404)
    admin.get(f"{O}/actions/secrets/REGISTRY_PAT/repositories", expect=200)
    admin.get(f"{O}/actions/secrets/MISSING/repositories", expect=404)
    admin.call("PUT", f"{O}/actions/secrets/REGISTRY_PAT/repositories", {"selected_repository_ids": [repo_id]}, expect=204)
    admin.call("PUT", f"{O}/actions/secrets/ORG_WIDE/repositories", {"selected_repository_ids": []}, expect=409)
    admin.call("PUT", f"{O}/actions/secrets/REGISTRY_PAT/repositories/{repo_id}", expect=204)
    admin.call("PUT", f"{O}/actions/secrets/ORG_WIDE/repositories/{repo_id}", expect=409)
    admin.call("DELETE", f"{O}/actions/secrets/ORG_WIDE/repositories/{repo_id}", expect=409)
    admin.call("DELETE", f"{O}/actions/secrets/ORG_WIDE", expect=204)
    admin.call("DELETE", f"{O}/actions/secrets/ORG_WIDE", expect=404)
    admin.get(f"{R}/actions/organization-secrets", expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/organization-secrets", expect=404)
    admin.get(f"{R}/actions/secrets/public-key", expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/secrets/public-key", expect=404)
    admin.put_secret(f"{R}/actions", "REPO_SECRET", "r1", expect=201)
    admin.put_secret(f"{R}/actions", "REPO_SECRET", "r2", expect=204)
    admin.call("PUT", f"{R}/actions/secrets/BAD", {"encrypted_value": "x", "key_id": "nope"}, expect=422)
    admin.get(f"{R}/actions/secrets", expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/secrets", expect=404)
    admin.get(f"{R}/actions/secrets/REPO_SECRET", expect=200)
    admin.get(f"{R}/actions/secrets/MISSING", expect=404)
    admin.call("DELETE", f"{R}/actions/secrets/REPO_SECRET", expect=204)
    admin.call("DELETE", f"{R}/actions/secrets/REPO_SECRET", expect=404)
    admin.call("DELETE", f"{O}/actions/secrets/REGISTRY_PAT/repositories/{repo_id}", expect=204)


def tour_variables(admin: Client, weak: Client, repo_id: int) -> None:
    weak.get(f"{O}/actions/variables", expect=403)
    admin.call(
        "POST",
        f"{O}/actions/variables",
        {"name": "REGISTRY_URL", "value": "ghcr.io", "visibility": "selected", "selected_repository_ids": []},
        expect=201,
    )
    admin.call("POST", f"{O}/actions/variables", {"name": "REGISTRY_URL", "value": "x", "visibility": "all"}, expect=409)
    admin.call("POST", f"{O}/actions/variables", {"name": "OPEN", "value": "x", "visibility": "all"}, expect=201)
    admin.get(f"{O}/actions/variables", expect=200)
    admin.get(f"{O}/actions/variables/REGISTRY_URL", expect=200)
    admin.get(f"{O}/actions/variables/MISSING", expect=404)
    admin.call("PATCH", f"{O}/actions/variables/REGISTRY_URL", {"value": "ghcr.io"}, expect=204)
    admin.call("PATCH", f"{O}/actions/variables/MISSING", {"value": "x"}, expect=404)
    admin.call("PUT", f"{O}/actions/variables/REGISTRY_URL/repositories", {"selected_repository_ids": [repo_id]}, expect=204)
    admin.call("PUT", f"{O}/actions/variables/OPEN/repositories", {"selected_repository_ids": []}, expect=409)
    admin.get(f"{O}/actions/variables/REGISTRY_URL/repositories", expect=200)
    admin.get(f"{O}/actions/variables/OPEN/repositories", expect=409)
    admin.call("PUT", f"{O}/actions/variables/REGISTRY_URL/repositories/{repo_id}", expect=204)
    admin.call("PUT", f"{O}/actions/variables/OPEN/repositories/{repo_id}", expect=409)
    admin.call("DELETE", f"{O}/actions/variables/REGISTRY_URL/repositories/{repo_id}", expect=204)
    admin.call("DELETE", f"{O}/actions/variables/OPEN/repositories/{repo_id}", expect=409)
    admin.call("DELETE", f"{O}/actions/variables/OPEN", expect=204)
    admin.call("DELETE", f"{O}/actions/variables/OPEN", expect=404)
    admin.get(f"{R}/actions/organization-variables", expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/organization-variables", expect=404)
    for base in (f"{R}/actions", ENV):
        admin.call("POST", f"{base}/variables", {"name": "SERVICE", "value": "api"}, expect=201)
        admin.call("POST", f"{base}/variables", {"name": "SERVICE", "value": "api"}, expect=409)
        admin.get(f"{base}/variables", expect=200)
        admin.get(f"{base}/variables/SERVICE", expect=200)
        admin.get(f"{base}/variables/MISSING", expect=404)
        admin.call("PATCH", f"{base}/variables/SERVICE", {"value": "api2"}, expect=204)
        admin.call("PATCH", f"{base}/variables/MISSING", {"value": "x"}, expect=404)
        admin.call("DELETE", f"{base}/variables/SERVICE", expect=204)
        admin.call("DELETE", f"{base}/variables/SERVICE", expect=404)
    admin.get(f"/repos/{ORG}/missing/actions/variables", expect=404)
    admin.get(f"{R}/environments/missing/variables", expect=404)


def tour_environments(admin: Client) -> None:
    admin.call("PUT", ENV, {"wait_timer": 0}, expect=200)
    admin.call("PUT", f"{R}/environments/bad,name", {}, expect=422)
    admin.get(f"{R}/environments", expect=200)
    admin.get(f"/repos/{ORG}/missing/environments", expect=404)
    admin.get(ENV, expect=200)
    admin.get(f"{R}/environments/missing", expect=404)
    admin.put_secret(ENV, "REGISTRY_PAT", "e1", expect=201)
    admin.put_secret(ENV, "REGISTRY_PAT", "e2", expect=204)
    admin.call("PUT", f"{ENV}/secrets/BAD", {"encrypted_value": "x", "key_id": "nope"}, expect=422)
    admin.get(f"{ENV}/secrets", expect=200)
    admin.get(f"{R}/environments/missing/secrets", expect=404)
    admin.get(f"{R}/environments/missing/secrets/public-key", expect=404)
    admin.get(f"{ENV}/secrets/REGISTRY_PAT", expect=200)
    admin.get(f"{ENV}/secrets/MISSING", expect=404)
    admin.call("DELETE", f"{ENV}/secrets/REGISTRY_PAT", expect=204)
    admin.call("DELETE", f"{ENV}/secrets/REGISTRY_PAT", expect=404)
    admin.call("PUT", f"{R}/environments/doomed", {}, expect=200)
    admin.call("DELETE", f"{R}/environments/doomed", expect=204)
    admin.call("DELETE", f"{R}/environments/doomed", expect=404)


def tour_contents_and_git(admin: Client, weak: Client) -> str:
    """Returns the sha of main after the caller workflow landed."""
    readme = admin.get(f"{R}/contents/README.md", expect=200).json()
    admin.get(f"{R}/contents/missing.txt", expect=404)
    admin.call("PUT", f"{R}/contents/README.md", {"message": "m", "content": b64("x")}, expect=422)
    admin.call("PUT", f"{R}/contents/README.md", {"message": "m", "content": b64("x"), "sha": "0" * 40}, expect=409)
    weak.call("PUT", f"{R}/contents/.github/workflows/x.yml", {"message": "m", "content": b64("x")}, expect=404)
    admin.call("PUT", f"{R}/contents/README.md", {"message": "m", "content": b64("# hi\n"), "sha": readme["sha"]}, expect=200)
    admin.call("PUT", f"{R}/contents/NOTES.md", {"message": "m", "content": b64("notes\n")}, expect=201)
    notes = admin.get(f"{R}/contents/NOTES.md", expect=200).json()
    admin.call("DELETE", f"{R}/contents/NOTES.md", {"message": "rm", "sha": "1" * 40}, expect=409)
    admin.call("DELETE", f"{R}/contents/NOTES.md", {"message": "rm", "sha": notes["sha"]}, expect=200)
    admin.call("DELETE", f"{R}/contents/NOTES.md", {"message": "rm", "sha": notes["sha"]}, expect=404)
    main = admin.get(f"{R}/branches/main", expect=200).json()["commit"]["sha"]
    admin.get(f"{R}/branches/nope", expect=404)
    admin.get(f"{R}/git/ref/heads/main", expect=200)
    admin.get(f"{R}/git/ref/heads/nope", expect=404)
    admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/feature", "sha": main}, expect=201)
    admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/feature", "sha": main}, expect=422)
    admin.put_file(REPO, "feature.txt", "feature\n", branch="feature", expect=201)
    feature = admin.get(f"{R}/git/ref/heads/feature", expect=200).json()["object"]["sha"]
    admin.call("PATCH", f"{R}/git/refs/heads/feature", {"sha": main}, expect=422)  # not a fast forward
    admin.call("PATCH", f"{R}/git/refs/heads/feature", {"sha": feature, "force": False}, expect=200)
    admin.get(f"{R}/pulls?state=open", expect=200)
    admin.get(f"{R}/pulls?state=bogus", expect=422)
    admin.call("POST", f"{R}/pulls", {"title": "x", "head": "nope", "base": "main"}, expect=422)
    pull = admin.call("POST", f"{R}/pulls", {"title": "Feature", "head": f"{ORG}:feature", "base": "main"}, expect=201).json()
    admin.call("PUT", f"{R}/pulls/{pull['number']}/merge", {"sha": feature}, expect=200)
    admin.call("DELETE", f"{R}/git/refs/heads/feature", expect=204)
    admin.call("DELETE", f"{R}/git/refs/heads/feature", expect=422)
    admin.get(f"{R}/actions/permissions/workflow", expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/permissions/workflow", expect=404)
    admin.call("PUT", f"{R}/actions/permissions/workflow", {"default_workflow_permissions": "read"}, expect=204)
    admin.call("PUT", f"{R}/actions/permissions/workflow", {"default_workflow_permissions": "all"}, expect=422)
    admin.put_file(REPO, ".github/workflows/build-image.yml", CALLER_WORKFLOW, "add caller", expect=201)
    admin.put_file(REPO, ".github/workflows/broken.yml", BROKEN_CALLER, "add broken caller", expect=201)
    admin.put_file(REPO, ".github/workflows/lint.yml", "name: lint\non: push\njobs:\n  lint:\n    runs-on: x\n", "add lint", expect=201)
    return admin.get(f"{R}/branches/main", expect=200).json()["commit"]["sha"]


def tour_actions(admin: Client, sandbox) -> None:
    W = f"{R}/actions/workflows"
    admin.get(W, expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/workflows", expect=404)
    admin.get(f"{W}/build-image.yml", expect=200)
    admin.get(f"{W}/nope.yml", expect=404)
    admin.call("POST", f"{W}/lint.yml/dispatches", {"ref": "main"}, expect=422)  # no workflow_dispatch
    admin.call("POST", f"{W}/nope.yml/dispatches", {"ref": "main"}, expect=404)
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "inputs": {"bogus": "1"}}, expect=422)
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main"}, expect=204)
    sandbox.state.legacy_dispatch_400 = True
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "return_run_details": True}, expect=400)
    sandbox.state.legacy_dispatch_400 = False
    # The sandbox's clock stands still while the run is fresh: "still queued" must not depend on machine load.
    running_clock = sandbox.state.clock
    frozen = sandbox.state.now()
    sandbox.state.clock = lambda: frozen
    run_id = admin.dispatch(REPO, "build-image.yml")
    RUN = f"{R}/actions/runs/{run_id}"
    admin.call("POST", f"{RUN}/rerun", expect=403)  # still queued: "already running"
    admin.call("POST", f"{RUN}/cancel", expect=202)
    sandbox.state.clock = running_clock
    admin.wait_run(REPO, run_id)
    admin.call("POST", f"{RUN}/cancel", expect=409)
    admin.call("POST", f"{RUN}/rerun", expect=201)
    admin.wait_run(REPO, run_id, 2)
    admin.call("POST", f"{RUN}/rerun-failed-jobs", expect=403)  # nothing failed
    broken = admin.dispatch(REPO, "broken.yml")
    assert admin.wait_run(REPO, broken)["conclusion"] == "failure"
    admin.call("POST", f"{R}/actions/runs/{broken}/rerun-failed-jobs", expect=201)
    admin.get(f"{W}/build-image.yml/runs", expect=200)
    admin.get(f"{W}/nope.yml/runs", expect=404)
    admin.get(f"{R}/actions/runs?event=workflow_dispatch&status=completed", expect=200)
    admin.get(f"/repos/{ORG}/missing/actions/runs", expect=404)
    admin.get(RUN, expect=200)
    admin.get(f"{R}/actions/runs/1", expect=404)
    admin.get(f"{RUN}/attempts/2", expect=200)
    admin.get(f"{RUN}/attempts/9", expect=404)
    admin.get(f"{RUN}/attempts/1/jobs", expect=200)
    admin.get(f"{RUN}/attempts/9/jobs", expect=404)
    admin.get(f"{RUN}/attempts/1/logs", expect=302)
    admin.get(f"{RUN}/attempts/9/logs", expect=404)
    jobs = admin.get(f"{RUN}/jobs?filter=all", expect=200).json()["jobs"]
    admin.get(f"{R}/actions/runs/1/jobs", expect=404)
    admin.get(f"{RUN}/logs", expect=302)
    admin.get(f"{R}/actions/runs/1/logs", expect=404)
    admin.get(f"{R}/actions/jobs/{jobs[0]['id']}", expect=200)
    admin.get(f"{R}/actions/jobs/1", expect=404)
    admin.get(f"{R}/actions/jobs/{jobs[0]['id']}/logs", expect=302)
    admin.get(f"{R}/actions/jobs/1/logs", expect=404)
    admin.call("POST", f"{R}/actions/jobs/{jobs[-1]['id']}/rerun", expect=201)
    admin.call("POST", f"{R}/actions/jobs/1/rerun", expect=404)
    admin.wait_run(REPO, run_id, 3)
    admin.call("POST", f"{R}/actions/runs/1/rerun", expect=404)
    admin.call("POST", f"{R}/actions/runs/1/rerun-failed-jobs", expect=404)
    admin.call("POST", f"{R}/actions/runs/1/cancel", expect=404)
    admin.call("DELETE", f"{RUN}/logs", expect=204)
    admin.call("DELETE", f"{R}/actions/runs/1/logs", expect=404)
    admin.call("DELETE", RUN, expect=204)
    admin.call("DELETE", RUN, expect=404)
