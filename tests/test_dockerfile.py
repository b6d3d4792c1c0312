from __future__ import annotations

import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.assets import demo_repo_dir
from wizard.core.credential_args import credential_args, looks_like_credential
from wizard.core.dockerfile import DockerfileError, parse_dockerfile
from wizard.errors import EXIT_USAGE, InputError

MULTI = """\
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-alpine AS Base
RUN echo base
FROM base AS builder
RUN make
FROM alpine:3.20 AS assets
RUN fetch-assets
FROM scratch AS unused
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
FROM gcr.io/distroless/nodejs22
COPY --from=BUILDER /out /app
COPY --from=2 /assets /app/assets
"""


def _texts(dockerfile: str) -> list[str]:
    return [i.text for s in parse_dockerfile(dockerfile).stages for i in s.instructions]


# --- the demo service -------------------------------------------------------------------------


def test_demo_dockerfile_has_deps_test_production_stages() -> None:
    df = parse_dockerfile((demo_repo_dir() / "Dockerfile").read_text())
    assert df.targets == ["deps", "test", "production"]
    assert df.stage_for_target(None).name == "production"
    assert [s.name for s in df.stages_needed(None)] == ["deps", "production"]
    assert [s.name for s in df.stages_needed("test")] == ["deps", "test"]
    assert {s.base for s in df.stages if s.name != "test"} == {"node:22-alpine"}
    deps = df.stage_for_target("deps")
    assert [i.keyword for i in deps.instructions] == ["WORKDIR", "COPY", "RUN"]
    assert deps.instructions[2].text == "RUN npm ci --omit=dev --ignore-scripts     && npm cache clean --force"
    assert credential_args(df) == []


def test_demo_dockerfile_copies_only_files_that_exist() -> None:
    repo = demo_repo_dir()
    df = parse_dockerfile((repo / "Dockerfile").read_text())
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword == "COPY" and "from" not in ins.flags:
                *sources, _dest = ins.operands.split()
                assert all((repo / src).exists() for src in sources), ins.text


# --- stages, targets, dependencies -------------------------------------------------------------


def test_stages_names_are_lowercased_and_targets_listed_in_order() -> None:
    df = parse_dockerfile(MULTI)
    assert [(s.index, s.name, s.line) for s in df.stages] == [
        (0, "base", 2),
        (1, "builder", 4),
        (2, "assets", 6),
        (3, "unused", 8),
        (4, None, 10),
    ]
    assert df.targets == ["base", "builder", "assets", "unused"]
    assert [a.text for a in df.global_args] == ["ARG NODE_VERSION=22"]
    assert df.stages[0].base == "node:${NODE_VERSION}-alpine"


def test_dependencies_follow_from_stage_and_copy_from_by_name_and_index() -> None:
    df = parse_dockerfile(MULTI)
    assert df.stages[1].depends_on == (0,)  # FROM base
    assert df.stages[3].depends_on == ()  # --from an image is not a stage
    assert df.stages[4].depends_on == (1, 2)  # --from=BUILDER (any case) and --from=2
    assert [s.index for s in df.stages_needed(None)] == [0, 1, 2, 4]
    assert [s.index for s in df.stages_needed("BUILDER")] == [0, 1]
    assert [s.index for s in df.stages_needed("unused")] == [3]


def test_unknown_target_lists_the_candidates() -> None:
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile(MULTI).stage_for_target("prod")
    assert "'prod'" in err.value.message
    assert "base, builder, assets, unused" in (err.value.hint or "")


def test_unknown_target_without_named_stages_says_so() -> None:
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile("FROM alpine\n").stage_for_target("x")
    assert "names no stage" in (err.value.hint or "")


# --- line joining ------------------------------------------------------------------------------


def test_continuation_joins_pieces_without_adding_space() -> None:
    df = parse_dockerfile("FROM alpine\nRUN apk add \\\n    curl\nUSER nobody\n")
    run, user = df.stages[0].instructions
    assert run.text == "RUN apk add     curl"
    assert (run.keyword, run.args, run.line) == ("RUN", "apk add     curl", 2)
    assert user.line == 4


def test_comment_and_blank_lines_inside_a_continuation_are_skipped() -> None:
    text = "FROM alpine\nRUN apk add \\\n  # the client\n    curl \\\n\n    git\nEXPOSE 80\n"
    run, expose = parse_dockerfile(text).stages[0].instructions
    assert run.text == "RUN apk add     curl     git"
    assert expose.line == 7


def test_crlf_line_endings_parse_like_lf() -> None:
    lf = "# syntax=docker/dockerfile:1\nFROM alpine AS a\nRUN echo one \\\n  two\nCOPY . /src\n"
    crlf = lf.replace("\n", "\r\n")
    assert parse_dockerfile(crlf) == parse_dockerfile(lf)
    assert _texts(crlf) == ["RUN echo one   two", "COPY . /src"]


