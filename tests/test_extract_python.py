"""Python prompt extraction: every signal, the look-alikes, and exact source positions."""

from __future__ import annotations

import json
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promptlint.config import Config, config_from_mapping
from promptlint.extract.pyheuristics import looks_like_prose
from promptlint.extract.python import extract
from promptlint.inventory import build_inventory
from promptlint.models import Prompt
from tests.conftest import run_cli


def prompts_of(src: str, config: Config | None = None, path: str = "app.py") -> list[Prompt]:
    result = extract(path, textwrap.dedent(src), config or Config(), "python")
    assert result.notices == []
    return result.prompts


def one(prompts: list[Prompt], fragment: str) -> Prompt:
    found = [p for p in prompts if fragment in p.text]
    assert len(found) == 1, [p.text for p in prompts]
    return found[0]


def source_position(src: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """(line, col) of ``needle`` in the source, found independently of the extractor."""
    offset = -1
    for _ in range(nth + 1):
        offset = src.index(needle, offset + 1)
    before = src[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def mapped(prompt: Prompt, needle: str) -> tuple[int, int]:
    pos = prompt.position(prompt.text.index(needle))
    return pos.line, pos.col


# -- signals ---------------------------------------------------------------------------------


def test_message_dicts_in_an_sdk_call_share_call_model_and_budget() -> None:
    src = textwrap.dedent(
        """
        def ask(client, question):
            return client.chat.completions.create(
                model="gpt-4o",
                max_tokens=300,
                messages=[
                    {"role": "system", "content": "You are a terse support agent for ACME."},
                    {"role": "user", "content": f"Customer asks: {question}"},
                ],
            )
        """
    )
    prompts = prompts_of(src)
    system = one(prompts, "terse support")
    user = one(prompts, "Customer asks")
    assert (system.reason, system.role, user.reason, user.role) == (
        "message-dict",
        "system",
        "message-dict",
        "user",
    )
    assert system.model == user.model == "gpt-4o"
    assert system.max_output_tokens == user.max_output_tokens == 300
    assert system.owner == "client.chat.completions.create"
    assert system.call_id == user.call_id == "app.py:3:12"
    assert user.text == "Customer asks: {question}"
    assert user.variables == ("question",)
    assert user.placeholder_style == "format"
    assert (system.start_line, system.start_col) == source_position(src, '"You are a terse')
    assert (system.end_line, system.end_col) == (
        source_position(src, "ACME.")[0],
        source_position(src, "ACME.")[1] + len('ACME."'),
    )
    assert system.editable and system.literals == (
        (system.start_line, system.start_col, system.end_line, system.end_col),
    )


def test_message_list_built_in_a_variable_gets_the_sibling_model() -> None:
    src = """
    def run(client, text):
        messages = [{"role": "system", "content": "Summarise the report in three bullets."}]
        messages.append({"role": "user", "content": text})
        messages.append(dict(role="user", content="Also list the open questions."))
        return client.messages.create(model="claude-3-5-haiku-latest", max_tokens=512, messages=messages)
    """
    prompts = prompts_of(src)
    system = one(prompts, "three bullets")
    extra = one(prompts, "open questions")
    assert system.model == extra.model == "claude-3-5-haiku-latest"
    assert system.call_id == extra.call_id is not None
    assert (extra.reason, extra.role) == ("message-dict", "user")


def test_message_list_in_a_variable_is_one_conversation() -> None:
    prompts = prompts_of(
        """
        history = [
            {"role": "system", "content": "You are a chess coach for beginners."},
            {"role": "user", "content": "Explain the Sicilian defence."},
        ]
        CHOICES = [("user", "Regular user account"), ("system", "System account")]
        relay = [{"role": "user", "content": f"{question}"}, HumanMessage(content=answer)]
        """
    )
    assert [p.text.split()[-1] for p in prompts] == ["beginners.", "defence."]
    assert prompts[0].call_id == prompts[1].call_id == "app.py:2:11"
    assert prompts[0].owner == prompts[1].owner == "history"


def test_message_classes() -> None:
    prompts = prompts_of(
        """
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
        from llama_index.core.llms import ChatMessage, MessageRole

        msgs = [
            SystemMessage("You translate English legal text into plain German."),
            HumanMessage(content="Translate the attached clause, please."),
            AIMessage(content="Gern, hier ist die Übersetzung."),
        ]
        chat = [ChatMessage(role=MessageRole.SYSTEM, content="You are a careful reviewer.")]
        other = ChatMessage(role="user", content="Review this diff for bugs.")
        """
    )
    assert [(p.reason, p.role) for p in prompts] == [
        ("message-class", "system"),
        ("message-class", "user"),
        ("message-class", "assistant"),
        ("message-class", "system"),
        ("message-class", "user"),
    ]
    assert prompts[0].owner == "msgs"  # the conversation's variable
    assert prompts[3].owner == "chat" and prompts[4].owner == "ChatMessage"


@pytest.mark.parametrize(
    ("keyword", "role"),
    [
        ("system", "system"),
        ("system_prompt", "system"),
        ("system_message", "system"),
        ("instructions", "system"),
        ("prompt", None),
    ],
)
def test_prompt_keywords_in_any_call(keyword: str, role: str | None) -> None:
    src = f"""
    reply = llm_gateway.send({keyword}="Answer only with the final number, no words.", model="gpt-4.1-mini")
    """
    prompt = one(prompts_of(src), "final number")
    assert (prompt.reason, prompt.role, prompt.owner) == (
        "prompt-keyword",
        role,
        "llm_gateway.send",
    )
    assert prompt.model == "gpt-4.1-mini"


def test_sdk_calls_carry_input_and_contents() -> None:
    prompts = prompts_of(
        """
        r1 = client.responses.create(model="gpt-4.1", input="Write a haiku about build pipelines.")
        r2 = client.models.generate_content(model="gemini-2.0-flash", contents="Explain DNS to a child.")
        r3 = model.generate_content("Name three uses of graphene.")
        r4 = co.chat(message="Draft a friendly reminder about the invoice.")
        """
    )
    assert [(p.reason, p.role, p.model) for p in prompts] == [
        ("sdk-call", "user", "gpt-4.1"),
        ("sdk-call", "user", "gemini-2.0-flash"),
        ("sdk-call", "user", None),
        ("sdk-call", "user", None),
    ]


def test_input_and_contents_only_count_on_sdk_calls() -> None:
    assert (
        prompts_of(
            """
        subprocess.run(["cat"], input="some text for the child process", text=True)
        client.embeddings.create(model="text-embedding-3-small", input="A sentence to embed here.")
        archive.write(contents="the full contents of the file go here")
        """
        )
        == []
    )


def test_langchain_and_llamaindex_templates() -> None:
    src = """
    from langchain_core.prompts import ChatPromptTemplate, PromptTemplate

    qa = PromptTemplate(template="Answer {question} using {context}.", input_variables=["question", "context"])
    li = PromptTemplate("Summarise {document} in one line.")
    ft = PromptTemplate.from_template("Classify the ticket: {ticket}")
    sys_t = SystemMessagePromptTemplate.from_template("You are {persona}.")
    chat = ChatPromptTemplate.from_messages(
        [("system", "You reply like a pirate."), ("human", "{question}"), ("ai", "Arr, ask away.")]
    )
    """
    prompts = prompts_of(src)
    assert {p.reason for p in prompts} == {"prompt-template"}
    qa = one(prompts, "Answer")
    assert qa.variables == ("question", "context") and qa.placeholder_style == "format"
    assert one(prompts, "Summarise").variables == ("document",)
    assert one(prompts, "Classify").variables == ("ticket",)
    assert one(prompts, "You are {persona}").role == "system"
    pirate, arr = one(prompts, "pirate"), one(prompts, "Arr")
    (question,) = [p for p in prompts if p.text == "{question}"]
    assert (pirate.role, question.role, arr.role) == ("system", "user", "assistant")
    assert pirate.call_id == question.call_id == arr.call_id
    assert question.placeholder_style == "format" and question.variables == ("question",)


def test_agent_framework_fields() -> None:
    prompts = prompts_of(
        """
        researcher = Agent(
            role="Senior Data Researcher",
            goal="Uncover cutting-edge developments in {topic}",
            backstory="You're a seasoned researcher who finds the latest news.",
            llm="gpt-4o",
        )
        task = Task(
            description="Conduct a thorough research about {topic}.",
            expected_output="A list with 10 bullet points.",
            agent=researcher,
        )
        """
    )
    assert [(p.reason, p.owner) for p in prompts] == [
        ("agent-field", "Agent.role"),
        ("agent-field", "Agent.goal"),
        ("agent-field", "Agent.backstory"),
        ("agent-field", "Task.description"),
        ("agent-field", "Task.expected_output"),
    ]
    assert one(prompts, "Uncover").variables == ("topic",)


def test_todo_task_and_unrelated_agent_are_not_prompts() -> None:
    assert (
        prompts_of(
            """
        todo = Task(description="Buy milk and bread", done=False)
        user_agent = UserAgent(name="Mozilla compatible agent string")
        """
        )
        == []
    )


def test_prompt_names_module_class_and_attributes() -> None:
    src = """
    SUMMARY_PROMPT = "Summarise the text below in {n} bullet points:\\n{text}"
    DEFAULT_SYSTEM = "You are a precise assistant that cites sources."

    class Reviewer:
        review_template = "Review this code for bugs and style issues: {code}"

        def __init__(self):
            self.critique_prompt = "List the three weakest points of the argument."

    bot.system_message = "Keep every answer under fifty words."
    text = SUMMARY_PROMPT.format(n=3, text=doc)
    """
    prompts = prompts_of(src)
    summary = one(prompts, "Summarise the text")
    assert (summary.reason, summary.owner, summary.role) == ("prompt-name", "SUMMARY_PROMPT", None)
    assert summary.variables == ("n", "text") and summary.placeholder_style == "format"
    assert one(prompts, "precise assistant").role == "system"
    assert one(prompts, "Review this code").owner == "Reviewer.review_template"
    assert one(prompts, "weakest points").owner == "self.critique_prompt"
    sm = one(prompts, "fifty words")
    assert (sm.owner, sm.role) == ("bot.system_message", "system")


def test_name_used_as_content_resolves_to_its_literal() -> None:
    src = textwrap.dedent(
        """
        SYSTEM = (
            "You are a support bot for ACME. "
            "Never promise refunds."
        )

        def answer(client, q):
            return client.messages.create(model="claude-sonnet-4", system=SYSTEM, messages=[{"role": "user", "content": q}])
        """
    )
    prompts = prompts_of(src)
    assert len(prompts) == 1
    p = prompts[0]
    assert (p.reason, p.role, p.owner, p.model) == (
        "prompt-keyword",
        "system",
        "SYSTEM",
        "claude-sonnet-4",
    )
    assert (p.start_line, p.start_col) == source_position(src, '"You are')
    assert p.end_line == source_position(src, "Never")[0]
    assert p.text == "You are a support bot for ACME. Never promise refunds."
    assert len(p.literals) == 2 and p.editable


def test_prompt_builder_functions() -> None:
    src = """
    import textwrap

    def build_prompt(user, items):
        prompt = f"Hello {user.name}, summarise these items:\\n"
        for item in items:
            prompt += f"- {item}\\n"
        return prompt

    def render_rules(rules):
        lines = ["Follow these rules strictly:"]
        for rule in rules:
            lines.append(f"* {rule}")
        return "\\n".join(lines)

    def intro():
        return textwrap.dedent('''
            You are an assistant for the finance team.
            Be exact with numbers.''')

    def send(client, user, items, rules):
        client.responses.create(model="gpt-4.1", input=build_prompt(user, items),
                                instructions=render_rules(rules))
        client.messages.create(model="claude-3-5-haiku-latest", system=intro(), messages=[])
    """
    prompts = prompts_of(src)
    built = one(prompts, "summarise these items")
    assert (built.reason, built.owner, built.role, built.model) == (
        "prompt-builder",
        "build_prompt",
        "user",
        "gpt-4.1",
    )
    assert built.text == "Hello {user.name}, summarise these items:\n- {item}\n"
    assert built.variables == ("user.name", "item")
    assert not built.editable and len(built.literals) == 2
    rules = one(prompts, "Follow these rules")
    assert rules.text == "Follow these rules strictly:\n* {rule}"
    assert (rules.reason, rules.role, rules.editable) == ("prompt-builder", "system", False)
    assert one(prompts, "finance team").owner == "intro"


def test_function_named_like_a_prompt_is_a_builder() -> None:
    prompt = one(
        prompts_of(
            """
            def get_system_prompt(company: str) -> str:
                return f"You answer questions about {company} products only."
            """
        ),
        "products only",
    )
    assert (prompt.reason, prompt.owner, prompt.role) == (
        "prompt-builder",
        "get_system_prompt",
        "system",
    )


def test_string_concatenation_is_one_dynamic_prompt() -> None:
    prompt = one(
        prompts_of(
            """
            def ask(llm, context, question):
                full_prompt = "Context:\\n" + context + "\\n\\nQuestion: " + question
                return llm.invoke(full_prompt)
            """
        ),
        "Question:",
    )
    assert prompt.text == "Context:\n{context}\n\nQuestion: {question}"
    assert prompt.variables == ("context", "question")
    assert not prompt.editable and len(prompt.literals) == 2


def test_percent_formatting() -> None:
    prompt = one(
        prompts_of(
            """
            REWRITE_PROMPT = "Rewrite %s in the style of %(author)s, keeping 100%% of facts."
            text = REWRITE_PROMPT % {"author": "Orwell"}
            """
        ),
        "Rewrite",
    )
    assert prompt.placeholder_style == "percent"
    assert "author" in prompt.variables


def test_configured_patterns() -> None:
    config = config_from_mapping(
        {"prompt-calls": ["ai.start"], "prompt-keywords": ["persona"], "prompt-names": [r"_msg$"]}
    )
    prompts = prompts_of(
        """
        ai.start("Plan a three day trip to Lisbon for two adults.", model="gpt-4o-mini")
        self.ai.start(system="You are a travel agent who loves trains.")
        make_bot(persona="A cheerful librarian who recommends novels.")
        welcome_msg = "Greet the user and ask what they want to read."
        """,
        config,
    )
    trip = one(prompts, "Lisbon")
    assert (trip.reason, trip.owner, trip.model) == ("configured-call", "ai.start", "gpt-4o-mini")
    train = one(prompts, "trains")
    assert (train.reason, train.role, train.owner) == ("configured-call", "system", "self.ai.start")
    assert one(prompts, "librarian").reason == "configured-keyword"
    assert one(prompts, "Greet the user").reason == "configured-name"
    # Without the configuration none of these is a prompt (except system=, a built-in keyword).
    plain = prompts_of(
        """
        ai.start("Plan a three day trip to Lisbon for two adults.")
        make_bot(persona="A cheerful librarian who recommends novels.")
        welcome_msg = "Greet the user and ask what they want to read."
        """
    )
    assert plain == []


def test_configured_name_pattern_passes_the_prefilter() -> None:
    config = config_from_mapping({"prompt-names": [r"^GREETING$"]})
    prompts = prompts_of(
        'GREETING = "Say hello to the new member and explain the rules."\n', config
    )
    assert [p.reason for p in prompts] == ["configured-name"]


def test_gemini_parts_and_anthropic_text_blocks() -> None:
    prompts = prompts_of(
        """
        client.models.generate_content(
            model="gemini-2.5-pro",
            contents=[{"role": "user", "parts": [{"text": "Describe the photo in detail."}]}],
        )
        client.messages.create(
            model="claude-opus-4",
            system=[{"type": "text", "text": "You are a meticulous editor.", "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": [{"type": "text", "text": "Edit my essay, please."}]}],
        )
        """
    )
    assert [(p.reason, p.role, p.model) for p in prompts] == [
        ("message-dict", "user", "gemini-2.5-pro"),
        ("prompt-keyword", "system", "claude-opus-4"),
        ("message-dict", "user", "claude-opus-4"),
    ]


def test_request_payload_dict() -> None:
    prompts = prompts_of(
        """
        payload = {"model": "llama3.1", "prompt": "Why is the sky blue? Answer briefly.", "stream": False}
        body = {"model": "mistral-large", "max_tokens": 64,
                "messages": [{"role": "user", "content": "Name a French cheese."}]}
        """
    )
    sky, cheese = one(prompts, "sky"), one(prompts, "cheese")
    assert (sky.reason, sky.model) == ("prompt-name", "llama3.1")
    assert (cheese.reason, cheese.model, cheese.max_output_tokens) == (
        "message-dict",
        "mistral-large",
        64,
    )


# -- look-alikes -----------------------------------------------------------------------------


LOOKALIKES = '''
"""Module docstring: this module builds the prompt for the system and the user."""
import argparse
import logging

import click
from prompt_toolkit import PromptSession, prompt
from rich.prompt import Prompt

logger = logging.getLogger(__name__)
QUERY_TEMPLATE = "SELECT id, name FROM users WHERE name = %s ORDER BY id"
PROMPT_PATTERN = r"^>>>\\s*(\\w+)\\s*=\\s*(.+)$"
LOG_TEMPLATE = "%(asctime)s %(levelname)s %(name)s %(message)s"
EMAIL_TEMPLATE = "<div><p>Hello {name}, your order has shipped.</p></div>"
SYSTEM_NAME = "linux"
PROMPT = ">>> "
DEFAULT_MODEL = "gpt-4o"
ASK_PROMPT = "Please enter your full name here: "
LABELS = {"You are a helpful assistant": 1, "system_prompt": None}


@click.command()
@click.option("--name", prompt="Your full name please", help="The prompt shown to the user.")
def main(name):
    """Ask the user for the system prompt and print it."""
    # The system prompt is read below; this comment is not a prompt.
    answer = input("Enter the prompt you want to test: ")
    again = click.prompt("Type the prompt once more please")
    session = PromptSession()
    text = session.prompt("Say something to the model: ")
    more = prompt("Another line for the model please: ")
    who = Prompt.ask("What is your favourite model name")
    again_name = input(ASK_PROMPT)
    parser = argparse.ArgumentParser(description="Send a prompt to the model.")
    parser.add_argument("--system-prompt", help="The system prompt to send with every request.")
    logger.info("Sending the prompt to the model now: %s", answer)
    print("The system prompt is ready to send.")
    messages = [{"role": "system", "content": answer}]
    settings = {"role": "admin", "model": "gpt-4o"}
    value = config["system_prompt"]
    if not answer:
        raise ValueError("The prompt must not be empty, please try again.")
    return {"model": "gpt-4o-mini", "temperature": 0.2}
'''


def test_lookalikes_are_not_prompts() -> None:
    assert prompts_of(LOOKALIKES) == []


GENERIC_TEMPLATES = '''
class ListError(PydanticValueError):
    msg_template = "value is not a valid list, expected at most {limit} items"

SCRIPT_TEMPLATE = """# -*- coding: utf-8 -*-
import sys
from %(module)s import %(func)s
sys.exit(%(func)s())
"""
DOC_TEMPLATE = "\\documentclass{%(docclass)s} with the body {body} goes here"
ERROR_TEMPLATE = "Could not read {path}: the file is locked by another process."
INSTRUCTIONS = "Click the blue button and wait for the upload to finish."


def _prompt_command(escaped):
    return f"$_virtualenv_printf {escaped}"
'''


def test_generic_template_names_outside_llm_code_are_not_prompts() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the invalid escape in DOC_TEMPLATE must not warn
        assert prompts_of(GENERIC_TEMPLATES) == []


def test_generic_template_names_count_in_llm_code_or_when_they_read_like_prompts() -> None:
    opens_like_prompt = prompts_of('QA_TEMPLATE = "Answer the question using only {context}."\n')
    assert [p.reason for p in opens_like_prompt] == ["prompt-name"]
    llm_file = prompts_of(
        'from openai import OpenAI\n\nTICKET_TEMPLATE = "Short summary of the ticket history."\n'
    )
    assert [p.owner for p in llm_file] == ["TICKET_TEMPLATE"]
    by_path = prompts_of(
        'ERROR_TEMPLATE = "Could not read the file, it is locked."\n', path="app/prompts/errors.py"
    )
    assert [p.owner for p in by_path] == ["ERROR_TEMPLATE"]


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        ("You are terse.", True),
        ("Context:\n==========\n{context}\n----------\nAnswer briefly.", True),
        ("import sys\nfrom os import path\n", False),
        ("if (a[i] == b) { x = $y; }", False),
        ("Summarise {text} in {n} bullets.", True),
        ("SELECT name FROM users WHERE id = 1", False),
        (r"^(\d+)-(\w+)$", False),
        ("gpt-4o-mini", False),
        ("system", False),
        ("<html><body>Hi there</body></html>", False),
        ("%(asctime)s %(levelname)s", False),
    ],
)
def test_prose_filter(text: str, prose: bool) -> None:
    assert looks_like_prose(text) is prose


