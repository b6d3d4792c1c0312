"""The prompt mode (`brik-onboard --plain`): the engine's steps as questionary prompts.

`wizard.prompts` is the entry point; this package holds its parts: the prompter (questionary behind a small
protocol, so tests can script it), the engine Questioner on top of it, the questions each step asks before
its check, and the flow that runs the steps and says what an interrupt left behind.
"""
