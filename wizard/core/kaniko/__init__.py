"""Kaniko's job logs: `log` reads them (streaming), `verdict` judges two attempts, `text` holds the line helpers."""
