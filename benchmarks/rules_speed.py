"""Rule evaluation speed: prompts per second through the rules engine.

Generates a large, varied, reproducible set of prompts in memory (mostly clean instructions
with about one wasteful sentence in five, pasted JSON, few-shot blocks, long static blocks
after a placeholder, templates with mixed placeholders), then times
``run_check_on_inventory`` over them: every enabled rule, token counting and scoring;
discovery and extraction are excluded (``benchmarks/scan.py`` measures those).

    .venv/bin/python benchmarks/rules_speed.py [--prompts 2000] [--select EFF,TPL,SUP]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promptlint.config import Config
from promptlint.engine import run_check_on_inventory
from promptlint.inventory import Inventory
from promptlint.models import ExtractResult, Prompt, SourceMap
from promptlint.rulepack import load_rules
from promptlint.tokens import count_tokens

CLEAN = [
    "You answer billing questions for Acme Cloud using only the policy below.",
    "Summarize the ticket in at most three sentences for the on-call engineer.",
    "Classify the message as billing, bug, feature-request or other.",
    "Reply in the customer's language and keep product names unchanged.",
    "Extract the order id, the product and the requested action as JSON.",
    "If the policy does not cover the question, say so and offer to open a ticket.",
    "Quote error codes exactly as they appear in the log.",
    "Refunds are possible within 30 days of purchase for annual plans.",
    "Escalate to a human when the customer mentions legal action or a safety issue.",
    "Use the SQL table names from the schema when you name fields.",
    "Keep answers under 120 words unless the user asks for detail.",
    "Never invent document titles, prices or dates.",
    "The context below comes from the internal wiki and may be out of date.",
    "Return a JSON object with the keys category, priority and summary.",
    "Ask one clarifying question when the request is ambiguous.",
    "Write for a reader who knows the product but not this incident.",
]
WASTEFUL = [
    "In order to answer, it is important to note that refunds take five business days.",
    "Please kindly make sure to cite the policy section you used.",
    "IMPORTANT: You MUST NEVER SHARE THE CUSTOMER ADDRESS with anyone!!!",
    "Due to the fact that plans change often, check the plan table first.",
    "Try to answer in one paragraph, if possible, with a link to the docs.",
    "As an AI language model, you should provide a summary of the call.",
    "Each and every answer must be checked  twice.",
    "Always answer in plain English.",
]
PRODUCTS = [
    "storage",
    "compute",
    "database",
    "analytics",
    "email",
    "backup",
    "CDN",
    "DNS",
    "monitoring",
    "queue",
]
PLANS = [
    "free",
    "starter",
    "team",
    "business",
    "enterprise",
    "education",
    "nonprofit",
    "government",
]
ACTIONS = [
    "refunds are issued",
    "invoices are corrected",
    "quotas are raised",
    "support replies",
    "outages are credited",
    "plan changes apply",
    "data exports finish",
    "account reviews close",
    "trials convert",
    "cancellations take effect",
]
JSON_BLOCK = '{\n    "category": "billing",\n    "priority": "high",\n    "summary": "text"\n}'
EXAMPLE = "Example {i}:\nInput: The invoice for order {i} shows an unknown charge.\nOutput: billing"


def make_prompts(count: int, seed: int = 7) -> list[Prompt]:
    rng = random.Random(seed)
    prompts = []
    for i in range(count):
        kind = i % 5
        # About one sentence in five wastes tokens, as in the wasteful half of real code bases.
        parts = [
            rng.choice(WASTEFUL) if rng.random() < 0.2 else clean
            for clean in rng.sample(CLEAN, rng.randint(3, 14))
        ]
        if kind == 1:
            parts.append("Use this format:\n" + JSON_BLOCK)
        elif kind == 2:
            parts.append("\n\n".join(EXAMPLE.format(i=j) for j in range(rng.randint(2, 6))))
        elif kind == 3:
            # A long static block after the question: the cache-order case.
            facts = rng.sample(
                [(a, b, c) for a in PRODUCTS for b in PLANS for c in ACTIONS], rng.randint(20, 160)
            )
            parts = [
                "Question: {question}",
                *(
                    f"For {a} customers on the {b} plan, {c} within {rng.randint(1, 90)} days."
                    for a, b, c in facts
                ),
            ]
        elif kind == 4:
            parts.insert(0, "Hello {{ customer_name }}, about order {order_id}:")
        text = ("\n" if rng.random() < 0.5 else " ").join(parts)
        prompts.append(
            Prompt(
                path=f"app/module_{i // 10}.py",
                kind="python",
                text=text,
                start_line=1 + (i % 10) * 20,
                start_col=5,
                end_line=1,
                end_col=1,
                reason="benchmark",
                source_map=SourceMap.for_text(text, 1 + (i % 10) * 20, 5),
            )
        )
    return prompts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=2000)
    parser.add_argument(
        "--select",
        default="EFF,TPL,SUP",
        help="codes or prefixes to run (empty: every shipped rule)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    prompts = make_prompts(args.prompts)
    results: dict[str, ExtractResult] = {}
    for p in prompts:
        results.setdefault(p.path, ExtractResult(p.path)).prompts.append(p)
    inv = Inventory([], list(results.values()), [], prompts)
    config = Config()
    rules = load_rules(config)
    select = [s for s in args.select.split(",") if s]
    count_tokens("warm up", config.model)  # build the tokenizer outside the timing
    chars = sum(len(p.text) for p in prompts)
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        run = run_check_on_inventory(inv, config, select=select, rules=rules)
        best = min(best, time.perf_counter() - started)
    enabled = sum(1 for r in rules if not select or any(r.code.startswith(s) for s in select))
    print(f"prompts: {len(prompts):,} ({chars / 1e6:.2f} M chars, {sum(run.tokens):,} tokens)")
    print(f"rules enabled: {enabled}; findings: {len(run.findings):,}")
    print(
        f"best of {args.repeat}: {best:.2f} s -> {len(prompts) / best:,.0f} prompts/s, "
        f"{chars / best / 1e6:.2f} M chars/s"
    )


if __name__ == "__main__":
    main()
