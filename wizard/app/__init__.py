"""The composition root: typed options in, sessions out, for every face (wizard, prompts, commands, demo).

Only this package (and `commands`, which calls it) decides where answers, tokens, state and the GitHub port come
from; the faces receive a session factory and never build one themselves.
"""
