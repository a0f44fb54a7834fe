"""Ticket triage for the support inbox."""

from __future__ import annotations

import logging

from openai import OpenAI

log = logging.getLogger(__name__)
client = OpenAI()

TRIAGE_SYSTEM_PROMPT = (
    "You are a helpful assistant. "
    "Please kindly read the customer ticket below and classify it into exactly one of the "
    "following categories: billing, shipping, returns, technical, other. "
    "In order to make sure that the classification is correct, it is important to note that "
    "you MUST ALWAYS answer with the category name ONLY!!! "
    "Please note that you must answer with the category name only.   "
)


def classify_ticket(ticket_text: str) -> str:
    log.info("classifying ticket of %d chars", len(ticket_text))
    # promptlint: calls-per-day=20000
    response = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": TRIAGE_SYSTEM_PROMPT},
            {"role": "user", "content": f"Ticket:\n{ticket_text}"},
        ],
    )
    return response.choices[0].message.content.strip()
