"""Plain-text output shared by the prompt face and the commands: the engine's events as lines, and the event log."""
