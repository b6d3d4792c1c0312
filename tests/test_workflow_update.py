"""Updating an existing caller workflow in place: the user's text survives, a second run changes nothing."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from wizard.core.plan import Plan
from wizard.core.resolved import resolve
from wizard.core.workflow import caller_inputs, parse_reusable_interface, render_caller, unified_diff, update_caller
from wizard.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "callers"
SHA = "89abcdef0123456789abcdef0123456789abcdef"
REUSABLE = "BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml"
BASE = Plan(repo="BrikByte-Studios/Example-Node-API", tags=("v0.1.0", "sha-${{ github.sha }}"))
# The caller job's permissions as brik-onboard writes them, each with why.
JOB_PERMISSIONS = [
    "    permissions:",
    "      contents: read   # check out the repository",
    "      packages: write  # push the image and its layer cache",
]
REGISTRY_LINE = "      registry: ${{ vars.REGISTRY_URL || 'ghcr.io' }}"
NEW_JOB = [
    "  build-and-push:",
    *JOB_PERMISSIONS,
    f"    uses: {REUSABLE}@main",
    "    with:",
    "      image_name: ghcr.io/brikbyte-studios/example-node-api",
    "      context: .",
    "      dockerfile: ./Dockerfile",
    "      tags: |",
    "        v0.1.0",
    "        sha-${{ github.sha }}",
    REGISTRY_LINE,
    "      cache_enabled: true",
    "    secrets:",
    "      REGISTRY_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
]

# fixture -> (plan changes, the caller job's id, lines the update must remove, lines it must add)
CASES = {
    "commented.yml": (
        {"dockerfile": "./node-api-example/Dockerfile", "target": "runtime", "registry_username": True},
        "build-and-push",
        ["        v0.0.9", "      registry: ghcr.io"],
        ["  workflow_dispatch:", *JOB_PERMISSIONS, "        v0.1.0", REGISTRY_LINE, "      target: runtime"],
    ),
    "anchors.yml": (
        {},
        "image",
        ["      packages: read", "      tags: sha-${{ github.sha }}"],
        ["      packages: write", "      tags: |", "        v0.1.0", "        sha-${{ github.sha }}", REGISTRY_LINE],
    ),
    "flow_style.yml": (
        {"tags": ("sha-${{ github.sha }}",), "cache_repo": "ghcr.io/brikbyte-studios/cache/example-node-api"},
        "build-and-push",
        [
            "    branches: [ develop, release/* ]",
            "    with: { image_name: ghcr.io/brikbyte-studios/example-node-api, context: ., dockerfile: ./Dockerfile,"
            ' tags: "sha-${{ github.sha }}", registry: ghcr.io, cache_enabled: true }',
        ],
        [
            "    branches: [develop, release/*, main]",
            *JOB_PERMISSIONS,
            "    with: {image_name: ghcr.io/brikbyte-studios/example-node-api, context: ., dockerfile: ./Dockerfile,"
            ' tags: "sha-${{ github.sha }}", registry: "${{ vars.REGISTRY_URL || \'ghcr.io\' }}", cache_enabled: true,'
            " cache_repo: ghcr.io/brikbyte-studios/cache/example-node-api}",
        ],
    ),
    "older_caller.yml": (
        {"target": "runtime"},
        "build-and-push",
        [
            "  packages: write",  # the workflow level's write scope moves to the job (zizmor: excessive-permissions)
            "        v0.0.1",
            "      registry: ghcr.io",
            "      cache_repo: ghcr.io/brikbyte-studios/cache/example-node-api",
            "      runs_on: ubuntu-latest",
        ],
        [*JOB_PERMISSIONS, "        v0.1.0", REGISTRY_LINE, "      target: runtime"],
    ),
    "list_triggers.yml": (
        {},
        "build-and-push",
        ["on: [push, pull_request]"],
        ["on: [push, pull_request, workflow_dispatch]", *NEW_JOB],
    ),
    "four_spaces.yml": (
        {"runs_on": "arc-runner-set"},
        "build-and-push",
        ["            tags: sha-${{ github.sha }}", "            registry: ghcr.io"],
        [
            "    workflow_dispatch:",
            "        permissions:",
            "            contents: read   # check out the repository",
            "            packages: write  # push the image and its layer cache",
            "            tags: |",
            "                v0.1.0",
            "                sha-${{ github.sha }}",
            "            registry: ${{ vars.REGISTRY_URL || 'ghcr.io' }}",
            "            runs_on: arc-runner-set",
        ],
    ),
    "user_edited.yml": ({}, "build-and-push", [], []),
}


def load(text: str):
    return YAML(typ="safe", pure=True).load(text)


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(lines of old that are not in new, lines of new that are not in old), compared line by line."""
    a, b = old.split("\n"), new.split("\n")
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def tag_list(value: str) -> list[str]:
    return [t.strip() for t in value.replace(",", "\n").split("\n") if t.strip()]


