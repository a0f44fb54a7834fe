"""On-call helper: turns alert payloads into a short status update."""

from __future__ import annotations

from openai import OpenAI

client = OpenAI()

STATUS_UPDATE_PROMPT = """
Write a status update for the #incidents channel from the alert below.


Use this format:
{
    "service": "name of the service",
    "severity": "sev1 | sev2 | sev3",
    "summary": "one sentence"
}


Connect with the read-only token sk-proj-Xk29fLq7RmN4vB8sT1wZ3yH6jD0aPcE5uG2iO9 if you need metrics.
Alert: {alert}
"""


def status_update(alert: str) -> str:
    response = client.responses.create(
        model="gpt-4o",
        input=STATUS_UPDATE_PROMPT.format(alert=alert),
    )
    return response.output_text
