"""Extraction speed on a generated tree of Python files, and CLI start-up time.

    .venv/bin/python benchmarks/scan.py [--files 5000] [--keep] [--tree DIR] [--repeat 3]

Generates (into a temporary directory, removed afterwards unless ``--keep``) a tree of
realistic Python modules: most are ordinary code (classes, functions, docstrings, logging,
SQL, argparse), a few percent hold prompts through the different extraction signals, and a
few percent are look-alikes that pass the pre-filter (Django templates, click prompts,
``os.system``...). ``--tree DIR`` measures an existing tree instead. Reports MB/s and files/s
of ``build_inventory`` (discovery + reading + extraction, in process) with one and two jobs,
and the start-up time of ``promptlint --version`` and ``promptlint check`` on one file.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WORDS = (
    "account",
    "order",
    "invoice",
    "customer",
    "report",
    "session",
    "cache",
    "record",
    "payment",
    "shipment",
    "user",
    "profile",
    "event",
    "metric",
    "batch",
    "queue",
    "token",
    "schedule",
    "export",
    "ledger",
    "audit",
    "item",
    "stock",
)
SENTENCES = (
    "Load the records and keep only the active ones",
    "Return the number of rows written to the table",
    "Raised when the upstream service answers with an error",
    "Small helper that normalises identifiers before lookup",
    "Compute totals per customer and currency",
    "Thin wrapper around the HTTP client with retries",
)

ORDINARY_BLOCKS = (
    '''
@dataclass
class {Cap}Record:
    """{sentence}."""

    id: int
    name: str
    created_at: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Serialise for the API."""
        return {{"id": self.id, "name": self.name, "created_at": self.created_at}}
''',
    '''
def fetch_{word}(conn, {word}_id: int) -> list[tuple]:
    """{sentence}."""
    sql = "SELECT id, name, status FROM {word}s WHERE id = %s AND status <> 'deleted'"
    logger.info("fetching %s %s", "{word}", {word}_id)
    with conn.cursor() as cur:
        cur.execute(sql, ({word}_id,))
        rows = cur.fetchall()
    if not rows:
        raise LookupError(f"no {word} with id {{{word}_id}}")
    return rows
''',
    '''
class {Cap}Service:
    """{sentence}."""

    def __init__(self, client, retries: int = 3) -> None:
        self.client = client
        self.retries = retries
        self._cache: dict[str, object] = {{}}

    def get(self, key: str) -> object:
        if key in self._cache:
            return self._cache[key]
        for attempt in range(self.retries):
            try:
                value = self.client.get(f"/{word}s/{{key}}", timeout=10)
            except TimeoutError:
                logger.warning("timeout on %s (attempt %d)", key, attempt)
                continue
            self._cache[key] = value
            return value
        raise RuntimeError("{word} service unavailable after retries")
''',
    """
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="{sentence}.")
    parser.add_argument("--{word}", help="The {word} to process", default="all")
    parser.add_argument("--dry-run", action="store_true", help="Do not write anything")
    args = parser.parse_args(argv)
    total = 0
    for path in sorted(os.listdir(".")):
        if path.endswith(".csv") and not args.dry_run:
            total += 1
    print(f"processed {{total}} files")
    return 0
""",
    '''
def summarise_{word}(rows: list[dict[str, float]]) -> dict[str, float]:
    """{sentence}."""
    totals: dict[str, float] = {{}}
    for row in rows:
        key = str(row.get("currency", "EUR"))
        totals[key] = totals.get(key, 0.0) + float(row.get("amount", 0))
    pattern = re.compile(r"^(?P<code>[A-Z]{{3}})-(?P<num>\\d+)$")
    return {{k: round(v, 2) for k, v in totals.items() if not pattern.match(k)}}
''',
)

HEADER = '''"""{sentence}."""

from __future__ import annotations

