"""Tier heuristics: accuracy on the labelled set (held-out half), signals, config overrides."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from promptlint.config import ConfigError, config_from_mapping
from promptlint.tiering import TIER_RANK, TIERS, decide, decide_text

DATA = Path(__file__).parent / "data" / "tier_labelled.yaml"


def _load() -> list[dict[str, str]]:
    with open(DATA, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["prompts"]


LABELLED = _load()


def _parts(item: dict[str, str]) -> list[tuple[str | None, str]]:
    return [(role, item[role]) for role in ("system", "user") if item.get(role)]


def _metrics(items: Sequence[dict[str, str]]) -> dict[str, float]:
    pairs = [(TIER_RANK[decide(_parts(p)).tier], TIER_RANK[p["tier"]]) for p in items]
    n = len(pairs)
    return {
        "n": n,
        "accuracy": sum(g == lab for g, lab in pairs) / n,
        "within_one": sum(abs(g - lab) <= 1 for g, lab in pairs) / n,
        "under": sum(g < lab for g, lab in pairs) / n,
        "over": sum(g > lab for g, lab in pairs) / n,
    }


def _report(name: str, m: dict[str, float]) -> str:
    return (
        f"{name}: n={m['n']} accuracy={m['accuracy']:.3f} within-one={m['within_one']:.3f} "
        f"under-routed={m['under']:.3f} over-routed={m['over']:.3f}"
    )


def test_labelled_set_is_large_balanced_and_documented() -> None:
    header = DATA.read_text(encoding="utf-8").split("prompts:", 1)[0]
    assert "Labelling criteria" in header
    assert all(f"- {tier}:" in header for tier in TIERS)
    assert len(LABELLED) >= 200
    assert len({p["id"] for p in LABELLED}) == len(LABELLED)
    assert {p["tier"] for p in LABELLED} == set(TIERS)
    for tier in TIERS:
        assert sum(p["tier"] == tier for p in LABELLED) >= 40, tier
    notes = [p.get("note") for p in LABELLED]
    assert notes.count("long-simple") >= 10 and notes.count("short-hard") >= 10
    assert all(p.get("system") or p.get("user") for p in LABELLED)


def test_held_out_half_meets_the_floors(capsys: pytest.CaptureFixture[str]) -> None:
    """Weights were tuned on even indices only; odd indices are the held-out half."""
    tuning = _metrics(LABELLED[0::2])
    held_out = _metrics(LABELLED[1::2])
    report = "\n".join([_report("tuning (even)", tuning), _report("held-out (odd)", held_out)])
    with capsys.disabled():
        print("\n" + report)
    assert held_out["accuracy"] >= 0.80, report
    assert held_out["within_one"] >= 0.92, report
    assert held_out["under"] <= 0.14, report
    assert held_out["over"] <= 0.08, report


def test_length_does_not_carry_the_decision() -> None:
    long_simple = [p for p in LABELLED if p.get("note") == "long-simple"]
    short_hard = [p for p in LABELLED if p.get("note") == "short-hard"]
    ls, sh = _metrics(long_simple), _metrics(short_hard)
    assert ls["accuracy"] >= 0.7, _report("long-simple", ls)
    assert sh["accuracy"] >= 0.7, _report("short-hard", sh)
    # A long document to label is never sent to a reasoning model, and short hard asks rarely
    # end up on a small one (one of the 20 has no keyword signal at all: a bare "why" question).
    assert all(decide(_parts(p)).tier != "reasoning" for p in long_simple)
    assert sum(decide(_parts(p)).tier == "small" for p in short_hard) <= 1


def test_decision_names_its_signals() -> None:
    d = decide_text("Prove that there are infinitely many primes, and derive a lower bound.")
    assert d.tier == "reasoning"
    assert 0.5 <= d.confidence <= 1
    assert d.summary.startswith("reasoning: ")
    assert "prove" in d.summary
    assert all(s.contribution > 0 for s in d.signals[: len(d.supporting)])

    small = decide(
        [
            ("system", "Classify the ticket as billing, bug or other. Reply with the label only."),
            ("user", "{ticket}"),
        ]
    )
    assert small.tier == "small"
    assert any("classify" in r for r in small.supporting)
    assert all(s.contribution < 0 for s in small.signals[: len(small.supporting)])


def test_hard_constraints_are_counted_and_formatting_rules_are_not_hard() -> None:
    rules = "\n".join(f"{i}. Each line must use uppercase for field {i}." for i in range(1, 10))
    d = decide_text("Reformat the contacts.\n" + rules)
    assert "9 formatting rules" in d.reasons
    hard = "\n".join(f"- Nurse {i} must never work two night shifts in a row." for i in range(9))
    d = decide_text("Produce an optimal rota that minimises overtime.\n" + hard)
    assert "9 hard constraints" in d.reasons
    assert d.tier == "reasoning"


def test_system_and_user_are_judged_together_and_documents_are_material() -> None:
    body = "The team will prove the design of the migration and debug the deadlock. " * 60
    document = f"Minutes of the weekly platform meeting.\n{body}\nNext meeting: Tuesday, room 4."
    alone = decide([("user", document)])
    together = decide(
        [
            ("system", "Which language is this document written in? Answer with one word."),
            ("user", document),
        ]
    )
    assert TIER_RANK[together.tier] < TIER_RANK[alone.tier]
    assert together.tier == "small"


def test_code_in_fences_is_not_read_as_instructions() -> None:
    code = (
        "```python\n"
        + "\n".join(f"def prove_{i}(): return design_{i}()" for i in range(20))
        + "\n```"
    )
    d = decide_text("Which programming language is this? Reply with one word.\n\n" + code)
    assert d.tier == "small"
    assert "code present" in d.reasons
    debug = decide_text("This function deadlocks under load; debug it and fix it.\n\n" + code)
    assert any(s.feature == "code_with_hard_ask" for s in debug.signals)


def test_a_prompt_without_signals_is_a_low_confidence_default() -> None:
    d = decide_text("{question}")
    assert d.tier == "small" and d.confidence < 0.5 and d.signals == ()
    assert d.summary == "small: no strong signal"


def test_config_overrides_weights_thresholds_and_keywords() -> None:
    text = "Prove that the square root of 2 is irrational."
    assert decide_text(text).tier == "reasoning"
    no_proofs = config_from_mapping({"tiers": {"weights": {"reasoning_task": 0}}})
    assert decide_text(text, no_proofs).tier != "reasoning"
    everything_large = config_from_mapping(
        {"tiers": {"thresholds": {"reasoning": 99, "large": -99}}}
    )
    assert decide_text(text, everything_large).tier == "large"

    ask = "Triage the incoming message."
    assert decide_text(ask).tier == "small" and decide_text(ask).signals == ()
    team = config_from_mapping({"tiers": {"keywords": {"simple_task": ["triage"]}}})
    assert any("triage" in r for r in decide_text(ask, team).reasons)
    removed = config_from_mapping({"tiers": {"keywords": {"reasoning_task": ["-prove"]}}})
    assert not any("prove" in r for r in decide_text(text, removed).reasons)


@pytest.mark.parametrize(
    "tiers, message",
    [
        ({"weights": {"reasoning_tsk": 1}}, "unknown key 'reasoning_tsk' in tiers.weights"),
        ({"thresholds": {"huge": 1}}, "unknown key 'huge' in tiers.thresholds"),
        ({"keywords": {"verbs": ["x"]}}, "unknown keyword group 'verbs'"),
    ],
)
def test_unknown_override_names_are_one_line_errors(tiers: dict, message: str) -> None:
    config = config_from_mapping({"tiers": tiers})
    with pytest.raises(ConfigError, match=message):
        decide_text("anything", config)
