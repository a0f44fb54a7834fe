"""Discover files and extract their prompts: the first half of every run.

Big trees are extracted in worker processes (both cores); results are merged in sorted
path order, so output is identical to a serial run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from promptlint.config import Config
from promptlint.discover import SourceFile, discover, read_source
from promptlint.extract import extract_text
from promptlint.models import ExtractResult, Prompt, Skip

# Below this many bytes of candidate source, worker start-up costs more than it saves.
PARALLEL_MIN_BYTES = 4_000_000


@dataclass(slots=True)
class Inventory:
    files: list[SourceFile]
    results: list[ExtractResult]  # one per file that was read, in file order
    skipped: list[Skip]
    prompts: list[Prompt] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # path -> source text (when kept)

    @property
    def notices(self) -> list[str]:
        return [n for r in self.results for n in r.notices]


def _extract_one(file: SourceFile, config: Config) -> tuple[ExtractResult | None, Skip | None, str]:
    text = read_source(file, config.max_file_size)
    if isinstance(text, Skip):
        return None, text, ""
    return extract_text(file.path, file.kind, text, config), None, text


def _extract_chunk(
    files: list[SourceFile], config: Config
) -> list[tuple[ExtractResult | None, Skip | None, str]]:
    return [_extract_one(f, config) for f in files]


def _extract_parallel(
    files: list[SourceFile], config: Config, jobs: int
) -> list[tuple[ExtractResult | None, Skip | None, str]] | None:
    """Outcomes in file order, or None when worker processes cannot run here (containers
    without shared memory for semaphores): the caller then extracts serially."""
    # Interleaved chunks balance big and small files; order is restored below.
    chunks = [files[i :: jobs * 4] for i in range(jobs * 4)]
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_extract_chunk, chunks, [config] * len(chunks)))
    except (OSError, ImportError, BrokenProcessPool):
        return None
    by_path: dict[str, tuple[ExtractResult | None, Skip | None, str]] = {}
    for chunk, part in zip(chunks, parts, strict=True):
        for f, outcome in zip(chunk, part, strict=True):
            by_path[f.abs_path] = outcome
    return [by_path[f.abs_path] for f in files]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def build_inventory(
    paths: tuple[str, ...] | list[str],
    config: Config,
    *,
    jobs: int | None = None,
    keep_text: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Inventory:
    """Discover ``paths`` and extract every prompt in them."""
    found = discover(paths, config)
    files = found.files
    skipped = list(found.skipped)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    total_bytes = 0
    for f in files:
        with contextlib.suppress(OSError):
            total_bytes += os.path.getsize(f.abs_path)
    outcomes: list[tuple[ExtractResult | None, Skip | None, str]] | None = None
    if jobs > 1 and total_bytes >= PARALLEL_MIN_BYTES and len(files) > 1:
        outcomes = _extract_parallel(files, config, jobs)
        if outcomes is not None and progress:
            progress(len(files), len(files))
    if outcomes is None:
        outcomes = []
        for i, f in enumerate(files):
            outcomes.append(_extract_one(f, config))
            if progress:
                progress(i + 1, len(files))
    inv = Inventory(files, [], skipped)
    for f, (result, skip, text) in zip(files, outcomes, strict=True):
        if skip is not None:
            inv.skipped.append(skip)
            continue
        assert result is not None
        inv.results.append(result)
        inv.prompts.extend(result.prompts)
        if keep_text:
            inv.texts[f.path] = text
    return inv
