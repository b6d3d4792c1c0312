"""Build secrets in the core: `RUN --mount=type=secret` read as BuildKit reads it, the BUILD_SECRET_<ID> names, what
the caller passes, and the plans that cannot pass them (builder `action`, environment scope)."""

from __future__ import annotations

import pytest

from wizard.assets import reusable_workflow_text
from wizard.core.build_secrets import (
    MAX_BUILD_SECRETS,
    mount_warnings,
    needed_build_secrets,
    secret_mounts,
    secret_name,
)
from wizard.core.dockerfile import DockerfileError, parse_dockerfile
from wizard.core.plan import Plan
from wizard.core.resolved import resolve
from wizard.core.workflow import caller_inputs, caller_secrets, parse_reusable_interface, render_caller, update_caller
from wizard.core.workflow.interface import ReusableInterface
from wizard.errors import InputError

REPO = "BrikByte-Studios/example-node-api"
NPM = "FROM node:22-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc npm ci\n"


def mounts(text: str, target: str | None = None) -> list[tuple[str, str, bool, str | None]]:
    return [(m.id, m.target, m.required, m.env) for m in secret_mounts(parse_dockerfile(text), target)]


@pytest.mark.parametrize(
    ("mount", "expected"),
    [
        ("type=secret,id=npmrc,dst=/kaniko/npmrc", ("npmrc", "/kaniko/npmrc", False, None)),
        ("type=secret,id=npmrc", ("npmrc", "/run/secrets/npmrc", False, None)),  # BuildKit's default target
        ("type=secret,target=/kaniko/npmrc", ("npmrc", "/kaniko/npmrc", False, None)),  # id: the target's basename
        ("type=secret,destination=/root/.npmrc", (".npmrc", "/root/.npmrc", False, None)),
        ("TYPE=SECRET,ID=token,DST=/kaniko/token", ("token", "/kaniko/token", False, None)),  # keys are case-blind
        ("type=secret,src=npmrc,dst=/kaniko/npmrc", ("npmrc", "/kaniko/npmrc", False, None)),  # source names the id
        ("type=secret,id=npmrc,required", ("npmrc", "/run/secrets/npmrc", True, None)),  # a bare `required` is true
        ("type=secret,id=npmrc,required=false", ("npmrc", "/run/secrets/npmrc", False, None)),
        ("type=secret,id=tok,env=NPM_TOKEN", ("tok", "", False, "NPM_TOKEN")),  # env only: no file
        ('"type=secret,id=npmrc,dst=/kaniko/npmrc"', ("npmrc", "/kaniko/npmrc", False, None)),  # quotes removed
    ],
)
def test_a_secret_mount_is_read_as_buildkit_reads_it(mount: str, expected: tuple[str, str, bool, str | None]) -> None:
    assert mounts(f"FROM alpine\nRUN --mount={mount} true\n") == [expected]


def test_only_secret_mounts_of_the_built_stages_count() -> None:
    text = (
        "FROM alpine AS deps\n"
        "RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npmrc,dst=/kaniko/npmrc \\\n    npm ci\n"
        "FROM deps AS test\nRUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc --mount=type=secret,id=codecov,dst=/kaniko/codecov t\n"
        "FROM deps AS production\nRUN --mount=type=bind,source=x,target=/x true\n"
    )
    assert [m[0] for m in mounts(text)] == ["npmrc", "npmrc", "codecov"]  # Kaniko builds every stage up to the last
    assert [m[0] for m in mounts(text, "deps")] == ["npmrc"]
    found = needed_build_secrets(parse_dockerfile(text))
    assert [(b.id, b.name, b.path, b.lines) for b in found] == [
        ("npmrc", "BUILD_SECRET_NPMRC", "/kaniko/npmrc", (2, 5)),
        ("codecov", "BUILD_SECRET_CODECOV", "/kaniko/codecov", (5,)),
    ]


@pytest.mark.parametrize(
    ("secret_id", "name"),
    [
        ("npmrc", "BUILD_SECRET_NPMRC"),
        ("gemserver_credentials", "BUILD_SECRET_GEMSERVER_CREDENTIALS"),
        ("my-key.pem", "BUILD_SECRET_MY_KEY_PEM"),
    ],
)
def test_secret_names(secret_id: str, name: str) -> None:
    assert secret_name(secret_id) == name


@pytest.mark.parametrize(
    ("mount", "message"),
    [
        ("type=secret,id=../x,dst=/kaniko/x", "cannot be a file under /kaniko/"),
        ("type=secret,id=.docker", "cannot be a file under /kaniko/"),
        ("type=secret,id=executor,dst=/kaniko/executor", "which Kaniko's image already uses"),
        ("type=secret,id=a-b --mount=type=secret,id=a_b", "would both be stored as BUILD_SECRET_A_B"),
    ],
)
def test_ids_that_cannot_be_a_file_or_a_secret_are_refused(mount: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace(".", r"\.").replace("(", r"\(")):
        needed_build_secrets(parse_dockerfile(f"FROM alpine\nRUN --mount={mount} true\n"))


