"""Extraction from template and prompt files: dotprompt, Prompty, Jinja, Markdown/text, YAML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promptlint.config import Config, config_from_mapping
from promptlint.extract import extract_text
from promptlint.inventory import build_inventory
from promptlint.models import ExtractResult, Prompt
from tests.conftest import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "templates"
_BREAK = re.compile(r"\r\n|\r|\n")


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def run(
    name: str, kind: str, text: str | None = None, config: Config | None = None
) -> ExtractResult:
    source = read(name) if text is None else text
    return extract_text(f"tests/fixtures/templates/{name}", kind, source, config or Config())


def locate(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, col) of the first ``needle`` in ``text``, counting every line break."""
    for number, line in enumerate(_BREAK.split(text), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in text")


def end_of(text: str, needle: str) -> tuple[int, int]:
    line, col = locate(text, needle)
    return line, col + len(needle)


def at(prompt: Prompt, offset: int) -> tuple[int, int]:
    pos = prompt.position(offset)
    return pos.line, pos.col


def span(prompt: Prompt) -> tuple[int, int, int, int]:
    return prompt.start_line, prompt.start_col, prompt.end_line, prompt.end_col


def assert_maps_back(prompt: Prompt, source: str) -> None:
    """Every character of a verbatim prompt sits at its mapped position in the source."""
    lines = _BREAK.split(source)
    for offset, char in enumerate(prompt.text):
        if char in "\r\n":
            continue
        pos = prompt.position(offset)
        assert lines[pos.line - 1][pos.col - 1] == char, (offset, char, pos)


# --- dotprompt ------------------------------------------------------------------------


def test_dotprompt_role_sections_positions_model_and_variables() -> None:
    source = read("support.prompt")
    result = run("support.prompt", "dotprompt")
    assert result.notices == []
    system, user = result.prompts
    assert (system.role, user.role) == ("system", "user")
    assert (system.owner, user.owner) == ("system", "user")
    assert span(system) == (
        *locate(source, "You are a friendly"),
        *end_of(source, "{{/if}}"),
    )
    assert span(user) == (*locate(source, "Customer {{customer"), *end_of(source, "{{history}}"))
    assert system.text.startswith("You are a friendly support agent")
    assert system.variables == ("premium",)
    # Loop-relative paths ({{this.id}}, {{status}}) are not inputs; @root.currency is.
    assert user.variables == ("customer.name", "question", "orders", "currency", "photoUrl")
    for prompt in (system, user):
        assert prompt.kind == "dotprompt"
        assert prompt.reason == "dotprompt-section"
        assert prompt.model == "googleai/gemini-1.5-flash"
        assert prompt.max_output_tokens == 400
        assert prompt.placeholder_style == "handlebars"
        assert prompt.call_id == "tests/fixtures/templates/support.prompt"
        assert prompt.meta["tier"] == "small" and prompt.meta["owner"] == "support-team"
        assert prompt.editable and prompt.literals == (span(prompt),)
        assert_maps_back(prompt, source)
    question = user.text.index("{{question}}")
    assert at(user, question) == locate(source, "{{question}}")


def test_dotprompt_without_markers_is_one_user_prompt() -> None:
    source = read("plain.prompt")
    (prompt,) = run("plain.prompt", "dotprompt").prompts
    assert prompt.role == "user"
    assert prompt.text == "Translate the following text into {{language}}: {{text}}"
    assert span(prompt) == (*locate(source, "Translate"), *end_of(source, "{{text}}"))
    assert prompt.variables == ("language", "text")
    assert (prompt.model, prompt.max_output_tokens) == ("openai/gpt-4o-mini", 120)


def test_dotprompt_text_after_a_marker_on_the_same_line() -> None:
    text = '{{role "system"}} You are terse.\n{{role "user"}}\n  Quoted: {{q}}\n'
    system, user = run("inline.prompt", "dotprompt", text).prompts
    assert (system.text, system.start_col) == ("You are terse.", 19)
    assert (user.text, user.start_line, user.start_col) == ("  Quoted: {{q}}", 3, 1)


def test_dotprompt_helpers_are_not_variables() -> None:
    text = (
        '{{role "system"}}\n{{#if verbose}}Explain.{{else if terse}}Be brief.{{/if}}\n'
        '{{json schema}} {{section "output"}} {{> footer}} {{@index}} {{media url=photo}}\n'
        "{{#each items as |item|}}{{item.name}}{{/each}}\n"
    )
    (prompt,) = run("inline.prompt", "dotprompt", text).prompts
    assert prompt.variables == ("verbose", "terse", "schema", "photo", "items")


# --- Prompty --------------------------------------------------------------------------


def test_prompty_sections_model_from_configuration_and_jinja_variables() -> None:
    source = read("rag.prompty")
    result = run("rag.prompty", "prompty")
    system, user = result.prompts
    assert (system.role, user.role) == ("system", "user")
    assert span(system) == (*locate(source, "You are an AI"), *end_of(source, "{% endfor %}"))
    assert span(user) == (*locate(source, "{{firstName}}"), *end_of(source, "| trim }}"))
    # `item` is the loop variable; `trim` is a filter.
    assert system.variables == ("documents",)
    assert user.variables == ("firstName", "question")
    assert system.model == "gpt-4o" and system.max_output_tokens == 800
    assert system.reason == "prompty-section" and system.placeholder_style == "jinja"
    assert system.meta["name"] == "GroundedAnswer"
    assert "# Context" in system.text  # a heading inside a section is prompt text
    assert_maps_back(system, source)


def test_prompty_text_before_the_first_role_line_is_system() -> None:
    text = "---\nmodel: gpt-4o-mini\n---\nYou are terse.\nuser:\nHi {{name}}\n"
    first, second = run("x.prompty", "prompty", text).prompts
    assert (first.role, first.start_line) == ("system", 4)
    assert (second.role, second.start_line, second.variables) == ("user", 6, ("name",))
    assert first.model == "gpt-4o-mini"


# --- Jinja ----------------------------------------------------------------------------


def test_jinja_role_sections_and_parser_variables() -> None:
    source = read("answer.j2")
    result = run("answer.j2", "jinja")
    assert result.notices == []
    system, user = result.prompts  # the `{% set %}` preamble renders nothing
    assert (system.role, user.role) == ("system", "user")
    assert span(system) == (*locate(source, "You are a {{"), *end_of(source, "{% endif %}"))
    # `tone` is set in the template, so it is not an input.
    assert system.variables == ("company", "premium")
    assert user.variables == ("question",)
    assert system.reason == "jinja-section" and system.kind == "jinja"


def test_jinja_without_markers_is_a_prompt_when_it_reads_like_one() -> None:
    (prompt,) = run("casual.jinja2", "jinja").prompts
    assert prompt.reason == "jinja-template" and prompt.role is None
    assert prompt.variables == ("diff",)


@pytest.mark.parametrize("name", ["page.html.j2", "app.conf.j2"])
def test_jinja_html_and_config_templates_are_not_prompts(name: str) -> None:
    result = run(name, "jinja")
    assert result.prompts == [] and result.notices == []


def test_template_globs_make_any_jinja_file_a_prompt() -> None:
    config = config_from_mapping({"template-globs": ["*.conf.j2"]}, root=str(FIXTURES))
    path = FIXTURES / "app.conf.j2"
    result = extract_text(str(path), "jinja", path.read_text(), config)
    (prompt,) = result.prompts
    assert prompt.variables == ("host", "port")


def test_jinja_syntax_error_is_a_one_line_notice_naming_the_line() -> None:
    text = "---\nmodel: gpt-4o\n---\nsystem:\nYou are {% if x %} broken.\n"
    result = run("broken.j2", "jinja", text)
    (notice,) = result.notices
    assert notice.startswith("tests/fixtures/templates/broken.j2:5: Jinja syntax error")
    assert "\n" not in notice
    (prompt,) = result.prompts  # the prompt still counts
    assert prompt.start_line == 5


# --- Markdown and text ----------------------------------------------------------------


def test_markdown_role_headings_front_matter_and_code_fences() -> None:
    source = read("prompts/summarize.md")
    result = run("prompts/summarize.md", "markdown")
    system, user = result.prompts  # the title before the first role heading is not a prompt
    assert (system.role, user.role) == ("system", "user")
    closing_fence = locate(source, "inside a code fence")[0] + 1
    assert span(system) == (*locate(source, "You are an expert"), closing_fence, 4)
    assert "this heading is inside a code fence" in system.text
    assert span(user) == (*locate(source, "Summarize {document}"), *end_of(source, "}}."))
    assert user.variables == ("document", "audience")
    assert user.placeholder_style == "jinja"
    assert system.model == "claude-3-5-haiku"
    assert system.meta["use_case"] == "summarization"
    assert system.reason == "prompt-section"
    (directive,) = result.directives
    assert directive.codes == ("EFF001", "EFF003")
    assert directive.first_line == locate(source, "<!--")[0]
    assert directive.last_line == directive.first_line + 1


def test_markdown_without_role_headings_is_one_prompt_named_by_the_file() -> None:
    source = read("system.md")
    (prompt,) = run("system.md", "markdown").prompts
    # `User:` / `Assistant:` lines in the middle are a few-shot example, not sections.
    assert prompt.role == "system" and prompt.reason == "prompt-file"
    assert span(prompt) == (1, 1, *end_of(source, "Arr!"))


def test_text_file_in_prompts_folder_is_exactly_one_whole_file_prompt() -> None:
    source = read("prompts/labelled/001.txt")
    result = run("prompts/labelled/001.txt", "text")
    (prompt,) = result.prompts
    assert prompt.text == source.rstrip()  # the `system:` line is not a marker here
    assert (prompt.kind, prompt.reason, prompt.start_line) == ("text", "prompt-file", 1)


def test_text_file_opening_with_role_lines_is_split() -> None:
    text = "system:\nYou are brief.\n\nuser:\nSummarize {text}\n"
    system, user = run("system.txt", "text", text).prompts
    assert (system.role, system.text) == ("system", "You are brief.")
    assert (user.role, user.start_line, user.variables) == ("user", 5, ("text",))


# --- YAML -----------------------------------------------------------------------------


def test_yaml_prompts_under_known_keys_with_exact_positions() -> None:
    source = read("agents.yaml")
    result = run("agents.yaml", "yaml")
    by_owner = {p.owner: p for p in result.prompts}
    assert set(by_owner) == {
        "system_prompt",
        "messages[0].content",
        "messages[1].content",
        "prompts.welcome",
    }
    block = by_owner["system_prompt"]
    assert block.text == "You are a marketing copywriter.\nWrite {count} taglines for {product}."
    assert span(block) == (*locate(source, "You are a marketing"), *end_of(source, "{product}."))
    assert at(block, block.text.index("{product}")) == locate(source, "{product}")
    assert block.variables == ("count", "product") and block.placeholder_style == "format"
    assert block.role == "system" and block.model == "gpt-4o-mini"
    assert block.meta["owner"] == "growth-team" and block.meta["tier"] == "small"
    assert not block.editable  # block scalars need re-indentation to rewrite

    quoted = by_owner["messages[0].content"]
    assert quoted.text == "You answer in one sentence.\nNo emojis."
    assert quoted.role == "system"
    assert at(quoted, quoted.text.index("No emojis")) == locate(source, "No emojis")
    escape = quoted.position(quoted.text.index("\n"))
    assert (escape.line, escape.col) == locate(source, "\\n")

    short = by_owner["messages[1].content"]
    assert (short.text, short.role, short.editable) == ("Hi", "user", True)
    assert span(short) == (*locate(source, "Hi"), *end_of(source, "Hi"))
    assert short.call_id == quoted.call_id  # one messages list is one call

    folded = by_owner["prompts.welcome"]
    assert folded.text == "Greet the new customer warmly and mention the free trial."
    assert span(folded) == (*locate(source, "Greet"), *end_of(source, "free trial."))
    assert at(folded, folded.text.index("and mention")) == locate(source, "and mention")
    for prompt in result.prompts:
        assert prompt.kind == "yaml" and prompt.reason == "yaml-key"


@pytest.mark.parametrize("name", ["settings.yaml", "stack.yml"])
def test_yaml_settings_that_are_not_prompt_text(name: str) -> None:
    result = run(name, "yaml")
    assert result.prompts == [] and result.notices == []


def test_yaml_prompt_keys_from_config_and_role_of_content() -> None:
    text = (
        "bot:\n  model: claude-3-5-sonnet\n  persona: You are Max, a cheerful travel agent.\n"
        "  turns:\n    - role: human\n      content: Book me a flight\n"
        "roles:\n  - role: admin\n    content: Manage users and billing settings for the team\n"
    )
    config = config_from_mapping({"yaml-prompt-keys": ["persona"]})
    persona, turn = run("bot.yaml", "yaml", text, config).prompts
    assert (persona.owner, persona.model) == ("bot.persona", "claude-3-5-sonnet")
    assert (turn.role, turn.text) == ("user", "Book me a flight")
    # `admin` is not a chat role: that mapping is an access-control list, not a message.
    assert run("bot.yaml", "yaml", text).prompts[0].role == "user"  # no persona by default


def test_yaml_streams_helm_templates_and_escapes() -> None:
    stream = "kind: Deployment\nspec:\n  template:\n    metadata: {}\n---\nprompt: You are the second document.\n"
    (prompt,) = run("k.yaml", "yaml", stream).prompts
    assert (prompt.start_line, prompt.start_col) == (6, 9)
    helm = "spec:\n  template:\n    {{- if .Values.enabled }}\n    a: b\n"
    assert run("chart.yaml", "yaml", helm) == ExtractResult("tests/fixtures/templates/chart.yaml")
    escaped = 'prompt: "\\x41A is the letter you must always say"\n'
    (prompt,) = run("e.yaml", "yaml", escaped).prompts
    assert prompt.text.startswith("AA is")
    assert at(prompt, 0) == (1, 10)  # the escape `\x41`
    assert at(prompt, 1) == (1, 14)  # the literal `A` after it
    assert not prompt.editable


def test_yaml_block_scalar_with_indentation_indicator() -> None:
    text = "a:\n  instructions: |2\n      two extra spaces\n    base line of the prompt\n"
    (prompt,) = run("i.yaml", "yaml", text).prompts
    assert prompt.text == "  two extra spaces\nbase line of the prompt"
    assert at(prompt, prompt.text.index("base")) == locate(text, "base")
    assert at(prompt, 0) == (3, 5)


# --- line endings ---------------------------------------------------------------------

_ALL = [
    ("support.prompt", "dotprompt"),
    ("plain.prompt", "dotprompt"),
    ("rag.prompty", "prompty"),
    ("answer.j2", "jinja"),
    ("prompts/summarize.md", "markdown"),
    ("system.md", "markdown"),
    ("prompts/labelled/001.txt", "text"),
    ("agents.yaml", "yaml"),
]


@pytest.mark.parametrize(("name", "kind"), _ALL)
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_cr_and_crlf_line_breaks_give_the_same_prompts(name: str, kind: str, newline: str) -> None:
    lf = run(name, kind)
    source = read(name).replace("\n", newline)
    other = run(name, kind, source)
    assert other.notices == []
    assert [span(p) for p in other.prompts] == [span(p) for p in lf.prompts]
    assert [_BREAK.sub("\n", p.text) for p in other.prompts] == [p.text for p in lf.prompts]
    assert [p.variables for p in other.prompts] == [p.variables for p in lf.prompts]
    assert [(d.first_line, d.last_line) for d in other.directives] == [
        (d.first_line, d.last_line) for d in lf.directives
    ]
    for prompt in other.prompts:
        if prompt.editable:
            assert_maps_back(prompt, source)


# --- suppressions ---------------------------------------------------------------------


def test_comment_directives_cover_their_line_and_the_next_when_alone() -> None:
    text = (
        "system:\n{# promptlint: disable=EFF001,PII002 #}\nYou are kind. {# promptlint: disable #}\n"
        "{# promptlint: disable-file=SEC001 #}\nuser:\nHi\n"
    )
    alone, inline, whole = run("d.j2", "jinja", text).directives
    assert (alone.codes, alone.first_line, alone.last_line) == (("EFF001", "PII002"), 2, 3)
    assert (inline.codes, inline.first_line, inline.last_line, inline.col) == ((), 3, 3, 15)
    assert whole.file_level and whole.codes == ("SEC001",) and whole.last_line == 6


def test_handlebars_yaml_and_front_matter_directives() -> None:
    hbs = run("support.prompt", "dotprompt").directives
    assert [(d.codes, d.first_line, d.last_line) for d in hbs] == [(("EFF001",), 14, 15)]
    text = "---\nmodel: x\npromptlint:\n  disable: [EFF001, PII]\n---\nYou are a pirate. Answer.\n"
    (directive,) = run("fm.md", "markdown", text).directives
    assert directive.file_level and directive.codes == ("EFF001", "PII") and directive.line == 3
    everything = "---\npromptlint: {disable: []}\n---\nYou are a pirate.\n"
    (directive,) = run("fm.prompt", "dotprompt", everything).directives
    assert directive.file_level and directive.codes == ()
    (yaml_comment,) = run("agents.yaml", "yaml").directives
    assert (yaml_comment.codes, yaml_comment.first_line, yaml_comment.last_line) == (
        ("PII001",),
        1,
        2,
    )
    html = "<!-- promptlint: disable-file -->\nYou are a pirate.\n"
    (directive,) = run("prompt.md", "markdown", html).directives
    assert directive.file_level and directive.codes == ()


# --- bad input ------------------------------------------------------------------------

_BOMB_LINES = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]" for p, c in zip("abcdefg", "bcdefgh", strict=True)
]
_BOMB = "\n".join(_BOMB_LINES) + "\n"


