"""The `selected repositories` list shared by org secrets and org variables (list, add, remove)."""

from __future__ import annotations

from flask import Response

from wizard.sandbox.api import int_arg, json_response, not_found, paginate, state
from wizard.sandbox.render_core import full_repository


def selected_repos_response(ids: list[int]) -> Response:
    repos = [r for r in (state().repo_by_id(i) for i in ids) if r]
    page, headers = paginate(repos)
    return json_response({"total_count": len(repos), "repositories": [full_repository(r) for r in page]}, headers=headers)


def add_selected(ids: list[int], repository_id: str, *, must_exist: bool = False) -> None:
    repo_id = int_arg(repository_id)
    if must_exist and state().repo_by_id(repo_id) is None:
        not_found()
    if repo_id not in ids:
        ids.append(repo_id)


def remove_selected(ids: list[int], repository_id: str) -> None:
    repo_id = int_arg(repository_id)
    if repo_id in ids:
        ids.remove(repo_id)
