"""Deployment environments: create or update with PUT, get, list, delete."""

from __future__ import annotations

import urllib.parse
from typing import Any

from flask import Blueprint, Response

from wizard.sandbox.api import (
    ApiError,
    api_url,
    body_json,
    find_environments_repo,
    find_repo,
    iso,
    json_response,
    no_content,
    not_found,
    paginate,
    state,
    web_url,
)
from wizard.sandbox.model import Environment, Repo, node_id
from wizard.sandbox.state import utcnow

bp = Blueprint("environments", __name__)


def environment_json(repo: Repo, env: Environment) -> dict[str, Any]:
    quoted = urllib.parse.quote(env.name, safe="")
    rules: list[dict[str, Any]] = []
    if env.wait_timer:
        rules.append({"id": env.id * 10 + 1, "node_id": node_id("GA", env.id * 10 + 1), "type": "wait_timer", "wait_timer": env.wait_timer})
    if env.reviewers:
        rules.append(
            {
                "id": env.id * 10 + 2,
                "node_id": node_id("GA", env.id * 10 + 2),
                "type": "required_reviewers",
                "prevent_self_review": env.prevent_self_review,
                "reviewers": [],
            }
        )
    return {
        "id": env.id,
        "node_id": node_id("EN", env.id),
        "name": env.name,
        "url": api_url(f"/repos/{repo.full_name}/environments/{quoted}"),
        "html_url": web_url(f"/{repo.full_name}/deployments/activity_log?environments_filter={quoted}"),
        "created_at": iso(env.created_at),
        "updated_at": iso(env.updated_at),
        "can_admins_bypass": True,
        "protection_rules": rules,
        "deployment_branch_policy": env.deployment_branch_policy,
    }


def _check_name(name: str) -> None:
    if not name or len(name) > 255 or any(c in name for c in "'\"`,;\\") or name != name.strip():
        raise ApiError(422, f"Environment name {name!r} is invalid.")


def _apply(env: Environment, body: dict[str, Any]) -> None:
    if "wait_timer" in body:
        timer = body["wait_timer"]
        if not isinstance(timer, int) or not 0 <= timer <= 43200:
            raise ApiError(422, "wait_timer must be an integer between 0 and 43200.")
        env.wait_timer = timer
    if "prevent_self_review" in body:
        env.prevent_self_review = bool(body["prevent_self_review"])
    if "reviewers" in body:
        env.reviewers = list(body["reviewers"] or [])
    if "deployment_branch_policy" in body:
        policy = body["deployment_branch_policy"]
        if policy is not None:
            if not isinstance(policy, dict) or set(policy) != {"protected_branches", "custom_branch_policies"}:
                raise ApiError(422, "deployment_branch_policy needs protected_branches and custom_branch_policies.")
            if policy["protected_branches"] == policy["custom_branch_policies"]:
                raise ApiError(422, "Exactly one of protected_branches and custom_branch_policies must be true.")
            policy = {
                "protected_branches": bool(policy["protected_branches"]),
                "custom_branch_policies": bool(policy["custom_branch_policies"]),
            }
        env.deployment_branch_policy = policy


@bp.get("/repos/<owner>/<name>/environments")
def list_environments(owner: str, name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        envs = sorted(repo.environments.values(), key=lambda e: e.name.lower())
        page, headers = paginate(envs)
        return json_response({"total_count": len(envs), "environments": [environment_json(repo, e) for e in page]}, headers=headers)


@bp.get("/repos/<owner>/<name>/environments/<path:environment>")
def get_environment(owner: str, name: str, environment: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        env = repo.find_environment(environment) or not_found()
        return json_response(environment_json(repo, env))


@bp.put("/repos/<owner>/<name>/environments/<path:environment>")
def put_environment(owner: str, name: str, environment: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_environments_repo(owner, name, write=True)
        _check_name(environment)
        env = repo.find_environment(environment)
        now = utcnow()
        if env is None:
            env = Environment(state().next_id(), environment, now, now)
            _apply(env, body)
            repo.environments[environment.lower()] = env
        else:
            _apply(env, body)
            env.updated_at = now
        return json_response(environment_json(repo, env))


@bp.delete("/repos/<owner>/<name>/environments/<path:environment>")
def delete_environment(owner: str, name: str, environment: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name, write=True)
        if repo.environments.pop(environment.lower(), None) is None:
            not_found()
    return no_content()
