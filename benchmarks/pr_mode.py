"""Pull-request mode overhead: what ``--diff-base``, ``diff`` and baselines add to a check.

Builds a reproducible git repository (N Python modules, a few prompts each, padding that
rules flag), commits it, edits a few files, then measures in-process:

1. reading every prompt file at the base revision (``git ls-tree`` + one
   ``git cat-file --batch`` + extraction) versus the same files from disk;
2. ``restrict_to_changed`` (``check --diff-base``) on top of a finished check;
3. ``compare`` (``promptlint diff``: matching, costs, fingerprints) for two finished checks;
4. baseline fingerprints of every finding.

    .venv/bin/python benchmarks/pr_mode.py [--files 400] [--changed 10]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from promptlint import baseline, gitdiff, prdiff
from promptlint.config import config_from_mapping
from promptlint.engine import run_check_on_inventory
from promptlint.inventory import build_inventory
from promptlint.rulepack import load_rules

WORDS = [
    "ticket",
    "customer",
    "refund",
    "invoice",
    "summary",
    "answer",
    "policy",
    "product",
    "release",
    "incident",
]


def _module(rng: random.Random, n: int) -> str:
    lines = ["import os\n"]
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
        pad = rng.choice(["Please kindly ", "", "In order to help, ", ""])
        lines.append(f'PROMPT_{i}_PROMPT = "{pad}Summarise the {words} for the team."\n')
    return "\n".join(lines)


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--prompts", type=int, default=4)
    parser.add_argument("--changed", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        _git(repo, "init", "-q", "-b", "main")
        for i in range(args.files):
            (repo / f"mod{i:05d}.py").write_text(_module(rng, args.prompts))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "base")
        for i in rng.sample(range(args.files), args.changed):
            path = repo / f"mod{i:05d}.py"
            path.write_text(
                "# moved down\n\n" + path.read_text().replace("Summarise", "Briefly summarise", 1)
            )
        os.chdir(repo)
        config = config_from_mapping({"select": ["EFF"]}, root=str(repo))
        rules = load_rules(config)
        size = sum(p.stat().st_size for p in repo.glob("*.py")) / 1e6
        print(f"{args.files} files, {size:.1f} MB, {args.changed} changed")
        disk = _timed("inventory from disk", lambda: build_inventory((".",), config, jobs=1))
        old = _timed(
            "inventory at HEAD (ls-tree + cat-file --batch)",
            lambda: gitdiff.inventory_at("HEAD", config),
        )
        print(f"  prompts: disk {len(disk.prompts)}, HEAD {len(old.prompts)}")
        new_run = _timed(
            "check (EFF rules) of the working tree",
            lambda: run_check_on_inventory(disk, config, rules=rules),
        )
        old_run = run_check_on_inventory(old, config, rules=rules)
        kept, hidden = _timed(
            "--diff-base HEAD on top of the check",
            lambda: prdiff.restrict_to_changed(new_run, "HEAD", config),
        )
        print(f"  findings kept {len(kept.findings)}, hidden {hidden}")
        report = _timed(
            "compare (diff HEAD) of two checks",
            lambda: prdiff.compare(old_run, new_run, config, base="HEAD", head="wt"),
        )
        print(
            f"  changed {sum(c.status == 'changed' for c in report.changes)}, unchanged {report.unchanged}"
        )
        _timed(
            f"fingerprints of {len(new_run.findings)} findings",
            lambda: baseline.fingerprints(new_run.findings, config.root),
        )


if __name__ == "__main__":
    main()
