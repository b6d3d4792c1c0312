"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# A caller workflow is a few KB; GitHub's contents API serves up to 1 MB inline.
MAX_WORKFLOW_BYTES = 1024 * 1024


def atomic_write_text(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # newline="" writes the text's own line ends (a CRLF file stays CRLF).
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_text_file(path: Path, what: str, max_bytes: int | None = None) -> str:
    """A UTF-8 text file's content with its own line ends, or an InputError that says what to do.

    With max_bytes, a larger file is refused without being read."""
    from wizard.errors import InputError

    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{what} {path} does not exist", "check the path") from None
    except IsADirectoryError:
        raise InputError(f"{what} {path} is a directory", "give the path of a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}", "check the path and its permissions") from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise InputError(f"{what} {path} is over the {max_bytes // 1024} KiB it may have", "point it at the right file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8 text", "point it at a text file") from None


def inside_checkout(checkout: Path, relative: str, what: str) -> Path:
    """`checkout/relative`, refused (InputError) when it would lead outside the checkout: an absolute path, a
    `..`, or a symbolic link anywhere on the way (a link in the repository can point anywhere)."""
    from wizard.errors import InputError

    root = Path(checkout)
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise InputError(f"{what} {relative!r} leads outside the checkout", f"give the {what} relative to the repository root")
    path = root
    for part in rel.parts:
        if part == ".":
            continue
        path = path / part
        if path.is_symlink():
            raise InputError(
                f"{what} {relative!r} goes through a symbolic link ({path.relative_to(root)})",
                "replace the link with the real file or folder; brik-onboard does not follow links in the repository",
            )
    return path
