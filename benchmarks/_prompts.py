"""Synthetic prompt corpora for the redundancy benchmark: families of near-duplicates
(word edits, reordered sentences, other placeholder syntaxes) among unrelated prompts that
share the usual boilerplate."""

from __future__ import annotations

import random

ROLES = [
    "You are a helpful assistant.",
    "You are an expert support agent for our product.",
    "You are a senior software engineer.",
    "Act as a careful research analyst.",
    "You are a concise technical writer.",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ter",
    "san",
    "dor",
    "vel",
    "qui",
    "ral",
    "bo",
    "nex",
    "tu",
    "pha",
    "gri",
    "sol",
    "mun",
    "zer",
    "fy",
    "lan",
    "cor",
]
FUNCTION = ["the", "a", "of", "to", "and", "for", "with", "in", "each", "every", "only"]
VERBS = [
    "summarise",
    "list",
    "explain",
    "rewrite",
    "classify",
    "extract",
    "compare",
    "check",
    "translate",
    "rank",
    "describe",
    "answer",
]
STYLES = [("{%s}", "{%s}"), ("{{ %s }}", "{{ %s }}"), ("%%(%s)s", "%%(%s)s"), ("<%s>", "<%s>")]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def base_prompt(rng: random.Random) -> list[str]:
    """A prompt as a list of sentences; one sentence holds a placeholder slot '@'."""
    sentences = [rng.choice(ROLES)]
    for _ in range(rng.randint(3, 6)):
        words = [rng.choice(VERBS)]
        for _ in range(rng.randint(6, 12)):
            words.append(rng.choice(FUNCTION) if rng.random() < 0.3 else _word(rng))
        sentences.append(" ".join(words).capitalize() + ".")
    sentences.append("Input: @")
    return sentences


def render(sentences: list[str], rng: random.Random, variable: str = "text") -> str:
    style = rng.choice(STYLES)[0]
    slot = style % (variable.upper() if style.startswith("<") else variable)
    return " ".join(sentences).replace("@", slot)


def variant(sentences: list[str], rng: random.Random) -> str:
    """A near-duplicate: a few word edits, maybe reordered sentences, another placeholder."""
    out = list(sentences)
    kind = rng.choice(["edit", "reorder", "placeholder", "mixed"])
    if kind in ("reorder", "mixed"):
        body = out[1:-1]
        rng.shuffle(body)
        out = [out[0], *body, out[-1]]
    if kind in ("edit", "mixed"):
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(1, len(out) - 1)
            words = out[i].split()
            j = rng.randrange(len(words))
            op = rng.choice(["replace", "insert", "delete"])
            if op == "replace":
                words[j] = _word(rng)
            elif op == "insert":
                words.insert(j, rng.choice(FUNCTION))
            elif len(words) > 4:
                del words[j]
            out[i] = " ".join(words)
    text = render(out, rng, rng.choice(["text", "doc", "input", "content"]))
    if rng.random() < 0.3:
        text = text.replace(". ", ".\n   ")
    return text


def corpus(families: int, copies: int, singles: int, seed: int = 7) -> tuple[list[str], list[int]]:
    """(texts, family of each text; -1 for an unrelated prompt)."""
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[int] = []
    for family in range(families):
        sentences = base_prompt(rng)
        texts.append(render(sentences, rng))
        labels.append(family)
        for _ in range(copies):
            texts.append(variant(sentences, rng))
            labels.append(family)
    for _ in range(singles):
        texts.append(render(base_prompt(rng), rng))
        labels.append(-1)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]
