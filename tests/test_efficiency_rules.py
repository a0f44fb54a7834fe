"""Every efficiency and template rule: a prompt that triggers it, a near miss that does not,
and the fixed text where the rule proposes a fix."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from promptlint.checks.text import template_spans
from promptlint.config import Config
from promptlint.models import FixSafety
from tests.ruletools import apply_fix, codes, make_prompt, own_rules, run_prompts

RULES = own_rules()

_POLICY = " ".join(
    f"Rule {i}: refunds for plan tier {i} are handled by the billing team within {i + 2} "
    "business days, and the agent confirms the amount with the customer in writing."
    for i in range(60)
)
_EXAMPLES = "\n\n".join(
    f"Example {i}:\nInput: The invoice for order {i} shows a charge I do not recognise and "
    f"I would like to understand where it comes from before I pay anything else.\n"
    f"Output: billing"
    for i in range(1, 6)
)
_INDENTED = "Summarize the ticket below.\n" + "".join(
    f"        Rule number {i} applies to every ticket in the queue.\n" for i in range(8)
)
_BLOB = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Erk" * 3
)


@dataclasses.dataclass(frozen=True)
class Case:
    code: str
    positive: str
    negative: str
    fixed: str | None = None  # the prompt after the first finding's fix
    prompt: dict[str, Any] = dataclasses.field(default_factory=dict)  # extra Prompt fields
    config: dict[str, Any] = dataclasses.field(default_factory=dict)


CASES = [
    Case(
        "EFF001",
        "Please summarize the ticket.",
        "Summarize the complaint of pleased customers.",
        "Summarize the ticket.",
    ),
    Case(
        "EFF002",
        "I want you to act as a translator.",
        "The customer wants you to call back.",
        "Act as a translator.",
    ),
    Case(
        "EFF003",
        "Summarize the ticket. Thanks in advance!",
        "Thank the customer for their patience, then summarize.",
        "Summarize the ticket.",
    ),
    Case(
        "EFF004",
        "Try to answer in one paragraph.",
        "The user may try to trick you into revealing secrets.",
        "Answer in one paragraph.",
    ),
    Case(
        "EFF005",
        "Basically, answer the question.",
        "Answer the basic question.",
        "Answer the question.",
    ),
    Case(
        "EFF010",
        "In order to answer, read the policy.",
        "Sort the items in order of priority.",
        "To answer, read the policy.",
    ),
    Case(
        "EFF011",
        "It is important to note that refunds take 5 days.",
        "Note the important refund dates.",
        "Refunds take 5 days.",
    ),
    Case(
        "EFF012",
        "Check each and every ticket.",
        "Check each ticket and every note.",
        "Check every ticket.",
    ),
    Case(
        "EFF013",
        "Provide a summary of the call.",
        "Provide the summary field of the call.",
        "Summarize the call.",
    ),
    Case("EFF020", "Line one.   \nLine two.", "Line one.\nLine two.", "Line one.\nLine two."),
    Case("EFF021", "Rules:\n\n\n\nBe brief.", "Rules:\n\nBe brief.", "Rules:\n\nBe brief."),
    Case(
        "EFF022",
        "Answer  the  question.",
        "| a  | b |\n|----|---|\n| 1  | 2 |",
        "Answer the  question.",
    ),
    Case("EFF023", _INDENTED, _INDENTED.replace("        ", "")),
    Case(
        "EFF024",
        'Use this format:\n{\n    "service": "name of the service",\n    "severity": "sev1",\n'
        '    "summary": "one sentence"\n}\nThen stop.',
        'Use this format: {"service": "name of the service", "severity": "sev1"}',
        'Use this format:\n{"service":"name of the service","severity":"sev1",'
        '"summary":"one sentence"}\nThen stop.',
    ),
    Case(
        "EFF025",
        f"Here is the logo: {_BLOB}",
        "See https://docs.example.com/guides/billing/refunds/overview-of-the-refund-process",
    ),
    Case(
        "EFF030",
        "=" * 40 + "\nRULES\nBe brief.",
        "=======\nRULES\nBe brief.",
        "---\nRULES\nBe brief.",
    ),
    Case(
        "EFF031",
        "┌──────────┐\n│  RULES   │\n└──────────┘\nBe brief.",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ),
    Case(
        "EFF032",
        "🚀🚀🚀 You are the launch bot.",
        "Great job 🚀 team, answer the launch questions.",
    ),
    Case(
        "EFF040",
        "As an AI language model, you must answer from the policy.",
        "Explain to the user what an AI language model is.",
        "You must answer from the policy.",
    ),
    Case(
        "EFF041",
        "You are a helpful assistant.",
        "You are a helpful assistant. Answer billing questions from the policy.",
    ),
    Case(
        "EFF042",
        "You are a helpful assistant. Classify the ticket as billing, bug or other.",
        "You are a helpful assistant for Acme billing. Classify the ticket as billing or bug.",
        "Classify the ticket as billing, bug or other.",
    ),
    Case(
        "EFF050",
        "You MUST NEVER SHARE THE ADDRESS with anyone.",
        "Return JSON with the API URL and the PII flags.\nOUTPUT FORMAT RULES:\n- be brief",
    ),
    Case(
        "EFF051",
        "IMPORTANT: be brief. You MUST cite. NEVER guess. ALWAYS answer in English.",
        "IMPORTANT: be brief. You MUST cite. NEVER guess. Answer in English.",
    ),
    Case(
        "EFF052",
        "Never share the password!!!",
        "Never share the password! Use `!!flag` in JS.",
        "Never share the password!",
    ),
    Case(
        "EFF060",
        "Always answer in plain English. Use the policy below. Always answer in plain English!",
        "Always answer in plain English. Always answer in French when the customer asks.",
        "Always answer in plain English. Use the policy below.",
    ),
    Case(
        "EFF061",
        "Summarize the the ticket.",
        "He said that that was fine. Close the. The end.",
        "Summarize the ticket.",
    ),
    Case(
        "EFF070",
        "Summarize the ticket below in two sentences for the on-call engineer.",
        "Summarize the ticket.",
        config={"token_budget": 8},
    ),
    Case(
        "EFF071",
        "Classify the ticket as billing, bug or other.\n\n" + _EXAMPLES,
        "Classify the ticket as billing, bug or other.\n\n"
        + "\n\n".join(_EXAMPLES.split("\n\n")[:2])
        + "\n\n"
        + _POLICY[:1500],
    ),
    Case("EFF072", "Question: {question}\n\n" + _POLICY, _POLICY + "\n\nQuestion: {question}"),
    Case("EFF073", "   \n  ", "{question}"),
    Case(
        "TPL001",
        "Hello {{ name }}, your order {order_id} has shipped.",
        'Hello {{ name }}, reply with JSON like {"order": 1}.',
        prompt={"placeholder_style": "jinja"},
    ),
    Case(
        "TPL002",
        "Answer {{query}} using the policy.",
        "Answer {{question}} using the policy.",
        prompt={
            "meta": {"input": {"schema": {"question": "string"}}},
            "placeholder_style": "handlebars",
            "variables": ("query",),
        },
    ),
    Case(
        "TPL003",
        "You are the support assistant for [INSERT COMPANY NAME].",
        "Reply with [the order id] only; this is a todo list app.",
    ),
    Case(
        "TPL004",
        "Answer {{question}}.",
        "Answer {{question}} given {{history}}.",
        prompt={
            "meta": {"input": {"schema": {"question": "string", "history": "string"}}},
            "placeholder_style": "handlebars",
            "variables": ("question",),
        },
    ),
]


def _run(case: Case, text: str) -> Any:
    fields = dict(case.prompt)
    if case.code == "TPL002" and text is case.negative:
        fields["variables"] = ("question",)
    if case.code == "TPL004" and text is case.negative:
        fields["variables"] = ("question", "history")
    prompt = make_prompt(text, **fields)
    config = Config(**case.config)
    return run_prompts([prompt], rules=RULES, config=config, select=[case.code])


def test_every_rule_has_a_case() -> None:
    tested = {c.code for c in CASES}
    shipped = {r.code for r in RULES if r.pack in ("efficiency", "template")}
    assert shipped == tested
    assert len([c for c in shipped if c.startswith("EFF")]) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_positive(case: Case) -> None:
    run = _run(case, case.positive)
    assert case.code in codes(run), run.findings
    finding = next(f for f in run.findings if f.code == case.code)
    assert finding.name == RULES.get(case.code).name
    if case.fixed is not None:
        assert finding.fix is not None and finding.fix.edits
        assert apply_fix(case.positive, finding) == case.fixed
        assert finding.fix.safety.value == RULES.get(case.code).doc.fix


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_near_miss(case: Case) -> None:
    run = _run(case, case.negative)
    assert case.code not in codes(run), run.findings


def test_fixes_leave_placeholders_alone() -> None:
    text = (
        "Please {name}, in order to {goal}, it is important to note that {{ item }} matters.  "
        "{% if please %}Please{% endif %} answer %(user)s!!!  \n\n\n\nKindly {x.y}."
    )
    run = run_prompts([make_prompt(text)], rules=RULES, select=["EFF", "TPL"])
    assert run.findings
    spans = template_spans(text)
    for f in run.findings:
        for edit in f.fix.edits if f.fix else ():
            for s, e in spans:
                assert edit.end <= s or edit.start >= e, (f.code, edit, text[s:e])
    # Nothing inside the Jinja tag is reported.
    tag = text.index("{% if please %}")
    inside = [f for f in run.findings if tag <= f.col - 1 < tag + len("{% if please %}")]
    assert not inside


def test_waste_is_measured_in_tokens() -> None:
    run = run_prompts(
        [make_prompt("Due to the fact that refunds vary, check the policy.")],
        rules=RULES,
        select=["EFF010"],
    )
    (finding,) = run.findings
    from promptlint.tokens import count_tokens

    saved = count_tokens(" due to the fact that").tokens - count_tokens(" because").tokens
    assert finding.wasted_tokens == saved > 0
    assert finding.message == "'Due to the fact that' says the same as 'because' in more tokens"


def test_shouting_points_at_the_run_and_counts_the_extra_tokens() -> None:
    text = "You MUST NEVER SHARE THE ADDRESS with anyone."
    run = run_prompts([make_prompt(text, line=3, col=5)], rules=RULES, select=["EFF050"])
    (finding,) = run.findings
    assert (finding.line, finding.col) == (3, 5 + text.index("MUST"))
    assert finding.end_col == 5 + text.index(" with")
    # Capitals tokenize into more pieces than the same words in lower case.
    assert finding.wasted_tokens > 0


def test_clean_prompts_have_no_findings() -> None:
    """Ordinary, well-written prompts: a precise linter says nothing about them."""
    clean = [
        "You are the billing assistant for Acme Cloud. Answer questions about invoices, "
        "refunds and plan changes using only the policy below. If the policy does not cover "
        "the question, say so and offer to open a ticket.",
        "Summarize the support ticket in at most three sentences for the on-call engineer. "
        "Mention the affected service, the customer impact and any error codes.",
        "Classify the message as billing, bug, feature-request or other. Reply with the label "
        "only.\n\nMessage: {message}",
        "Translate the text into formal German. Keep product names, URLs and code unchanged.\n\n"
        "Text:\n{text}",
        "## Task\nReview the pull request diff for security issues.\n\n## Output\nReturn a JSON "
        'list of objects like {{"file": "...", "line": 1, "issue": "..."}}.',
        "Rewrite the paragraph in plain English for a customer newsletter. Keep it under 120 "
        "words and keep every number as written.",
        "Extract the order id, the product and the requested action from the email. Use the "
        "SQL table names from the schema below when you name fields.",
        "You help new employees find internal documents. Ask one clarifying question when the "
        "request is ambiguous. Never invent document titles.",
    ]
    prompts = [make_prompt(t, path=f"prompts/p{i}.md") for i, t in enumerate(clean)]
    run = run_prompts(prompts, rules=RULES, select=["EFF", "TPL"])
    assert run.findings == []
    assert run.scores == [100.0] * len(clean)


def test_unsafe_and_safe_fixes_are_labelled() -> None:
    run = run_prompts(
        [make_prompt("Try to be brief. Please be brief.")], rules=RULES, select=["EFF004", "EFF001"]
    )
    by_code = {f.code: f for f in run.findings}
    assert by_code["EFF004"].fix.safety is FixSafety.UNSAFE
    assert by_code["EFF001"].fix.safety is FixSafety.SAFE


@pytest.mark.parametrize(
    "text",
    [
        'Reply to the customer. Example reply: "Could you please resend the invoice?"',
        "Example 1:\nInput: Can you please reset my password?\nOutput: account\n\n"
        "Example 2:\nInput: Please refund order 7.\nOutput: billing\n\n"
        "Example 3:\nInput: The app crashes.\nOutput: bug",
        "Run the snippet as written:\n```python\nprint('please wait')  # in order to test\n```",
        "Mention the `please_confirm` flag.",
    ],
)
def test_prose_rules_skip_quotes_examples_and_code(text: str) -> None:
    run = run_prompts([make_prompt(text)], rules=RULES, select=["EFF001", "EFF010"])
    assert run.findings == []


def test_a_run_of_one_repeated_word_is_one_finding_whose_fix_keeps_one_copy() -> None:
    text = "Be " + "very " * 20_000 + "brief, the the end. Now now now."
    run = run_prompts([make_prompt(text, editable=True)], rules=RULES, select=["EFF061"])
    very, the, now = run.findings
    assert very.message == "Word 'very' appears 20,000 times in a row"
    assert the.message == "Word 'the' appears 2 times in a row"
    assert now.message == "Word 'now' appears 3 times in a row"
    assert very.wasted_tokens >= 19_999
    fixed = text
    for finding in (now, the, very):  # from the end, so earlier offsets stay valid
        fixed = apply_fix(fixed, finding)
    assert fixed == "Be very brief, the end. Now."


def test_repeated_word_runs_stop_at_punctuation_line_breaks_and_exceptions() -> None:
    text = "Stop. Stop now\nnow that that is done, very very  very, very"
    run = run_prompts([make_prompt(text, editable=True)], rules=RULES, select=["EFF061"])
    (finding,) = run.findings
    assert finding.message == "Word 'very' appears 3 times in a row"
    assert apply_fix(text, finding) == "Stop. Stop now\nnow that that is done, very, very"


def test_whitespace_rules_look_inside_code_blocks() -> None:
    text = "Run:\n```\nmake test   \n```"
    run = run_prompts([make_prompt(text)], rules=RULES, select=["EFF020"])
    assert codes(run) == ["EFF020"]


def _eff060(text: str) -> list:
    return run_prompts([make_prompt(text)], rules=RULES, select=["EFF060"]).findings


def test_restated_instruction_is_a_duplicate_whatever_its_emphasis_and_framing() -> None:
    """The same instruction in capitals, with MUST/ALWAYS/ONLY and "Please note that", and as
    one clause of a longer sentence (examples/app/triage.py)."""
    first = (
        "In order to make sure that the classification is correct, it is important to note "
        "that you MUST ALWAYS answer with the category name ONLY!!!"
    )
    second = "Please note that you must answer with the category name only."
    text = f"Classify the ticket into one category. {first} {second}"
    (finding,) = _eff060(text)
    assert text[finding.col - 1 : finding.end_col - 1] == second
    assert finding.data["first_offset"] == text.index(first)
    assert apply_fix(text, finding) == f"Classify the ticket into one category. {first}"
    # Emphasis alone does not make two statements different instructions either.
    (shouted,) = _eff060(
        "Reply in formal British English. YOU MUST ALWAYS REPLY IN FORMAL BRITISH ENGLISH!"
    )
    assert shouted.col == len("Reply in formal British English. ") + 1


@pytest.mark.parametrize(
    "text",
    [
        # A different number or a negation is a different instruction.
        "Refunds are processed within 5 business days. Refunds are processed within 9 business days.",
        "You must always include the order number. You must never include the order number.",
        # The earlier copy is conditional, the later one is not.
        "If the customer asks for a refund, send them the refund request form. "
        "Send them the refund request form.",
        "When the ticket mentions an outage, page the on-call engineer right away. "
        "Page the on-call engineer right away.",
        # A clause with a number or a negation around it is not restated either.
        "In 2 cases, escalate the ticket to the billing team. Escalate the ticket to the billing team.",
        # Different objects after the same frame.
        "Please note that you must answer in English. Please note that you must cite the policy.",
    ],
)
def test_sentences_that_differ_in_a_fact_are_not_duplicates(text: str) -> None:
    assert _eff060(text) == []


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "Classify the ticket as billing or bug.\nYou are a helpful AI assistant.\nBe brief.",
            "Classify the ticket as billing or bug.\nBe brief.",
        ),
        (
            "Classify the ticket as billing or bug. You are an assistant.",
            "Classify the ticket as billing or bug.",
        ),
    ],
)
def test_generic_role_sentence_is_removed_with_its_line_or_space(text: str, fixed: str) -> None:
    run = run_prompts([make_prompt(text)], rules=RULES, select=["EFF041", "EFF042"])
    (finding,) = run.findings
    assert finding.code == "EFF042" and finding.wasted_tokens > 0
    assert apply_fix(text, finding) == fixed


@pytest.mark.parametrize(
    "text",
    [
        'Reply to the greeting "You are a helpful assistant." with a joke about robots.',
        "Classify the ticket.\n\nExample 1:\nInput: You are a helpful assistant. Hi.\n"
        "Output: other",
        "You are a helpful assistant for Acme billing. Answer from the policy.",
        "You are a helpful assistant that writes SQL. Use PostgreSQL syntax.",
    ],
)
def test_role_sentence_as_content_or_with_a_job_is_not_flagged(text: str) -> None:
    run = run_prompts([make_prompt(text)], rules=RULES, select=["EFF041", "EFF042"])
    assert run.findings == []
