"""The Kaniko executor, emulated: what `/kaniko/executor --cache=true ...` logs and does, stage by stage.

Strings and order follow upstream Kaniko v1.24 (its chainguard fork logs the same set). With the
osscontainertools fork's image (the reusable workflow's default) WORKDIR is cached too (its
pkg/commands/commands.go: WORKDIR follows --cache-run-layers, ADD --cache-copy-layers) and the
"Executing N build triggers" line is gone. At --verbosity=debug a failed cache read logs its error
(`Failed to retrieve layer: …`: the registry's refusal, or MANIFEST_UNKNOWN for a real miss) before the
miss line, which is the same either way. Push-permission check on
the destinations, base image retrieval, `Built cross stage deps`, then per stage the cache lookups
(`optimize`: stop after the first miss), unpacking, each instruction, snapshots and cache pushes, and a
WARN at the end of the stage when a cache push failed. Upstream builds every stage up to the target, only
the ones it needs with `--skip-unused-stages`; the fork always only those. `COPY --from=<stage>` hashes that stage's final cache key in place of the
files it produced (the sandbox has no filesystem), so a change in the stage still invalidates the copy.

A RUN with `--mount=type=secret` that is executed (a miss) handles its mounts as the fork's pkg/commands/run.go
does without a --secret flag (the reusable workflow passes none: it writes /kaniko/<id> files instead): a required
mount fails with `secret not defined: <id>`, any other logs `skip mounting "<id>" as it is not available` (upstream
ignores the flag). The command then finds the file only when the workflow wrote it where the mount points; the
emulation assumes a command that reads a missing secret fails, as Kaniko reports a failed command.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from wizard.core.build_secrets import instruction_secret_mounts
from wizard.core.dockerfile import Dockerfile, DockerfileError, Instruction, Stage, parse_dockerfile

from .build_context import BuildContext, ContextError
from .cache_keys import CompositeKey, StageState, base_image_digest, expand, instruction_key_parts, sha256_hex, words
from .cost_model import CostModel
from .log_format import JobLog
from .pushes import check_push_permissions, push_cache, push_image
from .registry import Registry, RegistryCredential, registry_host, repo_path, split_repo_ref

METADATA = frozenset(
    {"ENV", "ARG", "LABEL", "EXPOSE", "USER", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER"}
)
NEEDS_ROOTFS = frozenset({"RUN", "COPY", "ADD"})
# The osscontainertools fork's cmd/executor/cmd/root.go, for a flag it made its default.
FORK_SKIP_WARNING = (
    "Flag --skip-unused-stages is deprecated. This is the new default behaviour. If you want to build multiple "
    "independent stages pass them as --target instead"
)


@dataclass(frozen=True)
class ExecutorPlan:
    dockerfile_text: str
    target: str | None
    context: BuildContext
    build_args: Mapping[str, str]
    cache_enabled: bool
    cache_repo: str
    cache_copy_layers: bool
    destinations: tuple[str, ...]
    credential: RegistryCredential
    created: str  # the image's creation time: part of its config, so of its digest
    fork: bool = False  # the osscontainertools fork's executor
    debug: bool = False  # --verbosity=debug
    skip_unused_stages: bool = False  # --skip-unused-stages (the fork does it anyway, and warns of the flag)
    secret_files: frozenset[str] = frozenset()  # the /kaniko/<id> files the workflow wrote before the executor ran


class CommandFailed(Exception):
    """A RUN failed: the message is what Kaniko wraps in `failed to execute command: ...`."""


@dataclass
class ExecutorResult:
    ok: bool
    layers: list[dict[str, Any]] = field(default_factory=list)
    digest: str | None = None


def _stage_label(stage: Stage) -> str:
    return stage.name or str(stage.index)


def _skipped(stages: tuple[Stage, ...] | list[Stage]) -> list[dict[str, Any]]:
    return [
        {"instruction": i.text, "stage": _stage_label(s), "cacheable": False, "key": None, "result": "skipped", "cost_s": 0.0}
        for s in stages
        for i in s.instructions
    ]


def _copy_sources(ins: Instruction, scope: Mapping[str, str]) -> list[str]:
    operands = json.loads(ins.operands) if ins.is_exec_form else words(ins.operands)
    return [expand(src, scope) for src in operands[:-1]]


def _argv(ins: Instruction, state: StageState) -> list[str]:
    return json.loads(ins.operands) if ins.is_exec_form else [*state.shell, ins.operands.strip()]


class KanikoExecutor:
    def __init__(self, plan: ExecutorPlan, registry: Registry, log: JobLog, costs: CostModel) -> None:
        self.plan, self.registry, self.log, self.costs = plan, registry, log, costs
        self.parse_error: str | None = None
        try:
            self.df = parse_dockerfile(plan.dockerfile_text)
        except DockerfileError as exc:
            self.df, self.parse_error = Dockerfile((), ()), exc.message
        self.meta_args: dict[str, str | None] = {}
        for ins in self.df.global_args:
            for word in words(ins.operands):
                name, eq, default = word.partition("=")
                self.meta_args[name] = default if eq else None
        self.meta_values = {k: plan.build_args.get(k, v or "") for k, v in self.meta_args.items()}
        self.final_keys: dict[int, str] = {}
        self.final_states: dict[int, StageState] = {}
        self.layers: dict[int, list[dict[str, Any]]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def _base_stage(self, stage: Stage) -> int | None:
        for earlier in self.df.stages[: stage.index]:
            if earlier.name and earlier.name == stage.base.lower():
                return earlier.index
        return None

    def _from_stage(self, ref: str, stage: Stage) -> int | None:
        if ref.isdigit():
            return int(ref)
        return next((s.index for s in self.df.stages[: stage.index] if s.name == ref.lower()), None)

    def _cacheable(self, ins: Instruction) -> bool:
        by_default = ("RUN", "WORKDIR") if self.plan.fork else ("RUN",)
        with_copy_layers = ("COPY", "ADD") if self.plan.fork else ("COPY",)
        return ins.keyword in by_default or (ins.keyword in with_copy_layers and self.plan.cache_copy_layers)

    # -- the build -------------------------------------------------------------------------------
    def run(self) -> ExecutorResult:
        df, log, plan = self.df, self.log, self.plan
        log.start_executor()
        if plan.skip_unused_stages and plan.fork:  # checked with the flags, before the build starts
            log.kaniko(FORK_SKIP_WARNING, level="warning")
        if not check_push_permissions(plan, self.registry, log, self.costs):
            return ExecutorResult(False, _skipped(df.stages))
        if self.parse_error:
            log.write(f"error building image: parsing dockerfile: {self.parse_error}")
            return ExecutorResult(False)
        try:
            needed = self._stages_built()
        except DockerfileError:
            log.write(f"error building image: Error finding target stage: {plan.target} is not a valid target build stage")
            return ExecutorResult(False, _skipped(df.stages))
        self._retrieve_bases(needed)
        deps = self._cross_stage_deps(needed)
        log.kaniko("Built cross stage deps: map[" + " ".join(f"{i}:[{' '.join(paths)}]" for i, paths in sorted(deps.items())) + "]")
        used_as_base = {self._base_stage(s) for s in needed} - {None}
        try:
            for stage in needed:
                self._build_stage(stage, stage.index in deps)
                if stage is needed[-1]:
                    break
                if stage.index in used_as_base:
                    log.kaniko(f"Storing source image from stage {stage.index} at path /kaniko/stages/{stage.index}")
                for path in deps.get(stage.index, []):
                    log.kaniko(f"Saving file {path.lstrip('/')} for later use")
                log.kaniko("Deleting filesystem...")
        except ContextError as exc:
            log.write(f"error building image: error building stage: failed to get files used from context: {exc}")
            return ExecutorResult(False, self._layer_results())
        except CommandFailed as exc:  # cmd/executor/cmd/root.go prints the wrapped error to stderr, then exits 1
            log.write(f"error building image: error building stage: failed to execute command: {exc}")
            return ExecutorResult(False, self._layer_results())
        digest = sha256_hex(f"image|{self.final_keys[needed[-1].index]}|{plan.created}")
        push_image(plan, self.registry, log, self.costs, digest)
        return ExecutorResult(True, self._layer_results(), "sha256:" + digest)

    def _stages_built(self) -> list[Stage]:
        """Upstream Kaniko builds every stage up to the target, or only those the target needs with
        --skip-unused-stages (dockerfile.go skipUnusedStages: with no target and nothing the last stage depends
        on, that is every stage). The fork always builds only what the target needs."""
        df, target = self.df, self.plan.target
        needed = df.stages_needed(target)
        if self.plan.fork or (self.plan.skip_unused_stages and (target or len(needed) > 1)):
            return needed
        last = df.stage_for_target(target).index
        return list(df.stages[: last + 1])

    def _layer_results(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for stage in self.df.stages:
            out += self.layers.get(stage.index) or _skipped([stage])
        return out

    def _retrieve_bases(self, needed: list[Stage]) -> None:
        seen: set[str] = set()
        for stage in needed:
            if self._base_stage(stage) is not None:
                continue
            ref = expand(stage.base, self.meta_values)
            for _ in range(2):  # the dependency pass resolves each base's config twice
                self.log.kaniko(f"Retrieving image manifest {ref}")
                if ref in seen:
                    self.log.kaniko("Returning cached image manifest")
                    continue
                self.log.advance(self.costs.base_manifest(ref))
                self.log.kaniko(f"Retrieving image {ref} from registry {registry_host(ref)}")
                seen.add(ref)

    def _cross_stage_deps(self, needed: list[Stage]) -> dict[int, list[str]]:
        deps: dict[int, list[str]] = {}
        for stage in needed:
            for ins in stage.instructions:
                source = ins.flags.get("from") if ins.keyword == "COPY" else None
                index = self._from_stage(source, stage) if source else None
                if index is not None:
                    deps.setdefault(index, []).extend(_copy_sources(ins, self.meta_values))
        return deps

    def _start_stage(self, stage: Stage) -> tuple[CompositeKey, StageState]:
        base_index = self._base_stage(stage)
        ref = expand(stage.base, self.meta_values)
        if base_index is None:
            for _ in range(2):
                self.log.kaniko(f"Retrieving image manifest {ref}")
                self.log.kaniko("Returning cached image manifest")
        if not self.plan.fork:
            self.log.kaniko("Executing 0 build triggers")
        self.log.kaniko(f"Building stage '{ref}' [idx: '{stage.index}', base-idx: '{-1 if base_index is None else base_index}']")
        if base_index is None:
            return CompositeKey(base_image_digest(ref)), StageState(self.plan.build_args, self.meta_args)
        return CompositeKey(self.final_keys[base_index]), self.final_states[base_index].inherit()

    def _source_keys(self, ins: Instruction, stage: Stage, state: StageState) -> tuple[list[str], int]:
        """Keys COPY/ADD add for their sources, and how many files they copy."""
        if ins.keyword not in ("COPY", "ADD"):
            return [], 0
        sources = _copy_sources(ins, state.scope())
        source = ins.flags.get("from")
        if source:
            index = self._from_stage(source, stage)
            origin = self.final_keys[index] if index is not None else base_image_digest(source)
            return [sha256_hex(f"{origin}:{src}") for src in sources], len(sources)
        ctx = self.plan.context
        resolved = ctx.resolve_sources(sources)
        return [k for k in map(ctx.path_key, resolved) if k], ctx.file_count(resolved)

    def _optimize(self, stage: Stage, key: CompositeKey, state: StageState) -> list[dict[str, Any]]:
        """Compute every instruction's key; look cacheable ones up until the first miss."""
        plan, log = self.plan, self.log
        entries: list[dict[str, Any]] = []
        stop = False
        for ins in stage.instructions:
            source_keys, files = self._source_keys(ins, stage, state)
            key.add(*instruction_key_parts(ins, state, source_keys))
            entry: dict[str, Any] = {
                "ins": ins,
                "key": key.hash(),
                "cacheable": self._cacheable(ins),
                "hit": False,
                "files": files,
                "argv": _argv(ins, state) if ins.keyword == "RUN" else None,
                "stage": stage,
            }
            if plan.debug:
                log.kaniko(f"Optimize: cache key for command {ins.text} {entry['key']}", level="debug")
            if plan.cache_enabled and entry["cacheable"] and not stop:
                log.kaniko(f"Checking for cached layer {plan.cache_repo}:{entry['key']}...")
                log.advance(self.costs.lookup(entry["key"]))
                refusal = self.registry.read_denial(plan.cache_repo, plan.credential)
                entry["hit"] = refusal is None and self.registry.has_cache(plan.cache_repo, entry["key"])
                if entry["hit"]:
                    log.kaniko(f"Using caching version of cmd: {ins.text}")
                else:
                    if plan.debug:
                        log.kaniko(f"Failed to retrieve layer: {self._read_error(entry['key'], refusal)}", level="debug")
                    log.kaniko(f"No cached layer found for cmd {ins.text}")
                    if plan.debug:
                        log.kaniko(f"Key missing was: {'-'.join(key.keys)}", level="debug")
                    stop = True
            entry["created_dir"] = state.apply(ins)
            entry["workdir"] = state.workdir
            if plan.cache_enabled and ins.keyword == "EXPOSE":
                self._expose(ins)  # optimize executes metadata commands on a copy of the config
            entries.append(entry)
        return entries

    def _read_error(self, key: str, refusal: str | None) -> str:
        """go-containerregistry's error for a failed cache read: the token request refused, or no such tag."""
        repo, _ = split_repo_ref(self.plan.cache_repo)
        host, path = registry_host(repo), repo_path(repo)
        if refusal is not None:
            return f"GET https://{host}/token?scope=repository%3A{quote(path, safe='')}%3Apull&service={host}: {refusal}"
        if not self.registry.exists(repo):
            return f"GET https://{host}/v2/{path}/manifests/{key}: NAME_UNKNOWN: repository name not known to registry"
        return f"GET https://{host}/v2/{path}/manifests/{key}: MANIFEST_UNKNOWN: manifest unknown; unknown tag={key}"

    def _expose(self, ins: Instruction) -> None:
        self.log.kaniko("Cmd: EXPOSE")
        for port in words(ins.operands):
            self.log.kaniko(f"Adding exposed port: {port if '/' in port else port + '/tcp'}")

    def _build_stage(self, stage: Stage, has_dependents: bool) -> None:
        plan, log, costs = self.plan, self.log, self.costs
        key, state = self._start_stage(stage)
        entries = self._optimize(stage, key, state)
        self.final_keys[stage.index] = key.hash()
        self.final_states[stage.index] = state
        trigger = next((e for e in entries if e["ins"].keyword in NEEDS_ROOTFS and not e["hit"]), None)
        if trigger:
            log.kaniko(f"Unpacking rootfs as cmd {trigger['ins'].text} requires it.")
        elif not has_dependents:
            log.kaniko("Skipping unpacking as no commands require it.")
        if trigger or has_dependents:
            log.advance(costs.unpack(stage.base))
        snapshotter_ready = False
        upload_error: str | None = None
        results: list[dict[str, Any]] = []
        for entry in entries:
            ins = entry["ins"]
            before = log.now
            log.kaniko(ins.text)
            if entry["hit"]:
                log.kaniko("Found cached layer, extracting to filesystem")
                log.advance(costs.run_hit(ins.text) if ins.keyword == "RUN" else costs.copy(entry["files"]))
            else:
                if ins.keyword == "RUN" and not snapshotter_ready:
                    log.kaniko("Initializing snapshotter ...")
                    log.kaniko("Taking snapshot of full filesystem...")
                    log.advance(costs.snapshot_full("init"))
                    snapshotter_ready = True
                self._execute(entry)
                if entry["cacheable"] and plan.cache_enabled:
                    upload_error = push_cache(plan, self.registry, log, costs, entry["key"]) or upload_error
            result = "hit" if entry["hit"] else "miss" if entry["cacheable"] and plan.cache_enabled else "not-cached"
            results.append(
                {
                    "instruction": ins.text,
                    "stage": _stage_label(stage),
                    "cacheable": entry["cacheable"],
                    "key": entry["key"],
                    "result": result,
                    "cost_s": round(log.now - before, 3),
                }
            )
        if upload_error:
            log.kaniko(f"Error uploading layer to cache: {upload_error}", level="warning")
        self.layers[stage.index] = results

    def _mount_secrets(self, stage: Stage, ins: Instruction) -> bool:
        """The RUN's secret mounts as the executor handles them; True when one reads a file the job did not write."""
        missing = False
        try:
            mounts = instruction_secret_mounts(ins, stage)
        except DockerfileError:
            mounts = []  # a mount the wizard's preflight refuses: not emulated
        for mount in mounts:
            if self.plan.fork:
                if mount.required:
                    raise CommandFailed(f"secret not defined: {mount.id}")
                self.log.kaniko(f'skip mounting "{mount.id}" as it is not available')
            missing = missing or mount.target not in self.plan.secret_files
        return missing

    def _execute(self, entry: dict[str, Any]) -> None:
        ins, log, costs, cache = entry["ins"], self.log, self.costs, self.plan.cache_enabled
        if ins.keyword == "RUN":
            argv = entry["argv"]
            missing = self._mount_secrets(entry["stage"], ins)
            log.kaniko(f"Cmd: {argv[0]}")
            log.kaniko(f"Args: [{' '.join(argv[1:])}]")
            log.kaniko(f"Running: [{' '.join(argv)}]")
            if missing:
                raise CommandFailed("waiting for process to exit: exit status 1")
            log.advance(costs.run_miss(ins.text))
            log.kaniko("Taking snapshot of full filesystem...")
            log.advance(costs.snapshot_full(entry["key"]))
        elif ins.keyword in ("COPY", "ADD"):
            log.advance(costs.copy(entry["files"]))
            log.kaniko("Taking snapshot of files...")
        elif ins.keyword == "WORKDIR":
            log.kaniko("Cmd: workdir")
            log.kaniko(f"Changed working directory to {entry['workdir']}")
            if entry["created_dir"]:
                log.kaniko(f"Creating directory {entry['workdir']} with uid -1 and gid -1")
                log.kaniko("Taking snapshot of files...")
            else:
                log.kaniko("No files changed in this command, skipping snapshotting.")
            log.advance(costs.metadata())
        else:
            if ins.keyword == "EXPOSE":
                self._expose(ins)
            if cache or ins.keyword not in METADATA:
                log.kaniko("No files changed in this command, skipping snapshotting.")
            log.advance(costs.metadata())
