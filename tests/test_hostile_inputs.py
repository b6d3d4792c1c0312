"""Hostile local input: files and answers that try to escape the checkout, blow up a parser or smuggle
control characters. Each ends in exit 2 with one line, nothing written, nothing of the file echoed.

Speed on the largest inputs is measured in bench/bench_hostile_inputs.py; here the shapes are smaller.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from wizard.core import naming
from wizard.core.answers import MAX_ANSWERS_BYTES, load_answers
from wizard.core.dockerfile import MAX_DOCKERFILE_BYTES, DockerfileError, parse_dockerfile
from wizard.core.plan import Plan, check_plan
from wizard.core.shell_words import split_words
from wizard.errors import InputError
from wizard.fsutil import inside_checkout

# A line no Dockerfile has, standing for a file's private content: it must never appear in an error.
PRIVATE = "root:x:0:0:" + os.urandom(6).hex()


def one_line_error(res) -> str:  # type: ignore[no-untyped-def]
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, res.stderr  # the error, and at most one line of what to do
    return res.stderr


# --- paths -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--workflow-path", ".github/workflows/../../../outside.yml"),
        ("--workflow-path", ".github/workflows/sub/build.yml"),
        ("--workflow-path", "/etc/cron.d/build.yml"),
        ("--workflow-path", ".github/workflows/build.yml\n"),
        ("--dockerfile", "../../../../etc/passwd"),
        ("--dockerfile", "/etc/passwd"),
        ("--context", "app/../../.."),
        ("--context", "C:\\Windows"),
    ],
)
def test_paths_outside_the_checkout_are_refused(tmp_path: Path, flag: str, value: str) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    res = run_cli("plan", "--offline", "--repo", "o/svc", "--checkout", str(tmp_path), flag, value)
    err = one_line_error(res)
    assert flag.removeprefix("--").replace("-", " ") in err
    assert list(tmp_path.iterdir()) == [tmp_path / "Dockerfile"], "nothing written"


def test_a_symlinked_workflow_file_is_refused_not_replaced(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("name: mine\n")
    checkout = tmp_path / "checkout"
    (checkout / ".github" / "workflows").mkdir(parents=True)
    (checkout / "Dockerfile").write_text("FROM alpine:3.20\n")
    (checkout / ".github" / "workflows" / "build-image.yml").symlink_to(outside)
    res = run_cli("plan", "--offline", "--repo", "o/svc", "--checkout", str(checkout))
    err = one_line_error(res)
    assert "symbolic link" in err
    assert outside.read_text() == "name: mine\n"
    assert (checkout / ".github" / "workflows" / "build-image.yml").is_symlink()


def test_a_symlinked_folder_on_the_way_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "Dockerfile").write_text(PRIVATE + "\n")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "docker").symlink_to(elsewhere)
    with pytest.raises(InputError, match="symbolic link"):
        inside_checkout(checkout, "docker/Dockerfile", "dockerfile")
    res = run_cli("plan", "--offline", "--repo", "o/svc", "--checkout", str(checkout), "--dockerfile", "docker/Dockerfile")
    err = one_line_error(res)
    assert PRIVATE not in err + res.stdout


def test_a_dockerfile_error_never_echoes_the_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(f"{PRIVATE}\nFROM alpine\n")
    res = run_cli("plan", "--offline", "--repo", "o/svc", "--checkout", str(tmp_path))
    err = one_line_error(res)
    assert "unknown instruction" in err and "line 1" in err
    assert PRIVATE not in err + res.stdout
    assert "root" not in err


# --- sizes and shapes --------------------------------------------------------------------------------------


def test_an_oversized_dockerfile_is_refused_without_parsing() -> None:
    with pytest.raises(DockerfileError, match="MiB"):
        parse_dockerfile("FROM alpine\nRUN " + "x" * MAX_DOCKERFILE_BYTES + "\n")


def test_binary_content_is_not_a_dockerfile() -> None:
    with pytest.raises(DockerfileError, match="line 2: binary content"):
        parse_dockerfile("FROM alpine\nRUN \0\n")


@pytest.mark.parametrize(
    "text",
    [
        "FROM a\nRUN " + "x" * 200_000 + "\n",  # one long word
        "FROM a\nRUN " + "'x' " * 50_000 + "\n",  # many quoted words
        "FROM a\nARG " + "A=b " * 50_000 + "\n",  # many ARG words
        "FROM a\n" + "RUN x\n" * 30_000,  # many instructions in one stage
        "FROM a\nRUN x \\\n" + "  y \\\n" * 30_000 + "  z\n",  # one instruction continued on many lines
        "FROM a\nRUN " + "--x " * 50_000 + "y\n",  # many flags
    ],
)
def test_large_dockerfile_shapes_parse_to_the_same_structure(text: str) -> None:
    df = parse_dockerfile(text)
    assert df.stages[0].base == "a"
    assert df.stages[0].instructions, "the instructions are kept"


@pytest.mark.parametrize(
    "text",
    ["a b c", "'a b' \"c d\" e", "x=\"a b\" y='c'", "a\\ b c", '"a \\" b"', "FOO=bar BAZ", "  spaced   out  ", "<<EOF cat"],
)
def test_words_split_as_shlex_does(text: str) -> None:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    assert split_words(text, posix=True) == list(lexer)
    # Without posix the same words keep their quotes (heredoc markers like <<"EOF" are matched quoted).
    assert len(split_words(text)) == len(split_words(text, posix=True))


def test_an_oversized_answers_file_is_refused() -> None:
    text = "tags:\n" + "".join(f"  - t{i}\n" for i in range(200_000))
    assert len(text) > MAX_ANSWERS_BYTES
    with pytest.raises(InputError, match="KiB"):
        load_answers(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("service: a\nservice: b\n", "appears twice (line 2)"),
        ("tags: &t [a, b]\nbuild_args: *t\n", "anchors and aliases"),
        ("service: &s api\n", "anchors and aliases"),
        ("tags: " + "[" * 5000 + "]" * 5000 + "\n", "nests too deeply"),
        ("version: 99\n", "version 99"),
        ("tags: {a: 1}\n", "tags must be"),
        ("service: !!python/object:os.system x\n", "service must be a string"),
    ],
)
def test_bad_answers_files_get_one_clear_error(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=None) as caught:
        load_answers(text)
    assert fragment in str(caught.value)


def test_too_many_tags_are_refused() -> None:
    with pytest.raises(naming.NamingError, match="more than"):
        naming.normalise_tags([f"t{i}" for i in range(naming.MAX_TAGS + 1)])
    assert len(naming.normalise_tags([f"t{i % 7}" for i in range(10_000)])) == 7  # duplicates are not "many"


# --- names with control characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scope": "environment", "environment": "production\n"},
        {"scope": "environment", "environment": "prod\nuction"},
        {"scope": "environment", "environment": "prod\x1b[31m"},
        {"scope": "environment", "environment": "production "},
        {"scope": "environment", "environment": "p" * 256},
        {"repo": "o/svc\n"},
        {"job_id": "build\n"},
        {"secret_env": {"REGISTRY_PAT": "MY_PAT\n"}},
    ],
)
def test_names_with_control_characters_or_past_their_limit_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        check_plan(Plan(**{"repo": "o/svc", **kwargs}))  # type: ignore[arg-type]


def test_an_environment_name_at_its_limit_is_accepted() -> None:
    check_plan(Plan(repo="o/svc", scope="environment", environment="p" * 255))
    check_plan(Plan(repo="o/svc", scope="environment", environment="staging eu-west/2"))