# -- positions -------------------------------------------------------------------------------


def test_positions_through_escapes() -> None:
    src = 'SYSTEM_PROMPT = "First line.\\n\\tSecond: caf\\u00e9 \\x41\\N{BULLET} WORD here"\n'
    p = one(prompts_of(src), "WORD")
    assert p.text == "First line.\n\tSecond: café A• WORD here"
    assert mapped(p, "WORD") == source_position(src, "WORD")
    assert mapped(p, "Second") == source_position(src, "Second")
    assert mapped(p, "é") == source_position(src, "\\u00e9")  # an escape maps to its backslash
    assert mapped(p, "•") == source_position(src, "\\N{BULLET}")
    assert (p.start_line, p.start_col, p.end_line, p.end_col) == (
        1,
        17,
        1,
        len(src.rstrip("\n")) + 1,
    )
    end = p.source_map.end_position(len(p.text))
    assert (end.line, end.col) == (1, len(src.rstrip("\n")))  # just before the closing quote


def test_positions_through_line_continuation_and_raw_strings() -> None:
    src = (
        'INSTRUCTIONS = "Read the input \\\n'
        'and then WORD it."\n'
        'PATTERN_PROMPT = r"Match \\d+ digits then NEEDLE please"\n'
    )
    prompts = prompts_of(src)
    cont = one(prompts, "WORD")
    assert cont.text == "Read the input and then WORD it."
    assert mapped(cont, "WORD") == source_position(src, "WORD")
    raw = one(prompts, "NEEDLE")
    assert raw.text == "Match \\d+ digits then NEEDLE please"
    assert mapped(raw, "NEEDLE") == source_position(src, "NEEDLE")
    assert mapped(raw, "\\d") == source_position(src, "\\d")


