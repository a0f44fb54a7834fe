"""DUP001: near-duplicate prompts across the project, grouped into clusters.

Prompts are normalised first (placeholders of every syntax become one token, punctuation and
case are dropped, whitespace collapsed), so ``{name}`` vs ``{{ customer }}`` or a re-wrapped
line do not hide a copy. Comparing every pair would be quadratic, so candidates come from
MinHash LSH over word bigrams (numpy): only prompts that share a band of their signature are
compared, with rapidfuzz, and verified pairs are merged with union-find. Each cluster is
reported once, on its first location, with every location and the tokens the copies cost.

Prompts of the template registry are left out: versions of one template are meant to look
alike. A cluster of copies of a registered template is not reported either: REG001 points
each copy at the template.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from promptlint.models import Hit, Prompt

if TYPE_CHECKING:
    import numpy as np

    from promptlint.checks.base import CheckContext

CODE = "DUP001"
MIN_WORDS = 8  # shorter prompts ("Summarise this text for me") are too generic to matter
SIMILARITY = 85.0  # rapidfuzz score (0-100) at which two normalised prompts are copies
_BANDS, _ROWS = 32, 3  # LSH: pairs with Jaccard ~0.4 become candidates ~90% of the time
_SEED = 20240601
_MESSAGE_LOCATIONS = 5

_PLACEHOLDER = re.compile(
    r"\{\{\{?[^{}]*\}\}\}?"  # Jinja / Handlebars {{ x }}, {{{ x }}}
    r"|\{%.*?%\}|\{#.*?#\}"  # Jinja statements and comments
    r"|\$\{[^{}]*\}"  # ${x}
    r"|\{[^{}\s]*\}"  # format / f-string {x}, {x!r:>10}, {}
    r"|%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # printf %(x)s
    r"|<[A-Z][A-Z0-9_ -]*>",  # <NAME> style slots
    re.DOTALL,
)
_NON_WORD = re.compile(r"[^\w\s]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_TOKEN = " phvar "


@dataclass(frozen=True, slots=True)
class Normalised:
    """A prompt as compared: placeholders unified, punctuation dropped, case folded."""

    sentences: tuple[str, ...]
    text: str  # the sentences in the prompt's order

    @property
    def words(self) -> int:
        return self.text.count(" ") + 1 if self.text else 0


def _clean(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def normalised(text: str) -> Normalised:
    text = _PLACEHOLDER.sub(_TOKEN, text)
    sentences = tuple(c for c in (_clean(s) for s in _SENTENCE_END.split(text)) if c)
    return Normalised(sentences, " ".join(sentences))


def normalise(text: str) -> str:
    """The in-order normalised text (see ``Normalised``)."""
    return normalised(text).text


def _aligned(a: Normalised, b: Normalised) -> float:
    """Sentence-by-sentence similarity, whatever the order: each sentence scores against
    its best counterpart, weighted by length, and the weaker direction counts."""
    from rapidfuzz import fuzz, process

    matrix = process.cdist(a.sentences, b.sentences, scorer=fuzz.ratio)
    a_len = [len(x) for x in a.sentences]
    b_len = [len(x) for x in b.sentences]
    forward = sum(float(m) * w for m, w in zip(matrix.max(axis=1), a_len, strict=True))
    backward = sum(float(m) * w for m, w in zip(matrix.max(axis=0), b_len, strict=True))
    return min(forward / sum(a_len), backward / sum(b_len))


def similarity(a: Normalised, b: Normalised, cutoff: float = 0.0) -> float:
    """Similarity 0-100: the in-order ratio, or for reordered sentences the aligned one."""
    from rapidfuzz import fuzz

    score = fuzz.ratio(a.text, b.text, score_cutoff=cutoff)
    if cutoff and score >= cutoff:
        return float(score)
    if len(a.sentences) < 2 or len(b.sentences) < 2:
        return float(score)
    # Reordering keeps the bag of words: skip the alignment when even that differs.
    if fuzz.token_sort_ratio(a.text, b.text, score_cutoff=cutoff) < max(cutoff, 1.0):
        return float(score)
    return max(float(score), _aligned(a, b))


@dataclass(frozen=True, slots=True)
class Cluster:
    """Prompts that are copies of each other; ``members[0]`` is the first location."""

    members: tuple[int, ...]  # indices into the prompt list, in location order
    similarity: tuple[float, ...]  # each member against members[0] (100.0 for itself)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _signatures(docs: list[list[str]]) -> np.ndarray:
    """MinHash signatures (docs x BANDS*ROWS) over word bigrams, vectorised over all docs."""
    import numpy as np

    vocab: dict[str, int] = {}
    ids: list[int] = []
    starts: list[int] = []  # first shingle of each doc in the flat shingle array
    doc_of: list[int] = []
    for d, words in enumerate(docs):
        starts.append(len(ids) - d)  # one shingle fewer than words per doc
        for w in words:
            ids.append(vocab.setdefault(w, len(vocab)))
        doc_of.extend([d] * len(words))
    flat = np.asarray(ids, dtype=np.uint64)
    owner = np.asarray(doc_of, dtype=np.int64)
    same_doc = owner[:-1] == owner[1:]
    shingles = (flat[:-1] << np.uint64(32)) | flat[1:]
    shingles = shingles[same_doc]
    offsets = np.asarray(starts, dtype=np.int64)
    rng = np.random.default_rng(_SEED)
    perms = _BANDS * _ROWS
    mult = rng.integers(1, 2**63, size=perms, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63, size=perms, dtype=np.uint64)
    sig = np.empty((len(docs), perms), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p in range(perms):
            hashed = (shingles * mult[p] + add[p]) >> np.uint64(32)
            sig[:, p] = np.minimum.reduceat(hashed, offsets)
    return sig


def _buckets(sig: np.ndarray) -> Iterable[list[int]]:
    """Groups of docs (two or more) that share one LSH band of their signature."""
    import numpy as np

    rng = np.random.default_rng(_SEED + 1)
    weights = rng.integers(1, 2**63, size=_ROWS, dtype=np.uint64) | np.uint64(1)
    for band in range(_BANDS):
        cols = sig[:, band * _ROWS : (band + 1) * _ROWS]
        with np.errstate(over="ignore"):
            keys = (cols * weights).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        bounds = np.concatenate(([0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1, [len(keys)]))
        sizes = np.diff(bounds)
        shared = sizes > 1
        for start, size in zip(bounds[:-1][shared].tolist(), sizes[shared].tolist(), strict=True):
            yield order[start : start + size].tolist()


def find_clusters(
    prompts: Sequence[Prompt],
    *,
    threshold: float = SIMILARITY,
    min_words: int = MIN_WORDS,
    skip: Callable[[Prompt], bool] | None = None,
) -> list[Cluster]:
    """Clusters of near-duplicate prompts (two or more members), in location order."""
    by_text: dict[str, list[int]] = {}
    forms: dict[str, Normalised] = {}
    for index, prompt in enumerate(prompts):
        if skip is not None and skip(prompt):
            continue
        norm = normalised(prompt.text)
        if norm.words < min_words:
            continue
        by_text.setdefault(norm.text, []).append(index)
        forms.setdefault(norm.text, norm)
    texts = list(by_text)
    uf = _UnionFind(len(texts))
    if len(texts) > 1:
        sig = _signatures([t.split() for t in texts])
        for bucket in _buckets(sig):
            # Compare each doc with one representative per cluster met in this bucket: a
            # bucket of true copies costs one comparison per member, not all pairs.
            reps: list[int] = []
            for doc in bucket:
                for rep in reps:
                    if uf.find(rep) == uf.find(doc):
                        break
                    if similarity(forms[texts[doc]], forms[texts[rep]], threshold) >= threshold:
                        uf.union(doc, rep)
                        break
                else:
                    reps.append(doc)
    groups: dict[int, list[int]] = {}
    for t, text in enumerate(texts):
        groups.setdefault(uf.find(t), []).extend(by_text[text])
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (prompts[i].path, prompts[i].start_line, prompts[i].start_col))
        first = normalised(prompts[members[0]].text)
        scores = tuple(round(similarity(first, normalised(prompts[m].text)), 1) for m in members)
        clusters.append(Cluster(tuple(members), scores))
    clusters.sort(key=lambda c: c.members[0])
    return clusters


def registry_folders(ctx: CheckContext) -> tuple[Path, ...]:
    """The project's registry folder and the built-in library (resolved)."""
    from promptlint.resources import builtin_templates_dir

    project = (Path(ctx.config.root) / ctx.config.registry.path).resolve()
    return tuple(dict.fromkeys((project, builtin_templates_dir().resolve())))


