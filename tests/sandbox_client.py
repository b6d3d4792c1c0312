"""A thin raw-HTTP client for sandbox tests (requests, no PyGithub), plus sealed-box encryption."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import requests
from nacl.public import PublicKey, SealedBox

from wizard.core.clock import CLOCK

CALLER_WORKFLOW = """name: build-image
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      note:
        description: free text
        required: false
        default: hello
permissions:
  contents: read
  packages: write
jobs:
  build:
    permissions:
      contents: read
      packages: write
    uses: BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main
    with:
      image_name: ghcr.io/brikbyte-studios/example-node-api
      context: .
      dockerfile: ./Dockerfile
      tags: "sha-${{ github.sha }}"
      registry: ghcr.io
      cache_enabled: true
    secrets:
      REGISTRY_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"""
# The RUN instructions of the sample service's default (production) build, as Kaniko echoes them.
RUNS_IN_DEFAULT_BUILD = [
    "RUN npm ci --omit=dev --ignore-scripts     && npm cache clean --force",
    "RUN apk add --no-cache tini",
    "RUN npm run build     && rm -rf scripts src",
]
# The layers the default executor (the osscontainertools fork) looks up in that build: it caches WORKDIR too.
CACHED_IN_DEFAULT_BUILD = ["WORKDIR /app", RUNS_IN_DEFAULT_BUILD[0], "WORKDIR /app", *RUNS_IN_DEFAULT_BUILD[1:]]
HIT = re.compile(r"Using caching version of cmd: (.*?)\s*$", re.M)
MISS = re.compile(r"No cached layer found for cmd (.*?)\s*$", re.M)
REPO = "BrikByte-Studios/example-node-api"
TEST_TIME_FACTOR = 0.01  # simulated seconds x 0.01 = wall seconds: a 90 s build completes in about 1 s
ORG = "BrikByte-Studios"


def seal(public_key_b64: str, value: str) -> str:
    """Encrypt like GitHub's clients: a libsodium sealed box over the scope's public key, base64."""
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    return base64.b64encode(box.encrypt(value.encode())).decode()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Client:
    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"token {token}"

    def call(self, method: str, path: str, body: Any = None, *, expect: int | None = None, **kw: Any) -> requests.Response:
        response = self.session.request(method, self.base_url + path, json=body, allow_redirects=False, timeout=30, **kw)
        if expect is not None and response.status_code != expect:
            raise AssertionError(f"{method} {path}: expected {expect}, got {response.status_code}: {response.text[:300]}")
        return response

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.call("GET", path, **kw)

    def put_secret(self, scope_path: str, name: str, value: str, *, expect: int, **extra: Any) -> requests.Response:
        key = self.get(f"{scope_path}/secrets/public-key", expect=200).json()
        body = {"encrypted_value": seal(key["key"], value), "key_id": key["key_id"], **extra}
        return self.call("PUT", f"{scope_path}/secrets/{name}", body, expect=expect)

    def put_file(
        self, repo: str, path: str, text: str, message: str = "update", *, branch: str | None = None, expect: int | None = None
    ) -> requests.Response:
        current = self.get(f"/repos/{repo}/contents/{path}" + (f"?ref={branch}" if branch else ""))
        body: dict[str, Any] = {"message": message, "content": b64(text)}
        if branch:
            body["branch"] = branch
        if current.status_code == 200:
            body["sha"] = current.json()["sha"]
        return self.call("PUT", f"/repos/{repo}/contents/{path}", body, expect=expect)

    def wait_run(self, repo: str, run_id: int, attempt: int | None = None, timeout: float = 60) -> dict[str, Any]:
        """Poll until the run (or attempt) is completed; returns its JSON."""
        path = f"/repos/{repo}/actions/runs/{run_id}" + (f"/attempts/{attempt}" if attempt else "")
        deadline = time.monotonic() + timeout
        while True:
            data = self.get(path, expect=200).json()
            if data["status"] == "completed":
                return data
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} not completed after {timeout}s: {data['status']}")
            CLOCK.sleep(0.1)  # virtual time under the sandbox fixture: the build moves on without waiting

    def dispatch(self, repo: str, workflow: str, ref: str = "main", inputs: dict[str, Any] | None = None) -> int:
        body = {"ref": ref, "inputs": inputs or {}, "return_run_details": True}
        answer = self.call("POST", f"/repos/{repo}/actions/workflows/{workflow}/dispatches", body, expect=200)
        return answer.json()["workflow_run_id"]

    def job_log(self, repo: str, job_id: int) -> str:
        redirect = self.get(f"/repos/{repo}/actions/jobs/{job_id}/logs", expect=302)
        return requests.get(redirect.headers["Location"], timeout=30).text  # no Authorization, like GitHub's URL

    def jobs(self, repo: str, run_id: int, attempt: int | None = None) -> list[dict[str, Any]]:
        path = f"/repos/{repo}/actions/runs/{run_id}" + (f"/attempts/{attempt}" if attempt else "") + "/jobs"
        return self.get(path, expect=200).json()["jobs"]
