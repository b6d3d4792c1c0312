"""The sandbox as GitHub Enterprise Server (`sandbox serve --ghes 3.14`): the workflow keys that version's parser
does not know yet, refused the way its runner service refuses them (the run fails at that key's line)."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from wizard.core.workflow.variants import accepts_deployment_key


def unknown_key(ghes_version: str | None, text: str) -> str | None:
    """GitHub's message for the first key of `text` the server does not know; None when it knows them all."""
    if accepts_deployment_key(ghes_version):
        return None
    try:
        doc: Any = YAML(typ="rt").load(text)
    except YAMLError:
        return None  # the caller's own parse reports a broken file
    jobs = doc.get("jobs") if isinstance(doc, dict) else None
    for job in (jobs or {}).values():
        environment = job.get("environment") if isinstance(job, dict) else None
        if isinstance(environment, CommentedMap) and "deployment" in environment:
            line, column = environment.lc.key("deployment")
            return f"(Line: {line + 1}, Col: {column + 1}): Unexpected value 'deployment'"
    return None
