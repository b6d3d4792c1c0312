"""Kaniko's message texts, as it prints them: each constant is the text before the format argument.

Every release's wording is covered, upstream v0.1-v1.24 and the osscontainertools fork (the table of
which release prints which text is tests/data/kaniko_messages.json, made by bench/kaniko_messages.py).
"""

CHECKING = "Checking for cached layer "
HIT = "Using caching version of cmd: "
HIT_INFERRED = "Cache hit via inferred cross-stage key for cmd: "  # osscontainertools fork, before HIT or MISS
MISS = "No cached layer found for cmd "
MISS_STEM = "No cached layer found"  # both misses start so
MISS_LEGACY = "No cached layer found, executing command..."  # v0.4-v0.5: after the instruction's echo
FOUND = "Found cached layer, extracting to filesystem"  # every hit when it is applied; v0.4-v0.5's only hit line
EXPIRED = "Cache entry expired: "
CACHE_PUSH = "Pushing layer "
CACHE_PUSH_END = " to cache now"
UPLOAD_ERROR = "rror uploading layer to cache: "  # "error …" up to v1.8.1, "Error …" since v1.9.0
PUSHING = "Pushing image to "
PUSHED = "Pushed "
PUSHED_COUNT = "Pushed image"  # v1.4-v1.7: "Pushed images to %d destinations" / "Pushed image to %d destinations"
RETRIEVE_FAILED = "Failed to retrieve "  # debug level: "layer: %s" before a miss, "pointer: %s" (fork)
NO_PUSH = "Skipping push to container registry due to --no-push flag"
STAGE = "Building stage '"
PUSH_WARNING = "make sure you entered the correct tag name"  # fork: a WARN before the fatal error
FATAL_MARKERS = ("error checking push permissions", "error building image", "error pushing image")