def test_escaped_escape_char_is_not_a_continuation() -> None:
    assert _texts("FROM alpine\nRUN echo a\\\\\nRUN echo b\n") == ["RUN echo a\\\\", "RUN echo b"]


def test_backtick_escape_directive_changes_the_continuation_char() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n    /s\n"
    df = parse_dockerfile(text)
    copy, run = df.stages[0].instructions
    assert copy.text == "COPY testfile.txt c:\\"
    assert (run.text, run.line) == ("RUN dir c:\\     /s", 4)


def test_directive_after_a_comment_is_only_a_comment() -> None:
    text = "# hello\n# escape=`\nFROM alpine\nRUN echo a `\n"
    assert _texts(text) == ["RUN echo a `"]


def test_utf8_bom_and_indented_comments_are_ignored() -> None:
    assert _texts("\ufeffFROM alpine\n   # note\n  RUN true\n") == ["RUN true"]


def test_keyword_is_case_insensitive_and_text_keeps_the_written_form() -> None:
    df = parse_dockerfile("from alpine as Build\nrun  echo hi\n")
    (run,) = df.stages[0].instructions
    assert df.targets == ["build"]
    assert (run.keyword, run.args, run.text) == ("RUN", "echo hi", "run  echo hi")


# --- flags, JSON form, heredocs ----------------------------------------------------------------


def test_leading_flags_are_collected_and_repeated_ones_kept_in_order() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n"
        "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm go build ./...\n"
        "COPY --chown=app:app --link --from=build /out /app\n"
    )
    df = parse_dockerfile(text)
    run, copy = df.stages[0].instructions
    assert df.stages[0].base == "golang:1.23"
    assert run.flag_items == (("mount", "type=cache,target=/root/.cache"), ("mount", "type=secret,id=npm"))
    assert run.operands == "go build ./..."
    assert copy.flags == {"chown": "app:app", "link": "", "from": "build"}
    assert copy.args == "--chown=app:app --link --from=build /out /app"


def test_json_form_is_kept_as_written() -> None:
    df = parse_dockerfile('FROM alpine\nCMD ["node",  "server.js"]\nRUN echo [x]\n')
    cmd, run = df.stages[0].instructions
    assert cmd.args == '["node",  "server.js"]'
    assert cmd.is_exec_form and not run.is_exec_form


def test_heredoc_body_belongs_to_the_instruction() -> None:
    text = (
        "FROM alpine\n"
        "RUN <<EOF\n"
        "# not a comment here\n"
        "apk add curl\n"
        "EOF\n"
        "COPY <<-'CONF' /etc/app.conf\n"
        "\tkey = value\n"
        "\tCONF\n"
        "USER nobody\n"
    )
    run, copy, user = parse_dockerfile(text).stages[0].instructions
    assert (run.text, run.heredocs) == ("RUN <<EOF", ("# not a comment here\napk add curl\n",))
    assert (copy.text, copy.heredocs) == ("COPY <<-'CONF' /etc/app.conf", ("\tkey = value\n",))
    assert (user.text, user.line) == ("USER nobody", 9)


def test_two_heredocs_on_one_line_are_read_in_order() -> None:
    text = "FROM alpine\nCOPY <<A <<B /dst/\none\nA\ntwo\nB\nRUN true\n"
    copy, run = parse_dockerfile(text).stages[0].instructions
    assert copy.heredocs == ("one\n", "two\n")
    assert run.line == 7


def test_heredoc_marker_in_json_form_is_not_a_heredoc() -> None:
    assert _texts('FROM alpine\nRUN ["cat", "<<EOF"]\nUSER nobody\n') == ['RUN ["cat", "<<EOF"]', "USER nobody"]


def test_unterminated_heredoc_is_an_error_at_its_line() -> None:
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile("FROM alpine\nRUN <<EOF\necho hi\n")
    assert err.value.line == 2
    assert "unterminated heredoc" in err.value.message


# --- credential ARGs ---------------------------------------------------------------------------


def test_credential_arg_is_flagged_with_the_kaniko_secret_fix() -> None:
    text = "FROM node:22-alpine AS deps\nARG NPM_TOKEN\nCOPY .npmrc ./\nRUN npm ci\n"
    (found,) = credential_args(parse_dockerfile(text))
    assert (found.name, found.line, found.stage) == ("NPM_TOKEN", 2, "deps")
    assert "image history" in found.message
    assert "RUN --mount=type=secret,id=npm_token,dst=/kaniko/npm_token" in found.fix
    assert 'NPM_TOKEN="$(cat /kaniko/npm_token)"' in found.fix
    assert "stores it as BUILD_SECRET_NPM_TOKEN" in found.fix and "BRIK_SECRET_BUILD_SECRET_NPM_TOKEN" in found.fix
    assert "writes it to /kaniko/npm_token before the executor runs" in found.fix
    assert "line 4" in found.fix  # the RUN that needs it


