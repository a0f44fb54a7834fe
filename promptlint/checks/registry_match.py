"""REG001 / REG002: prompts that should come from the template registry.

REG001 - a prompt in code is a copy of a registered template (its latest version, or an
older one that has since improved): load the template instead of carrying a copy.

REG002 - Python code loads a template without a version pin: ``registry.load("summarize")``
(latest, whatever it becomes), ``@*`` or a range with no upper bound (``>=1.0``). A label
(``@production``) counts as pinned: it is a reviewed pointer kept in the lock. The Python
extractor records the calls (``ExtractResult.registry_loads``); the finding sits on the call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from promptlint.checks.duplicates import (
    MIN_WORDS,
    Normalised,
    in_folders,
    normalised,
    registry_folders,
    similarity,
)
from promptlint.models import Hit, Prompt, Span

if TYPE_CHECKING:
    from promptlint.checks.base import CheckContext

COPY_CODE = "REG001"
UNPINNED_CODE = "REG002"
MATCH_THRESHOLD = 90.0  # a copy, not merely a prompt on the same topic


@dataclass(frozen=True, slots=True)
class RegisteredVersion:
    name: str
    version: str
    latest: str
    builtin: bool
    body: Normalised


def _pin(version: str) -> str:
    major, minor, _ = version.split(".")
    return f"^{major}.{minor}"


def registered_versions(ctx: CheckContext) -> list[RegisteredVersion]:
    """Every intact published version of the project registry and the built-in library.

    Versions that fail their lock check are skipped here: ``templates verify`` reports them.
    """
    from promptlint.registry import Registry, RegistryError
    from promptlint.resources import builtin_templates_dir

    cached = ctx.memo.get("reg.versions")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    folders = registry_folders(ctx)
    builtin = builtin_templates_dir().resolve()
    out: list[RegisteredVersion] = []
    seen: set[str] = set()
    for folder in folders:
        registry = Registry(folder)
        for name in registry.names():
            if name in seen:
                continue  # the project's own template shadows a built-in of the same name
            seen.add(name)
            try:
                versions = [str(v) for v in registry.versions(name)]
            except RegistryError:
                continue
            for version in versions:
                try:
                    body = registry.read_version(name, version).body
                except RegistryError:
                    continue
                out.append(
                    RegisteredVersion(
                        name,
                        version,
                        versions[-1],
                        folder == builtin and folder != folders[0],
                        normalised(body),
                    )
                )
    ctx.memo["reg.versions"] = out
    return out


@dataclass(frozen=True, slots=True)
class TemplateCopy:
    template: RegisteredVersion
    similarity: float


def find_copies(
    prompts: Sequence[Prompt], ctx: CheckContext, indices: Iterable[int]
) -> dict[int, TemplateCopy]:
    """Which of ``prompts[indices]`` copy a registered template version (the best match)."""
    rows: list[int] = []
    queries: list[Normalised] = []
    for index in indices:
        norm = normalised(prompts[index].text)
        if norm.words >= MIN_WORDS:
            rows.append(index)
            queries.append(norm)
    versions = registered_versions(ctx) if queries else []
    if not versions:
        return {}
    from rapidfuzz import fuzz, process

    texts = [q.text for q in queries]
    choices = [v.body.text for v in versions]
    scores = process.cdist(texts, choices, scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD)
    # Copies with reordered sentences: align sentence by sentence where the words agree.
    loose = process.cdist(
        texts, choices, scorer=fuzz.token_sort_ratio, score_cutoff=MATCH_THRESHOLD
    )
    for row, col in zip(*((loose > 0) & (scores == 0)).nonzero(), strict=True):
        scores[row][col] = similarity(queries[row], versions[col].body)
    found: dict[int, TemplateCopy] = {}
    for row, index in enumerate(rows):
        score = float(scores[row].max())
        if score < MATCH_THRESHOLD:
            continue
        # Same score for several versions (unchanged wording): name the newest.
        tied = [c for c in range(len(versions)) if scores[row][c] == score]
        best = max(tied, key=lambda c: _semver_key(versions[c].version))
        found[index] = TemplateCopy(versions[best], score)
    return found


def _copy_message(copy: TemplateCopy) -> str:
    match, score = copy.template, copy.similarity
    where = "built-in template" if match.builtin else "registry template"
    load = f'registry.load("{match.name}@{_pin(match.latest)}")'
    if match.version == match.latest:
        return (
            f"This prompt is a copy of {where} '{match.name}' ({match.version}, "
            f"{score:.0f}% similar); use {load} instead of a copy"
        )
    return (
        f"This prompt matches {match.name}@{match.version}, an older version of "
        f"{where} '{match.name}' ({score:.0f}% similar; latest {match.latest}); use {load}"
    )


def _copy_hits(
    prompts: Sequence[Prompt], ctx: CheckContext, skip: tuple[Path, ...]
) -> Iterable[tuple[int, Hit]]:
    candidates = (i for i, p in enumerate(prompts) if not in_folders(p.path, skip))
    for index, copy in sorted(find_copies(prompts, ctx, candidates).items()):
        match = copy.template
        yield (
            index,
            Hit(
                code=COPY_CODE,
                start=0,
                end=len(prompts[index].text),
                message=_copy_message(copy),
                evidence=f"{match.name}@{match.version}",
                data={
                    "template": match.name,
                    "version": match.version,
                    "latest": match.latest,
                    "similarity": round(copy.similarity, 1),
                },
            ),
        )


def _semver_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def unpinned_reason(spec: str) -> str | None:
    """Why ``spec`` is not pinned, or None when it is (exact version, bounded range, label)."""
    from promptlint.registry.semver import VersionError, parse_range

    _, sep, version = spec.partition("@")
    if not sep or not version.strip():
        return "no version: it loads whatever is published last"
    try:
        wanted = parse_range(version)
    except VersionError:
        return None  # a label: a reviewed pointer kept in the lock
    if not wanted.has_upper_bound:
        return f"'{version}' has no upper bound: a new major version would be loaded"
    return None


def _unpinned_hits(ctx: CheckContext, skip: tuple[Path, ...]) -> Iterable[tuple[Span, Hit]]:
    latest = {v.name: v.latest for v in registered_versions(ctx)} if ctx.registry_loads else {}
    for load in ctx.registry_loads:
        if load.spec is None or in_folders(load.span.path, skip):
            continue
        reason = unpinned_reason(load.spec)
        if reason is None:
            continue
        name = load.spec.partition("@")[0]
        pin = _pin(latest[name]) if name in latest else "^1.0"
        line = load.span.line
        yield (
            load.span,
            Hit(
                code=UNPINNED_CODE,
                start=0,
                end=0,
                message=(
                    f'registry.load("{load.spec}") at line {line} is not pinned '
                    f'({reason}); pin it, e.g. "{name}@{pin}" or a label such as '
                    f'"{name}@production"'
                ),
                evidence=load.spec,
                data={"spec": load.spec, "line": line},
            ),
        )


def check_project(prompts: Sequence[Prompt], ctx: CheckContext) -> Iterable[tuple[int | Span, Hit]]:
    skip = registry_folders(ctx)
    if ctx.enabled(COPY_CODE):
        yield from _copy_hits(prompts, ctx, skip)
    if ctx.enabled(UNPINNED_CODE):
        yield from _unpinned_hits(ctx, skip)
