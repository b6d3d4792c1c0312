"""The onboarding engine: the steps of DESIGN §2, run in order, each idempotent, emitting events for any face."""