def test_bad_files_are_one_line_notices_and_the_run_goes_on(tmp_path: Path) -> None:
    tree = tmp_path / "app"
    (tree / "prompts").mkdir(parents=True)
    files = {
        "good.prompt": '---\nmodel: gpt-4o\n---\n{{role "system"}}\nYou are fine.\n',
        "malformed.prompt": "---\nmodel: gpt-4o\n\tconfig: x\n---\nYou are x.\n",
        "bomb.prompty": f"---\n{_BOMB}---\nYou are a bomb.\n",
        "bomb.yaml": _BOMB + "prompt: You are never read by anyone.\n",
        "unterminated.prompt": "---\nmodel: x\nYou are never closed.\n",
        "empty.prompt": "",
        "blank.prompty": "\n  \n",
        "broken.yaml": "x: [unclosed\nprompt: You are something else here\n",
        "huge.yaml": "prompt: You are big.\n" + "k: " + "v" * 600_000 + "\n",
        "prompts/garbage.md": "".join(chr(c) for c in range(1, 9)) * 50,
        "list.yaml": "- prompt\n- system\n",
    }
    for name, content in files.items():
        (tree / name).write_text(content, encoding="utf-8")
    inventory = build_inventory([str(tree)], Config(root=str(tmp_path)), jobs=1)
    assert [(Path(p.path).name, p.text) for p in inventory.prompts] == [
        ("good.prompt", "You are fine.")
    ]
    notices = {Path(n.split(":")[0]).name: n for n in inventory.notices}
    assert set(notices) == {
        "malformed.prompt",
        "bomb.prompty",
        "bomb.yaml",
        "unterminated.prompt",
        "broken.yaml",
        "huge.yaml",
        "garbage.md",
    }
    for notice in notices.values():
        assert notice.endswith(", file skipped") and "\n" not in notice
    assert "alias bomb" in notices["bomb.prompty"] and "alias bomb" in notices["bomb.yaml"]
    assert "not closed" in notices["unterminated.prompt"]
    assert "(line 3," in notices["malformed.prompt"]  # the file's line, not the YAML's