@pytest.mark.parametrize("prefix", ["", "r", "u", "R", "U", "f", "F", "rf", "fr", "Rf", "fR", "RF"])
def test_string_prefixes(prefix: str) -> None:
    src = f'CHAT_PROMPT = {prefix}"Explain the WORD plainly."\n'
    p = one(prompts_of(src), "WORD")
    assert p.text == "Explain the WORD plainly."
    assert mapped(p, "WORD") == source_position(src, "WORD")
    assert p.start_col == len("CHAT_PROMPT = ") + 1


def test_triple_quoted_multiline_and_crlf() -> None:
    for newline in ("\n", "\r\n", "\r"):
        src = newline.join(
            [
                "x = 1",
                'REPORT_PROMPT = """Write a report.',
                "Use short sections.",
                "  Then add WORD last.",
                '"""',
                "",
            ]
        )
        p = one(prompts_of(src), "WORD")
        assert p.text == "Write a report.\nUse short sections.\n  Then add WORD last.\n"
        assert mapped(p, "WORD") == (4, 12)
        assert mapped(p, "Use") == (3, 1)
        assert (p.start_line, p.end_line, p.end_col) == (2, 5, 4)


def test_implicit_concatenation_across_lines() -> None:
    src = textwrap.dedent(
        """
        QA_PROMPT = (
            "You answer questions about the handbook. "  # part one
            'Quote the section number; '
            f"today is {today:%Y-%m-%d}. FINAL word."
        )
        """
    )
    p = one(prompts_of(src), "handbook")
    assert p.text == (
        "You answer questions about the handbook. Quote the section number; today is {today}. FINAL word."
    )
    assert mapped(p, "Quote") == source_position(src, "Quote")
    assert mapped(p, "FINAL") == source_position(src, "FINAL")
    assert mapped(p, "{today}") == source_position(src, "{today")
    assert len(p.literals) == 3
    assert (p.start_line, p.start_col) == source_position(src, '"You')
    assert (p.end_line, p.end_col) == (5, source_position(src, 'word."')[1] + len('word."'))
    assert p.variables == ("today",) and p.editable