import argparse
import logging
import os
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)
'''

LOOKALIKE_BLOCKS = (
    """
class {Cap}View(TemplateView):
    template_name = "{word}/detail.html"

    def get_context_data(self, **kwargs):
        return {{"{word}": self.object, "title": "{Cap} details"}}
""",
    """
@click.command()
@click.option("--name", prompt="Your name", help="Who to greet.")
def greet(name):
    answer = input("Continue? [y/N] ")
    os.system("clear")
    subprocess.run(["cat"], input=f"hello {{name}}", text=True)
    click.echo(f"Hello {{name}} {{answer}}")
""",
    """
ROLES = {{"role": "admin", "permissions": ["read", "write"]}}
MESSAGE_FORMAT = "%(asctime)s %(levelname)s %(message)s"
SYSTEM_ROOT = "/var/lib/{word}"
""",
)

PROMPT_BLOCKS = (
    """
SYSTEM_PROMPT = (
    "You are a support assistant for the {word} team. "
    "Answer in two sentences and never invent order numbers."
)


def answer(client, question: str) -> str:
    resp = client.chat.completions.create(
        model="gpt-4o-mini",
        max_tokens=200,
        messages=[
            {{"role": "system", "content": SYSTEM_PROMPT}},
            {{"role": "user", "content": f"Customer question: {{question}}"}},
        ],
    )
    return resp.choices[0].message.content
""",
    """
def summarise(client, text: str) -> str:
    msg = client.messages.create(
        model="claude-3-5-haiku-latest",
        max_tokens=400,
        system="Please kindly summarise the following {word} report in a few bullet points.",
        messages=[{{"role": "user", "content": text}}],
    )
    return msg.content[0].text
""",
    '''
QA_TEMPLATE = """Use the context to answer the question about the {word}.
Context: {{context}}
Question: {{question}}
If you do not know, say so."""

