"""How long each part of an emulated build takes, in simulated (unscaled) seconds.

A RUN that misses costs what its command typically costs on a hosted runner (8-30 s by the words in
it); a hit only extracts the cached layer (about a second). Everything is deterministic: a small
per-item variation comes from sha256(seed, label), never from a random source, so two attempts of the
same run differ a little (different seeds) while one attempt always gives the same numbers. The sandbox
divides these by its time factor when it schedules a run; the log keeps the unscaled times.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# (words in the command, seconds for a miss); the most expensive match wins.
RUN_COSTS: tuple[tuple[str, float], ...] = (
    ("npm install", 28.0),
    ("npm ci", 24.0),
    ("yarn install", 26.0),
    ("pnpm install", 22.0),
    ("pip install", 18.0),
    ("apt-get install", 22.0),
    ("apt-get update", 9.0),
    ("apk add", 9.0),
    ("go build", 25.0),
    ("cargo build", 30.0),
    ("mvn", 30.0),
    ("gradle", 30.0),
    ("npm test", 12.0),
    ("npm run build", 14.0),
    ("make", 16.0),
)
RUN_DEFAULT = 8.0
RUN_MAX = 30.0


@dataclass(frozen=True)
class CostModel:
    seed: int = 0

    def vary(self, label: str, seconds: float, spread: float = 0.1) -> float:
        """`seconds` varied by up to ±spread, fixed for this seed and label."""
        digest = hashlib.sha256(f"{self.seed}|{label}".encode()).digest()
        unit = int.from_bytes(digest[:4], "big") / 2**32  # 0..1
        return round(seconds * (1 - spread + 2 * spread * unit), 3)

    def run_miss(self, command: str) -> float:
        text = " ".join(command.lower().split())
        base = max((cost for words, cost in RUN_COSTS if words in text), default=RUN_DEFAULT)
        return self.vary("run:" + text, min(base, RUN_MAX))

    def run_hit(self, command: str) -> float:
        # extracting the cached layer: bigger installs give bigger layers
        return self.vary("hit:" + command, 0.6 + self.run_miss(command) / 40)

    def copy(self, files: int) -> float:
        return self.vary(f"copy:{files}", 0.4 + 0.01 * min(files, 200))

    def metadata(self) -> float:
        return self.vary("metadata", 0.1)

    def lookup(self, key: str) -> float:
        return self.vary("lookup:" + key, 0.35)

    def cache_push(self, key: str) -> float:
        return self.vary("cache-push:" + key, 1.4)

    def snapshot_full(self, label: str) -> float:
        return self.vary("snapshot:" + label, 1.2)

    def base_manifest(self, ref: str) -> float:
        return self.vary("manifest:" + ref, 0.8)

    def unpack(self, ref: str) -> float:
        return self.vary("unpack:" + ref, 3.5)

    def image_push(self, dest: str) -> float:
        return self.vary("push:" + dest, 3.0)

    def executor_pull(self, executor: str) -> float:
        return self.vary("pull:" + executor, 5.0)

    def step_overhead(self, step: str) -> float:
        """Fixed runner work around a step (action download, checkout, login...)."""
        base = {"Set up job": 2.0, "checkout": 1.2, "prepare": 0.2, "login": 0.8, "post": 0.4, "complete": 0.3}
        return self.vary("step:" + step, base.get(step, 0.3))
