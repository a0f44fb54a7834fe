"""Atomic file rewrites that never clobber someone else's change.

A rewrite reads a :class:`Snapshot` first and writes through :func:`replace_if_unchanged`:
the new bytes go to a temporary file in the target's own directory (same filesystem, so
``os.replace`` is atomic), are fsynced, take the original file's mode, and replace the
target only if its content still matches the snapshot. Symlinks are written through to
their target, so the link itself survives.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass


class FileChangedError(Exception):
    """The file on disk no longer holds the content the rewrite was computed from."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file's content as read, and what identifies that content on disk."""

    path: str  # as given
    real_path: str  # symlinks resolved: the file actually written
    data: bytes
    digest: str  # SHA-256 of ``data``
    mode: int  # permission bits to keep


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_snapshot(path: str) -> Snapshot:
    """Read ``path`` (raises OSError when it cannot be read)."""
    real_path = os.path.realpath(path)
    with open(real_path, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    return Snapshot(path, real_path, data, _digest(data), stat.S_IMODE(st.st_mode))


def is_unchanged(snapshot: Snapshot) -> bool:
    """Does the file on disk still hold exactly the snapshot's bytes?"""
    try:
        with open(snapshot.real_path, "rb") as fh:
            return _digest(fh.read()) == snapshot.digest
    except OSError:
        return False


def write_atomic(
    path: str | os.PathLike[str], data: bytes, mode: int | None = None, *, create_only: bool = False
) -> None:
    """Replace ``path`` (through symlinks) with ``data`` in one atomic step.

    ``create_only`` refuses to replace an existing file (FileExistsError): a published
    registry version is never rewritten. It links the temporary file into place, which is
    atomic and fails when the target exists; where the filesystem has no hard links the
    caller's lock is what serialises writers.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if create_only:
            _link_new(tmp, target)
        else:
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fsync_dir(folder)


def _link_new(tmp: str, target: str) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.exists(target):
            raise FileExistsError(errno.EEXIST, "file exists", target) from None
        os.replace(tmp, target)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make the rename itself durable; not every platform lets a directory be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_if_unchanged(snapshot: Snapshot, data: bytes) -> None:
    """Write ``data`` over the snapshot's file unless the file changed since it was read.

    Raises FileChangedError when it did (the file is left untouched).
    """
    if not is_unchanged(snapshot):
        raise FileChangedError(
            f"{snapshot.path}: changed on disk since it was read; left untouched"
        )
    write_atomic(snapshot.real_path, data, snapshot.mode)
