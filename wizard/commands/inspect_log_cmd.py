"""`brik-onboard inspect-log LOG [LOG2]`: Kaniko job logs analysed offline; with two, the cache verdict."""

from __future__ import annotations

import json
import sys

from wizard.app.inspect_options import InspectOptions
from wizard.core.kaniko.log import parse_log_file, parse_log_lines
from wizard.core.kaniko.summary import LogSummary
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, InputError


def run_inspect_log(args: InspectOptions) -> int:
    if len(args.logs) > 2:
        raise InputError("inspect-log takes one or two logs", "pass attempt 1's log, then attempt 2's")
    summaries = [_parse(path) for path in args.logs]
    empty = [_shown(path) for path, s in zip(args.logs, summaries, strict=True) if not s.kaniko_seen]
    if empty:
        # All-zero counts would read as "no cache" and a verdict on them as a cache failure: say the file is wrong.
        raise InputError(
            "; ".join(f"no Kaniko build found in {name}" for name in empty),
            "pass the job log of a step that ran Kaniko (e.g. saved with `gh run view RUN_ID --log`)",
        )
    verdict = None
    if len(summaries) == 2:
        from wizard.core.kaniko.verdict import judge  # only for two logs: one log is the common (and timed) case

        verdict = judge(
            summaries[0], summaries[1], image=args.image, cache_repo=args.cache_repo, destinations=list(args.destinations) or None
        )
    if args.json:
        out = {"logs": [s.to_json() for s in summaries], "verdict": verdict.to_json() if verdict else None}
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for summary in summaries:
            sys.stdout.write(_human(summary))
        if verdict is not None:
            print(f"verdict: {'PASS' if verdict.passed else 'FAIL'}")
            for reason in verdict.reasons:
                print(f"  - {reason}")
            for note in verdict.notes:
                print(f"  note: {note}")
    if verdict is not None and not verdict.passed:
        return EXIT_VALIDATION_FAILED
    return EXIT_OK


def _parse(path: str) -> LogSummary:
    if path == "-":
        return parse_log_lines(sys.stdin, "-")
    try:
        return parse_log_file(path)
    except FileNotFoundError:
        raise InputError(f"log file {path} does not exist", "pass the path of a saved job log") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory", "pass the path of a saved job log") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", None) from None


def _shown(path: str) -> str:
    return "stdin" if path == "-" else path


def _human(s: LogSummary) -> str:
    lines = [f"{s.path}:"]
    lines.append(
        f"  cache lookups {s.lookups}, hits {s.hit_count}, misses {s.miss_count}, cache pushes {s.cache_pushes}, upload errors {s.cache_upload_errors}"
    )
    lines += [f"  hit   {h}" for h in s.hits]
    lines += [f"  miss  {m}" for m in s.misses]
    lines += [f"  pushed {p}" for p in s.pushed]
    if s.fatal:
        lines.append(f"  fatal: {s.fatal}")
    if s.duration_s is not None:
        lines.append(f"  build time {s.duration_s:.1f}s")
    return "\n".join(lines) + "\n"
