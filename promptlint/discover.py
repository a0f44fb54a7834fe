"""File discovery: which files a run reads.

Inside a git work tree the candidate list comes from ``git ls-files`` (tracked plus
untracked-but-not-ignored); elsewhere a walk that honours ``.gitignore`` files (via
pathspec). Config include/exclude globs apply to both. Directory symlinks are never
followed, so there are no loops. Files that cannot be read as text are reported as skips.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from promptlint.config import Config
from promptlint.filetypes import classify, matches_any
from promptlint.models import Skip

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".promptlint_cache",
    "build",
    "dist",
    ".eggs",
)
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as shown to the user: relative to the cwd when below it
    abs_path: str
    relpath: str  # POSIX, relative to the config root (for globs)
    kind: str  # extractor


@dataclass(slots=True)
class Discovery:
    files: list[SourceFile]
    skipped: list[Skip]


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to the (resolved) working directory when below it, else as given."""
    try:
        return path.resolve().relative_to(cwd or Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def config_relpath(path: Path, root: Path) -> str:
    """``path`` relative to the (resolved) config ``root``, POSIX-style, for config globs.

    ``..`` is resolved lexically, so the path keeps its own name when it is a symlink; a
    path reached through a symlinked folder (``../repo/x.py``, ``link/x.py``) is matched
    by where that folder really is.
    """
    lexical = Path(os.path.abspath(path))
    if lexical.is_relative_to(root):
        return lexical.relative_to(root).as_posix()
    real = Path(os.path.realpath(lexical.parent)) / lexical.name
    if real.is_relative_to(root):
        return real.relative_to(root).as_posix()
    return lexical.as_posix().lstrip("/")


def file_kind(rel: str, config: Config, *, explicit: bool = False) -> str | None:
    """The extractor for the file at config-relative ``rel``, or None when the run skips it.

    Default excludes (``.venv``, ``node_modules``...) apply to files found by a walk, not to
    files named explicitly; config include/exclude apply to both.
    """
    if not explicit and any(part in DEFAULT_EXCLUDE for part in rel.split("/")[:-1]):
        return None
    if config.exclude and matches_any(rel, config.exclude):
        return None
    if config.include and not matches_any(rel, config.include):
        return None
    return classify(rel, config)


def oversize_skip(path: str, size: int, max_size: int) -> Skip:
    return Skip(path, f"skipped: file is {size:,} bytes, over the {max_size:,}-byte limit")


def _git_files(folder: Path) -> list[Path] | None:
    """Files git knows below ``folder`` (tracked + untracked not ignored), or None."""
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                str(folder),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--deduplicate",
                "--",
                ".",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    names = out.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [folder / n for n in names if n]


def _walk(folder: Path) -> Iterator[Path]:
    """A walk honouring .gitignore files found on the way; never follows dir symlinks."""
    import pathspec

    specs: list[tuple[Path, pathspec.PathSpec]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        ignore_file = here / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text("utf-8", "replace").splitlines()
                specs.append((here, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass

        def ignored(p: Path, is_dir: bool) -> bool:
            for base, spec in specs:
                try:
                    rel = p.relative_to(base).as_posix()
                except ValueError:
                    continue
                if spec.match_file(rel + ("/" if is_dir else "")):
                    return True
            return False

        dirnames[:] = sorted(
            d for d in dirnames if d not in DEFAULT_EXCLUDE and not ignored(here / d, True)
        )
        for name in sorted(filenames):
            p = here / name
            if not ignored(p, False):
                yield p


def discover(paths: tuple[str, ...] | list[str], config: Config) -> Discovery:
    """Candidate prompt files under ``paths`` (default '.'), sorted, deduplicated."""
    root = Path(config.root).resolve()
    cwd = Path.cwd().resolve()
    files: dict[str, SourceFile] = {}
    skipped: list[Skip] = []

    def consider(p: Path, explicit: bool) -> None:
        abs_p = p.resolve() if p.is_symlink() else p.absolute()
        rel = config_relpath(p, root)
        kind = file_kind(rel, config, explicit=explicit)
        if kind is None:
            return
        key = str(abs_p)
        if key not in files:
            files[key] = SourceFile(display_path(p, cwd), str(abs_p), rel, kind)

    for given in paths or (".",):
        p = Path(given)
        if not p.exists() and not p.is_symlink():
            skipped.append(Skip(given, "no such file or directory"))
            continue
        if p.is_file():
            consider(p, explicit=True)
            continue
        if not p.is_dir():
            continue
        listed = _git_files(p)
        candidates = listed if listed is not None else _walk(p)
        for c in candidates:
            if c.is_symlink() and not c.exists():
                continue
            if c.is_file():
                consider(c, explicit=False)
    ordered = sorted(files.values(), key=lambda f: f.path)
    return Discovery(ordered, skipped)


def check_bytes(data: bytes, path: str, max_size: int) -> str | Skip:
    """Decode a file's bytes, or say in one line why it is skipped."""
    if len(data) > max_size:
        return oversize_skip(path, len(data), max_size)
    if b"\0" in data[:_SNIFF]:
        return Skip(path, "skipped: binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Skip(path, f"skipped: not valid UTF-8 (byte {exc.start})")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_bytes(file: SourceFile, max_size: int) -> bytes | Skip:
    """A file's raw bytes, or why it is skipped (too big to read, unreadable)."""
    try:
        size = os.path.getsize(file.abs_path)
        if size > max_size:
            return oversize_skip(file.path, size, max_size)
        with open(file.abs_path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        return Skip(file.path, f"skipped: cannot read ({exc.strerror or exc})")


def read_source(file: SourceFile, max_size: int) -> str | Skip:
    data = read_bytes(file, max_size)
    return data if isinstance(data, Skip) else check_bytes(data, file.path, max_size)