def test_fstring_fields() -> None:
    src = (
        "def f(user, items, w):\n"
        '    return ask(prompt=f"Dear {user.name!r}, {{literal}} {len(items):>{w}} items {user.name=} AFTER")\n'
    )
    p = one(prompts_of(src), "Dear")
    assert p.text == "Dear {user.name}, {literal} {len(items)} items {user.name} AFTER"
    assert p.variables == ("user.name", "len(items)")
    assert mapped(p, "AFTER") == source_position(src, "AFTER")
    assert mapped(p, "{len(items)}") == source_position(src, "{len(items)")
    assert mapped(p, "literal") == source_position(src, "literal")


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 701 f-strings need Python 3.12")
def test_pep701_fstrings() -> None:
    src = (
        "def f(d, xs, count):\n"
        '    return ask(prompt=f"Use {d["key"]} and {", ".join(xs)} then WORD")\n'
        'TOTAL_PROMPT = f"""Count: {\n'
        "    count  # the number of rows\n"
        '} rows, NEEDLE."""\n'
    )
    prompts = prompts_of(src)
    p = one(prompts, "WORD")
    assert p.text == 'Use {d["key"]} and {", ".join(xs)} then WORD'
    assert p.variables == ('d["key"]', '", ".join(xs)')
    assert mapped(p, "WORD") == source_position(src, "WORD")
    total = one(prompts, "NEEDLE")
    assert total.text == "Count: {count} rows, NEEDLE."
    assert mapped(total, "NEEDLE") == source_position(src, "NEEDLE")
    assert mapped(total, "{count}") == source_position(src, "{\n")


