"""Turns a run attempt into jobs: reads the caller workflow at the run's commit and, for each job
that `uses:` the org's reusable Kaniko workflow, evaluates its `with:`/`secrets:` and asks the
Kaniko emulator for the job's steps, log and conclusion. Other jobs succeed trivially.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wizard.core.build_secrets import SLOT_NAMES
from wizard.sandbox import kaniko
from wizard.sandbox.expressions import as_text, substitute, truthy
from wizard.sandbox.ghes import unknown_key
from wizard.sandbox.kaniko.registry import registry_host
from wizard.sandbox.model import Repo, Variable
from wizard.sandbox.runner_context import CallerSecrets, SecretText, caller_secrets, packages_write
from wizard.sandbox.runs import Attempt, Job, Run, Step
from wizard.sandbox.state import SandboxState
from wizard.sandbox.workflows import dispatch_inputs, load_workflow, parse_yaml

REUSABLE_RE = re.compile(r"^(?P<owner>[^/\s]+)/\.github/(?P<path>\.github/workflows/ci-build-kaniko\.ya?ml)@(?P<ref>\S+)$")
QUEUE_S = 3.0
KANIKO_JOB_NAME = "Kaniko build"
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


class JobFailure(Exception):
    """The job cannot start or its inputs are refused: the message goes to the job log."""


@dataclass(frozen=True)
class Planned:
    name: str
    duration_s: float
    conclusion: str
    steps: list[Step]
    log_text: str
    secrets_seen: tuple[str, ...] = ()
    build_secrets_mounted: tuple[str, ...] = ()


def _stamp(start: datetime, offset: float) -> str:
    moment = start.astimezone(UTC) + timedelta(seconds=offset)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def _simple_job(name: str, start: datetime, lines: list[str], ok: bool, step_name: str) -> Planned:
    """A job the sandbox writes itself: set up, one step (with `lines`), complete."""
    log = [f"{_stamp(start, 0.01)} Current runner version: '2.329.0'", f"{_stamp(start, 0.02)} Complete job name: {name}"]
    log += [f"{_stamp(start, 1.0 + i * 0.01)} {line}" for i, line in enumerate(lines)]
    if not ok:
        log.append(f"{_stamp(start, 1.5)} ##[error]Process completed with exit code 1.")
    log.append(f"{_stamp(start, 2.0)} Cleaning up orphan processes")
    conclusion = "success" if ok else "failure"
    steps = [
        Step(1, "Set up job", 0.0, 1.0, "success"),
        Step(2, step_name, 1.0, 1.0, conclusion),
        Step(3, "Complete job", 2.0, 0.1, "success"),
    ]
    return Planned(name, 2.1, conclusion, steps, "".join(line + "\n" for line in log))


def plan_attempt(st: SandboxState, repo: Repo, run: Run, attempt: Attempt, keep: dict[str, Job] | None = None) -> list[Job]:
    """The attempt's jobs; a job named in `keep` is copied from there instead of run again."""
    wf = load_workflow(st, repo, run.head_sha, run.workflow_path)
    doc: dict[str, Any] = wf.doc if wf and wf.doc else {}  # no workflow file or not a mapping: no jobs
    start = attempt.created_at + timedelta(seconds=QUEUE_S)
    jobs_spec = doc.get("jobs")
    specs = [(str(k), v if isinstance(v, dict) else {}) for k, v in jobs_spec.items()] if isinstance(jobs_spec, dict) and jobs_spec else []
    jobs: list[Job] = []
    for key, spec in specs:
        name = job_display_name(key, spec)
        old = (keep or {}).get(name)
        if old is not None:
            jobs.append(
                Job(
                    st.next_job_id(),
                    old.name,
                    run.id,
                    attempt.number,
                    old.queue_s,
                    old.duration_s,
                    old.conclusion,
                    old.steps,
                    old.log_text,
                    old.labels,
                    old.secrets_seen,
                    old.build_secrets_mounted,
                )
            )
            continue
        p = _plan_job(st, repo, run, attempt, doc, key, spec, start)
        jobs.append(
            Job(
                st.next_job_id(),
                p.name,
                run.id,
                attempt.number,
                QUEUE_S,
                p.duration_s,
                p.conclusion,
                p.steps,
                p.log_text,
                secrets_seen=p.secrets_seen,
                build_secrets_mounted=p.build_secrets_mounted,
            )
        )
    if not specs:
        p = _simple_job("build", start, ["Nothing to run."], True, "Run build")
        jobs.append(Job(st.next_job_id(), p.name, run.id, attempt.number, QUEUE_S, p.duration_s, p.conclusion, p.steps, p.log_text))
    return jobs


