"""One run of the reusable Kaniko workflow's job, emulated: steps, the job log, and the registry's new state.

`emulate_build` is pure apart from the `Registry` it reads and writes: the same request, registry state,
start time and seed always give the same log, keys and digests. Times are simulated seconds (unscaled);
the sandbox scales them when it schedules the run.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wizard.core.build_secrets import KANIKO_DIR, MAX_BUILD_SECRETS, RESERVED_IDS
from wizard.core.kaniko_flags import check_kaniko_args
from wizard.errors import InputError

from . import runner_log as text
from .build_context import BuildContext
from .cost_model import CostModel
from .executor import ExecutorPlan, ExecutorResult, KanikoExecutor
from .log_format import JobLog
from .registry import Registry, RegistryCredential, registry_host, split_repo_ref

DEFAULT_EXECUTOR = "ghcr.io/osscontainertools/kaniko:v1.28.3"  # the reusable workflow's default
_FORK_IMAGES = ("osscontainertools/kaniko", "martizih/kaniko")  # the fork's images (ghcr.io, Docker Hub)
_SECRET_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")  # the build-secrets step's own check


def is_fork(executor: str) -> bool:
    """Whether the executor image is the osscontainertools fork (else upstream's gcr.io/kaniko-project/executor)."""
    name = executor.split("@", 1)[0].lower()
    return any(image in name for image in _FORK_IMAGES)


@dataclass(frozen=True)
class BuildRequest:
    files: Mapping[str, bytes]  # repo tree at the run's commit: path -> content ("/" separated, from the root)
    dockerfile: str = "./Dockerfile"
    context: str = "."
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    cache_enabled: bool = True
    cache_repo: str = ""  # "" -> <image>-cache
    image_name: str = ""  # "" -> the repository of the first destination
    destinations: tuple[str, ...] = ()  # full refs image:tag
    cache_copy_layers: bool = False
    credential: RegistryCredential = RegistryCredential(kind="none", repo="")
    executor: str = DEFAULT_EXECUTOR
    job_name: str = "build / Kaniko build"  # "<caller job> / <reusable job name>", as GitHub names it
    commit_sha: str = ""  # "" -> derived from the files
    verbosity: str = "info"  # Kaniko's --verbosity: "debug" adds the debug lines (a refused cache read shows there)
    builder: str = "action"  # the reusable workflow's `builder` input: "container" runs the executor's debug image
    registry: str = ""  # the host docker/login-action logs in to (the `registry` input); "" -> the image's host
    kaniko_args: str = ""  # the `kaniko_args` input as given: checked by the job's first step, then passed on
    build_secret_ids: tuple[str, ...] = ()  # the `build_secrets` input's ids, in order (the n-th fills from slot n)
    build_secret_slots: tuple[bool, ...] = (False,) * MAX_BUILD_SECRETS  # whether KANIKO_SECRET_<n> holds a value


@dataclass(frozen=True)
class StepRecord:
    number: int
    name: str
    offset_s: float
    duration_s: float
    conclusion: str  # "success" | "failure" | "skipped"


@dataclass(frozen=True)
class BuildOutcome:
    log_text: str
    steps: tuple[StepRecord, ...]
    conclusion: str  # "success" | "failure"
    duration_s: float
    layer_results: tuple[dict[str, Any], ...]
    digest: str | None = None  # the pushed image's digest (the workflow's `digest` output)
    build_secrets_mounted: tuple[str, ...] = ()  # the ids whose /kaniko/<id> file the job wrote for the build


def _norm(path: str) -> str:
    clean = posixpath.normpath(path.strip() or ".").lstrip("/")
    return "" if clean == "." else clean


class _Job:
    def __init__(self, req: BuildRequest, registry: Registry, started_at: datetime, seed: int) -> None:
        self.req, self.registry, self.started_at = req, registry, started_at
        self.log, self.costs = JobLog(started_at, seed), CostModel(seed)
        self.image = req.image_name or (split_repo_ref(req.destinations[0])[0] if req.destinations else "")
        self.cache_repo = req.cache_repo or (f"{self.image}-cache" if self.image else "")
        self.host = req.registry or (registry_host(self.image) if self.image else "ghcr.io")
        name = (req.credential.repo or "owner/repository").split("/")[-1]
        self.workspace = f"/home/runner/work/{name}/{name}"
        self.sha = (
            req.commit_sha
            or hashlib.sha1(  # a stand-in commit id
                b"".join(p.encode() + b"\0" + req.files[p] for p in sorted(req.files)), usedforsecurity=False
            ).hexdigest()
        )
        self.steps: list[StepRecord] = []
        self.result = ExecutorResult(False)
        self.flags: tuple[str, ...] = ()  # the Kaniko flags the first step let through
        self.mounted: list[str] = []  # build secrets written to /kaniko/<id>

    def step(self, name: str, body: Callable[[], bool] | None) -> bool:
        start = self.log.now
        ok = body() if body else False
        conclusion = "skipped" if body is None else "success" if ok else "failure"
        self.steps.append(StepRecord(len(self.steps) + 1, name, round(start, 3), round(self.log.now - start, 3), conclusion))
        return ok

    def run(self) -> BuildOutcome:
        if self.req.builder == "container":
            return self._run_in_container()
        self.step(text.STEP_SETUP, lambda: self._lines(text.setup_job(self.req.job_name), "Set up job"))
        ok = self.step(text.STEP_KANIKO_FLAGS, self._check_flags)
        if self.req.build_secret_ids:  # the workflow's refusal step: /kaniko is docker run's, not the job's
            self.step(text.STEP_REFUSE_BUILD_SECRETS, self._refuse_build_secrets if ok else None)
            return self._finish()
        main = [
            (text.STEP_CHECKOUT, lambda: self._lines(text.checkout(self.req.credential.repo, self.workspace, self.sha), "checkout")),
            (text.STEP_PREPARE, self._prepare),
            (text.STEP_LOGIN, self._login),
            (text.STEP_BUILD, self._build),
        ]
        ran: list[str] = []
        for name, body in main:
            ok = self.step(name, body if ok else None)
            if self.steps[-1].conclusion != "skipped":
                ran.append(name)
        if text.STEP_LOGIN in ran:
            self.step(text.STEP_POST_LOGIN, lambda: self._lines(text.post_login(self.host), "post"))
        self.step(text.STEP_POST_CHECKOUT, lambda: self._lines(text.post_checkout(), "post"))
        return self._finish()

    def _run_in_container(self) -> BuildOutcome:
        """builder `container`: the job runs in `<executor>-debug`; a config.json step, then /kaniko/executor."""
        image = f"{self.req.executor}-debug"
        self.step(text.STEP_SETUP, lambda: self._lines(text.setup_job(self.req.job_name, container=True), "Set up job"))
        ok = self.step(text.STEP_INIT_CONTAINERS, lambda: self._lines(text.init_containers(image), "checkout"))
        ok = self.step(text.STEP_KANIKO_FLAGS, self._check_flags if ok else None)
        ok = self.step(text.STEP_REGISTRY_AUTH, self._registry_auth if ok else None)
        if self.req.build_secret_ids:
            ok = self.step(text.STEP_BUILD_SECRETS, self._write_build_secrets if ok else None)
        self.step(text.STEP_EXECUTOR, self._executor if ok else None)
        self.step(text.STEP_STOP_CONTAINERS, lambda: self._lines(text.stop_containers(), "post"))
        return self._finish()

    def _finish(self) -> BuildOutcome:
        outputs = {"digest": self.result.digest or "", "destinations": "\n".join(self.req.destinations), "cache_repo": self.cache_repo}
        self.step(text.STEP_COMPLETE, lambda: self._lines(text.complete_job(outputs), "complete"))
        failed = any(s.conclusion == "failure" for s in self.steps)
        return BuildOutcome(
            self.log.text(),
            tuple(self.steps),
            "failure" if failed else "success",
            round(self.log.now, 3),
            tuple(self.result.layers),
            self.result.digest if not failed else None,
            tuple(self.mounted),
        )

    def _check_flags(self) -> bool:
        """The workflow's allow-list of Kaniko flags (wizard/core/kaniko_flags.py holds the same list), and
        --skip-unused-stages whenever a target is set."""
        req = self.req
        self.log.lines(text.kaniko_flags({"KANIKO_ARGS": req.kaniko_args, "TARGET": req.target or ""}))
        try:
            flags = check_kaniko_args([req.kaniko_args])
        except InputError as refused:
            self.log.lines(text.prepare_failure(refused.message))
            return False
        self.flags = ("--skip-unused-stages", *flags) if req.target else flags
        return self._lines(text.flags_checked(self.flags), "prepare")

    def _flag(self, name: str) -> bool:
        """Whether a boolean Kaniko flag is on among the checked ones (`--name` or `--name=true`)."""
        return any(f == name or f == f"{name}=true" for f in self.flags)

    def _registry_auth(self) -> bool:
        self.log.lines(text.registry_auth(self.host))
        if self.req.credential.kind == "none":  # the REGISTRY_TOKEN secret is empty
            self.log.lines(text.prepare_failure("no registry password: map REGISTRY_TOKEN (or set REGISTRY_PAT)."))
            return False
        key = "https://index.docker.io/v1/" if self.host in ("docker.io", "index.docker.io", "registry-1.docker.io") else self.host
        return self._lines([f"Registry credentials for {key} written to /kaniko/.docker/config.json"], "login")

    def _refuse_build_secrets(self) -> bool:
        self.log.lines(text.refuse_build_secrets())
        return False

    def _write_build_secrets(self) -> bool:
        """The workflow's build-secrets step: the n-th id's file from slot n, refused as its script refuses."""
        req = self.req
        self.log.lines(text.build_secrets_step(req.build_secret_ids, req.build_secret_slots))
        for n, secret_id in enumerate(req.build_secret_ids, start=1):
            error = None
            if n > MAX_BUILD_SECRETS:
                error = f"more than {MAX_BUILD_SECRETS} ids in build_secrets: the workflow passes KANIKO_SECRET_1 to KANIKO_SECRET_10 only."
            elif not _SECRET_ID_RE.match(secret_id):
                error = (
                    f"build secret id '{secret_id}' is not a file name of letters, digits, '.', '_' and '-' (not starting "
                    "with '.', '_' or '-')."
                )
            elif secret_id in self.mounted or secret_id.lower() in RESERVED_IDS:
                error = (
                    f"build secret {secret_id}: /kaniko/{secret_id} already exists (the executor image's own file, or the id "
                    "given twice): give the secret another id."
                )
            elif not req.build_secret_slots[n - 1]:
                error = f"build secret {secret_id} is empty: store the secret BUILD_SECRET_<ID> and pass it as KANIKO_SECRET_{n}."
            if error:
                self.log.lines(text.prepare_failure(error))
                return False
            self.mounted.append(secret_id)
            self.log.write(f"Build secret {secret_id} written to /kaniko/{secret_id}")
        for n in range(len(req.build_secret_ids) + 1, MAX_BUILD_SECRETS + 1):
            if req.build_secret_slots[n - 1]:
                self.log.write(f"##[warning]KANIKO_SECRET_{n} is set but build_secrets names no id for it: not written.")
        return self._lines([], "login")

    def _executor(self) -> bool:
        req, log = self.req, self.log
        if not self._prepare(container=True):
            return False
        args = [f"--context=git://github.com/{req.credential.repo}.git#refs/heads/main#{self.sha}"]
        context = _norm(req.context)
        if context:
            args.append(f"--context-sub-path={context}")
        args += [f"--dockerfile={_norm(req.dockerfile).removeprefix(context + '/') if context else _norm(req.dockerfile)}"]
        args += [f"--destination={d}" for d in req.destinations]
        if req.target:
            args.append(f"--target={req.target}")
        if req.cache_enabled:
            args += ["--cache=true", f"--cache-repo={self.cache_repo}"]
        args += self.flags
        log.write(f"[command]/kaniko/executor {' '.join(args)}")
        log.lines(text.git_clone(len(req.files)))
        self.result = KanikoExecutor(self._plan(), self.registry, log, self.costs).run()
        if not self.result.ok:
            log.write("##[error]Process completed with exit code 1.")
            return False
        return True

    def _lines(self, lines: list[str], cost_label: str) -> bool:
        self.log.lines(lines)
        self.log.advance(self.costs.step_overhead(cost_label))
        return True

    def _prepare(self, container: bool = False) -> bool:
        req = self.req
        env = {
            "IMAGE_NAME": self.image,
            "TAGS": ", ".join(split_repo_ref(d)[1] for d in req.destinations),
            "CACHE_REPO": req.cache_repo,
            "REGISTRY": self.host,
            "CONTEXT": req.context,
            "DOCKERFILE": req.dockerfile,
        }
        context, dockerfile = _norm(req.context), _norm(req.dockerfile)
        error = None
        if not req.destinations:
            error = "no tags given: set 'tags' to one or more tags, e.g. sha-<commit>."
        elif context and not any(p.startswith(context + "/") for p in req.files):
            error = f"context '{req.context}' is not a directory in the repository."
        elif dockerfile not in req.files:
            error = f"dockerfile '{req.dockerfile}' does not exist in the repository."
        elif context and not dockerfile.startswith(context + "/"):
            error = (
                f"dockerfile '{req.dockerfile}' is outside context '{req.context}': Kaniko only sees the "
                "context; widen the context or move the Dockerfile."
            )
        self.log.lines(text.executor_step(env) if container else text.prepare(env))
        if error:
            self.log.lines(text.prepare_failure(error))
            return False
        return self._lines(text.destinations(req.destinations, self.cache_repo), "prepare")

    def _login(self) -> bool:
        self._lines(text.login(self.host), "login")
        if self.req.credential.kind == "none":
            self.log.write("##[error]Password required")  # the REGISTRY_TOKEN secret is empty
            return False
        self.log.write("Login Succeeded!")
        return True

    def _build(self) -> bool:
        req, log = self.req, self.log
        inputs = {
            "executor": req.executor,
            "cache": str(req.cache_enabled).lower(),
            "cache-repository": self.cache_repo,
            "push": "true",
            "tags": "\n".join(req.destinations),
            "context": req.context,
            "file": req.dockerfile,
        }
        args = [
            "--context",
            "dir:///kaniko/action/context/",
            "--dockerfile",
            req.dockerfile,
            "--digest-file",
            f"/tmp/kaniko-action-{hashlib.sha256(str(log.seed).encode()).hexdigest()[:6]}/digest",
        ]
        for key, value in req.build_args.items():
            args += ["--build-arg", f"{key}={value}"]
        for dest in req.destinations:
            args += ["--destination", dest]
        if req.target:
            inputs["target"] = req.target
            args += ["--target", req.target]
        if req.build_args:
            inputs["build-args"] = "\n".join(f"{k}={v}" for k, v in req.build_args.items())
        if req.cache_enabled:
            args += ["--cache=true", "--cache-repo", self.cache_repo]
        if req.cache_copy_layers and not self._flag("--cache-copy-layers"):
            args.append("--cache-copy-layers")
        args += self.flags
        if self.flags or req.cache_copy_layers:
            inputs["kaniko-args"] = "\n".join(self.flags) or "--cache-copy-layers"
        if req.verbosity != "info":
            args.append(f"--verbosity={req.verbosity}")
        log.lines(text.kaniko_action_inputs(inputs))
        log.write(f"[command]/usr/bin/docker pull -q {req.executor}")
        pull = self.costs.executor_pull(req.executor)
        log.advance(pull)
        log.lines([req.executor, f"Pulled in {round(pull)}s", text.docker_run(self.workspace, req.executor, args)])
        began = log.now
        self.result = KanikoExecutor(self._plan(), self.registry, log, self.costs).run()
        if not self.result.ok:
            log.write("##[error]The process '/usr/bin/docker' failed with exit code 1")
            return False
        log.lines([f"Built in {round(log.now - began)}s", self.result.digest or ""])
        return True

    def _plan(self) -> ExecutorPlan:
        req = self.req
        text_ = req.files[_norm(req.dockerfile)].decode("utf-8", "replace")
        return ExecutorPlan(
            text_,
            req.target,
            BuildContext(req.files, req.context),
            dict(req.build_args),
            req.cache_enabled,
            self.cache_repo,
            req.cache_copy_layers or self._flag("--cache-copy-layers"),
            tuple(req.destinations),
            req.credential,
            self.started_at.isoformat(),
            fork=is_fork(req.executor),
            debug=req.verbosity in ("debug", "trace"),
            skip_unused_stages=self._flag("--skip-unused-stages"),
            secret_files=frozenset(f"{KANIKO_DIR}/{i}" for i in self.mounted),
        )


def emulate_build(req: BuildRequest, registry: Registry, *, started_at: datetime, seed: int = 0) -> BuildOutcome:
    """Run the reusable workflow's build job for `req` against `registry` (which it updates)."""
    return _Job(req, registry, started_at, seed).run()
