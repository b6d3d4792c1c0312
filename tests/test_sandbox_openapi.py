"""Every operation of GitHub's OpenAPI subset is answered by the sandbox with a success and an error,
and every answer conforms to the description (or, for an error status an operation does not list, to
GitHub's error schemas)."""

from __future__ import annotations

import pytest

from tests.openapi_check import (
    ExchangeRecorder,
    check_error_body,
    check_exchange,
    check_request,
    facts_dir,
    operation_of,
    operations,
    raw_spec,
)
from tests.sandbox_client import REPO, TEST_TIME_FACTOR, Client
from tests.sandbox_tour import (
    tour_actions,
    tour_contents_and_git,
    tour_environments,
    tour_meta,
    tour_secrets,
    tour_variables,
)
from tests.virtual_time import install as install_virtual_time

# One worker tours the sandbox once (a module fixture is built again on every worker that runs one of these tests).
pytestmark = [
    pytest.mark.skipif(facts_dir() is None, reason="GitHub's OpenAPI subset is not available"),
    pytest.mark.xdist_group("sandbox_openapi"),
]


def _documented(op: str, status: int) -> bool:
    method, template = op.split(" ", 1)
    return str(status) in raw_spec()["paths"][template][method.lower()]["responses"]


@pytest.fixture(scope="module")
def toured():
    from wizard.sandbox import Sandbox

    with pytest.MonkeyPatch.context() as patch, Sandbox(time_factor=TEST_TIME_FACTOR) as sandbox:
        install_virtual_time(patch)  # module-scoped: before the per-test virtual time exists
        return _tour(sandbox)


def _tour(sandbox):
    recorder = ExchangeRecorder(sandbox.app)
    sandbox.state.content_limit_per_minute = 10_000  # the tour writes more than GitHub's 80 a minute
    admin = Client(sandbox.base_url, sandbox.token)
    weak = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    bad = Client(sandbox.base_url, "ghp_" + "0" * 36)
    repo_id = admin.get(f"/repos/{REPO}", expect=200).json()["id"]
    tour_meta(admin, weak, bad, sandbox)
    tour_secrets(admin, weak, repo_id)
    tour_environments(admin)
    tour_variables(admin, weak, repo_id)
    tour_contents_and_git(admin, weak)
    tour_actions(admin, sandbox)
    return recorder.api_exchanges()


@pytest.mark.slow
def test_every_operation_is_answered_with_a_success_and_an_error(toured) -> None:
    seen: dict[str, set[str]] = {op: set() for op in operations()}
    for ex in toured:
        op = operation_of(ex.method, ex.path)
        if op is not None:
            seen[op].add("error" if ex.status >= 400 else "success")
    missing = {op: sorted({"success", "error"} - kinds) for op, kinds in seen.items() if kinds != {"success", "error"}}
    assert missing == {}


@pytest.mark.slow
def test_every_answer_conforms_to_the_description(toured) -> None:
    problems = []
    for ex in toured:
        op = operation_of(ex.method, ex.path)
        if op is None:
            continue  # outside the subset (e.g. GET /pulls/{n}): checked by behaviour tests instead
        if _documented(op, ex.status):
            errors = check_exchange(ex)
        elif ex.status >= 400:
            errors = check_error_body(ex.status, ex.response_body)
        else:
            errors = [f"status {ex.status} is not documented for {op}"]
        problems += [f"{ex.method} {ex.path} -> {ex.status}: {e}" for e in errors]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_tour_requests_conform_too(toured) -> None:
    """What the tour sends is what a well-behaved client sends: the checker accepts it."""
    problems = []
    for ex in toured:
        if operation_of(ex.method, ex.path) is None or ex.status >= 400:
            continue  # error cases send invalid requests on purpose
        problems += [
            f"{ex.method} {ex.path}: {e}" for e in check_request(ex.method, ex.path, ex.query, ex.request_headers, ex.request_body)
        ]
    assert not problems, "\n".join(problems)


def test_the_checker_rejects_a_nonconforming_answer() -> None:
    assert check_exchange_like(200, b'{"id": "not-a-number"}')
    assert check_request("POST", f"/repos/{REPO}/actions/workflows/1/dispatches", body=b"{}", headers={"Content-Type": "application/json"})


def check_exchange_like(status: int, body: bytes) -> list[str]:
    from tests.openapi_check import check_response

    return check_response("GET", f"/repos/{REPO}/actions/runs/1", status, body)
