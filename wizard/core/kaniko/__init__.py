"""Kaniko's job logs: `log` reads them (streaming; `blocks` finds the lines worth parsing in a file's bytes),
`messages` holds the texts Kaniko prints, `verdict` judges two attempts, `text` holds the line helpers."""
