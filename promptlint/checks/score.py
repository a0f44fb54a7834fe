"""The efficiency score: how much of a prompt the findings show to be removable or compressible.

Per prompt::

    score = 100 * (1 - min(1, waste / tokens))

``tokens`` is the prompt's token count (its model, else the configured one). ``waste`` is the
sum of the reported findings' ``wasted_tokens`` with overlaps counted once: each finding
spreads its waste evenly over the characters it spans, and where findings overlap only the
densest one counts. A prompt of zero tokens scores 100 (nothing in it can be wasted; an
empty prompt has its own rule). Findings that mark no waste (a PII hit, a token budget) do
not move the score.

Per file and overall the score is token-weighted: ``100 * (1 - sum(waste) / sum(tokens))``,
so one huge wasteful prompt weighs more than a dozen short clean ones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from promptlint.models import CheckRun


@dataclass(frozen=True, slots=True)
class Figure:
    """Tokens, waste and score of a prompt, a file or the whole run."""

    tokens: int
    waste: int
    score: float


def score_of(tokens: int, waste: float) -> float:
    if tokens <= 0:
        return 100.0
    return round(100.0 * (1.0 - min(1.0, waste / tokens)), 1)


def merged_waste(spans: Iterable[tuple[int, int, int]]) -> float:
    """Waste of ``(start, end, wasted_tokens)`` spans, overlaps counted once (densest wins)."""
    items = []
    for start, end, wasted in spans:
        if wasted <= 0:
            continue
        if end <= start:  # a point finding: its waste stands alone
            end = start + 1
        items.append((start, end, wasted / (end - start)))
    if not items:
        return 0.0
    # Sweep the span boundaries left to right, keeping the densities of the open spans.
    events = sorted([(s, 1, d) for s, _, d in items] + [(e, -1, d) for _, e, d in items])
    open_densities: Counter[float] = Counter()
    total = 0.0
    last = events[0][0]
    for pos, kind, density in events:
        if open_densities and pos > last:
            total += max(open_densities) * (pos - last)
        last = pos
        open_densities[density] += kind
        if not open_densities[density]:
            del open_densities[density]
    return total


def aggregate(figures: Iterable[Figure]) -> Figure:
    tokens = waste = 0
    for f in figures:
        tokens += f.tokens
        waste += f.waste
    return Figure(tokens, waste, score_of(tokens, waste))


def prompt_figures(run: CheckRun) -> list[Figure]:
    return [Figure(t, w, s) for t, w, s in zip(run.tokens, run.waste, run.scores, strict=True)]


def by_file(run: CheckRun) -> dict[str, Figure]:
    """Token-weighted figures per file, in path order."""
    groups: dict[str, list[Figure]] = defaultdict(list)
    for prompt, figure in zip(run.prompts, prompt_figures(run), strict=True):
        groups[prompt.path].append(figure)
    return {path: aggregate(groups[path]) for path in sorted(groups)}


def overall(run: CheckRun) -> Figure:
    return aggregate(prompt_figures(run))