def test_credential_default_value_never_appears_in_the_finding() -> None:
    value = "ghp_" + secrets.token_hex(18)
    (found,) = credential_args(parse_dockerfile(f"FROM alpine\nARG GITHUB_TOKEN={value}\n"))
    assert value not in found.message + found.fix
    assert "default value" in found.message


def test_credential_args_in_global_scope_unnamed_stage_and_multi_declarations() -> None:
    text = "ARG REGISTRY_PASSWORD\nFROM alpine\nARG NODE_VERSION=22 apiKey=x DB_PASS\nRUN true\n"
    found = credential_args(parse_dockerfile(text))
    assert [(f.name, f.line, f.stage) for f in found] == [("REGISTRY_PASSWORD", 1, None), ("apiKey", 3, "0"), ("DB_PASS", 3, "0")]
    assert "id=apikey,dst=/kaniko/apikey" in found[1].fix


def test_a_credential_declared_again_in_the_same_stage_is_reported_once() -> None:
    text = "FROM alpine\nARG NPM_TOKEN\nARG NPM_TOKEN\nRUN true\nFROM alpine AS two\nARG NPM_TOKEN\n"
    found = credential_args(parse_dockerfile(text))
    assert [(f.name, f.line, f.stage) for f in found] == [("NPM_TOKEN", 2, "0"), ("NPM_TOKEN", 6, "two")]


@pytest.mark.parametrize(
    "name",
    [
        "NPM_TOKEN",
        "API_KEY",
        "DB_PASSWORD",
        "GITHUB_PAT",
        "SSH_PRIVATE_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "REGISTRY_CREDENTIALS",
        "NPM_AUTH",
        "npmAuthToken",
        "APIKEY",
        "SMTP_PASSWD",
    ],
)
def test_credential_names_match(name: str) -> None:
    assert looks_like_credential(name)


@pytest.mark.parametrize(
    "name",
    [
        "NODE_VERSION",
        "KEYBOARD_LAYOUT",
        "MONKEY",
        "BUILD_DATE",
        "PASSENGER_COUNT",
        "TOKENIZER_MODEL",
        "PATH_PREFIX",
        "AUTHOR",
        "COMMIT_SHA",
    ],
)
def test_ordinary_names_do_not_match(name: str) -> None:
    assert not looks_like_credential(name)


def test_ordinary_args_are_not_flagged() -> None:
    text = "ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}\nARG KEYBOARD_LAYOUT=us\nARG BUILD_DATE\n"
    assert credential_args(parse_dockerfile(text)) == []


# --- malformed input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "no FROM"),
        ("# only a comment\nARG X=1\n", 2, "no FROM"),
        ("ARG A\nRUN echo hi\nFROM alpine\n", 2, "before the first FROM"),
        ("FROM alpine\nFROM\n", 2, "FROM requires at least one argument"),
        ("FROM alpine\nFROM --platform=linux/amd64\n", 2, "FROM requires at least one argument"),
        ("FROM alpine AS\n", 1, "FROM takes an image"),
        ("FROM alpine base\n", 1, "FROM takes an image"),
        ("FROM alpine\nFORM x\n", 2, "unknown instruction: FORM"),
        ("FROM alpine AS a\nFROM alpine AS A\n", 2, "duplicate stage name"),
        ("FROM alpine AS 1st\n", 1, "invalid stage name"),
        ("FROM alpine\nCOPY --from=0 /a /b\n", 2, "not an earlier stage"),
        ("# escape=x\nFROM alpine\n", 1, "invalid escape token"),
        ("# escape=`\n# escape=\\\nFROM alpine\n", 2, "only one escape parser directive"),
        ("FROM alpine\nRUN \\\n\n", 2, "RUN requires at least one argument"),
    ],
)
def test_malformed_input_is_an_input_error_with_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(DockerfileError) as err:
        parse_dockerfile(text)
    assert isinstance(err.value, InputError) and err.value.exit_code == EXIT_USAGE
    assert err.value.line == line
    assert words in err.value.message
    assert err.value.message.startswith(f"Dockerfile line {line}: ")


_LINES = st.sampled_from(
    [
        "FROM alpine",
        "FROM alpine AS b",
        "FROM b",
        "ARG X=1",
        "RUN echo a \\",
        "  # c",
        "",
        "RUN <<EOF",
        "EOF",
        "COPY --from=0 a b",
        "COPY --from=b a b",
        "# escape=`",
        "run x `",
        'CMD ["a"]',
        "\t",
    ]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_any_input_parses_or_raises_dockerfile_error(lines: list[str], newline: str) -> None:
    try:
        df = parse_dockerfile(newline.join(lines))
    except DockerfileError as err:
        assert err.line is None or err.line >= 1
        return
    assert df.stages
    for stage in df.stages:
        assert all(dep < stage.index for dep in stage.depends_on)
        assert all("\r" not in ins.text and "\n" not in ins.text for ins in stage.instructions)