# --- CLI ------------------------------------------------------------------------------


def test_cli_extract_json_lists_every_template_kind(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "app")
    proc = run_cli("extract", "--format", "json", "app", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "promptlint.extract/1"
    prompts = doc["prompts"]
    assert {p["kind"] for p in prompts} == {
        "dotprompt",
        "prompty",
        "jinja",
        "markdown",
        "text",
        "yaml",
    }
    paths = {p["path"] for p in prompts}
    for negative in ("README.md", "page.html.j2", "app.conf.j2", "settings.yaml", "stack.yml"):
        assert not any(p.endswith(negative) for p in paths), negative
    rag = [p for p in prompts if p["path"] == "app/rag.prompty"]
    assert [(p["role"], p["model"], p["reason"]) for p in rag] == [
        ("system", "gpt-4o", "prompty-section"),
        ("user", "gpt-4o", "prompty-section"),
    ]
    assert all(p["tokens"] > 0 for p in prompts)


# --- properties and start-up ----------------------------------------------------------

_PIECES = [
    "---\n",
    "model: x\n",
    '{{role "system"}}',
    "system:\n",
    "user:\n",
    "## User\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "\r",
    "\n",
    "\r\n",
    "You are ",
    "prompt: ",
    "  ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "\\n",
    "''",
    "<!--",
    "-->",
    "promptlint: disable=EFF001",
    "&a ",
    "*a",
    ": ",
    "- ",
    "```\n",
    "{name}",
    "{{ q }}",
    "\t",
    "content: ",
    "role: user\n",
    "Answer and respond. ",
    "\u2028",
    "é",
]
_KINDS = [
    ("a.prompt", "dotprompt"),
    ("a.prompty", "prompty"),
    ("a.j2", "jinja"),
    ("prompts/a.md", "markdown"),
    ("a/system.txt", "text"),
    ("prompts/a.txt", "text"),
    ("a.yaml", "yaml"),
]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_input_gives_prompts_with_consistent_positions(text: str) -> None:
    total_lines = len(_BREAK.split(text))
    starts = [0, *(m.end() for m in _BREAK.finditer(text))]
    for name, kind in _KINDS:
        result = extract_text(name, kind, text, Config())
        assert all("\n" not in n and "\r" not in n for n in result.notices)
        for prompt in result.prompts:
            assert 1 <= prompt.start_line <= prompt.end_line <= total_lines
            if prompt.editable:
                first = starts[prompt.start_line - 1] + prompt.start_col - 1
                last = starts[prompt.end_line - 1] + prompt.end_col - 1
                assert text[first:last] == prompt.text


def test_non_prompt_templates_do_not_import_jinja2() -> None:
    code = (
        "import sys\n"
        "from promptlint.config import Config\n"
        "from promptlint.extract import extract_text\n"
        f"for name, kind in [('page.html.j2', 'jinja'), ('stack.yml', 'yaml')]:\n"
        f"    extract_text(name, kind, open({str(FIXTURES)!r} + '/' + name).read(), Config())\n"
        "print('jinja2' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


def test_registry_versions_are_read_as_jinja(tmp_path: Path) -> None:
    """A `.prompt` file in the template registry has a Jinja body: filters and loops are
    not Handlebars helpers, and loop names are not inputs."""
    body = (
        "---\nname: lab\nvariables:\n- {name: labels, type: list}\n- {name: text, type: string}\n---\n"
        'Classify into one of: {{ labels | join(", ") }}.\n'
        "{% for l in labels %}{{ l.upper() }} {% endfor %}\n<text>{{ text }}</text>\n"
    )
    config = config_from_mapping({}, root=str(tmp_path))
    inside = tmp_path / "templates" / "lab" / "1.0.0.prompt"
    inside.parent.mkdir(parents=True)
    inside.write_text(body, encoding="utf-8")
    registry_prompt = extract_text(str(inside), "dotprompt", body, config).prompts[0]
    assert registry_prompt.placeholder_style == "jinja"
    assert sorted(set(registry_prompt.variables)) == ["labels", "text"]
    outside = tmp_path / "app" / "lab.prompt"
    outside.parent.mkdir()
    outside.write_text(body, encoding="utf-8")
    plain = extract_text(str(outside), "dotprompt", body, config).prompts[0]
    assert plain.placeholder_style == "handlebars"
