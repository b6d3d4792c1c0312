"""Kaniko's message texts, as it prints them: each constant is the text before the format argument."""

CHECKING = "Checking for cached layer "
HIT = "Using caching version of cmd: "
HIT_INFERRED = "Cache hit via inferred cross-stage key for cmd: "  # osscontainertools fork
MISS = "No cached layer found for cmd "
EXPIRED = "Cache entry expired: "
CACHE_PUSH = "Pushing layer "
CACHE_PUSH_END = " to cache now"
UPLOAD_ERROR = "Error uploading layer to cache: "
PUSHING = "Pushing image to "
PUSHED = "Pushed "
NO_PUSH = "Skipping push to container registry due to --no-push flag"
STAGE = "Building stage '"
PUSH_WARNING = "make sure you entered the correct tag name"  # fork: a WARN before the fatal error
FATAL_MARKERS = ("error checking push permissions", "error building image", "error pushing image")