def test_non_ascii_columns_are_characters() -> None:
    src = 'x = "é😀"; SYSTEM_PROMPT = "Réponds en français 🇫🇷 avec WORD."\n'
    p = one(prompts_of(src), "WORD")
    assert (p.start_line, p.start_col) == source_position(src, '"Réponds')
    assert mapped(p, "WORD") == source_position(src, "WORD")
    assert p.end_col == len(src.rstrip("\n")) + 1


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_every_offset_maps_to_its_source_character(value: str) -> None:
    """For any string Python writes as a literal, each character maps to itself or its escape."""
    literal = repr(value)
    src = f'MESSAGES = [{{"role": "user", "content": ({literal}\n        {literal})}}]\n'
    result = extract("gen.py", src, Config(), "python")
    if not value.strip():  # whitespace is not a prompt
        assert result.prompts == []
        return
    (p,) = result.prompts
    assert p.text == value + value
    lines = src.split("\n")
    for i, ch in enumerate(p.text):
        pos = p.position(i)
        at = lines[pos.line - 1][pos.col - 1]
        assert at == ch or at == "\\", (i, ch, at)
        assert pos.line == (1 if i < len(value) else 2)


# -- directives, annotations, registry -------------------------------------------------------


def test_directives() -> None:
    src = textwrap.dedent(
        """\
        # promptlint: disable-file=PII001
        PROMPT_A = "Please kindly summarise the text."  # promptlint: disable=EFF001,EFF002
        reply = client.messages.create(
            model="claude-3-5-haiku-latest",
            system="You are a helpful assistant.",  # promptlint: disable
            messages=[],
        )
        NOTE = "# promptlint: disable=EFF009 inside a string is not a directive"
        # promptlint: disable-file
        """
    )
    result = extract("app.py", src, Config(), "python")
    by_line = {d.line: d for d in result.directives}
    assert sorted(by_line) == [1, 2, 5, 9]
    assert by_line[1].file_level and by_line[1].codes == ("PII001",)
    assert (by_line[2].codes, by_line[2].first_line, by_line[2].last_line) == (
        ("EFF001", "EFF002"),
        2,
        2,
    )
    assert by_line[2].col == src.splitlines()[1].index("#") + 1
    assert (by_line[5].codes, by_line[5].first_line, by_line[5].last_line) == ((), 3, 7)
    assert by_line[9].file_level and by_line[9].codes == ()


