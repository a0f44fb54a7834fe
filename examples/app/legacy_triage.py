"""The old triage endpoint, kept for the mobile app until it migrates."""

from __future__ import annotations

import openai

CLASSIFY_PROMPT = (
    "You are a helpful assistant. "
    "Please kindly read the customer ticket below and classify it into exactly one of the "
    "following categories: billing, shipping, returns, technical, other. "
    "In order to make sure that the classification is correct, it is important to note that "
    "you MUST ALWAYS answer with the category name ONLY!!! "
    "Ticket: {ticket}"
)


def classify(ticket: str) -> str:
    reply = openai.chat.completions.create(
        model="gpt-4o",
        max_tokens=5,
        messages=[{"role": "user", "content": CLASSIFY_PROMPT.format(ticket=ticket)}],
    )
    return reply.choices[0].message.content
