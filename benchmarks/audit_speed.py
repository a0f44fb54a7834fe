"""Time of `promptlint audit` and size of its reports.

    .venv/bin/python benchmarks/audit_speed.py [--copies 50] [--repeat 3]

Measures, in process: the whole audit of examples/ (discovery, extraction, checks including
presidio, per-call costing) and, separately, building the document from a finished run and
rendering each format; then the same on a tree of ``--copies`` copies of the example app
(each copy a folder of its own, so prompts, calls and duplicate clusters grow with it).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(tree: Path, repeat: int) -> None:
    from promptlint.audit import build_audit, run_audit
    from promptlint.commands.audit import FORMATS, render
    from promptlint.config import load_config
    from promptlint.engine import run_check

    config = load_config(None, (str(tree),))
    start = time.perf_counter()
    doc = run_audit([str(tree)], config)
    first = time.perf_counter() - start
    whole, doc = best(lambda: run_audit([str(tree)], config), repeat)
    run = run_check([str(tree)], config)
    build, _ = best(lambda: build_audit(run, config, [str(tree)]), repeat)
    s = doc["summary"]
    print(
        f"{tree}: {s['prompts']:,} prompts, {s['calls']:,} calls, {s['files']:,} files, "
        f"{s['tokens_total']:,} tokens"
    )
    print(f"  audit, first run (loads presidio): {first:.2f} s; warm: {whole:.2f} s")
    print(f"  document from a finished run: {build * 1000:.0f} ms")
    for fmt in FORMATS:
        took, text = best(lambda fmt=fmt: render(doc, fmt), repeat)
        print(f"  {fmt:>8}: {took * 1000:6.1f} ms, {len(text.encode('utf-8')) / 1024:7.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    measure(ROOT / "examples", args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        shutil.copy(ROOT / "examples" / ".promptlint.yaml", tree / ".promptlint.yaml")
        for i in range(args.copies):
            for part in ("app", "prompts", "config"):
                shutil.copytree(ROOT / "examples" / part, tree / f"svc{i:03d}" / part)
        measure(tree, max(1, args.repeat // 3))
    print(f"(best of {args.repeat} runs; the machine's load moves these numbers)")


if __name__ == "__main__":
    main()