def test_calls_per_day_annotation() -> None:
    prompts = prompts_of(
        """
        A_PROMPT = "Translate the menu into Spanish."  # promptlint: calls-per-day=5000
        # promptlint: calls-per-day=1_200
        B_PROMPT = "Translate the menu into Italian."
        client.responses.create(  # promptlint: calls-per-day=42.5
            model="gpt-4.1",
            input="Translate the menu into German.",
        )
        C_PROMPT = "Translate the menu into Dutch."
        """
    )
    per_day = {p.text.split()[-1]: p.calls_per_day for p in prompts}
    assert per_day == {"Spanish.": 5000.0, "Italian.": 1200.0, "German.": 42.5, "Dutch.": None}


def test_uses_registry() -> None:
    src = 'from promptlint import registry\n\ntemplate = registry.load("summarize@^1.2")\n'
    assert extract("app.py", src, Config(), "python").uses_registry
    assert not extract("app.py", "import os\n", Config(), "python").uses_registry


# -- bad input -------------------------------------------------------------------------------


def test_syntax_error_is_a_notice_and_other_files_go_on(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text('SYSTEM_PROMPT = "You review pull requests carefully."\n')
    (tmp_path / "bad.py").write_text('SYSTEM_PROMPT = "You are\nbroken(\n')
    config = Config(root=str(tmp_path))
    inv = build_inventory([str(tmp_path)], config, jobs=1)
    assert [p.text for p in inv.prompts] == ["You review pull requests carefully."]
    (notice,) = inv.notices
    assert notice.startswith(
        f"{tmp_path / 'bad.py'}:1:17: syntax error: ".replace(str(Path.cwd()) + "/", "")
    )
    assert notice.endswith(", file skipped")


def test_odd_inputs_never_raise() -> None:
    for text in (
        "",
        "\n\n",
        "prompt = (",
        "x = 'prompt' \0",
        "\ufeffSYSTEM = 1",
        "def f(:\n  prompt",
    ):
        result = extract("odd.py", text, Config(), "python")
        assert result.prompts == []


def test_deep_nesting_is_a_notice_not_a_crash() -> None:
    from promptlint.extract import extract_text

    src = "PROMPT_TEXT = " + "(" * 300 + '"Deep text for the model."' + ")" * 300 + "\n"
    result = extract_text("deep.py", "python", src, Config())
    assert all("deep.py" in n for n in result.notices)


def test_big_file(tmp_path: Path) -> None:
    big = "# a long generated comment line that makes this file big\n" * 90_000
    assert len(big) > 5_000_000
    (tmp_path / "big.py").write_text(big + 'SYSTEM_PROMPT = "Answer in one word."\n')
    (tmp_path / "small.py").write_text('SYSTEM_PROMPT = "Answer in two words."\n')
    inv = build_inventory([str(tmp_path)], Config(root=str(tmp_path)), jobs=1)
    assert [p.text for p in inv.prompts] == ["Answer in two words."]
    (skip,) = [s for s in inv.skipped if s.path.endswith("big.py")]
    assert skip.reason.startswith("skipped: file is")
    # Read anyway (a raised limit), it is processed without error.
    result = extract("big.py", big + 'SYSTEM_PROMPT = "Answer in one word."\n', Config(), "python")
    assert [p.text for p in result.prompts] == ["Answer in one word."]


# -- CLI -------------------------------------------------------------------------------------


def test_cli_extract_json(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    src = textwrap.dedent(
        """
            def ask(client, question):
                return client.chat.completions.create(
                    model="gpt-4o",
                    messages=[
                        {"role": "system", "content": "You are a concise assistant for accountants."},
                        {"role": "user", "content": f"Question: {question}"},
                    ],
                )
            """
    )
    app.write_text(src)
    (tmp_path / "broken.py").write_text("SYSTEM_PROMPT = (\n")
    proc = run_cli("extract", "--format", "json", "app.py", "broken.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "promptlint.extract/1"
    system, user = doc["prompts"]
    assert {
        k: system[k]
        for k in (
            "path",
            "start_line",
            "start_col",
            "end_line",
            "kind",
            "role",
            "owner",
            "reason",
            "model",
            "encoding",
            "token_estimate",
        )
    } == {
        "path": "app.py",
        "start_line": 6,
        "start_col": source_position(src, '"You')[1],
        "end_line": 6,
        "kind": "python",
        "role": "system",
        "owner": "client.chat.completions.create",
        "reason": "message-dict",
        "model": "gpt-4o",
        "encoding": "o200k_base",
        "token_estimate": False,
    }
    assert system["end_col"] == system["start_col"] + len(
        '"You are a concise assistant for accountants."'
    )
    assert system["text"] == "You are a concise assistant for accountants."
    assert isinstance(system["tokens"], int) and system["tokens"] > 0
    assert user["variables"] == ["question"]
    assert "broken.py:2:1: syntax error" in proc.stderr or "broken.py:1:" in proc.stderr
    assert "Traceback" not in proc.stderr
