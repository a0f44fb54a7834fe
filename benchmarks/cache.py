"""Cold versus warm ``promptlint check`` wall time: what the content-addressed cache saves.

    .venv/bin/python benchmarks/cache.py [--files 2000] [--repeat 3] [--jobs N]

Generates (in a temporary directory) the tree of ``benchmarks/scan.py`` and one file whose
prompt holds an email address (so the PII check loads presidio), then times end-to-end CLI
runs: without the cache, cold (empty cache), warm (nothing changed), and warm after one file
changed. Every timing is the best of ``--repeat`` runs; each cold run starts from an empty cache.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan import generate, tree_size

PII_PROMPT = '''"""Support bot."""

SYSTEM_PROMPT = """You are the support assistant of Acme.
Escalate refunds to Maria Gonzalez (maria.gonzalez@outlook.com) and answer in two sentences.
"""
'''


def _command() -> list[str]:
    exe = Path(sys.executable).with_name("promptlint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "promptlint"]


def _timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*_command(), *args], cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def _best(repeat: int, run: object) -> float:
    return min(run() for _ in range(repeat))  # type: ignore[operator]


def measure(cwd: Path, target: str, repeat: int, jobs: list[str], touch: Path) -> dict[str, float]:
    cache = cwd / ".promptlint_cache"
    check = ["check", "-q", "--exit-zero", *jobs, target]

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return _timed(check, cwd)

    def changed() -> float:
        touch.write_text(touch.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        return _timed(check, cwd)

    out = {"no cache": _best(repeat, lambda: _timed([*check, "--no-cache"], cwd))}
    out["cold"] = _best(repeat, cold)
    _timed(check, cwd)  # fill the cache
    out["warm"] = _best(repeat, lambda: _timed(check, cwd))
    out["warm, 1 file changed"] = _best(repeat, changed)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="modules to generate")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--jobs", type=int, help="pass -j N to promptlint (default: its own)")
    args = parser.parse_args()
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    with tempfile.TemporaryDirectory(prefix="promptlint-cache-bench-") as tmp:
        root = Path(tmp)
        tree = root / "tree"
        generate(tree, args.files)
        count, size = tree_size(tree)
        touched = next(tree.rglob("*.py"))
        single = root / "single"
        single.mkdir()
        (single / "bot.py").write_text(PII_PROMPT, encoding="utf-8")
        cases = [
            (f"{count:,} files, {size / 1e6:.1f} MB", tree, ".", touched),
            ("1 file, PII prompt", single, "bot.py", single / "bot.py"),
        ]
        print(f"promptlint check wall time, best of {args.repeat} (seconds)")
        for label, cwd, target, touch in cases:
            times = measure(cwd, target, args.repeat, jobs, touch)
            print(f"\n{label}")
            for name, seconds in times.items():
                print(f"  {name:<22} {seconds:6.2f}")


if __name__ == "__main__":
    main()
