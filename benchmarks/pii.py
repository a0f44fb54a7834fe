"""PII check benchmark: presidio start-up, throughput against a plain AnalyzerEngine, and the
start-up a PII finding adds to a one-file ``promptlint check``.

    .venv/bin/python benchmarks/pii.py [--repeat 5]

Corpus: the labelled set of tests/data/pii_labelled.yaml (secrets generated as in the tests).
Everything runs offline; timings are medians, in fresh processes where start-up is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The plain AnalyzerEngine's email recognizer uses tldextract's module-level extractor, which
# fetches the public suffix list unless this is empty when tldextract is first imported.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""


def _fresh(code: str) -> float:
    """Run ``code`` in a fresh interpreter; it prints one float."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip().splitlines()[-1])


def import_seconds(repeat: int) -> float:
    code = (
        "import time; t=time.perf_counter(); import presidio_analyzer; print(time.perf_counter()-t)"
    )
    return statistics.median(_fresh(code) for _ in range(repeat))


def init_seconds(repeat: int) -> float:
    code = (
        "import presidio_analyzer, time\n"
        "from promptlint.pii.analyzer import build_analyzer, analyze\n"
        "t=time.perf_counter(); build_analyzer(); analyze('mail a.b@acme.io', {'EMAIL_ADDRESS'})\n"
        "print(time.perf_counter()-t)"
    )
    return statistics.median(_fresh(code) for _ in range(repeat))


def corpus() -> list[str]:
    import yaml

    from tests.test_secrets import fill_secrets

    doc = yaml.safe_load(
        (ROOT / "tests" / "data" / "pii_labelled.yaml").read_text(encoding="utf-8")
    )
    return [fill_secrets(item["text"], i) for i, item in enumerate(doc["items"])]


def plain_analyzer() -> object:
    """presidio as documented, on a blank spaCy pipeline, default recognizers, no download."""
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankEngine(SpacyNlpEngine):  # type: ignore[misc]
        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}

    return AnalyzerEngine(nlp_engine=BlankEngine())


def throughput(texts: list[str], rounds: int) -> tuple[float, float, float]:
    """Texts per second: promptlint's scan and a plain AnalyzerEngine over the labelled set,
    and promptlint's scan over the texts of the set that have no candidate (pre-screen only)."""
    from promptlint.config import PiiConfig
    from promptlint.pii.catalog import NER_ENTITIES
    from promptlint.pii.detect import configured_entities, scan
    from promptlint.pii.screen import candidate_entities

    pii = PiiConfig()
    scan("warm up a.b@acme.io", pii)
    t = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            scan(text, pii)
    ours = rounds * len(texts) / (time.perf_counter() - t)

    plain = plain_analyzer()
    plain.analyze(text="warm up a.b@acme.io", language="en")  # type: ignore[attr-defined]
    t = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            plain.analyze(text=text, language="en")  # type: ignore[attr-defined]
    theirs = rounds * len(texts) / (time.perf_counter() - t)

    # Prompts with no PII-shaped candidate at all: what most prompts of a repository look like.
    wanted = configured_entities(pii) - NER_ENTITIES
    clean = [t for t in texts if not candidate_entities(t, wanted)]
    t0 = time.perf_counter()
    for _ in range(rounds * 10):
        for text in clean:
            scan(text, pii)
    clean_rate = rounds * 10 * len(clean) / (time.perf_counter() - t0)
    return ours, theirs, clean_rate


def check_startup(repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of ``promptlint check`` on one file without and with PII.

    CPU time (user + system of the child) is reported too: on a shared machine wall time
    mostly measures the neighbours.
    """
    import resource

    env = {**os.environ, "CI": ""}
    times: dict[str, list[float]] = {"clean": [], "pii": []}
    cpu: dict[str, list[float]] = {"clean": [], "pii": []}
    with tempfile.TemporaryDirectory() as tmp:
        prompts = Path(tmp, "prompts")
        prompts.mkdir()
        for name, body in (
            ("clean", "Summarise the ticket for the on-call engineer."),
            ("pii", "Summarise the ticket for maria.lopez@gmail.com."),
        ):
            path = prompts / f"{name}.txt"
            path.write_text(body + "\n")
            for _ in range(repeat):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "promptlint", "check", "--exit-zero", str(path)],
                    capture_output=True,
                    cwd=tmp,
                    env=env,
                    check=True,
                )
                times[name].append(time.perf_counter() - t)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(
                    after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                )
    return {k: (statistics.median(times[k]), statistics.median(cpu[k])) for k in times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="fresh-process runs per start-up figure"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="passes over the corpus for throughput"
    )
    args = parser.parse_args()

    texts = corpus()
    print(f"presidio import            {import_seconds(args.repeat):.3f} s")
    print(f"analyzer initialisation    {init_seconds(args.repeat):.3f} s (after import)")
    ours, theirs, clean = throughput(texts, args.rounds)
    print(
        f"throughput, labelled set   {ours:,.0f} texts/s promptlint scan vs {theirs:,.0f} texts/s "
        f"plain AnalyzerEngine ({len(texts)} texts, x{ours / theirs:.1f})"
    )
    print(f"throughput, no candidate   {clean:,.0f} texts/s (pre-screen only, no presidio call)")
    runs = check_startup(args.repeat)
    (clean_wall, clean_cpu), (pii_wall, pii_cpu) = runs["clean"], runs["pii"]
    print(
        f"promptlint check, 1 file   wall {clean_wall:.2f} s without PII, {pii_wall:.2f} s with PII: "
        f"+{pii_wall - clean_wall:.2f} s (target < 1.5 s)"
    )
    print(
        f"                           CPU  {clean_cpu:.2f} s without PII, {pii_cpu:.2f} s with PII: "
        f"+{pii_cpu - clean_cpu:.2f} s"
    )


if __name__ == "__main__":
    main()
