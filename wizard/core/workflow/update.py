"""Update an existing caller workflow in place.

The file is loaded with ruamel.yaml's round-trip loader and the loaded maps are mutated (never replaced: the
comments and anchors live in them); a value already equal to the plan's is left alone. The edited tree is then
carried over to the user's text line by line (`merge`), so every line the plan does not need to change
stays byte for byte, CRLF line ends and a missing final newline included.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from wizard.core.resolved import ResolvedPlan
from wizard.core.workflow.interface import (
    MANAGED_INPUTS,
    MANAGED_SECRETS,
    ReusableInterface,
    caller_inputs,
    caller_secrets,
    is_sha,
    uses_ref,
    workflow_path_of,
)
from wizard.core.workflow.merge import merge_edit
from wizard.core.workflow.render import new_job, set_uses_comment
from wizard.core.workflow.roundtrip import (
    SourceText,
    dump,
    insert_at,
    load,
    measure_indent,
    own_keys,
    plain,
    round_trip_yaml,
    split_lines,
)
from wizard.core.workflow.triggers import ensure_permissions, ensure_triggers
from wizard.core.workflow.values import (
    drop_eol_comment,
    eol_comment,
    move_tail,
    replace_scalar,
    same_value,
    styled_like,
)
from wizard.errors import InputError


def update_caller(
    existing_text: str,
    resolved: ResolvedPlan,
    *,
    interface: ReusableInterface | None = None,
    pinned_sha: str | None = None,
) -> str:
    """The existing caller with the plan applied; the same text when nothing needs to change."""
    plan = resolved.plan
    what = f"the workflow file {plan.workflow_path}"
    source = SourceText.of(existing_text)
    doc = load(round_trip_yaml(), source.text, what)
    _check_workflow(doc, what)
    indent = measure_indent(doc)
    yaml = round_trip_yaml(indent)
    base = dump(yaml, doc)  # ruamel's rendering of the untouched file: the reference the edit is measured from

    inputs = caller_inputs(resolved, interface)
    secrets = caller_secrets(resolved, interface)
    changed = ensure_triggers(doc, plan.default_branch)
    jobs = doc.get("jobs")
    if jobs is None:
        doc["jobs"] = jobs = CommentedMap()
    job_id = _find_job(jobs, plan.reusable_workflow, plan.job_id)
    if job_id is None:
        jobs[plan.job_id] = new_job(resolved, interface=interface, pinned_sha=pinned_sha, indent=indent.mapping)
        job_id, changed = plan.job_id, True
    else:
        job = jobs[job_id]
        changed |= _set_uses(job, *uses_ref(plan, pinned_sha), indent=indent.mapping)
        changed |= _set_managed(job, "with", inputs, MANAGED_INPUTS, after="uses")
        changed |= _set_managed(job, "secrets", secrets, MANAGED_SECRETS, after="with")
    changed |= ensure_permissions(doc, jobs[job_id], job_id, indent.mapping)
    if not changed:
        return existing_text
    edited = dump(yaml, doc)
    merged = source.render(merge_edit(list(source.lines), split_lines(base), split_lines(edited)))
    if _same_data(merged, edited):
        return merged
    return source.render_new(edited)  # the line merge could not keep the meaning: ruamel's text is still right


def _check_workflow(doc: Any, what: str) -> None:
    hint = "point --workflow-file at a GitHub Actions workflow (a mapping with `on:` and `jobs:`)"
    if not isinstance(doc, CommentedMap):
        raise InputError(f"{what} is not a workflow: its top level is not a mapping", hint)
    if "on" not in doc and "jobs" not in doc:
        raise InputError(f"{what} is not a workflow: it has neither `on:` nor `jobs:`", hint)
    if "jobs" in doc and doc["jobs"] is not None and not isinstance(doc["jobs"], CommentedMap):
        raise InputError(f"{what} is not a workflow: `jobs:` is not a mapping", hint)


def _find_job(jobs: CommentedMap, reusable: str, job_id: str) -> str | None:
    """The job calling the same reusable workflow (any ref), else the one named job_id, else None."""
    wanted = workflow_path_of(reusable)
    for name, job in jobs.items():
        if isinstance(job, CommentedMap) and workflow_path_of(job.get("uses")) == wanted:
            return str(name)
    if job_id in jobs:
        job = jobs[job_id]
        if not isinstance(job, CommentedMap) or "steps" in job or "runs-on" in job:
            raise InputError(
                f"the workflow already has a job {job_id!r} that is not a reusable-workflow call",
                "set another job_id in the answers file, or rename that job",
            )
        return job_id
    return None


def _set_uses(job: CommentedMap, uses: str, ref: str | None, indent: int) -> bool:
    current = job.get("uses")
    old_ref = str(current).rpartition("@")[2] if isinstance(current, str) else ""
    changed = False
    if current != uses:
        replace_scalar(job, "uses", uses)
        changed = True
    comment = eol_comment(job, "uses")
    if ref is not None:
        if comment is None or comment[0].strip() != f"# {ref}":
            drop_eol_comment(job, "uses")
            try:
                column = job.lc.key("uses")[1]
            except (KeyError, TypeError):
                column = 2 * indent
            set_uses_comment(job, ref, column=column + len("uses: ") + len(uses) + 2)
            if comment is not None and comment[1]:
                job.ca.items["uses"][2].value = f"# {ref}\n{comment[1]}"  # the comment lines that followed stay
            changed = True
    elif changed and comment is not None and is_sha(old_ref) and comment[0].strip().startswith("#"):
        # Unpinning: the old comment named the ref the SHA stood for; it no longer means anything.
        if comment[1]:
            job.ca.items["uses"][2].value = "\n" + comment[1]
        else:
            drop_eol_comment(job, "uses")
    return changed


def _set_managed(job: CommentedMap, key: str, values: dict[str, Any], managed: tuple[str, ...], after: str) -> bool:
    """Make job[key] hold the plan's values for the managed names; other names in it are the user's."""
    current = job.get(key)
    if not isinstance(current, CommentedMap):
        if current == "inherit" and not values:
            return False
        # Absent, empty, or `secrets: inherit`: nothing of the user's to keep inside.
        block = CommentedMap(values)
        if key in job:
            job[key] = block
        else:
            keys = own_keys(job)
            insert_at(job, keys.index(after) + 1 if after in keys else len(keys), key, block)
        return True
    changed = False
    for name in managed:
        if name not in values and name in own_keys(current):  # a merged-in (<<: *anchor) one is shared: left alone
            del current[name]
            changed = True
    for name, value in values.items():
        existing = current.get(name, _MISSING)
        if existing is not _MISSING and same_value(existing, value, commas=name == "tags"):
            continue
        if name in own_keys(current):
            replace_scalar(current, name, styled_like(existing, value, commas=name == "tags"))
        else:
            position = _position(current, name, managed)
            insert_at(current, position, name, value)
            if position:
                move_tail(current, own_keys(current)[position - 1], name)
        changed = True
    return changed


_MISSING = object()


def _position(block: CommentedMap, name: str, order: tuple[str, ...]) -> int:
    """After the managed keys that come before name, else before the first that comes after it, else at the end."""
    keys = own_keys(block)
    rank = order.index(name)
    earlier = [i for i, k in enumerate(keys) if k in order[:rank]]
    if earlier:
        return earlier[-1] + 1
    later = [i for i, k in enumerate(keys) if k in order[rank + 1 :]]
    return later[0] if later else len(keys)


def _same_data(merged: str, edited: str) -> bool:
    """Does the merged text mean what ruamel's edited text means?"""
    yaml = round_trip_yaml()
    try:
        return bool(plain(yaml.load(merged.replace("\r\n", "\n"))) == plain(yaml.load(edited)))
    except Exception:  # noqa: BLE001 - any parse failure means the merge is not to be trusted
        return False
