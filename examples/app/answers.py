"""Drafts replies to customers with the policy handbook in context."""

from __future__ import annotations

import anthropic

client = anthropic.Anthropic()

REPLY_INSTRUCTIONS = """You are a support agent for Acme Outdoor Gear.

Answer the customer's question using only the policy excerpt. If the policy does not
cover the question, say that a human agent will follow up within one business day.
Keep the answer under 120 words and end with the ticket reference.

Example of a good answer:
Customer: Jane Morrison (jane.morrison@gmail.com, +1 415 555 2671) asked about a refund.
Answer: Hi Jane, refunds reach your card within 5 business days of the return scan.
"""


def draft_reply(question: str, policy: str, ticket_id: str) -> str:
    # promptlint: calls-per-day=6000
    message = client.messages.create(
        model="claude-opus-4-1",
        max_tokens=400,
        system=REPLY_INSTRUCTIONS,
        messages=[
            {
                "role": "user",
                "content": f"Policy excerpt:\n<policy>\n{policy}\n</policy>\n\n"
                f"Question: {question}\nTicket reference: {ticket_id}",
            }
        ],
    )
    return message.content[0].text
