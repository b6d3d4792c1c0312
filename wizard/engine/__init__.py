"""The onboarding engine: the steps, run in order, each idempotent, emitting events for any face."""