def in_folders(path: str, folders: tuple[Path, ...]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(folder) for folder in folders)


def _location(prompt: Prompt) -> str:
    return f"{prompt.path}:{prompt.start_line}"


_NAME_NOISE = re.compile(r"(^|_)(prompt|template|tmpl|text|message|msg|str)s?(?=_|$)")


def suggest_name(prompt: Prompt) -> str:
    """A template name from the variable that holds the prompt (SUPPORT_PROMPT -> support)."""
    owner = (prompt.owner or "").rsplit(".", 1)[-1].lower()
    stem = _NAME_NOISE.sub(r"\1", owner).strip("_")
    name = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return name if name and name[0].isalnum() else "NAME"


def check_project(prompts: Sequence[Prompt], ctx: CheckContext) -> Iterable[tuple[int, Hit]]:
    if not ctx.enabled(CODE):
        return
    from promptlint.checks.registry_match import find_copies

    folders = registry_folders(ctx)
    clusters = find_clusters(prompts, skip=lambda p: in_folders(p.path, folders))
    ctx.memo["dup.clusters"] = clusters
    # Copies of a registered template already have a home: REG001 points them at it.
    templated = find_copies(prompts, ctx, (c.members[0] for c in clusters))
    clusters = [c for c in clusters if c.members[0] not in templated]
    for cluster in clusters:
        first = prompts[cluster.members[0]]
        copies = [prompts[m] for m in cluster.members[1:]]
        cost = sum(ctx.tokens(p.text, p.model) for p in copies)
        shown = ", ".join(
            f"{_location(p)} ({score:.0f}%)"
            for p, score in zip(copies[:_MESSAGE_LOCATIONS], cluster.similarity[1:], strict=False)
        )
        if len(copies) > _MESSAGE_LOCATIONS:
            shown += f" and {len(copies) - _MESSAGE_LOCATIONS} more"
        lowest = min(cluster.similarity)
        message = (
            f"Near-duplicate prompt: {len(copies)} other cop{'y' if len(copies) == 1 else 'ies'} "
            f"(>= {lowest:.0f}% similar) at {shown}; the copies cost {cost} tokens. Make it one "
            f"registry template: promptlint templates add {suggest_name(first)} --from "
            f"{_location(first)}"
        )
        digest = hashlib.sha256(normalise(first.text).encode("utf-8")).hexdigest()[:16]
        yield (
            cluster.members[0],
            Hit(
                code=CODE,
                start=0,
                end=len(first.text),
                message=message,
                # The copies' cost lives in data["tokens"]: it is not waste inside this
                # prompt's own text, so it must not lower this prompt's efficiency score.
                wasted_tokens=0,
                evidence=f"cluster:{digest}",
                data={
                    "cluster_size": len(cluster.members),
                    "tokens": cost,
                    "locations": [
                        {"path": p.path, "line": p.start_line, "similarity": score}
                        for p, score in zip(
                            (prompts[m] for m in cluster.members), cluster.similarity, strict=True
                        )
                    ],
                },
            ),
        )
