"""Kaniko's registry writes: the push-permission check, cache-layer pushes and the final image push.

A cache push is a full DoPush of a one-layer image (push.go pushLayerToCache), so it logs
`Pushing image to <cache>:<key>` and, when it lands, `Pushed <cache>@sha256:…`. A refused cache push is
not fatal: the stage ends with one WARN (build.go) and the next build misses. A refused destination is
found before anything is built and ends the executor with a plain stderr line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cache_keys import sha256_hex
from .cost_model import CostModel
from .log_format import JobLog
from .registry import Registry, registry_host, repo_path, split_repo_ref

if TYPE_CHECKING:
    from .executor import ExecutorPlan

PUSH_CHECK_ERROR = (
    "error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again"
)


def check_push_permissions(plan: ExecutorPlan, registry: Registry, log: JobLog, costs: CostModel) -> bool:
    """CheckPushPermissions: each destination repository once (the cache repo only with --no-push)."""
    targets = plan.destinations or ((plan.cache_repo,) if plan.cache_enabled else ())
    checked: set[str] = set()
    for target in targets:
        repo, tag = split_repo_ref(target)
        if repo in checked:
            continue
        log.advance(costs.vary("push-check:" + repo, 0.6))
        denial = registry.denial(repo, plan.credential)
        if denial:
            ref = target if tag else f"{target}:latest"
            log.write(
                f'{PUSH_CHECK_ERROR}: checking push permission for "{ref}": POST '
                f"https://{registry_host(repo)}/v2/{repo_path(repo)}/blobs/uploads/: {denial}"
            )
            return False
        checked.add(repo)
    return True


def push_cache(plan: ExecutorPlan, registry: Registry, log: JobLog, costs: CostModel, key: str) -> str | None:
    """pushLayerToCache -> DoPush; returns the error text when the registry refuses the write."""
    dest = f"{plan.cache_repo}:{key}"
    log.kaniko(f"Pushing layer {dest} to cache now")
    log.kaniko(f"Pushing image to {dest}")
    log.advance(costs.cache_push(key))
    repo, _ = split_repo_ref(plan.cache_repo)
    if not registry.can_write(repo, plan.credential):
        return (
            f"failed to push to destination {dest}: HEAD https://{registry_host(repo)}/v2/{repo_path(repo)}"
            f"/blobs/sha256:{sha256_hex('layer|' + key)}: unexpected status code 401 Unauthorized "
            "(HEAD responses have no body, use GET for details)"
        )
    digest = sha256_hex("cache|" + key)
    registry.put_cache(repo, key, "sha256:" + digest, by=plan.credential)
    log.kaniko(f"Pushed {repo}@sha256:{digest}")
    return None


def push_image(plan: ExecutorPlan, registry: Registry, log: JobLog, costs: CostModel, digest: str) -> None:
    """DoPush of the built image to every destination (all were checked before the build)."""
    if not plan.destinations:
        log.kaniko("Skipping push to container registry due to --no-push flag")
        return
    for dest in plan.destinations:
        repo, tag = split_repo_ref(dest)
        log.kaniko(f"Pushing image to {dest}")
        log.advance(costs.image_push(dest))
        registry.push(repo, tag or "latest", "sha256:" + digest, by=plan.credential)
        log.kaniko(f"Pushed {repo}@sha256:{digest}")