def _reusable_match(spec: dict[str, Any]) -> re.Match[str] | None:
    uses = spec.get("uses")
    return REUSABLE_RE.match(uses.strip()) if isinstance(uses, str) else None


def job_display_name(key: str, spec: dict[str, Any]) -> str:
    """GitHub's job name: the caller's, plus ` / <called job>` for a reusable workflow call."""
    name = str(spec.get("name") or key)
    return f"{name} / {KANIKO_JOB_NAME}" if _reusable_match(spec) else name


def _plan_job(
    st: SandboxState, repo: Repo, run: Run, attempt: Attempt, doc: dict[str, Any], key: str, spec: dict[str, Any], start: datetime
) -> Planned:
    name = job_display_name(key, spec)
    match = _reusable_match(spec)
    if not match:
        return _simple_job(name, start, [f"Run {key}", "Done."], True, f"Run {key}")
    try:
        return _kaniko_job(st, repo, run, attempt, doc, spec, match, name, start)
    except JobFailure as failure:
        return _simple_job(name, start, [f"##[error]{failure}"], False, "Prepare the reusable workflow")


def _reusable_declaration(st: SandboxState, match: re.Match[str]) -> dict[str, Any]:
    """The called workflow's `on.workflow_call` block, read from `<owner>/.github` at the ref."""
    problem = f'error parsing called workflow "{match.group(0)}": '
    source = st.find_repo(match["owner"], ".github")
    ref = match["ref"]
    sha = source and (source.branches.get(ref.removeprefix("refs/heads/")) or source.git.resolve_prefix(ref))
    data = source.git.read(sha, match["path"]) if source and sha else None
    if data is None:
        raise JobFailure(problem + "failed to fetch workflow: workflow was not found.")
    doc = parse_yaml(data.decode("utf-8", "replace"))
    on = doc.get("on", doc.get(True)) if isinstance(doc, dict) else None
    if not isinstance(on, dict) or "workflow_call" not in on:
        raise JobFailure(problem + "workflow is not reusable as it is missing a `on.workflow_call` trigger")
    unknown = unknown_key(st.ghes_version, data.decode("utf-8", "replace"))
    if unknown is not None:
        raise JobFailure(problem + unknown)
    call = on["workflow_call"]
    return call if isinstance(call, dict) else {}


