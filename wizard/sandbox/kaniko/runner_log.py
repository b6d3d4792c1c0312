"""What the GitHub runner itself prints around the Kaniko build, step by step (raw-log text, no timestamps).

The job is the reusable workflow's `build` job (wizard/assets/workflows/ci-build-kaniko.yml): its step names and
pinned actions come from there. Secret inputs appear only as `***`, the way GitHub masks them; no value
of any credential is known here, so none can be printed.
"""

from __future__ import annotations

from collections.abc import Mapping

CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
LOGIN = "docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121"
KANIKO_ACTION = "int128/kaniko-action@4162b90e367d6644673112c523199e1839d7c547"
RUNNER_VERSION = "2.329.0"

STEP_SETUP = "Set up job"
STEP_KANIKO_FLAGS = "Check the Kaniko flags"  # the first step, in either builder
STEP_CHECKOUT = "Check out the repository"
STEP_PREPARE = "Normalise tags and derive destinations"
STEP_LOGIN = "Log in to the registry"
STEP_BUILD = "Build and push with Kaniko"
STEP_POST_LOGIN = "Post Log in to the registry"
STEP_POST_CHECKOUT = "Post Check out the repository"
STEP_COMPLETE = "Complete job"
# builder `container`: the job runs in the executor's debug image (busybox sh, no node, no Docker daemon)
STEP_INIT_CONTAINERS = "Initialize containers"
STEP_REGISTRY_AUTH = "Write the registry credentials for Kaniko"
STEP_BUILD_SECRETS = "Write the build secrets for Kaniko"
STEP_REFUSE_BUILD_SECRETS = "Refuse build secrets without the container builder"
STEP_EXECUTOR = "Build and push with the Kaniko executor"
STEP_STOP_CONTAINERS = "Stop containers"


def setup_job(job_name: str, *, container: bool = False) -> list[str]:
    lines = [
        f"Current runner version: '{RUNNER_VERSION}'",
        "Runner Image Provisioner",
        "##[group]Operating System",
        "Ubuntu",
        "24.04.3",
        "LTS",
        "##[endgroup]",
        "##[group]Runner Image",
        "Image: ubuntu-24.04",
        "Version: 20251102.1.0",
        "##[endgroup]",
        "##[group]GITHUB_TOKEN Permissions",
        "Contents: read",
        "Metadata: read",
        "Packages: write",
        "##[endgroup]",
        "Secret source: Actions",
        "Prepare workflow directory",
        "Prepare all required actions",
        "Getting action download info",
    ]
    for action in (CHECKOUT, LOGIN, KANIKO_ACTION):  # the runner downloads the actions of skipped steps too
        sha = action.split("@", 1)[1]
        lines.append(f"Download action repository '{action}' (SHA:{sha})")
    return lines + [f"Complete job name: {job_name}"]


def init_containers(image: str) -> list[str]:
    return [
        "##[command]/usr/bin/docker version --format '{{.Server.APIVersion}}'",
        "##[group]Pull down action image",
        f"##[command]/usr/bin/docker pull {image}",
        "##[endgroup]",
        f'##[command]/usr/bin/docker create --name job-container --label runner-job -e "HOME=/github/home" '
        f'-e GITHUB_ACTIONS=true -e CI=true -v "/home/runner/work":"/__w" --entrypoint "tail" {image} "-f" "/dev/null"',
        "##[command]/usr/bin/docker start job-container",
    ]


def registry_auth(host: str) -> list[str]:
    return [
        "##[group]Run set -eu",
        "\x1b[36;1mset -eu\x1b[0m",
        "\x1b[36;1mumask 077\x1b[0m",
        "shell: sh -e {0}",
        "env:",
        f"  REGISTRY: {host}",
        "  REGISTRY_USER: ***",
        "  REGISTRY_PASSWORD: ***",
        "##[endgroup]",
    ]


def kaniko_flags(env: Mapping[str, str]) -> list[str]:
    lines = ["##[group]Run set -eu", "\x1b[36;1mset -eu\x1b[0m", "\x1b[36;1mexport LC_ALL=C\x1b[0m", "shell: sh -e {0}", "env:"]
    return lines + [f"  {k}: {v}" for k, v in env.items()] + ["##[endgroup]"]


def flags_checked(flags: tuple[str, ...]) -> list[str]:
    return ["Kaniko flags:", *(f"  {flag}" for flag in flags)]


def build_secrets_step(ids: tuple[str, ...], slots: tuple[bool, ...]) -> list[str]:
    """The build-secrets step's header: its environment as GitHub prints it, each slot's value masked."""
    lines = ["##[group]Run set -eu", "\x1b[36;1mset -eu\x1b[0m", "\x1b[36;1mumask 077\x1b[0m", "shell: sh -e {0}", "env:"]
    lines += [f"  BUILD_SECRET_IDS: {ids[0] if ids else ''}", *(f"  {i}" for i in ids[1:]), "  SECRETS_DIR: /kaniko"]
    lines += [f"  KANIKO_SECRET_{n}: {'***' if held else ''}" for n, held in enumerate(slots, start=1)]
    return lines + ["##[endgroup]"]