prompt = PromptTemplate.from_template(QA_TEMPLATE)
chat = ChatPromptTemplate.from_messages(
    [("system", "You classify {word} tickets into billing, bug or other."), ("human", "{{ticket}}")]
)
''',
    """
researcher = Agent(
    role="Senior {Cap} Analyst",
    goal="Find the three most important trends in the {word} data",
    backstory="You have ten years of experience analysing {word} metrics.",
)
task = Task(
    description="Analyse the latest {word} figures and list anomalies.",
    expected_output="A bullet list of anomalies with one sentence each.",
    agent=researcher,
)
""",
    """
def build_prompt(items: list[str], tone: str) -> str:
    lines = [f"Write a {{tone}} update about the following {word} items:"]
    for item in items:
        lines.append(f"- {{item}}")
    return "\\n".join(lines)


def send(ai, items):
    return ai.start(system="You write short internal updates.", prompt=build_prompt(items, "friendly"))
""",
)


def _fill(block: str, rnd: random.Random) -> str:
    word = rnd.choice(WORDS)
    return block.format(word=word, Cap=word.capitalize(), sentence=rnd.choice(SENTENCES))


def _module(rnd: random.Random, kind: str) -> str:
    parts = [HEADER.format(sentence=rnd.choice(SENTENCES))]
    if kind == "prompt":
        parts.append("from langchain_core.prompts import ChatPromptTemplate, PromptTemplate\n")
        parts.append(_fill(rnd.choice(PROMPT_BLOCKS), rnd))
    elif kind == "lookalike":
        parts.append(
            "import subprocess\n\nimport click\nfrom django.views.generic import TemplateView\n"
        )
        parts.append(_fill(rnd.choice(LOOKALIKE_BLOCKS), rnd))
    for _ in range(rnd.randint(2, 16)):
        parts.append(_fill(rnd.choice(ORDINARY_BLOCKS), rnd))
    return "\n".join(parts)


def generate(root: Path, files: int, seed: int = 7) -> None:
    """A package tree of ``files`` modules: ~3% with prompts, ~4% look-alikes."""
    rnd = random.Random(seed)
    for i in range(files):
        roll = rnd.random()
        kind = "prompt" if roll < 0.03 else "lookalike" if roll < 0.07 else "ordinary"
        folder = root / f"pkg{i // 200:03d}" / f"sub{(i // 20) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod_{i:05d}.py").write_text(_module(rnd, kind), encoding="utf-8")


def tree_size(root: Path) -> tuple[int, int]:
    count = size = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".py"):
                count += 1
                size += os.path.getsize(os.path.join(dirpath, name))
    return count, size


def best_of(repeat: int, func: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def startup(args: list[str], cwd: Path, repeat: int = 5) -> float:
    exe = Path(sys.executable).with_name("promptlint")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "promptlint"]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([*command, *args], cwd=cwd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def run(tree: Path, repeat: int) -> None:
    from promptlint.config import Config
    from promptlint.discover import discover, read_source
    from promptlint.extract import extract_text
    from promptlint.inventory import build_inventory

    count, size = tree_size(tree)
    config = Config(root=str(tree), prompt_calls=["ai.start"])
    mb = size / 1e6
    print(f"tree: {tree} — {count} Python files, {mb:.1f} MB")
    rows = []
    for jobs in (1, 2):
        seconds, inv = best_of(repeat, lambda j=jobs: build_inventory([str(tree)], config, jobs=j))
        files_with = len({p.path for p in inv.prompts})  # type: ignore[attr-defined]
        rows.append(
            (
                f"extract, jobs={jobs}",
                seconds,
                f"{mb / seconds:6.1f} MB/s",
                f"{count / seconds:7.0f} files/s",
                f"{len(inv.prompts)} prompts in {files_with} files",
            )
        )  # type: ignore[attr-defined]
    # Where the single-job time goes: discovery, reading, extraction proper.
    found = discover([str(tree)], config)
    read_s, texts = best_of(
        1, lambda: [(f, read_source(f, config.max_file_size)) for f in found.files]
    )
    extract_s, _ = best_of(
        repeat,
        lambda: [extract_text(f.path, f.kind, t, config) for f, t in texts],  # type: ignore[attr-defined]
    )
    rows.append(
        (
            "  of which extraction only",
            extract_s,
            f"{mb / extract_s:6.1f} MB/s",
            f"{count / extract_s:7.0f} files/s",
            f"reading {read_s:.2f} s not included",
        )
    )
    prompt_file = next(iter(sorted(p.path for p in inv.prompts)), None)  # type: ignore[attr-defined]
    rows.append(("promptlint --version", startup(["--version"], tree), "", "", "best of 5"))
    has_check = importlib.util.find_spec("promptlint.commands.check") is not None
    command = "check" if has_check else "extract"
    if prompt_file:
        label = f"promptlint {command} <1 file>"
        note = "file with prompts" + ("" if has_check else "; no `check` command yet")
        rows.append((label, startup([command, prompt_file], tree), "", "", note))
    plain = next(str(p) for p in sorted(tree.rglob("*.py")) if str(p) not in (prompt_file or ""))
    rows.append(
        (
            f"promptlint {command} <1 file>",
            startup([command, plain], tree),
            "",
            "",
            "file without prompts",
        )
    )
    width = max(len(r[0]) for r in rows)
    for label, seconds, rate, files, note in rows:
        print(f"{label:<{width}}  {seconds:7.3f} s  {rate:>12}  {files:>15}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000, help="modules to generate")
    parser.add_argument("--keep", action="store_true", help="keep the generated tree")
    parser.add_argument("--tree", type=Path, help="measure this existing tree instead")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    args = parser.parse_args()
    if args.tree:
        run(args.tree.resolve(), args.repeat)
        return
    root = Path(tempfile.mkdtemp(prefix="promptlint-bench-"))
    try:
        generate(root, args.files)
        run(root, args.repeat)
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
