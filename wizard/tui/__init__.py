"""The Textual wizard: one screen per engine step. It only asks and renders; the engine decides and talks to GitHub.

Kept import-light on purpose: `wizard.tui.app` pulls in Textual and this package only, so the first frame is drawn
before PyGithub, the engine's steps or the sandbox are imported (they load in a worker once the frame is up).
"""
