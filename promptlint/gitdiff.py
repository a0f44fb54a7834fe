"""Read a git repository at another revision: what changed since REF, and the prompts at REF.

Files at a revision are listed with one ``git ls-tree`` and read with one
``git cat-file --batch`` process, never one process per file. They go through the same
classification, size/binary/UTF-8 checks and extractors as files on disk, so prompts at a
revision compare one to one with the working tree's.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from promptlint.config import Config
from promptlint.discover import DEFAULT_EXCLUDE, SourceFile, check_bytes, display_path
from promptlint.extract import extract_text
from promptlint.filetypes import classify, matches_any
from promptlint.inventory import Inventory
from promptlint.models import Skip

_TIMEOUT = 300
_REGULAR_MODES = {"100644", "100755"}  # symlinks (120000) and submodules (160000) hold no prompts


class GitError(Exception):
    """git is missing, this is not a repository, or a revision does not exist (one line)."""


def _git(args: list[str], cwd: str | os.PathLike[str], stdin: bytes | None = None) -> bytes:
    try:
        out = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git {args[0]} failed: {exc}") from None
    if out.returncode != 0:
        lines = out.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else f"exit code {out.returncode}"
        raise GitError(f"git {args[0]}: {reason.removeprefix('fatal: ')}")
    return out.stdout


def toplevel(cwd: str | os.PathLike[str] = ".") -> Path:
    """The root of the work tree that holds ``cwd``."""
    out = _git(["rev-parse", "--show-toplevel"], cwd)
    return Path(out.decode("utf-8", "surrogateescape").strip())


def work_tree_root(start: str | os.PathLike[str]) -> str:
    """The work tree holding ``start``, or ``start`` itself outside git.

    CI systems resolve reported paths against the repository root, whatever folder ran.
    """
    try:
        return str(toplevel(start))
    except GitError:
        return str(start)


def resolve(ref: str, cwd: str | os.PathLike[str] = ".") -> str:
    """The commit id ``ref`` names; a clear error when it names nothing."""
    if ref.startswith("-"):
        raise GitError(f"not a revision: {ref}")
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except GitError:
        raise GitError(f"unknown revision: {ref}") from None
    return out.decode().strip()


def _split_z(data: bytes) -> list[str]:
    return [p for p in data.decode("utf-8", "surrogateescape").split("\0") if p]


def changed_paths(ref: str, cwd: str | os.PathLike[str] = ".") -> set[str]:
    """Paths (repository-relative, POSIX) that differ between ``ref`` and the work tree.

    Includes staged and unstaged edits, deletions, and untracked files that are not ignored.
    Renames count as a deletion plus an addition: prompts are compared by content anyway.
    """
    commit = resolve(ref, cwd)
    root = toplevel(cwd)
    diffed = _git(["diff", "--name-only", "--no-renames", "-z", commit, "--"], root)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], root)
    return set(_split_z(diffed)) | set(_split_z(untracked))


def tree_files(ref: str, cwd: str | os.PathLike[str] = ".") -> dict[str, tuple[str, int]]:
    """Regular files at ``ref``: repository-relative path -> (blob id, size in bytes)."""
    commit = resolve(ref, cwd)
    out = _git(["ls-tree", "-r", "-l", "-z", "--full-tree", commit], cwd)
    files: dict[str, tuple[str, int]] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, blob, size = meta.decode().split()
        if kind == "blob" and mode in _REGULAR_MODES:
            files[name.decode("utf-8", "surrogateescape")] = (blob, int(size))
    return files


def read_blobs(blobs: Iterable[str], cwd: str | os.PathLike[str] = ".") -> dict[str, bytes]:
    """Contents of ``blobs`` (object ids) through one ``git cat-file --batch``."""
    ids = list(dict.fromkeys(blobs))
    if not ids:
        return {}
    out = _git(["cat-file", "--batch"], cwd, stdin="".join(f"{b}\n" for b in ids).encode())
    contents: dict[str, bytes] = {}
    pos = 0
    for blob in ids:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3:  # "<id> missing"
            continue
        size = int(header[2])
        contents[blob] = out[pos : pos + size]
        pos += size + 1  # content is followed by a newline
    return contents


def _config_relpath(abs_path: Path, root: Path) -> str:
    try:
        return abs_path.relative_to(root).as_posix()
    except ValueError:
        return abs_path.as_posix().lstrip("/")


def inventory_at(
    ref: str,
    config: Config,
    *,
    only: set[str] | None = None,
    under: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] = ".",
) -> Inventory:
    """The prompts of the repository at ``ref``, as ``build_inventory`` would find them.

    ``only`` limits the read to those repository-relative paths, ``under`` to the files
    below that directory of the work tree. Paths in the result are
    shown as for the work tree (relative to the current directory), so they line up with a
    run on disk. The current configuration applies to the old files too.
    """
    repo = toplevel(cwd)
    conf_root = Path(config.root).resolve()
    candidates: list[tuple[SourceFile, str]] = []
    skipped: list[Skip] = []
    scope = Path(under).resolve() if under is not None else None
    for name, (blob, size) in sorted(tree_files(ref, cwd).items()):
        if only is not None and name not in only:
            continue
        abs_path = repo / name
        if scope is not None and not abs_path.is_relative_to(scope):
            continue
        rel = _config_relpath(abs_path, conf_root)
        if any(part in DEFAULT_EXCLUDE for part in rel.split("/")[:-1]):
            continue
        if config.exclude and matches_any(rel, config.exclude):
            continue
        if config.include and not matches_any(rel, config.include):
            continue
        kind = classify(rel, config)
        if kind is None:
            continue
        file = SourceFile(display_path(abs_path), str(abs_path), rel, kind)
        if size > config.max_file_size:
            # Same notice as on disk, without reading the blob.
            skipped.append(
                Skip(
                    file.path,
                    f"skipped: file is {size:,} bytes, over the {config.max_file_size:,}-byte limit",
                )
            )
            continue
        candidates.append((file, blob))
    contents = read_blobs((blob for _, blob in candidates), repo)
    inv = Inventory([f for f, _ in candidates], [], skipped)
    for file, blob in candidates:
        data = contents.get(blob)
        if data is None:
            inv.skipped.append(Skip(file.path, f"skipped: not readable at {ref}"))
            continue
        text = check_bytes(data, file.path, config.max_file_size)
        if isinstance(text, Skip):
            inv.skipped.append(text)
            continue
        result = extract_text(file.path, file.kind, text, config)
        inv.results.append(result)
        inv.prompts.extend(result.prompts)
    return inv


def repo_relative(path: str, repo: Path) -> str:
    """A path as shown to the user, relative to the repository root (POSIX)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(repo).as_posix()
    except ValueError:
        return absolute.as_posix()
