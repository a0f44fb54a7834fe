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
from typing import TYPE_CHECKING

from promptlint.config import Config
from promptlint.discover import SourceFile, check_bytes, discover, read_bytes, read_source
from promptlint.extract import extract_text
from promptlint.models import ExtractResult, Prompt, Skip

if TYPE_CHECKING:
    from promptlint.cache import Cache

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


# (result, skip, source text) of one file: exactly one of result and skip is set.
_Outcome = tuple[ExtractResult | None, Skip | None, str]


def _extract_one(file: SourceFile, config: Config, text: str | None = None) -> _Outcome:
    """Extract ``file``, reading it first unless its ``text`` is already known."""
    if text is None:
        read = read_source(file, config.max_file_size)
        if isinstance(read, Skip):
            return None, read, ""
        text = read
    return extract_text(file.path, file.kind, text, config), None, text


def _extract_chunk(items: list[tuple[SourceFile, str | None]], config: Config) -> list[_Outcome]:
    return [_extract_one(f, config, text) for f, text in items]


def _extract_parallel(
    items: list[tuple[SourceFile, str | None]], config: Config, jobs: int
) -> list[_Outcome] | None:
    """Outcomes in item order, or None when worker processes cannot run here (containers
    without shared memory for semaphores): the caller then extracts serially."""
    # Interleaved chunks balance big and small files; order is restored below.
    chunks = [items[i :: jobs * 4] for i in range(jobs * 4)]
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_extract_chunk, chunks, [config] * len(chunks)))
    except (OSError, ImportError, BrokenProcessPool):
        return None
    by_path: dict[str, _Outcome] = {}
    for chunk, part in zip(chunks, parts, strict=True):
        for (f, _), outcome in zip(chunk, part, strict=True):
            by_path[f.abs_path] = outcome
    return [by_path[f.abs_path] for f, _ in items]


_Todo = list[tuple[int, str | None]]  # files still to extract: (index, text when read)


def _cached_outcomes(
    files: list[SourceFile], config: Config, cache: Cache
) -> tuple[list[_Outcome | None], _Todo, dict[int, str], int]:
    """Read every file and look its extraction up: the outcome per file (None for a miss),
    the misses with their text, the cache key of each miss, and the bytes of the misses."""
    outcomes: list[_Outcome | None] = []
    todo: _Todo = []
    keys: dict[int, str] = {}
    miss_bytes = 0
    for i, f in enumerate(files):
        data = read_bytes(f, config.max_file_size)
        text = data if isinstance(data, Skip) else check_bytes(data, f.path, config.max_file_size)
        if isinstance(text, Skip):
            outcomes.append((None, text, ""))
            continue
        assert isinstance(data, bytes)
        key = cache.extract_key(f, data)
        result = cache.get_extract(key, f.path)
        if result is None:
            todo.append((i, text))
            keys[i] = key
            miss_bytes += len(data)
        outcomes.append(None if result is None else (result, None, text))
    return outcomes, todo, keys, miss_bytes


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
    cache: Cache | None = None,
) -> Inventory:
    """Discover ``paths`` and extract every prompt in them. With a ``cache``, files whose
    bytes were extracted before are not parsed again; only the others go to workers."""
    found = discover(paths, config)
    files = found.files
    skipped = list(found.skipped)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    outcomes: list[_Outcome | None]
    todo: _Todo
    if cache is not None:
        outcomes, todo, keys, todo_bytes = _cached_outcomes(files, config, cache)
    else:
        outcomes, keys, todo_bytes = [None] * len(files), {}, 0
        todo = [(i, None) for i in range(len(files))]
        for f in files:
            with contextlib.suppress(OSError):
                todo_bytes += os.path.getsize(f.abs_path)
    done = len(files) - len(todo)
    computed: list[_Outcome] | None = None
    if jobs > 1 and todo_bytes >= PARALLEL_MIN_BYTES and len(todo) > 1:
        computed = _extract_parallel([(files[i], text) for i, text in todo], config, jobs)
    if computed is None:
        computed = []
        for n, (i, text) in enumerate(todo):
            computed.append(_extract_one(files[i], config, text))
            if progress:
                progress(done + n + 1, len(files))
    for (i, _), outcome in zip(todo, computed, strict=True):
        outcomes[i] = outcome
        if cache is not None and outcome[0] is not None:
            cache.put_extract(keys[i], outcome[0])
    if cache is not None:
        cache.flush()
    if progress:
        progress(len(files), len(files))
    inv = Inventory(files, [], skipped)
    for f, outcome in zip(files, outcomes, strict=True):
        assert outcome is not None
        result, skip, text = outcome
        if skip is not None:
            inv.skipped.append(skip)
            continue
        assert result is not None
        inv.results.append(result)
        inv.prompts.extend(result.prompts)
        if keep_text:
            inv.texts[f.path] = text
    return inv
