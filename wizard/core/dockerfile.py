"""Read a Dockerfile the way Docker's (BuildKit's) parser does: text in, stages and instructions out.

Line joining follows moby/buildkit frontend/dockerfile/parser/parser.go: the first physical line of an
instruction loses its leading whitespace, continuation lines keep theirs, the escape character (plus
trailing blanks) is cut and the pieces are concatenated with nothing in between, so
"RUN apk add \\\n    curl" becomes "RUN apk add     curl". Comment lines and blank lines inside a
continuation are skipped. `Instruction.text` is that joined line with outer whitespace trimmed, which is
what BuildKit's `withNameAndCode.String()` returns and Kaniko echoes and hashes (`command.String()`):
the keyword keeps its written case. Heredoc bodies are not part of it (BuildKit keeps them apart).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from wizard.core.shell_words import skip_blanks, split_words
from wizard.errors import InputError

KEYWORDS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
_FLAG = re.compile(r"""--(?:[^\s"']|"[^"]*"|'[^']*')*(?=\s|$)""")
_HEREDOC = re.compile(r"""^\d*<<(-?)(["']?)([^<"'\s]+)\2$""")
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")
# GitHub's contents API serves files up to 1 MB; real Dockerfiles are a few KB. Past this, refuse rather than parse.
MAX_DOCKERFILE_BYTES = 1024 * 1024


class DockerfileError(InputError):
    """The Dockerfile cannot be read; `line` is 1-based, None when no single line is at fault."""

    def __init__(self, message: str, line: int | None, hint: str | None = None) -> None:
        where = f"Dockerfile line {line}: " if line is not None else "Dockerfile: "
        super().__init__(where + message, hint or "fix the Dockerfile and run again")
        self.line = line


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    text: str
    line: int
    flags: dict[str, str] = field(default_factory=dict, hash=False)
    flag_items: tuple[tuple[str, str], ...] = ()  # every flag in order (RUN may repeat --mount)
    heredocs: tuple[str, ...] = ()  # heredoc bodies, each line ending in "\n"

    @property
    def operands(self) -> str:
        """`args` without the leading --flags (COPY's sources and destination, RUN's command)."""
        return _split_flags(self.args)[1]

    @property
    def is_exec_form(self) -> bool:
        return _is_json_list(self.operands)


@dataclass(frozen=True)
class Stage:
    index: int
    base: str
    name: str | None  # lower-cased, as BuildKit and Kaniko compare stage names
    instructions: tuple[Instruction, ...]  # the stage's instructions after its FROM
    line: int
    depends_on: tuple[int, ...] = ()  # earlier stages used by FROM <stage> or COPY --from


@dataclass(frozen=True)
class Dockerfile:
    stages: tuple[Stage, ...]
    global_args: tuple[Instruction, ...]

    @property
    def targets(self) -> list[str]:
        return [s.name for s in self.stages if s.name]

    def stage_for_target(self, target: str | None) -> Stage:
        if not target:
            return self.stages[-1]
        for stage in self.stages:  # Kaniko matches --target with strings.EqualFold
            if stage.name == target.lower():
                return stage
        hint = (
            f"choose one of: {', '.join(self.targets)}"
            if self.targets
            else "the Dockerfile names no stage (FROM <image> AS <name>); build without a target"
        )
        raise DockerfileError(f"no build stage named {target!r} to use as --target", None, hint)

    def stages_needed(self, target: str | None) -> list[Stage]:
        wanted: set[int] = set()
        todo = [self.stage_for_target(target).index]
        while todo:
            index = todo.pop()
            if index not in wanted:
                wanted.add(index)
                todo.extend(self.stages[index].depends_on)
        return [s for s in self.stages if s.index in wanted]


def parse_dockerfile(text: str) -> Dockerfile:
    check_dockerfile_text(text)
    instructions = [_instruction(line, logical, bodies) for line, logical, bodies in _logical_lines(text)]
    global_args: list[Instruction] = []
    stages: list[Stage] = []
    names: dict[str, int] = {}  # stage name -> index, to look names up in constant time
    bodies: list[list[Instruction]] = []  # each stage's instructions, frozen into the Stage at the end
    for ins in instructions:
        if ins.keyword == "FROM":
            stages.append(_new_stage(ins, len(stages), names))
            bodies.append([])
        elif not stages and ins.keyword == "ARG":
            global_args.append(ins)
        elif not stages:
            raise DockerfileError(
                f"{ins.keyword} comes before the first FROM", ins.line, "only ARG may precede FROM: start the build stage with FROM <image>"
            )
        else:
            bodies[-1].append(ins)
    stages = [replace(stage, instructions=tuple(body)) for stage, body in zip(stages, bodies, strict=True)]
    if not stages:
        line = instructions[-1].line if instructions else max(1, text.count("\n"))
        raise DockerfileError("no FROM instruction", line, "a Dockerfile needs at least one FROM <image>")
    return Dockerfile(tuple(_with_dependencies(s, names) for s in stages), tuple(global_args))


def check_dockerfile_text(text: str) -> None:
    """Refuse what no Dockerfile is: a file over the size limit, or binary content."""
    # Only a text of more than a quarter of the limit in characters can be over it in UTF-8 bytes.
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) > MAX_DOCKERFILE_BYTES // 4 else 0
    if size > MAX_DOCKERFILE_BYTES:
        raise DockerfileError(
            f"the file is {size / 1024 / 1024:.1f} MiB, over the {MAX_DOCKERFILE_BYTES // 1024 // 1024} MiB a Dockerfile may have here",
            None,
            "point --dockerfile at the image's Dockerfile",
        )
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise DockerfileError("binary content (a NUL byte), not a Dockerfile", line, "point --dockerfile at the image's Dockerfile")


def _logical_lines(text: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """(start line, joined instruction line, heredoc bodies) per instruction."""
    lines = [raw.rstrip("\r") for raw in text.removeprefix("\ufeff").split("\n")]
    escape, directives_open = "\\", True
    continuation = _continuation_regex(escape)
    seen: set[str] = set()
    out: list[tuple[int, str, tuple[str, ...]]] = []
    i = 0
    while i < len(lines):
        start, first = i + 1, lines[i].lstrip()
        i += 1
        if directives_open:
            match = _DIRECTIVE.match(first)
            if match and match[1].lower() in ("escape", "syntax"):
                escape = _directive(match[1].lower(), match[2], seen, start) or escape
                continuation = _continuation_regex(escape)
                continue
            directives_open = False
        if first.startswith("#"):
            continue
        piece, more = _cut_continuation(first, continuation, escape)
        if not more and not piece:
            continue
        pieces = [piece]
        while more and i < len(lines):
            raw = lines[i]
            i += 1
            if raw.lstrip().startswith("#") or not raw.strip():
                continue  # Docker skips comment and empty lines inside a continuation
            piece, more = _cut_continuation(raw, continuation, escape)
            pieces.append(piece)
        joined = "".join(pieces)
        bodies, i = _heredoc_bodies(joined, lines, i, start)
        out.append((start, joined, bodies))
    return out


def _directive(key: str, value: str, seen: set[str], line: int) -> str | None:
    if key in seen:
        raise DockerfileError(f"only one {key} parser directive can be used", line)
    seen.add(key)
    if key == "escape" and value not in ("\\", "`"):
        raise DockerfileError(f"invalid escape token {value!r}", line, "use # escape=\\ or # escape=`")
    return value if key == "escape" else None


def _continuation_regex(escape: str) -> re.Pattern[str]:
    # The escape char at the end continues the line unless it is itself escaped (BuildKit's rule).
    e = re.escape(escape)
    return re.compile(rf"([^{e}]){e}[ \t]*$|^{e}[ \t]*$")


def _cut_continuation(line: str, regex: re.Pattern[str], escape: str) -> tuple[str, bool]:
    if escape not in line:  # most lines: no regex search needed
        return line, False
    match = regex.search(line)
    if not match:
        return line, False
    return line[: match.start()] + (match.group(1) or ""), True


def _heredoc_bodies(joined: str, lines: list[str], i: int, start: int) -> tuple[tuple[str, ...], int]:
    if "<<" not in joined:
        return (), i
    keyword = _WHITESPACE.split(joined.strip(), maxsplit=1)[0].upper()
    if keyword not in _HEREDOC_KEYWORDS or _is_json_list(_split_flags(_after_keyword(joined))[1]):
        return (), i
    bodies: list[str] = []
    markers = [m for m in map(_HEREDOC.match, split_words(joined)) if m]
    for chomp, name in ((m[1] == "-", m[3]) for m in markers):
        body: list[str] = []
        while True:
            if i >= len(lines):
                raise DockerfileError(f"unterminated heredoc <<{name}", start, f"end it with a line {name}")
            raw = lines[i]
            i += 1
            if (raw.lstrip("\t") if chomp else raw) == name:
                break
            body.append(raw + "\n")
        bodies.append("".join(body))
    return tuple(bodies), i


def _after_keyword(text: str) -> str:
    parts = _WHITESPACE.split(text.strip(), maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def _split_flags(args: str) -> tuple[list[tuple[str, str]], str]:
    items: list[tuple[str, str]] = []
    pos = 0
    while match := _FLAG.match(args, pos):
        pos = skip_blanks(args, match.end())
        if match[0] == "--":  # "--" ends the flags, as in BuildKit
            break
        name, _, value = match[0][2:].partition("=")
        items.append((name, value))
    return items, args[pos:]


def _is_json_list(text: str) -> bool:
    if not text.lstrip().startswith("["):
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _instruction(line: int, joined: str, heredocs: tuple[str, ...]) -> Instruction:
    text = joined.strip()
    parts = _WHITESPACE.split(text, maxsplit=1)
    written = parts[0]
    keyword = written.upper()
    if keyword not in KEYWORDS:
        # Name the word only when it looks like a keyword: the line may be anything (even a secret), never echo it.
        shown = f": {written}" if re.fullmatch(r"[A-Za-z]{1,16}", written) else " (the line does not start with one)"
        raise DockerfileError(f"unknown instruction{shown}", line, f"Dockerfile instructions are {', '.join(sorted(KEYWORDS))}")
    args = parts[1] if len(parts) > 1 else ""
    items, operands = _split_flags(args) if args.startswith("--") else ([], args)
    if not operands:
        raise DockerfileError(f"{keyword} requires at least one argument", line)
    return Instruction(keyword, args, text, line, dict(items), tuple(items), heredocs)


def _new_stage(ins: Instruction, index: int, names: dict[str, int]) -> Stage:
    words = ins.operands.split()
    if len(words) == 3 and words[1].lower() == "as":
        name = words[2].lower()
        if not _STAGE_NAME.match(name):
            raise DockerfileError(
                f"invalid stage name {words[2]!r}", ins.line, "a stage name starts with a letter and has only letters, digits, -, _ and ."
            )
        if name in names:
            raise DockerfileError(f"duplicate stage name {name!r}", ins.line, "give each stage its own name")
        names[name] = index
    elif len(words) == 1:
        name = None
    else:
        raise DockerfileError("FROM takes an image and optionally AS <name>", ins.line, "write FROM <image>[:tag] [AS <name>]")
    return Stage(index, words[0], name, (), ins.line)


def _with_dependencies(stage: Stage, names: dict[str, int]) -> Stage:
    def earlier(name: str) -> int | None:
        index = names.get(name.lower())
        return index if index is not None and index < stage.index else None

    base = earlier(stage.base)
    deps = {base} if base is not None else set()
    for ins in stage.instructions:
        source = ins.flags.get("from") if ins.keyword == "COPY" else None
        if not source:
            continue
        if source.isdigit():
            if int(source) >= stage.index:
                raise DockerfileError(
                    f"COPY --from={source} names stage {source}, which is not an earlier stage",
                    ins.line,
                    "copy only from a stage defined above this one",
                )
            deps.add(int(source))
        elif (index := earlier(source)) is not None:
            deps.add(index)
        # any other --from is an image reference, not a stage of this Dockerfile
    return replace(stage, depends_on=tuple(sorted(deps)))
