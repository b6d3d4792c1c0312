"""brik-onboard: onboard a GitHub repository to the org's Kaniko container build convention."""

__version__ = "0.1.0.dev0"