def _inputs(declared: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise JobFailure(f"Invalid input, {unknown[0]} is not defined in the referenced workflow.")
    values: dict[str, Any] = {}
    for name, decl in declared.items():
        decl = decl if isinstance(decl, dict) else {}
        if name in given:
            values[name] = given[name]
        elif decl.get("required"):
            raise JobFailure(f"Input required and not supplied: {name}")
        else:
            values[name] = decl.get("default", "" if decl.get("type", "string") == "string" else None)
    return values


def _context(repo: Repo, run: Run, attempt: Attempt, doc: dict[str, Any], inputs: dict[str, Any], secrets: CallerSecrets) -> dict[str, Any]:
    github = {
        "sha": run.head_sha,
        "ref": f"refs/heads/{run.head_branch}",
        "ref_name": run.head_branch,
        "repository": repo.full_name,
        "repository_owner": repo.owner.login,
        "actor": run.actor,
        "triggering_actor": attempt.actor,
        "event_name": run.event,
        "run_id": run.id,
        "run_number": run.run_number,
        "run_attempt": attempt.number,
        "workflow": run.name,
        "server_url": "https://github.com",
        "api_url": "https://api.github.com",
        "ref_type": "branch",
    }
    return {"github": github, "inputs": inputs, "secrets": secrets, "vars": caller_vars(repo), "env": doc.get("env") or {}}


def caller_vars(repo: Repo, environment: str = "") -> dict[str, str]:
    """The `vars` context: org variables visible to the repo, then the repo's, then (for a job that runs in one)
    the environment's, each level overriding the one before. A caller job that `uses:` a reusable workflow runs
    in no environment, so its `with:` sees org and repository variables only."""
    found = {name: v.value for name, v in repo.owner.variables.items() if _reaches(v, repo)}
    found.update((name, v.value) for name, v in repo.variables.items())
    env = repo.find_environment(environment) if environment.strip() else None
    if env is not None:
        found.update((name, v.value) for name, v in env.variables.items())
    return found


def _reaches(var: Variable, repo: Repo) -> bool:
    """Whether an org variable reaches the repository, per its visibility."""
    if var.visibility == "all":
        return True
    if var.visibility == "private":
        return repo.private
    return repo.id in var.selected_repository_ids


def _dispatch_inputs(doc: dict[str, Any], run: Run) -> dict[str, Any]:
    if run.event != "workflow_dispatch":
        return {}  # on a push, `inputs` is empty
    values = {name: decl.get("default") for name, decl in dispatch_inputs(doc).items()}
    values.update(run.inputs)
    return values


def _kaniko_job(
    st: SandboxState,
    repo: Repo,
    run: Run,
    attempt: Attempt,
    doc: dict[str, Any],
    spec: dict[str, Any],
    match: re.Match[str],
    job_name: str,
    start: datetime,
) -> Planned:
    call = _reusable_declaration(st, match)
    secrets = caller_secrets(repo)
    ctx = _context(repo, run, attempt, doc, _dispatch_inputs(doc, run), secrets)
    with_ = spec.get("with")
    given = with_ if isinstance(with_, dict) else {}
    inputs = _inputs(call.get("inputs") or {}, {str(k): substitute(v, ctx) for k, v in given.items()})
    passed = _passed_secrets(spec.get("secrets"), ctx, secrets)
    inherit = isinstance(spec.get("secrets"), str) and str(spec.get("secrets")).strip() == "inherit"
    undeclared = sorted(set(passed) - {str(name).upper() for name in call.get("secrets") or {}})
    if undeclared and not inherit:  # GitHub refuses the caller before any job starts
        raise JobFailure(f"Invalid secret, {undeclared[0]} is not defined in the referenced workflow.")
    called = _called_secrets(repo, call.get("secrets") or {}, passed, as_text(inputs.get("environment")), inherit=inherit)
    seen = tuple(sorted(name for name, value in called.items() if truthy(value)))
    password = called.get("REGISTRY_PAT") or called.get("REGISTRY_TOKEN")
    credential = _credential(st, repo, password, packages_write(repo, doc, spec))
    image = as_text(inputs.get("image_name")).strip()
    registry = as_text(inputs.get("registry")).strip()
    if registry and image and registry_host(image) != registry:
        # docker/login-action logs in to `registry` only: the image's own registry gets no credential.
        credential = kaniko.RegistryCredential("anonymous", repo.full_name)
    tags = _tags(as_text(inputs.get("tags")))
    _check_repository("image_name", image)
    cache_repo = as_text(inputs.get("cache_repo")).strip()
    if cache_repo:
        _check_repository("cache_repo", cache_repo)
    request = kaniko.BuildRequest(
        files=repo.git.files_at(run.head_sha),
        dockerfile=as_text(inputs.get("dockerfile")) or "./Dockerfile",
        context=as_text(inputs.get("context")) or ".",
        target=as_text(inputs.get("target")).strip() or None,
        build_args=_build_args(as_text(inputs.get("build_args"))),
        cache_enabled=_boolean(inputs.get("cache_enabled", True)),
        cache_repo=cache_repo or f"{image}-cache",
        image_name=image,
        destinations=tuple(f"{image}:{tag}" for tag in tags),
        cache_copy_layers=False,
        credential=credential,
        executor=as_text(inputs.get("executor")) or kaniko.DEFAULT_EXECUTOR,
        job_name=job_name,
        commit_sha=run.head_sha,
        # A debug re-run makes runner.debug '1' in the called job, and ci-build-kaniko.yml then runs Kaniko
        # with --verbosity=debug.
        verbosity="debug" if attempt.debug_logging else "info",
        builder="container" if as_text(inputs.get("builder")).strip() == "container" else "action",
        registry=registry,
        kaniko_args=as_text(inputs.get("kaniko_args")),
        build_secret_ids=_build_secret_ids(as_text(inputs.get("build_secrets"))),
        build_secret_slots=tuple(truthy(called.get(slot)) for slot in SLOT_NAMES),
    )
    outcome = kaniko.emulate_build(request, st.registry, started_at=start, seed=run.id * 100 + attempt.number)
    steps = [Step(s.number, s.name, s.offset_s, s.duration_s, s.conclusion) for s in outcome.steps]
    return Planned(job_name, outcome.duration_s, outcome.conclusion, steps, outcome.log_text, seen, outcome.build_secrets_mounted)


def _build_secret_ids(raw: str) -> tuple[str, ...]:
    """The `build_secrets` input as the workflow's step reads it: one id per line, CRs and surrounding blanks gone."""
    return tuple(line.strip() for line in raw.replace("\r", "").split("\n") if line.strip())


def _passed_secrets(mapping: Any, ctx: dict[str, Any], secrets: CallerSecrets) -> dict[str, Any]:
    if isinstance(mapping, str) and mapping.strip() == "inherit":
        return secrets.inherited()
    if not isinstance(mapping, dict):
        return {}
    return {str(k).upper(): substitute(v, ctx) for k, v in mapping.items()}


def _called_secrets(
    repo: Repo, declared: dict[str, Any], passed: dict[str, Any], environment: str, *, inherit: bool = False
) -> dict[str, Any]:
    """What the called job sees: only what the caller passed (a name it did not pass is empty, without error, as
    on GitHub), with the job environment's value taking precedence for a passed name."""
    for name, decl in declared.items():
        if isinstance(decl, dict) and decl.get("required") and not truthy(passed.get(str(name).upper())):
            raise JobFailure(f"Secret {name} is required, but not provided while calling.")
    seen = {str(name).upper(): passed.get(str(name).upper()) for name in declared}
    env = repo.find_environment(environment) if environment.strip() else None
    if env is not None:
        for name in seen:
            secret = env.secrets.get(name)
            if secret is not None and (inherit or name in passed):
                seen[name] = SecretText(secret.reveal(), "stored")
    return seen


def _credential(st: SandboxState, repo: Repo, password: Any, can_write_packages: bool) -> kaniko.RegistryCredential:
    if not truthy(password):
        return kaniko.RegistryCredential("none", repo.full_name)
    if isinstance(password, SecretText) and password.kind == "github-token":
        if can_write_packages:
            return kaniko.RegistryCredential("github-token", repo.full_name, frozenset({"write:packages"}))
        # A GITHUB_TOKEN without `packages: write` reads but cannot write: the registry treats it like a
        # token holding read:packages only (its GITHUB_TOKEN rule looks at package links, not permissions).
        return kaniko.RegistryCredential("pat", repo.full_name, frozenset({"read:packages"}))
    token = st.token(str(password))
    if token is None:
        return kaniko.RegistryCredential("pat", repo.full_name, frozenset())
    return kaniko.RegistryCredential("pat", repo.full_name, token.scopes, token.fine_grained)


def _tags(raw: str) -> list[str]:
    """Like the reusable workflow: commas and newlines separate, blanks go, first of duplicates stays."""
    tags: list[str] = []
    for part in raw.replace("\r", "").replace(",", "\n").split("\n"):
        tag = part.strip()
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise JobFailure(
                f"invalid tag '{tag}': a tag is 1-128 letters, digits, '_', '.' or '-', and must not "
                "start with '.' or '-' (separate tags with commas or newlines)."
            )
        if tag not in tags:
            tags.append(tag)
    return tags


_REPO_RE = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]+)?"
    r"(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+$"
)


def _check_repository(what: str, value: str) -> None:
    if not value:
        raise JobFailure(f"{what} is empty: give a repository such as ghcr.io/<org>/<service>.")
    if any(c.isupper() for c in value):
        raise JobFailure(f"{what} '{value}' has upper-case letters: registries accept lowercase repository names only.")
    if ":" in value.rsplit("/", 1)[-1] or "@" in value.rsplit("/", 1)[-1]:
        raise JobFailure(f"{what} '{value}' includes a tag or digest: give the repository only and put tags in 'tags'.")
    if len(value) > 255 or not _REPO_RE.match(value):
        raise JobFailure(
            f"{what} '{value}' is not a valid repository: use host/namespace/name with lowercase letters, digits, '.', '_' and '-'."
        )


def _build_args(raw: str) -> dict[str, str]:
    args: dict[str, str] = {}
    for number, line in enumerate(raw.replace("\r", "").split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise JobFailure(f"build_args line {number} is not KEY=VALUE with KEY made of letters, digits and '_'.")
        args[key] = value
    return args


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "", "no", "off")
    return bool(value)
