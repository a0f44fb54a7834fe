"""Tier routing on the labelled set: promptlint's heuristics against litellm's complexity router.

    .venv/bin/python benchmarks/tier_vs_litellm.py [--litellm-spec SPEC] [--repeat N]

litellm is never a dependency of promptlint: on first use this script creates its own venv in
benchmarks/_env/ (git-ignored) and runs ``pip install SPEC`` there (default ``litellm``; a
wheel path works too). That install is the only network access; the comparison itself runs
offline (``LITELLM_LOCAL_MODEL_COST_MAP=True`` keeps litellm from fetching its price map).

litellm's router is scored twice: as designed (user text as the prompt, the system prompt
passed separately, which its heuristic ignores) and with system + user joined into the
prompt, so it is not penalised for the calling convention. Tiers map SIMPLE->small,
MEDIUM->medium, COMPLEX->large, REASONING->reasoning. Metrics are given for the whole set, the
tuning half (even indices) and the held-out half (odd indices).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import venv
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / "benchmarks" / "_env"
DATA = ROOT / "tests" / "data" / "tier_labelled.yaml"
RANK = {"small": 0, "medium": 1, "large": 2, "reasoning": 3}

# Runs inside benchmarks/_env: reads [[system, user], ...] on stdin, prints tiers and timings.
_LITELLM_RUNNER = r"""
import json, sys, time
from litellm.router_strategy.complexity_router import ComplexityRouter

names = {"SIMPLE": "small", "MEDIUM": "medium", "COMPLEX": "large", "REASONING": "reasoning"}
router = ComplexityRouter(
    model_name="benchmark", ctx=None, derive_savings_baseline=False,
    complexity_router_config={"tiers": {t: t.lower() for t in names}},
)
items, repeat = json.load(sys.stdin), int(sys.argv[1])
out = {}
for mode in ("native", "joined"):
    def run(system, user):
        if mode == "native":
            return router.classify(user or system, system_prompt=system or None)
        return router.classify("\n\n".join(p for p in (system, user) if p))
    tiers = [names[run(s, u)[0].value] for s, u in items]
    start = time.perf_counter()
    for _ in range(repeat):
        for s, u in items:
            run(s, u)
    ms = (time.perf_counter() - start) * 1000 / (repeat * len(items))
    out[mode] = {"tiers": tiers, "ms": ms}
print(json.dumps(out))
"""


def load_set() -> list[dict[str, str]]:
    import yaml

    with open(DATA, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["prompts"]


def metrics(labels: Sequence[str], got: Sequence[str]) -> dict[str, float]:
    pairs = [(RANK[g], RANK[lab]) for g, lab in zip(got, labels, strict=True)]
    n = len(pairs)
    return {
        "accuracy": sum(g == lab for g, lab in pairs) / n,
        "within_one": sum(abs(g - lab) <= 1 for g, lab in pairs) / n,
        "under": sum(g < lab for g, lab in pairs) / n,
        "over": sum(g > lab for g, lab in pairs) / n,
    }


def promptlint_tiers(items: list[tuple[str, str]], repeat: int) -> tuple[list[str], float]:
    sys.path.insert(0, str(ROOT))
    from promptlint.tiering import decide

    def parts(system: str, user: str) -> list[tuple[str | None, str]]:
        return [(role, text) for role, text in (("system", system), ("user", user)) if text]

    tiers = [decide(parts(s, u)).tier for s, u in items]  # also compiles the heuristics
    start = time.perf_counter()
    for _ in range(repeat):
        for s, u in items:
            decide(parts(s, u))
    return tiers, (time.perf_counter() - start) * 1000 / (repeat * len(items))


def ensure_env(spec: str) -> Path:
    python = ENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    probe = [str(python), "-c", "import litellm.router_strategy.complexity_router"]
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    if python.exists() and subprocess.run(probe, capture_output=True, env=env).returncode == 0:
        return python
    print(f"creating {ENV.relative_to(ROOT)} and installing {spec} (network) ...", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=python.exists()).create(ENV)
    subprocess.run([str(python), "-m", "pip", "install", "-q", spec], check=True)
    return python


def litellm_tiers(python: Path, items: list[tuple[str, str]], repeat: int) -> dict[str, dict]:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR"}
    done = subprocess.run(
        [str(python), "-c", _LITELLM_RUNNER, str(repeat)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: list[tuple[str, dict[str, float], float | None]]) -> str:
    lines = [
        "| router | accuracy | within one tier | under-routed (quality risk) | over-routed (waste) | ms/prompt |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, m, ms in rows:
        timing = f"{ms:.3f}" if ms is not None else ""
        lines.append(
            f"| {name} | {m['accuracy']:.1%} | {m['within_one']:.1%} | {m['under']:.1%} "
            f"| {m['over']:.1%} | {timing} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--litellm-spec", default="litellm", help="pip requirement or wheel path")
    parser.add_argument("--repeat", type=int, default=20, help="timing repetitions")
    args = parser.parse_args()

    data = load_set()
    items = [(p.get("system") or "", p.get("user") or "") for p in data]
    labels = [p["tier"] for p in data]
    ours, our_ms = promptlint_tiers(items, args.repeat)
    theirs = litellm_tiers(ensure_env(args.litellm_spec), items, args.repeat)

    routers = [
        ("promptlint", ours, our_ms),
        (
            "litellm complexity_router (system separate)",
            theirs["native"]["tiers"],
            theirs["native"]["ms"],
        ),
        (
            "litellm complexity_router (system + user joined)",
            theirs["joined"]["tiers"],
            theirs["joined"]["ms"],
        ),
    ]
    counts = {t: labels.count(t) for t in RANK}
    print(
        f"Labelled set: {len(labels)} prompts ({', '.join(f'{n} {t}' for t, n in counts.items())})\n"
    )
    for title, pick in (
        ("Held-out half (odd indices; never used for tuning)", lambda i: i % 2 == 1),
        ("Tuning half (even indices)", lambda i: i % 2 == 0),
        ("Whole set", lambda i: True),
    ):
        idx = [i for i in range(len(labels)) if pick(i)]
        rows = [
            (name, metrics([labels[i] for i in idx], [tiers[i] for i in idx]), ms)
            for name, tiers, ms in routers
        ]
        print(f"### {title}: {len(idx)} prompts\n\n{table(rows)}\n")


if __name__ == "__main__":
    main()