def refuse_build_secrets() -> list[str]:
    message = (
        "build secrets need builder container: with builder action Kaniko runs under docker run, where /kaniko/<id> "
        "cannot be written for it."
    )
    return [
        "##[group]Run printf '::error::%s\\n' \"build secrets need builder container: ...\" >&2",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
        *prepare_failure(message),
    ]


def executor_step(env: Mapping[str, str]) -> list[str]:
    lines = ["##[group]Run set -eu", "\x1b[36;1mset -eu\x1b[0m", "\x1b[36;1mexport LC_ALL=C\x1b[0m", "shell: sh -e {0}", "env:"]
    return lines + [f"  {k}: {v}" for k, v in env.items()] + ["  GIT_USERNAME: x-access-token", "  GIT_PASSWORD: ***", "##[endgroup]"]


def git_clone(objects: int) -> list[str]:
    """go-git's progress as Kaniko prints it while cloning the git context."""
    return [
        f"Enumerating objects: {objects}, done.",
        f"Counting objects: 100% ({objects}/{objects}), done.",
        f"Total {objects} (delta 0), reused 0 (delta 0)",
    ]


def stop_containers() -> list[str]:
    return ["Stop and remove container: job-container", "##[command]/usr/bin/docker rm --force job-container"]


def checkout(repo: str, workspace: str, sha: str) -> list[str]:
    return [
        "##[group]Run " + CHECKOUT,
        "with:",
        "  persist-credentials: false",
        f"  repository: {repo}",
        "  token: ***",
        "  fetch-depth: 1",
        "##[endgroup]",
        f"Syncing repository: {repo}",
        "##[group]Getting Git version info",
        f"Working directory is '{workspace}'",
        "[command]/usr/bin/git version",
        "git version 2.51.2",
        "##[endgroup]",
        "##[group]Fetching the repository",
        f"[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 "
        f"origin +{sha}:refs/remotes/origin/main",
        "##[endgroup]",
        "##[group]Checking out the ref",
        "[command]/usr/bin/git checkout --progress --force -B main refs/remotes/origin/main",
        "##[endgroup]",
        "[command]/usr/bin/git log -1 --format=%H",
        sha,
    ]


def prepare(env: Mapping[str, str]) -> list[str]:
    lines = [
        "##[group]Run set -euo pipefail",
        "\x1b[36;1mset -euo pipefail\x1b[0m",
        "\x1b[36;1mexport LC_ALL=C\x1b[0m",
        "shell: /usr/bin/bash --noprofile --norc -e -o pipefail {0}",
        "env:",
    ]
    return lines + [f"  {k}: {v}" for k, v in env.items()] + ["##[endgroup]"]


def destinations(dests: tuple[str, ...], cache_repo: str) -> list[str]:
    return ["Destinations:", *(f"  {d}" for d in dests), f"Cache repository: {cache_repo}"]


def prepare_failure(message: str) -> list[str]:
    return [f"##[error]{message}", "##[error]Process completed with exit code 1."]


def login(host: str) -> list[str]:
    return [
        "##[group]Run " + LOGIN,
        "with:",
        f"  registry: {host}",
        "  password: ***",
        "  ecr: auto",
        "  logout: true",
        "##[endgroup]",
        f"Logging into {host}...",
    ]


def kaniko_action_inputs(inputs: Mapping[str, str]) -> list[str]:
    lines = ["##[group]Run " + KANIKO_ACTION, "with:"]
    lines += [f"  {k}: {v}" for k, v in inputs.items()]  # multi-line values print as GitHub shows them
    return lines + ["##[endgroup]"]


def docker_run(workspace: str, executor: str, args: list[str]) -> str:
    return (
        "[command]/usr/bin/docker run --rm -v " + f"{workspace}:/kaniko/action/context:ro "
        "-v /home/runner/.docker:/kaniko/.docker:ro -e container=docker " + executor + " " + " ".join(args)
    )


def post_login(host: str) -> list[str]:
    return ["Post job cleanup.", f"Removing login credentials for {host}"]


def post_checkout() -> list[str]:
    return [
        "Post job cleanup.",
        "[command]/usr/bin/git version",
        "git version 2.51.2",
        "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand",
    ]


def complete_job(outputs: Mapping[str, str]) -> list[str]:
    return ["Evaluate and set job outputs", *(f"Set output '{k}'" for k in outputs), "Cleaning up orphan processes"]