def test_more_secrets_than_the_workflow_has_slots_are_refused() -> None:
    runs = "".join(f"RUN --mount=type=secret,id=s{n},dst=/kaniko/s{n} true\n" for n in range(MAX_BUILD_SECRETS + 1))
    with pytest.raises(InputError, match="passes at most 10"):
        needed_build_secrets(parse_dockerfile("FROM alpine\n" + runs))


@pytest.mark.parametrize(
    ("mount", "message"),
    [("type=secret", "needs an id"), ("type=secret,id=$NAME", "uses a variable"), ("'type=secret,\"id=a'", "comma-separated")],
)
def test_unreadable_mounts_name_the_line(mount: str, message: str) -> None:
    with pytest.raises(DockerfileError, match=message) as err:
        secret_mounts(parse_dockerfile(f"FROM alpine\nRUN true\nRUN --mount={mount} true\n"))
    assert err.value.line == 3


def test_mounts_kaniko_would_not_satisfy_are_warned_with_the_line_to_write() -> None:
    text = "FROM alpine\nRUN --mount=type=secret,id=npmrc npm ci\nRUN --mount=type=secret,id=tok,env=TOK,required x\n"
    warnings = mount_warnings(secret_mounts(parse_dockerfile(text)))
    assert [(w.line, w.message.split(":")[0]) for w in warnings] == [
        (2, "the secret npmrc is mounted at /run/secrets/npmrc"),
        (3, "the secret tok is mounted as the environment variable TOK"),
        (3, "the mount of tok is required"),
    ]
    assert all("RUN --mount=type=secret,id=" in w.fix and ",dst=/kaniko/" in w.fix for w in warnings)
    assert "secret not defined: tok" in warnings[2].message  # what the fork's executor answers
    assert mount_warnings(secret_mounts(parse_dockerfile(NPM))) == []


# --- the plan and the caller ------------------------------------------------------------------


def npm_plan(**answers: str) -> Plan:
    return Plan(repo=REPO, **{"builder": "container", **answers})


def test_each_build_secret_is_an_org_secret_read_from_its_variable() -> None:
    secrets = needed_build_secrets(parse_dockerfile(NPM))
    resolved = resolve(npm_plan(), secrets)
    assert [(s.name, s.scope, s.value_source) for s in resolved.secrets] == [
        ("BUILD_SECRET_NPMRC", "org", "env BRIK_SECRET_BUILD_SECRET_NPMRC")
    ]
    resolved = resolve(npm_plan(strategy="pat"), secrets)
    assert [s.name for s in resolved.secrets] == ["REGISTRY_PAT", "BUILD_SECRET_NPMRC"]


def test_the_caller_passes_exactly_those_secrets_by_name_into_the_declared_slots() -> None:
    text = NPM + "RUN --mount=type=secret,id=gem,dst=/kaniko/gem bundle\n"
    resolved = resolve(npm_plan(), needed_build_secrets(parse_dockerfile(text)))
    interface = parse_reusable_interface(reusable_workflow_text())
    assert caller_inputs(resolved, interface)["build_secrets"] == "npmrc\ngem\n"
    assert caller_secrets(resolved, interface) == {
        "REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}",
        "KANIKO_SECRET_1": "${{ secrets.BUILD_SECRET_NPMRC }}",
        "KANIKO_SECRET_2": "${{ secrets.BUILD_SECRET_GEM }}",
    }
    caller = render_caller(resolved, interface=interface)
    assert "build_secrets: |\n        npmrc\n        gem\n" in caller
    # Without the secrets again: the managed slots and the input go; a re-render with them is the same file.
    assert update_caller(caller, resolved, interface=interface) == caller
    plain = update_caller(caller, resolve(npm_plan()), interface=interface)
    assert "build_secrets" not in plain and "KANIKO_SECRET" not in plain


def test_a_reusable_workflow_without_build_secrets_is_named_not_dropped() -> None:
    resolved = resolve(npm_plan(), needed_build_secrets(parse_dockerfile(NPM)))
    old = parse_reusable_interface(reusable_workflow_text())
    without = ReusableInterface({k: v for k, v in old.inputs.items() if k != "build_secrets"}, old.secrets)
    with pytest.raises(InputError, match="takes no build secrets"):
        caller_secrets(resolved, without)


def test_the_action_builder_is_refused_with_the_builder_to_use() -> None:
    secrets = needed_build_secrets(parse_dockerfile(NPM))
    with pytest.raises(InputError, match=r"build secrets \(npmrc\), which need the container builder") as err:
        resolve(Plan(repo=REPO), secrets)
    assert err.value.hint is not None and "--builder container" in err.value.hint
    resolve(Plan(repo=REPO), ())  # no build secret: the default builder stays fine


def test_environment_scope_is_refused_with_the_reason() -> None:
    secrets = needed_build_secrets(parse_dockerfile(NPM))
    with pytest.raises(InputError, match="must be organisation secrets") as err:
        resolve(npm_plan(scope="environment", environment="prod"), secrets)
    assert err.value.hint is not None and "--scope org" in err.value.hint
