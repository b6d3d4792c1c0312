"""The prompt mode (`brik-onboard --plain`, `demo --plain`): the engine's run as questionary prompts.

`run.py` is the entry point; the prompter (questionary behind a small protocol, so tests can script it) asks one
question; the questioner answers the engine's questions with it. The flow itself is the engine's.
"""
