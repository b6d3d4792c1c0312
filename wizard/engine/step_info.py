"""The steps, in order, as every face names them: declared once here, light enough for a face's first frame
(no step code is imported). The step classes in `steps/` take their title and help from this table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepInfo:
    name: str
    label: str  # short, for a step list
    title: str
    intro: str  # one line under the title: what the user decides or sees here
    help: str  # what the step does, for help screens


STEPS: tuple[StepInfo, ...] = (
    StepInfo(
        "connect",
        "Connect",
        "Connect to GitHub",
        "The admin token the wizard calls the API with: flag, GH_TOKEN/GITHUB_TOKEN, keyring, gh, or a prompt.",
        "Finds the admin token (flag, GH_TOKEN/GITHUB_TOKEN, keyring, gh, prompt) and reads its scopes.",
    ),
    StepInfo(
        "repository",
        "Repository",
        "Repository",
        "The repository to onboard, as GitHub knows it, and its Dockerfile on the default branch.",
        "Reads the repository (default branch, private or public) and finds its Dockerfile.",
    ),
    StepInfo(
        "preflight",
        "Preflight",
        "Preflight",
        "Checked before anything is written: the token's scopes, the reusable workflow, the Dockerfile.",
        "Checks the token's scopes, the org's reusable workflow and the Dockerfile before anything is written.",
    ),
    StepInfo(
        "image",
        "Image",
        "Image name",
        "The image under the org's registry namespace, its tags, and the registry-backed layer cache.",
        "Picks the image under the org's registry namespace, its cache repo and the tags to push.",
    ),
    StepInfo(
        "secrets",
        "Secrets",
        "Registry secrets",
        "GITHUB_TOKEN needs no stored secret; a PAT is stored as REGISTRY_PAT; the registry is the REGISTRY_URL variable.",
        "Sets REGISTRY_PAT (PAT strategy) at org or environment level and the REGISTRY_URL variable (org, or the "
        "repository at environment scope); existing ones are kept unless you replace them.",
    ),
    StepInfo(
        "workflow",
        "Workflow",
        "Caller workflow",
        "The workflow that calls the org's reusable Kaniko workflow; an existing one is edited in place.",
        "Writes the caller workflow that uses the org's reusable Kaniko workflow; an existing one is updated in place.",
    ),
    StepInfo(
        "validate",
        "Validate",
        "Validation build",
        "Builds on GitHub, re-runs the build, and reads both Kaniko logs: attempt 2 must hit the cache.",
        "Runs the build, re-runs it, and reads both Kaniko logs: attempt 2 must hit the cache for every cacheable layer.",
    ),
    StepInfo(
        "summary",
        "Summary",
        "Summary",
        "What was changed, with links, and the answers file a re-run starts from.",
        "Lists every change with its links and writes the answers file (no secret values) for the next run.",
    ),
)
STEP_NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)
STEP_INFO: dict[str, StepInfo] = {s.name: s for s in STEPS}
