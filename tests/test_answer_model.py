"""The answers, declared once (wizard/core/plan.py): flags, the answers file, its JSON Schema, the steps that read
them and both interactive faces all come from that one declaration, so none of them can drift from the others."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from wizard.cli import ANSWER_PREFIX, answer_flags, build_parser, main
from wizard.core.answers import SCHEMA_COMMENT, dump_answers, load_answers
from wizard.core.plan import ANSWERS, Plan, step_answers
from wizard.core.schema import answers_schema
from wizard.core.spec import Kind
from wizard.engine.steps import default_steps
from wizard.errors import InputError

REPO = "BrikByte-Studios/example-node-api"
# One value per answer, as a user would type it on the command line, and the typed value it must become.
SAMPLES: dict[str, tuple[list[str], Any]] = {
    "repo": (["--repo", REPO], REPO),
    "org": (["--org", "acme"], "acme"),
    "registry": (["--registry", "registry.example.com"], "registry.example.com"),
    "service": (["--service", "zzz"], "zzz"),
    "reusable_workflow": (["--reusable-workflow", "acme/.github/.github/workflows/k.yml@v1"], "acme/.github/.github/workflows/k.yml@v1"),
    "pin_reusable_workflow": (["--pin-reusable-workflow"], True),
    "workflow_path": (["--workflow-path", ".github/workflows/img.yml"], ".github/workflows/img.yml"),
    "default_branch": (["--default-branch", "trunk"], "trunk"),
    "job_id": (["--job-id", "image"], "image"),
    "context": (["--context", "app"], "app"),
    "dockerfile": (["--dockerfile", "app/Dockerfile"], "app/Dockerfile"),
    "tags": (["--tags", "v1, latest"], ("v1", "latest")),
    "cache_enabled": (["--no-cache"], False),
    "cache_repo": (["--cache-repo", "ghcr.io/acme/cache"], "ghcr.io/acme/cache"),
    "target": (["--target", "test,production", "--target", "e2e"], ("test", "production", "e2e")),
    "build_args": (["--build-args", "A=1", "--build-arg", "B=2,3, C=x y"], ("A=1", "B=2,3", "C=x y")),
    "runs_on": (["--runs-on", "arc-runner"], "arc-runner"),
    "executor": (["--executor", "gcr.io/kaniko-project/executor:v1.23.2"], "gcr.io/kaniko-project/executor:v1.23.2"),
    "builder": (["--builder", "container"], "container"),
    "insecure_registry": (["--insecure-registry", "registry.local:5000"], "registry.local:5000"),
    "registry_mirror": (
        ["--registry-mirror", "mirror.gcr.io", "--registry-mirror", "registry.local:5000/hub"],
        ("mirror.gcr.io", "registry.local:5000/hub"),
    ),
    "kaniko_args": (
        ["--kaniko-args=--snapshot-mode=redo", "--kaniko-args", "--use-new-run --cache-ttl=24h"],
        ("--snapshot-mode=redo", "--use-new-run", "--cache-ttl=24h"),
    ),
    "strategy": (["--strategy", "pat"], "pat"),
    "scope": (["--scope", "environment"], "environment"),
    "visibility": (["--visibility", "private"], "private"),
    "environment": (["--environment", "production"], "production"),
    "registry_username": (["--registry-username"], True),
    "secret_env": (["--secret-env", "REGISTRY_PAT=MY_PAT"], {"REGISTRY_PAT": "MY_PAT"}),
    "delivery": (["--deliver", "commit"], "commit"),
    "api_url": (["--api-url", "https://github.example.com/api/v3"], "https://github.example.com/api/v3"),
}


def run_main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's own exits (usage errors, --help)
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def flags_in_help(command: str) -> set[str]:
    """The answer flags `COMMAND --help` shows (the answers group only)."""
    code, out, _ = run_main(command, "--help")
    assert code == 0
    section = out.split("answers (override the answers file", 1)[1].split("where the answers come from", 1)[0]
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", section))


def test_every_answer_has_a_sample() -> None:
    assert set(SAMPLES) == {a.name for a in ANSWERS}


@pytest.mark.parametrize("command", ["plan", "apply", "validate"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_an_answer_flag_counts_the_same_before_or_after_the_command(command: str, name: str) -> None:
    argv, typed = SAMPLES[name]
    parser = build_parser()
    before = answer_flags(parser.parse_args([*argv, command]))
    after = answer_flags(parser.parse_args([command, *argv]))
    assert before == after == {name: typed}


def test_a_flag_before_plan_reaches_the_plan() -> None:
    code, out, err = run_main("--service", "zzz", "--no-cache", "plan", "--repo", REPO, "--offline", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["image"] == "ghcr.io/brikbyte-studios/zzz"
    assert report["cache_enabled"] is False


@pytest.mark.parametrize("command", [["inspect-log", "x.log"], ["schema"], ["demo", "--headless"], ["auth", "status"]])
def test_an_answer_flag_before_a_command_that_reads_none_is_refused(command: list[str]) -> None:
    code, _, err = run_main("--service", "zzz", *command)
    assert code == 2
    assert "--service" in err and "not an option" in err


def test_a_malformed_mapping_flag_is_a_usage_error() -> None:
    code, _, err = run_main("plan", "--repo", REPO, "--offline", "--secret-env", "REGISTRY_PAT")
    assert code == 2 and "NAME=VAR" in err and "Traceback" not in err


def test_the_schema_is_a_valid_2020_12_schema_with_one_property_per_repo_answer() -> None:
    code, out, _ = run_main("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema == answers_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    # Where the token goes and where secret values come from are the user's settings, not answers-file keys.
    assert set(schema["properties"]) == {a.name for a in ANSWERS if a.meta.from_repo}
    assert {a.name for a in ANSWERS if not a.meta.from_repo} == {"api_url", "secret_env"}


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_every_schema_property_is_a_flag_of_the_command_and_back(command: str) -> None:
    properties = set(answers_schema()["properties"])
    shown = flags_in_help(command)
    for name in properties:
        assert "--" + name.replace("_", "-") in shown, f"{name} has no flag in `{command} --help`"
    flag_names = {flag.removeprefix("--").removeprefix("no-").replace("-", "_") for flag in shown}
    aliases = {alias.removeprefix("--").removeprefix("no-").replace("-", "_") for a in ANSWERS for alias in a.meta.aliases}
    assert flag_names - aliases == properties | {a.name for a in ANSWERS if not a.meta.from_repo}


def test_the_written_answers_file_validates_and_names_its_schema() -> None:
    plan = Plan(repo=REPO, service="orders", tags=("v1", "latest"), strategy="pat", scope="environment", environment="prod")
    text = dump_answers(plan)
    assert text.startswith(f"# {SCHEMA_COMMENT}\n")
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(text)
    Draft202012Validator(answers_schema()).validate(data)
    assert load_answers(text) == plan


@pytest.mark.parametrize(
    "bad",
    [
        {"version": 1, "servise": "typo"},
        {"version": 2},
        {"version": 1, "cache_enabled": "yes"},
        {"version": 1, "strategy": "token"},
        {"version": 1, "tags": [1, 2]},
    ],
)
def test_the_schema_and_the_loader_refuse_the_same_bad_files(bad: dict[str, Any]) -> None:
    errors = list(Draft202012Validator(answers_schema()).iter_errors(bad))
    assert errors, f"the schema accepted {bad}"
    text = json.dumps(bad)  # JSON is YAML
    with pytest.raises(InputError):
        plan = load_answers(text)
        from wizard.core.plan import check_plan

        check_plan(plan.updated(repo=REPO))


def test_every_answer_is_read_by_a_step_and_every_asked_answer_by_the_step_that_asks_it() -> None:
    steps = {s.name: s for s in default_steps()}
    read = set().union(*(s.reads for s in steps.values()))
    assert read == {a.name for a in ANSWERS}
    for answer in ANSWERS:
        if answer.meta.step is not None:
            assert answer.name in steps[answer.meta.step].reads, f"{answer.meta.step} asks {answer.name} but does not read it"
    assert set(read) <= {a.name for a in ANSWERS}


def test_a_secret_scope_change_makes_the_preflight_stale_in_the_engine() -> None:
    from wizard.engine.runner import stale_after

    assert "preflight" in stale_after(default_steps(), {"scope"})
    assert "preflight" in stale_after(default_steps(), {"delivery"})
    assert stale_after(default_steps(), {"visibility"}) == ["secrets", "workflow", "summary"]


def test_every_asked_answer_has_what_a_face_needs_to_ask_it() -> None:
    for answer in ANSWERS:
        if answer.meta.step is None:
            continue
        assert answer.prompt
        if answer.kind is Kind.CHOICE:
            assert answer.meta.options and all(o.label for o in answer.meta.options)


@pytest.mark.slow
def test_no_import_cycle_between_the_packages() -> None:
    import ast
    from graphlib import CycleError, TopologicalSorter

    root = Path(__file__).resolve().parent.parent / "wizard"
    edges: dict[str, set[str]] = {}

    def unit(module: str) -> str:
        return ".".join(module.split(".")[:2])

    for path in root.rglob("*.py"):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                names = [".".join([*base, node.module] if node.module else base)] if node.level else [node.module or ""]
            for name in names:
                if name.startswith("wizard.") and unit(name) not in (unit(module), "wizard.__init__"):
                    edges.setdefault(unit(module), set()).add(unit(name))
    try:
        tuple(TopologicalSorter(edges).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle between packages: {exc.args[1]}")
    faces = ("wizard.tui", "wizard.prompt_face")
    for face in faces:
        assert "wizard.commands" not in edges.get(face, set()), f"{face} imports the commands"
        assert "wizard.app" not in edges.get(face, set()), f"{face} builds sessions itself"
    importers_of_sandbox = {src for src, dst in edges.items() if "wizard.sandbox" in dst}
    assert importers_of_sandbox <= {"wizard.app", "wizard.commands"}, importers_of_sandbox


def test_the_step_list_and_the_answers_name_the_same_steps() -> None:
    from wizard.engine.step_info import STEP_NAMES

    assert {a.meta.step for a in ANSWERS if a.meta.step} <= set(STEP_NAMES)
    assert [s.name for s in default_steps()] == list(STEP_NAMES)
    assert [a.name for a in step_answers("secrets")] == ["strategy", "scope", "visibility", "environment"]
