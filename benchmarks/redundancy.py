"""Time DUP001 (near-duplicate clustering) on 10,000 synthetic prompts.

Usage: python benchmarks/redundancy.py [N]

Half of the prompts are families of near-duplicates (word edits, reordered sentences, other
placeholder syntaxes), half are unrelated prompts sharing the usual boilerplate. Prints the
clustering time, the whole check (clusters + token costs) and the recall / purity achieved.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _prompts import corpus

from promptlint.checks.base import CheckContext
from promptlint.checks.duplicates import CODE, check_project, find_clusters
from promptlint.config import Config
from promptlint.models import Prompt, SourceMap
from promptlint.tokens import TokenCounter


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    families = total // 10
    texts, labels = corpus(families, 4, total - families * 5)
    prompts = [
        Prompt(
            f"svc{i % 50}/mod{i}.py",
            "python",
            t,
            10,
            1,
            10,
            len(t) + 1,
            "bench",
            SourceMap.for_text(t, 10, 1),
        )
        for i, t in enumerate(texts)
    ]
    start = time.perf_counter()
    clusters = find_clusters(prompts)
    cluster_time = time.perf_counter() - start

    ctx = CheckContext(Config(root="/nonexistent"), TokenCounter(), frozenset({CODE}))
    start = time.perf_counter()
    hits = list(check_project(prompts, ctx))
    check_time = time.perf_counter() - start

    owner = {m: n for n, c in enumerate(clusters) for m in c.members}
    found = 0
    for family in range(families):
        members = [i for i, label in enumerate(labels) if label == family]
        found += Counter(owner.get(i, -1 - i) for i in members).most_common(1)[0][1]
    # A pure cluster holds one family only (two unrelated prompts merged would be -1, -1).
    pure = sum(
        1
        for c in clusters
        if {labels[m] for m in c.members} == {labels[c.members[0]]} and labels[c.members[0]] >= 0
    )
    print(f"prompts: {len(prompts):,}  clusters: {len(clusters):,}  findings: {len(hits):,}")
    print(f"clustering: {cluster_time:.2f} s   whole check (with token costs): {check_time:.2f} s")
    print(f"recall: {found / (families * 5):.3f}  pure clusters: {pure}/{len(clusters)}")


if __name__ == "__main__":
    main()
