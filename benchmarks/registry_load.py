"""Time the registry's runtime API: cold import + first load, warm load, render.

Usage: python benchmarks/registry_load.py

Cold numbers run in fresh processes (median of 5) and subtract a bare interpreter start.
Warm numbers loop in this process over the built-in library.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import timeit

COLD = (
    "import time; t = time.perf_counter(); from promptlint import registry; "
    "s = registry.load('summarize@^1.0'); "
    "print(time.perf_counter() - t)"
)
COLD_RENDER = (
    "import time; t = time.perf_counter(); from promptlint import registry; "
    "registry.load('summarize@^1.0').render(text='Q3 revenue rose 4%.'); "
    "print(time.perf_counter() - t)"
)


def cold(code: str) -> float:
    runs = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        runs.append(float(out.stdout))
    return statistics.median(runs)


def main() -> None:
    from promptlint import registry

    print(f"cold import + load:          {cold(COLD) * 1000:7.1f} ms")
    print(f"cold import + load + render: {cold(COLD_RENDER) * 1000:7.1f} ms")
    registry.load("summarize@^1.0")
    n = 20_000
    warm = timeit.timeit(lambda: registry.load("summarize@^1.0"), number=n) / n
    print(f"warm load (range):           {warm * 1e6:7.1f} us")
    exact = timeit.timeit(lambda: registry.load("classify@1.0.0"), number=n) / n
    print(f"warm load (exact version):   {exact * 1e6:7.1f} us")
    template = registry.load("summarize@^1.0")
    template.render(text="warm-up")
    render = timeit.timeit(lambda: template.render(text="Q3 revenue rose 4%."), number=n) / n
    print(f"render:                      {render * 1e6:7.1f} us")
    start = time.perf_counter()
    names = registry.search_path()[-1].names()
    for name in names:
        registry.load(name)
    print(
        f"load all {len(names)} built-ins (warm):  "
        f"{(time.perf_counter() - start) * 1e6 / len(names):7.1f} us each"
    )


if __name__ == "__main__":
    main()
