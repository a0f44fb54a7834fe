"""`promptlint fix` speed: literal rewriting alone, and whole check-fix runs over a tree.

Generates reproducible Python modules whose prompts carry efficiency waste (filler,
verbose phrases, blank-line runs) in every quoting style, then measures

1. the rewrite core: ``apply_fixes`` on one module with the findings of one check
   (fixes per second; libcst parse of each touched literal plus validation);
2. ``run_fix`` over a tree (all passes, re-extraction, re-check, atomic writes).

    .venv/bin/python benchmarks/fix_speed.py [--files 100] [--prompts 20]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promptlint.config import Config
from promptlint.engine import run_check
from promptlint.fix.apply import FixRequest, apply_fixes
from promptlint.fix.runner import run_fix

SENTENCES = [
    "Please kindly read the ticket below.",
    "In order to answer, check the policy first.",
    "Due to the fact that plans change, use the table.",
    "Make sure to cite the section you used.",
    "Classify the message as billing, bug or other.",
    "Reply in the language of the customer.",
]
STYLES = ['"{}"', "'{}'", '"""{}"""', 'f"{} {{name}}"', 'r"{}"']


def make_module(prompts: int, rng: random.Random) -> str:
    lines = ["import os", ""]
    for i in range(prompts):
        parts = [
            rng.choice(STYLES).format(" ".join(rng.choices(SENTENCES, k=rng.randint(1, 3))) + " ")
            for _ in range(rng.randint(1, 3))
        ]
        body = "\n    ".join(parts)
        lines.append(f"TASK_{i}_PROMPT = (\n    {body}\n)\n")
        lines.append(f"def helper_{i}(x):\n    return x + {i}\n")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--prompts", type=int, default=20, help="prompts per file")
    args = parser.parse_args()
    rng = random.Random(11)
    config = Config()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        one = root / "one" / "big_prompts.py"
        one.parent.mkdir()
        one.write_text(make_module(args.prompts * 10, rng), encoding="utf-8")
        run = run_check([str(one)], config, select=["EFF"], jobs=1)
        requests = [
            FixRequest(run.prompts[f.prompt_index], f.fix.edits)
            for f in run.findings
            if f.fix and f.fix.edits and f.prompt_index is not None
        ]
        source = one.read_text(encoding="utf-8")
        import libcst  # noqa: F401  -- its one-time import (~0.4 s) is not rewrite speed

        start = time.perf_counter()
        outcome = apply_fixes(source, requests)
        core = time.perf_counter() - start
        print(
            f"apply_fixes: {len(outcome.applied)} of {len(requests)} fixes applied in "
            f"{core * 1000:.0f} ms ({len(outcome.applied) / core:,.0f} fixes/s, "
            f"{len(source) / 1e6 / core:.2f} MB/s of source)"
        )

        tree = root / "tree"
        tree.mkdir()
        for i in range(args.files):
            (tree / f"mod_{i}.py").write_text(make_module(args.prompts, rng), encoding="utf-8")
        size = sum(p.stat().st_size for p in tree.iterdir())
        start = time.perf_counter()
        report = run_fix([str(tree)], config, select=["EFF"], write=True)
        total = time.perf_counter() - start
        print(
            f"run_fix: {args.files} files ({size / 1e6:.2f} MB), {report.fixes} fixes, "
            f"{report.passes} passes, {report.tokens_saved} tokens saved in {total:.2f} s "
            f"({args.files / total:,.0f} files/s)"
        )
        again = run_fix([str(tree)], config, select=["EFF"], write=True)
        print(f"second run: {again.fixes} fixes (idempotent: {not again.files})")
        shutil.rmtree(tree)


if __name__ == "__main__":
    main()
