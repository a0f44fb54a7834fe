"""Hands a ticket over between shifts, with the team's reviewed template."""

from __future__ import annotations

from openai import OpenAI

from promptlint import registry

client = OpenAI()
handoff = registry.load("ticket-handoff@^1.0")


def summarise_for_next_shift(ticket: str) -> str:
    # promptlint: calls-per-day=1500
    reply = client.chat.completions.create(
        model="gpt-4.1-mini",
        max_tokens=150,
        messages=[{"role": "user", "content": handoff.render(ticket=ticket)}],
    )
    return reply.choices[0].message.content
