"""Per-call facts of an audit: owner team, use case, cost, tier suggestion, and the money a
fix would save. Everything a call costs is attributed to its prompts in proportion to their
tokens, so any grouping of prompts adds up to the whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from promptlint.config import Config
from promptlint.cost import DAYS_PER_MONTH, CallReview, TierMove, review, tier_move
from promptlint.modelres import group_by_call, relative_path
from promptlint.models import CheckRun, Prompt
from promptlint.pii.catalog import ALL_ENTITIES, TEST_VALUE_CODE
from promptlint.teams import TeamResolver
from promptlint.tokens import TokenCounter, TokenStore
from promptlint.usecase import classify_call

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class CallFacts:
    number: int  # 1-based, in prompt order
    indices: list[int]  # into run.prompts
    relpath: str
    team: str
    use_case: str
    result: CallReview
    move: TierMove | None

    @property
    def volume(self) -> float | None:
        return self.result.estimate.calls_per_day


def review_calls(
    run: CheckRun,
    config: Config,
    progress: Progress | None = None,
    token_store: TokenStore | None = None,
) -> list[CallFacts]:
    """Judge every call of the run once (its prompts together)."""
    counter = TokenCounter(config.model, store=token_store)
    teams = TeamResolver(config)
    groups = group_by_call(run.prompts)
    calls: list[CallFacts] = []
    for number, indices in enumerate(groups, start=1):
        prompts = [run.prompts[i] for i in indices]
        relpath = relative_path(prompts[0].path, config)
        result = review(prompts, config, counter)
        calls.append(
            CallFacts(
                number=number,
                indices=indices,
                relpath=relpath,
                team=teams.team(relpath),
                use_case=classify_call(prompts, relpath, config),
                result=result,
                move=tier_move(result, config),
            )
        )
        if progress:
            progress(number, len(groups))
    return calls


def _shares(tokens: Sequence[int]) -> list[float]:
    """Each prompt's share of its call, by tokens (equal shares when the call is empty)."""
    total = sum(tokens)
    if total <= 0:
        return [1.0 / len(tokens)] * len(tokens)
    return [t / total for t in tokens]


def _times(value: float | None, share: float) -> float | None:
    return None if value is None else value * share


def _per_month(per_call: float | None, volume: float | None) -> float | None:
    if per_call is None or not volume:
        return None
    return per_call * volume * DAYS_PER_MONTH


def in_registry(prompt: Prompt, folder: Path, loading_files: frozenset[str]) -> bool:
    """From the template registry: stored in its folder, or in a file that renders
    templates through ``registry.load`` (a file-level signal of the extractor)."""
    if prompt.path in loading_files:
        return True
    return Path(prompt.path).resolve().is_relative_to(folder)


def prompt_records(
    run: CheckRun,
    calls: Sequence[CallFacts],
    registry_folder: Path,
    loading_files: frozenset[str],
) -> list[dict[str, object]]:
    """One record per prompt, in run order, with its share of its call's cost and savings."""
    findings = Counter(f.prompt_index for f in run.findings if f.prompt_index is not None)
    pii = Counter()
    secrets = Counter()
    for f in run.findings:
        entity = f.data.get("entity") if f.data else None
        if f.prompt_index is None or not isinstance(entity, str) or f.code == TEST_VALUE_CODE:
            continue
        kind = ALL_ENTITIES.get(entity)
        (secrets if kind is not None and kind.secret else pii)[f.prompt_index] += 1
    records: list[dict[str, object] | None] = [None] * len(run.prompts)
    for call in calls:
        est, info, move = call.result.estimate, call.result.model, call.move
        volume = call.volume
        tier_per_call = move.saving_per_call if move and move.direction == "down" else None
        shares = _shares([run.tokens[i] for i in call.indices])
        for index, share in zip(call.indices, shares, strict=True):
            prompt = run.prompts[index]
            # A duplicate cluster charges all its copies to its first location: cap at the
            # prompt's own tokens, which is all that trimming this prompt can save per call.
            waste = min(run.waste[index], run.tokens[index])
            waste_per_call = waste * info.input / 1_000_000 if info is not None else None
            cost = _times(est.cost_per_call, share)
            tier_saving = _times(tier_per_call, share)
            records[index] = {
                "path": prompt.path,
                "line": prompt.start_line,
                "col": prompt.start_col,
                "end_line": prompt.end_line,
                "kind": prompt.kind,
                "role": prompt.role,
                "call": call.number,
                "team": call.team,
                "use_case": call.use_case,
                "model": est.model,
                "model_source": est.model_source,
                "model_tier": info.tier if info else None,
                "tier": call.result.decision.tier,
                "tier_confidence": call.result.decision.confidence,
                "tokens": run.tokens[index],
                "waste_tokens": waste,
                "score": run.scores[index],
                "calls_per_day": volume,
                "volume_source": est.calls_source,
                "cost_per_call": cost,
                "monthly_cost": _per_month(cost, volume),
                "waste_saving_per_call": waste_per_call,
                "waste_monthly_saving": _per_month(waste_per_call, volume),
                "tier_saving_per_call": tier_saving,
                "tier_monthly_saving": _per_month(tier_saving, volume),
                "findings": findings[index],
                "pii": pii[index],
                "secrets": secrets[index],
                "registry": in_registry(prompt, registry_folder, loading_files),
            }
    return [r for r in records if r is not None]
