"""Weekly competitor research digest and the incident post-mortem assistant."""

from __future__ import annotations

from langchain_core.prompts import ChatPromptTemplate

from .llm import ai

digest_prompt = ChatPromptTemplate.from_messages(
    [
        ("system", "You are an analyst. Summarise the articles below for the product team "
                   "in five bullet points, each under 20 words, citing the article number."),
        ("user", "{articles}"),
    ]
)


def build_postmortem_prompt(timeline: str, services: list[str]) -> str:
    prompt = (
        "Design a remediation plan for the incident below. Reason step by step about the "
        "root cause, prove which of the services could have caused the cascading failure, "
        "and propose a multi-step rollout plan with rollback criteria and owners.\n"
    )
    prompt += f"Services involved: {', '.join(services)}\n"
    prompt += f"Timeline:\n{timeline}"
    return prompt


def postmortem(timeline: str, services: list[str]) -> str:
    return ai.start(system=build_postmortem_prompt(timeline, services), model="gpt-4o-mini")


def search_answer(user_question: str, search_results: str) -> str:
    system = f"""You answer questions about our internal wiki.
Search results: {search_results}
Question: {user_question}
==========================================================
Answer in one paragraph."""
    return ai.start(system=system, model="gpt-4.1-mini")