def plan_for(name: str) -> Plan:
    return BASE.updated(**CASES[name][0])


@pytest.mark.parametrize("name", sorted(CASES))
def test_only_the_managed_lines_change(name):
    changes, job_id, removed, added = CASES[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    result = update_caller(text, resolve(plan_for(name)))
    assert changed_lines(text, result) == (removed, added)


@pytest.mark.parametrize("name", sorted(CASES))
def test_result_means_what_the_plan_says_and_other_jobs_are_untouched(name):
    _, job_id, _, _ = CASES[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    resolved = resolve(plan_for(name))
    before, after = load(text), load(update_caller(text, resolved))
    job = after["jobs"][job_id]
    assert job["uses"].startswith(REUSABLE + "@")
    wanted = caller_inputs(resolved)
    for key, value in wanted.items():
        if key == "tags":
            assert tag_list(job["with"]["tags"]) == list(resolved.tags)
        else:
            assert job["with"][key] == value, key
    for key in ("cache_repo", "target", "build_args", "runs_on", "executor", "environment"):
        assert (key in job["with"]) == (key in wanted), key
    assert job["secrets"]["REGISTRY_TOKEN"].replace(" ", "") == "${{secrets.GITHUB_TOKEN}}"
    on = after["on"]
    assert "workflow_dispatch" in on
    assert "push" in on
    perms = job.get("permissions", after.get("permissions"))
    assert perms["packages"] == "write" and perms["contents"] in ("read", "write")
    for other, body in before["jobs"].items():
        if other != job_id:
            assert after["jobs"][other] == body, other
    assert {k: v for k, v in after.items() if k not in ("on", "permissions", "jobs")} == {
        k: v for k, v in before.items() if k not in ("on", "permissions", "jobs")
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_update_with_the_same_plan_changes_nothing(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    resolved = resolve(plan_for(name))
    once = update_caller(text, resolved)
    assert update_caller(once, resolved) == once
    assert unified_diff(once, update_caller(once, resolved), "x.yml") == ""


@pytest.mark.parametrize("name", sorted(CASES))
def test_crlf_line_ends_are_kept(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    resolved = resolve(plan_for(name))
    crlf = text.replace("\n", "\r\n")
    result = update_caller(crlf, resolved)
    assert result == update_caller(text, resolved).replace("\n", "\r\n")
    assert update_caller(result, resolved) == result


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_missing_final_newline_stays_missing(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    resolved = resolve(plan_for(name))
    result = update_caller(text.rstrip("\n"), resolved)
    assert result == update_caller(text, resolved).rstrip("\n")


def test_user_edited_caller_with_unchanged_plan_gives_an_empty_diff():
    text = (FIXTURES / "user_edited.yml").read_text(encoding="utf-8")
    result = update_caller(text, resolve(BASE))
    assert result == text
    assert unified_diff(text, result, ".github/workflows/build-image.yml") == ""


def test_rendered_caller_edited_by_a_user_survives_an_unchanged_plan():
    resolved = resolve(BASE.updated(target=("runtime",)))
    rendered = render_caller(resolved)
    edited = (
        rendered.replace("name: Build image\n", "name: 'Build image'   # renamed quoting\n")
        .replace("      cache_enabled: true\n", "      cache_enabled: true\n      # extra input:\n      registry_mirror: mirror.gcr.io\n")
        .replace("    branches: [main]\n", "    branches: [main, 'release/*']\n")
        + "\n  # added by hand\n  scan:\n    needs: build-and-push\n    runs-on: ubuntu-latest\n    steps:\n      - run: trivy image x\n"
    )
    assert update_caller(rendered, resolved) == rendered
    assert update_caller(edited, resolved) == edited


def test_plan_change_on_a_user_edited_caller_shows_only_the_needed_lines():
    text = (FIXTURES / "user_edited.yml").read_text(encoding="utf-8")
    result = update_caller(text, resolve(BASE.updated(tags=("v0.2.0", "sha-${{ github.sha }}"))))
    assert changed_lines(text, result) == (
        ['      tags: "v0.1.0, sha-${{ github.sha }}"   # one line is fine too'],
        ['      tags: "v0.2.0, sha-${{ github.sha }}"   # one line is fine too'],  # the user's one-line style
    )


def test_one_tag_growing_to_two_becomes_a_block_keeping_its_comments():
    text = (
        (FIXTURES / "user_edited.yml")
        .read_text(encoding="utf-8")
        .replace('"v0.1.0, sha-${{ github.sha }}"   # one line is fine too', "sha-${{ github.sha }}   # per commit\n      # (more later)\n")
    )
    result = update_caller(text, resolve(BASE))
    assert changed_lines(text, result) == (
        ["      tags: sha-${{ github.sha }}   # per commit"],
        ["      tags: |   # per commit", "        v0.1.0", "        sha-${{ github.sha }}"],
    )
    assert update_caller(result, resolve(BASE)) == result


# -- jobs ------------------------------------------------------------------------------------------------

CALLER = f"""\
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions: {{}}
jobs:
  build:
    permissions:
      contents: read
      packages: write
    uses: {REUSABLE}@v1   # the ref we tested
    with:
      image_name: ghcr.io/brikbyte-studios/example-node-api
      context: .
      dockerfile: ./Dockerfile
      tags: |
        v0.1.0
        sha-${{{{ github.sha }}}}
      registry: ${{{{ vars.REGISTRY_URL || 'ghcr.io' }}}}
      cache_enabled: true
      target: runtime   # the slim stage
      # this one is ours, not brik-onboard's:
      registry_mirror: mirror.gcr.io
    secrets:
      REGISTRY_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}

  # Deploy after the build.
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
"""


def test_job_found_by_reusable_workflow_path_whatever_its_name_and_ref():
    result = update_caller(CALLER, resolve(BASE.updated(target=("runtime",))))
    assert changed_lines(CALLER, result) == (
        [f"    uses: {REUSABLE}@v1   # the ref we tested"],
        [f"    uses: {REUSABLE}@main   # the ref we tested"],
    )


def test_removing_a_managed_key_keeps_the_comments_around_it():
    result = update_caller(CALLER, resolve(BASE))
    assert changed_lines(CALLER, result)[0] == [
        f"    uses: {REUSABLE}@v1   # the ref we tested",
        "      target: runtime   # the slim stage",
    ]
    assert "      cache_enabled: true\n      # this one is ours, not brik-onboard's:\n      registry_mirror: mirror.gcr.io\n" in result


def test_added_secret_lands_in_its_block_not_under_the_next_jobs_comment():
    result = update_caller(CALLER, resolve(BASE.updated(target=("runtime",), registry_username=True)))
    assert (
        "      REGISTRY_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"
        "      REGISTRY_USERNAME: ${{ secrets.REGISTRY_USERNAME }}\n"
        "\n"
        "  # Deploy after the build.\n"
        "  deploy:\n"
    ) in result


def test_added_input_goes_after_its_managed_neighbour_before_the_users_comment():
    result = update_caller(CALLER, resolve(BASE.updated(target=("runtime",), runs_on="arc-runner-set")))
    assert (
        "      target: runtime   # the slim stage\n      runs_on: arc-runner-set\n      # this one is ours, not brik-onboard's:\n"
    ) in result


def test_job_named_like_the_plan_but_running_steps_is_refused():
    text = "on: push\njobs:\n  build-and-push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
    with pytest.raises(InputError, match="'build-and-push'"):
        update_caller(text, resolve(BASE))


def test_new_job_added_when_none_calls_the_reusable_workflow():
    text = "on:\n  push:\n    branches: [main]\n  workflow_dispatch:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
    result = update_caller(text, resolve(BASE.updated(job_id="image")))
    doc = load(result)
    assert list(doc["jobs"]) == ["test", "image"]
    assert doc["permissions"] == {"contents": "read"}  # the workflow level is the user's: never raised
    assert doc["jobs"]["image"]["permissions"] == {"contents": "read", "packages": "write"}


def test_secrets_inherit_becomes_the_explicit_mapping():
    text = f"on: [push, workflow_dispatch]\npermissions: write-all\njobs:\n  b:\n    uses: {REUSABLE}@main\n    secrets: inherit\n"
    job = load(update_caller(text, resolve(BASE)))["jobs"]["b"]
    assert job["secrets"] == {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}


def test_merged_in_managed_key_is_overridden_only_when_it_differs():
    text = (FIXTURES / "anchors.yml").read_text(encoding="utf-8")
    result = update_caller(text, resolve(BASE.updated(context="./service")))
    assert "  context: .\n" in result  # the anchor itself is not touched (other users may share it)
    assert "      context: ./service\n" in result
    assert load(result)["jobs"]["image"]["with"]["registry"] == "${{ vars.REGISTRY_URL || 'ghcr.io' }}"  # differs: overridden
    assert load(result)["jobs"]["image"]["with"]["context"] == "./service"


# -- uses pinning ----------------------------------------------------------------------------------------


def test_pinning_keeps_the_ref_as_a_comment_and_unpinning_removes_it():
    text = (FIXTURES / "older_caller.yml").read_text(encoding="utf-8")
    resolved = resolve(BASE.updated(cache_repo="ghcr.io/brikbyte-studios/cache/example-node-api", runs_on="ubuntu-latest"))
    pinned = update_caller(text, resolved, pinned_sha=SHA)
    assert changed_lines(text, pinned) == (
        ["  packages: write", f"    uses: {REUSABLE}@main", "        v0.0.1", "      registry: ghcr.io"],
        [*JOB_PERMISSIONS, f"    uses: {REUSABLE}@{SHA}  # main", "        v0.1.0", REGISTRY_LINE],
    )
    assert update_caller(pinned, resolved, pinned_sha=SHA) == pinned
    unpinned = update_caller(pinned, resolved)
    assert f"    uses: {REUSABLE}@main\n" in unpinned
    assert update_caller(text, resolved) == unpinned


def test_pinning_replaces_a_stale_ref_comment():
    text = CALLER.replace("@v1   # the ref we tested", f"@{'1' * 40}  # v1")
    result = update_caller(text, resolve(BASE.updated(target=("runtime",))), pinned_sha=SHA)
    assert f"    uses: {REUSABLE}@{SHA}  # main\n" in result


# -- triggers --------------------------------------------------------------------------------------------


def jobs_block() -> str:
    return f"permissions: write-all\njobs:\n  b:\n    uses: {REUSABLE}@main\n"


def test_on_as_a_single_event_gets_workflow_dispatch():
    result = update_caller("on: push\n" + jobs_block(), resolve(BASE))
    assert result.startswith("on: [push, workflow_dispatch]\n")


def test_on_list_without_push_becomes_a_mapping_naming_the_default_branch():
    result = update_caller("on: [pull_request]\n" + jobs_block(), resolve(BASE.updated(default_branch="trunk")))
    assert load(result)["on"] == {"pull_request": None, "push": {"branches": ["trunk"]}, "workflow_dispatch": None}


@pytest.mark.parametrize(
    ("branches", "expected"),
    [
        ("[main, release/*]", ["main", "release/*"]),
        ("['**']", ["**"]),
        ("[ma*]", ["ma*"]),
        ("[develop]", ["develop", "main"]),
        ("['**', '!main']", ["**", "!main", "main"]),
        ("feature/*", ["feature/*", "main"]),
    ],
)
def test_push_branches_get_the_default_branch_only_when_no_pattern_matches_it(branches, expected):
    text = f"on:\n  push:\n    branches: {branches}\n  workflow_dispatch:\n" + jobs_block()
    assert load(update_caller(text, resolve(BASE)))["on"]["push"]["branches"] == expected


def test_push_with_only_tag_filters_gets_branches():
    text = "on:\n  push:\n    tags: ['v*']\n  workflow_dispatch:\n" + jobs_block()
    assert load(update_caller(text, resolve(BASE)))["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}


def test_branches_ignore_excluding_the_default_branch_is_an_error():
    text = "on:\n  push:\n    branches-ignore: ['ma*']\n" + jobs_block()
    with pytest.raises(InputError, match="branches-ignore excludes the default branch 'main'"):
        update_caller(text, resolve(BASE))


# -- permissions -----------------------------------------------------------------------------------------


def perms_case(workflow: str, job: str = "") -> dict:
    text = f"on: [push, workflow_dispatch]\n{workflow}jobs:\n  b:\n{job}    uses: {REUSABLE}@main\n  t:\n    runs-on: x\n    steps: [{{run: x}}]\n"
    return load(update_caller(text, resolve(BASE)))


def test_job_level_permissions_are_raised_there_and_nothing_is_lowered():
    doc = perms_case(
        "permissions:\n  contents: read\n", "    permissions:\n      contents: write\n      packages: none\n      checks: write\n"
    )
    assert doc["permissions"] == {"contents": "read"}
    assert doc["jobs"]["b"]["permissions"] == {"contents": "write", "packages": "write", "checks": "write"}


def test_workflow_level_permissions_are_kept_and_the_caller_job_gets_its_own():
    doc = perms_case("permissions:\n  contents: read\n  issues: write\n")
    assert doc["permissions"] == {"contents": "read", "issues": "write"}
    assert doc["jobs"]["b"]["permissions"] == {"contents": "read", "packages": "write"}


def test_workflow_level_packages_write_moves_to_the_caller_job_when_no_other_job_inherits_it():
    text = f"on: [push, workflow_dispatch]\npermissions:\n  contents: read\n  packages: write\njobs:\n  b:\n    uses: {REUSABLE}@main\n"
    text += "  t:\n    permissions: {contents: read}\n    runs-on: x\n    steps: [{run: x}]\n"
    result = update_caller(text, resolve(BASE))
    doc = load(result)
    assert doc["permissions"] == {"contents": "read"}
    assert doc["jobs"]["b"]["permissions"] == {"contents": "read", "packages": "write"}
    assert doc["jobs"]["t"]["permissions"] == {"contents": "read"}
    assert update_caller(result, resolve(BASE)) == result


def test_workflow_level_packages_write_stays_while_another_job_inherits_it():
    doc = perms_case("permissions:\n  contents: read\n  packages: write\n")
    assert doc["permissions"] == {"contents": "read", "packages": "write"}  # job t may need it: the user's call
    assert doc["jobs"]["b"]["permissions"] == {"contents": "read", "packages": "write"}


def test_no_permissions_anywhere_grants_the_caller_job_alone():
    doc = perms_case("")
    assert "permissions" not in doc
    assert doc["jobs"]["b"]["permissions"] == {"contents": "read", "packages": "write"}


def test_workflow_level_write_all_and_read_all_are_left_alone():
    for level in ("write-all", "read-all"):
        doc = perms_case(f"permissions: {level}\n")
        assert doc["permissions"] == level
        assert doc["jobs"]["b"]["permissions"] == {"contents": "read", "packages": "write"}


def test_job_level_read_all_is_spelled_out_with_packages_raised():
    expanded = perms_case("", "    permissions: read-all\n")["jobs"]["b"]["permissions"]
    assert expanded["packages"] == "write"
    assert expanded["contents"] == expanded["actions"] == expanded["pull-requests"] == "read"


# -- interface -------------------------------------------------------------------------------------------


def test_interface_removes_inputs_the_reusable_workflow_does_not_declare():
    interface = parse_reusable_interface(
        "on:\n  workflow_call:\n    inputs:\n"
        + "".join(f"      {n}: {{type: string}}\n" for n in ("image_name", "context", "dockerfile", "tags", "registry", "cache_enabled"))
        + "    secrets:\n      REGISTRY_TOKEN: {required: true}\n"
    )
    result = update_caller(CALLER, resolve(BASE.updated(target=("runtime",))), interface=interface)
    assert "target" not in load(result)["jobs"]["build"]["with"]
    assert load(result)["jobs"]["build"]["with"]["registry_mirror"] == "mirror.gcr.io"  # the user's key stays


def test_interface_with_an_unfillable_required_input_is_an_error():
    interface = parse_reusable_interface("on:\n  workflow_call:\n    inputs:\n      platform: {type: string, required: true}\n")
    with pytest.raises(InputError, match="'platform'"):
        update_caller(CALLER, resolve(BASE), interface=interface)


# -- bad files -------------------------------------------------------------------------------------------


def test_malformed_yaml_names_line_and_column():
    text = "on: push\njobs:\n  b:\n    uses: x\n   bad: 1\n"
    with pytest.raises(InputError, match=r"build-image.yml is not valid YAML at line 5, column 4: .*line 3, column 3"):
        update_caller(text, resolve(BASE))


def test_duplicate_keys_are_malformed():
    with pytest.raises(InputError, match="not valid YAML"):
        update_caller("on: push\non: pull_request\njobs: {}\n", resolve(BASE))


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "name: x\nenv: {}\n", "on: push\njobs: [a]\n", ""])
def test_not_a_workflow_mapping_is_an_input_error(text):
    with pytest.raises(InputError, match="is not a workflow"):
        update_caller(text, resolve(BASE))


# -- files ruamel cannot carry line by line, and random plans ----------------------------------------------

MIXED_INDENT = f"""\
on:
  push:
      branches:
      - main
jobs:
    build:
      uses: {REUSABLE}@main
      with:
        image_name: ghcr.io/brikbyte-studios/example-node-api
        tags: x
    test:
        runs-on: x
        steps:
            - run: |
                echo hi

                echo bye
"""


def test_a_file_with_mixed_indentation_still_gets_a_correct_update():
    resolved = resolve(BASE.updated(target=("runtime",)))
    result = update_caller(MIXED_INDENT, resolved)
    before, after = load(MIXED_INDENT), load(result)
    assert after["jobs"]["test"] == before["jobs"]["test"]
    assert after["jobs"]["build"]["with"]["target"] == "runtime"
    assert after["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in after["on"]
    assert update_caller(result, resolved) == result


def comment_lines(text: str) -> Counter[str]:
    return Counter(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


plans = st.fixed_dictionaries(
    {
        "tags": st.lists(st.sampled_from(["v1.2.3", "latest", "sha-${{ github.sha }}", "v0.1.0"]), min_size=1, max_size=3, unique=True).map(
            tuple
        ),
        "target": st.sampled_from([None, "runtime", "build"]),
        "runs_on": st.sampled_from([None, "arc-runner-set"]),
        "cache_repo": st.sampled_from([None, "ghcr.io/brikbyte-studios/cache/example-node-api"]),
        "build_args": st.sampled_from([(), ("A=1",), ("A=1", "B=2,3")]),
        "registry_username": st.booleans(),
        "cache_enabled": st.booleans(),
        "job_id": st.sampled_from(["build-and-push", "image"]),
        "default_branch": st.sampled_from(["main", "develop"]),
    }
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(CASES)), changes=plans, pinned=st.sampled_from([None, SHA]), crlf=st.booleans())
def test_any_plan_on_any_fixture_keeps_comments_and_other_jobs_and_is_idempotent(name, changes, pinned, crlf):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if crlf:
        text = text.replace("\n", "\r\n")
    resolved = resolve(BASE.updated(**changes))
    result = update_caller(text, resolved, pinned_sha=pinned)
    assert update_caller(result, resolved, pinned_sha=pinned) == result
    assert not comment_lines(text) - comment_lines(result)
    if crlf:
        assert result.count("\n") == result.count("\r\n")
    before, after = load(text), load(result)
    callers = [j for j, body in after["jobs"].items() if str(body.get("uses", "")).startswith(REUSABLE + "@")]
    assert len(callers) == 1
    job = after["jobs"][callers[0]]
    assert job["uses"] == f"{REUSABLE}@{pinned or 'main'}"
    assert tag_list(job["with"]["tags"]) == list(resolved.tags)
    assert ("target" in job["with"]) == bool(changes["target"])
    assert ("REGISTRY_USERNAME" in job["secrets"]) == changes["registry_username"]
    for other, body in before["jobs"].items():
        if other not in callers:
            assert after["jobs"][other] == body
