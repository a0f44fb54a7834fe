"""``promptlint fix``: literal rewriting, template sections, conflicts, atomic writes, CLI."""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from promptlint.atomic import (
    FileChangedError,
    read_snapshot,
    replace_if_unchanged,
    write_atomic,
)
from promptlint.config import Config
from promptlint.discover import SourceFile
from promptlint.extract import extract_text
from promptlint.extract.pyliterals import decode
from promptlint.extract.sections import LineIndex
from promptlint.fix.apply import FixRequest, apply_fixes, apply_prompt_edits
from promptlint.fix.runner import _write, refusal, unified_diff
from promptlint.models import Prompt, Segment, SourceMap, TextEdit
from tests.conftest import cli_env, run_cli

# --- helpers -----------------------------------------------------------------------------


def literal_prompt(source: str, expr: str, *, editable: bool = True) -> Prompt:
    """The prompt made of the literal(s) ``expr`` (found verbatim in ``source``)."""
    start = source.index(expr)
    return prompt_at(source, start, start + len(expr), editable=editable)


def prompt_at(source: str, start: int, end: int, *, editable: bool = True) -> Prompt:
    """The prompt made of the literal(s) at ``source[start:end]``, decoded by the Python
    extractor's own decoder so its text and source map are the real ones."""
    index = LineIndex(source)
    decoded = decode(source, start, end, index.position)
    line, col = index.position(start)
    end_line, end_col = index.position(end)
    return Prompt(
        path="m.py",
        kind="python",
        text=decoded.text,
        start_line=line,
        start_col=col,
        end_line=end_line,
        end_col=end_col,
        reason="test",
        source_map=SourceMap(decoded.segments),
        literals=tuple((*index.position(a), *index.position(b)) for a, b in decoded.parts),
        editable=editable,
    )


def remove(prompt: Prompt, phrase: str, replacement: str = "") -> TextEdit:
    start = prompt.text.index(phrase)
    return TextEdit(start, start + len(phrase), replacement)


def fix_one(source: str, expr: str, phrase: str, replacement: str = "") -> str:
    prompt = literal_prompt(source, expr)
    outcome = apply_prompt_edits(source, prompt, [remove(prompt, phrase, replacement)])
    assert outcome.rejected == [], outcome.rejected
    return outcome.source


def value_of(source: str) -> str:
    """The value bound to P in ``source``, by Python itself (f-string fields as {...})."""
    node = ast.parse(source).body[-1].value  # type: ignore[attr-defined]
    if isinstance(node, ast.Constant):
        return node.value  # type: ignore[no-any-return]
    return "".join(
        v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"  # type: ignore[attr-defined]
        for v in node.values
    )


# --- Python literals ---------------------------------------------------------------------


@pytest.mark.parametrize("quote", ["'", '"', "'''", '"""'])
def test_quote_styles_are_kept(quote: str) -> None:
    lit = f"{quote}Please answer briefly.{quote}"
    source = f"# header\nP = {lit}  # tail\n"
    assert fix_one(source, lit, "Please answer", "Answer") == (
        f"# header\nP = {quote}Answer briefly.{quote}  # tail\n"
    )


@pytest.mark.parametrize("prefix", ["r", "R", "u", "U", "f", "F", "rf", "Rf", "fR", "FR"])
def test_prefixes_are_kept(prefix: str) -> None:
    lit = f'{prefix}"Kindly answer in order to help."'
    source = f"x = 1\nP = {lit}\n"
    fixed = fix_one(source, lit, "in order to", "to")
    assert fixed == f'x = 1\nP = {prefix}"Kindly answer to help."\n'


def test_untouched_escapes_stay_byte_for_byte() -> None:
    lit = r'"Tab\there,\nnew line \x41 \u00e9 \N{EM DASH} \\ \"q\" please done"'
    source = f"P = {lit}\n"
    fixed = fix_one(source, lit, " please")
    assert fixed == 'P = "Tab\\there,\\nnew line \\x41 \\u00e9 \\N{EM DASH} \\\\ \\"q\\" done"\n'
    assert value_of(fixed) == value_of(source).replace(" please", "")


@pytest.mark.parametrize("lit", [r'"Match \d+ kindly now"', r'f"Match \{{x}} kindly {name} now"'])
def test_unknown_escapes_keep_their_backslash_and_do_not_swallow_braces(lit: str) -> None:
    # An unknown escape is the backslash alone: `\{{` is a backslash, then a doubled brace.
    source = f"P = {lit}\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fixed = fix_one(source, lit, " kindly")
    assert caught == []  # the user's invalid escapes are not promptlint's to warn about
    assert fixed == source.replace(" kindly", "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert value_of(fixed) == value_of(source).replace(" kindly", "")


def test_an_escape_inside_the_edit_goes_as_a_whole() -> None:
    lit = r'"one\t\ttwo"'
    source = f"P = {lit}\n"
    assert fix_one(source, lit, "\t\t", "\t") == 'P = "one\\ttwo"\n'
    prompt = literal_prompt(source, lit)
    # Replacing both tabs with a space rewrites both escapes: nothing of them survives.
    out = apply_prompt_edits(source, prompt, [remove(prompt, "\t\t", " ")])
    assert out.source == 'P = "one two"\n'


def test_new_characters_are_encoded_for_the_literal() -> None:
    source = "P = 'a b'\n"
    prompt = literal_prompt(source, "'a b'")
    out = apply_prompt_edits(source, prompt, [remove(prompt, " ", "'\\\n\"")])
    assert out.rejected == []
    assert out.source == "P = 'a\\'\\\\\\n\"b'\n"
    assert value_of(out.source) == "a'\\\n\"b"


def test_triple_quoted_newline_is_written_as_a_line_break() -> None:
    source = 'P = """first. second"""\n'
    fixed = fix_one(source, '"""first. second"""', " ", "\n")
    assert fixed == 'P = """first.\nsecond"""\n'


def test_implicit_concatenation_edits_each_part() -> None:
    expr = '"Please help "  # why\n    f"the {user} in order to win"'
    source = f"P = (\n    {expr}\n)\n"
    prompt = literal_prompt(source, expr)
    assert prompt.text == "Please help the {user} in order to win"
    edits = [remove(prompt, "Please help", "Help"), remove(prompt, "in order to", "to")]
    out = apply_prompt_edits(source, prompt, edits)
    assert out.rejected == []
    assert out.source == 'P = (\n    "Help "  # why\n    f"the {user} to win"\n)\n'


def test_an_edit_across_concatenated_parts_goes_into_the_first_part() -> None:
    expr = "'Please  '\n    'kindly help'"
    source = f"P = ({expr})\n"
    prompt = literal_prompt(source, expr)
    out = apply_prompt_edits(source, prompt, [remove(prompt, "  kindly", " gladly")])
    assert out.rejected == []
    assert out.source == "P = ('Please gladly'\n    ' help')\n"
    out = apply_prompt_edits(source, prompt, [remove(prompt, "Please  kindly ")])
    assert out.source == "P = (''\n    'help')\n"


def test_fstring_fields_are_never_touched() -> None:
    lit = 'f"Dear {name!r:>{width}}, please {{literal}} reply {x + 1}"'
    source = f"P = {lit}\n"
    prompt = literal_prompt(source, lit)
    text = prompt.text
    edits = [
        remove(prompt, " please"),
        TextEdit(text.index("{name"), text.index("{name") + 5, ""),  # inside a field
        TextEdit(text.index("reply"), text.index("reply") + 5, "{answer}"),  # brace
    ]
    out = apply_prompt_edits(source, prompt, edits)
    assert out.applied == [0]
    assert [i for i, _ in out.rejected] == [1, 2]
    assert out.source == 'P = f"Dear {name!r:>{width}}, {{literal}} reply {x + 1}"\n'


def test_non_ascii_text_and_columns() -> None:
    lit = '"Sehr höflich — 日本語 bitte please 🙂 ok"'
    source = f"ÄÖÜ = 1; P = {lit}\n"
    fixed = fix_one(source, lit, " please")
    assert fixed == 'ÄÖÜ = 1; P = "Sehr höflich — 日本語 bitte 🙂 ok"\n'


def test_crlf_file_keeps_its_line_breaks() -> None:
    lit = '"""Line one.\r\nPlease line two.\r\n"""'
    source = f"x = 1\r\nP = {lit}\r\ny = 2\r\n"
    prompt = literal_prompt(source, lit)
    assert prompt.text == "Line one.\nPlease line two.\n"
    out = apply_prompt_edits(
        source, prompt, [remove(prompt, "Please line", "Line"), remove(prompt, "two.", "two.\n")]
    )
    assert out.rejected == []
    assert out.source == 'x = 1\r\nP = """Line one.\r\nLine two.\r\n\r\n"""\r\ny = 2\r\n'


def test_raw_strings_refuse_what_they_cannot_spell() -> None:
    lit = r'r"\d+ digits \" please"'
    source = f"P = {lit}\n"
    prompt = literal_prompt(source, lit)
    out = apply_prompt_edits(
        source, prompt, [remove(prompt, " please"), remove(prompt, "digits", "a\\b")]
    )
    assert out.applied == [0]
    assert out.rejected[0][0] == 1 and "raw string" in out.rejected[0][1]
    assert out.source == 'P = r"\\d+ digits \\""\n'


def test_an_edit_that_would_change_an_adjacent_escape_is_refused() -> None:
    # Deleting "a" would glue the octal escape \1 to the digit 2 (giving \12).
    source = 'P = "x\\1a2"\n'
    prompt = literal_prompt(source, '"x\\1a2"')
    out = apply_prompt_edits(source, prompt, [remove(prompt, "a")])
    assert out.applied == [] and out.source == source
    assert out.rejected == [(0, "rewritten literal would not keep its value")]


def test_an_edit_that_would_close_a_triple_quote_early_is_refused() -> None:
    source = 'P = """say "hi" now"""\n'
    prompt = literal_prompt(source, '"""say "hi" now"""')
    out = apply_prompt_edits(source, prompt, [remove(prompt, " now")])
    assert out.source == source and out.applied == []


def test_prompts_built_at_run_time_are_not_edited() -> None:
    source = 'P = "Please go"\n'
    prompt = literal_prompt(source, '"Please go"', editable=False)
    out = apply_prompt_edits(source, prompt, [remove(prompt, "Please ")])
    assert out.source == source
    assert out.rejected == [(0, "prompt text is built at run time")]


def test_a_literal_repeated_in_the_text_is_not_edited() -> None:
    # SEP.join([...]): the separator's one literal stands for two runs of the text.
    source = 'SEP = "--"\nP = SEP.join(["a", "b", "c"])\n'
    index = LineIndex(source)
    sep, a, b, c = (source.index(s) + 1 for s in ('"--"', '"a"', '"b"', '"c"'))
    segments = [
        Segment(0, 1, *index.position(a)),
        Segment(1, 2, *index.position(sep)),
        Segment(3, 1, *index.position(b)),
        Segment(4, 2, *index.position(sep)),
        Segment(6, 1, *index.position(c)),
    ]
    literals = tuple(
        (*index.position(x - 1), *index.position(x + n + 1))
        for x, n in ((sep, 2), (a, 1), (b, 1), (c, 1))
    )
    prompt = Prompt(
        path="m.py",
        kind="python",
        text="a--b--c",
        start_line=2,
        start_col=5,
        end_line=2,
        end_col=31,
        reason="test",
        source_map=SourceMap(segments),
        literals=literals,
        editable=True,
    )
    out = apply_prompt_edits(source, prompt, [TextEdit(4, 6, "-"), TextEdit(0, 1, "A")])
    assert out.rejected == [(0, "literal is repeated in the prompt text")]
    assert out.source == 'SEP = "--"\nP = SEP.join(["A", "b", "c"])\n'


def test_bytes_outside_the_literal_are_identical() -> None:
    source = (
        "import os  # comment with 'quotes' and \"please\"\r\n"
        "def f(x):\r\n    return x\r\n"
        "P = 'please reply'\r\n"
        "Q = 'please stay'\r\n"
    )
    fixed = fix_one(source, "'please reply'", "please ")
    start = source.index("'please reply'")
    assert fixed[:start] == source[:start]
    assert fixed[start:] == "'reply'\r\nQ = 'please stay'\r\n"


# --- conflicts ---------------------------------------------------------------------------


def test_overlapping_fixes_keep_the_first_and_drop_the_rest() -> None:
    lit = '"Please kindly answer now"'
    source = f"P = {lit}\n"
    prompt = literal_prompt(source, lit)
    requests = [
        FixRequest(prompt, (remove(prompt, "Please kindly ", ""),)),
        FixRequest(prompt, (remove(prompt, "kindly answer", "reply"),)),  # overlaps the first
        FixRequest(prompt, (remove(prompt, " now", ""),)),
        FixRequest(prompt, (TextEdit(0, 0, "Hi. "),)),  # same start as the first
    ]
    out = apply_fixes(source, requests)
    assert out.applied == [0, 2]
    assert {i for i, _ in out.rejected} == {1, 3}
    assert all("conflicts" in why for _, why in out.rejected)
    assert out.source == 'P = "answer"\n'


def test_a_fix_is_applied_whole_or_not_at_all() -> None:
    lit = '"Please be brief {x}"'
    source = f"P = f{lit}\n"
    prompt = literal_prompt(source, f"f{lit}")
    good, bad = remove(prompt, "Please "), remove(prompt, "{x}")
    out = apply_fixes(source, [FixRequest(prompt, (good, bad))])
    assert out.source == source and out.applied == []


def test_fixes_of_two_prompts_sharing_a_literal_do_not_collide() -> None:
    lit = '"Please please reply"'
    source = f"P = {lit}\n"
    first, second = literal_prompt(source, lit), literal_prompt(source, lit)
    out = apply_fixes(
        source,
        [
            FixRequest(first, (TextEdit(0, 7, ""),)),
            FixRequest(second, (TextEdit(3, 10, "X"),)),
        ],
    )
    assert out.applied == [0] and out.source == 'P = "please reply"\n'


def test_twenty_thousand_fixes_in_one_prompt_are_planned_against_each_other() -> None:
    n = 20_000
    source = "Be " + "very " * n + "brief.\n"
    (prompt,) = extract_text("prompts/p.txt", "text", source, Config()).prompts
    at = prompt.text.index("very ")
    drops = [FixRequest(prompt, (TextEdit(at + 5 * k, at + 5 * k + 5, ""),)) for k in range(1, n)]
    # Every 100th copy also gets a rival fix over the same word: it comes later, so it loses.
    rivals = [
        FixRequest(prompt, (TextEdit(at + 5 * k + 1, at + 5 * k + 3, "X"),))
        for k in range(1, n, 100)
    ]
    requests = [*reversed(drops), *rivals]  # plans are taken in text order, not request order
    out = apply_fixes(source, requests)
    assert out.source == "Be very brief.\n"
    assert len(out.applied) == n - 1 and set(out.applied) == set(range(n - 1))
    assert [i for i, _ in out.rejected] == list(range(n - 1, n - 1 + len(rivals)))
    assert all("conflicts" in why for _, why in out.rejected)


# --- template files ----------------------------------------------------------------------

DOTPROMPT = (
    "---\r\nmodel: gpt-4o   \r\nplease: keep  me\r\n---\r\n"
    '{{role "system"}}\r\nPlease kindly answer.\r\n\r\n\r\n\r\nBe brief.\r\n'
    '{{role "user"}}\r\n{{question}}\r\n'
)


def test_template_edits_stay_in_the_section_and_keep_front_matter() -> None:
    result = extract_text("p.prompt", "dotprompt", DOTPROMPT, Config())
    system = next(p for p in result.prompts if p.role == "system")
    start = system.text.index("\r\n\r\n\r\n")
    edits = [remove(system, "Please kindly answer", "Answer"), TextEdit(start, start + 8, "\n\n")]
    out = apply_prompt_edits(DOTPROMPT, system, edits)
    assert out.rejected == []
    front = DOTPROMPT[: DOTPROMPT.index("{{role")]
    assert out.source.startswith(front)
    assert out.source == front + (
        '{{role "system"}}\r\nAnswer.\r\n\r\nBe brief.\r\n{{role "user"}}\r\n{{question}}\r\n'
    )


def test_yaml_edit_that_breaks_the_document_is_refused() -> None:
    source = (
        "agent:\n  system_prompt: You are a support agent. Please answer the question.\n"
        "  other: 1\n"
    )
    result = extract_text("agent.yaml", "yaml", source, Config())
    [prompt] = result.prompts
    assert prompt.editable
    out = apply_prompt_edits(
        source, prompt, [remove(prompt, "Please ", "x: ["), remove(prompt, "the question", "it")]
    )
    assert out.applied == [1] and out.rejected == [(0, "would break the file's yaml syntax")]
    assert out.source == source.replace("the question", "it")


# --- atomic writes and refusals ----------------------------------------------------------


def test_write_atomic_keeps_mode_and_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    write_atomic(str(link), b"new\n")
    assert link.is_symlink() and target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


def test_a_file_changed_after_reading_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("one\n")
    snapshot = read_snapshot(str(path))
    path.write_text("someone else's edit\n")
    with pytest.raises(FileChangedError):
        replace_if_unchanged(snapshot, b"ours\n")
    assert path.read_text() == "someone else's edit\n"
    source_file = SourceFile("a.py", str(path), "a.py", "python")
    notice = _write(source_file, "one\n", "ours\n")
    assert notice == "a.py: changed on disk since it was read; left untouched"
    assert path.read_text() == "someone else's edit\n"


def test_write_keeps_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"\xef\xbb\xbfP = 'x'\r\n")
    source_file = SourceFile("a.py", str(path), "a.py", "python")
    assert _write(source_file, "P = 'x'\r\n", "P = 'y'\r\n") is None
    assert path.read_bytes() == b"\xef\xbb\xbfP = 'y'\r\n"


def test_refusals(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    source_file = SourceFile("a.py", str(path), "a.py", "python")
    assert refusal(source_file, "x = 1\n") is None
    conflicted = "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> other\n"
    assert "merge-conflict" in (refusal(source_file, conflicted) or "")
    (tmp_path / ".a.py.swp").write_bytes(b"")
    assert "editor" in (refusal(source_file, "x = 1\n") or "")


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("a.txt", "one\ntwo", "one\nthree")
    assert diff.splitlines() == [
        "--- a/a.txt",
        "+++ b/a.txt",
        "@@ -1,2 +1,2 @@",
        " one",
        "-two",
        "\\ No newline at end of file",
        "+three",
        "\\ No newline at end of file",
    ]


# --- command line ------------------------------------------------------------------------

APP = '''\
"""A small app."""
import openai

SYSTEM_PROMPT = (
    "You are a support bot. Please kindly answer the question "  # tone
    f'in order to help the customer {"now"}. \\N{EM DASH} be brief.'
)


def ask(client, question, name):
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"""Please could you kindly explain {question!r} to {name}?"""},
        ],
    )
'''


def _check_json(path: Path) -> dict:  # type: ignore[type-arg]
    result = run_cli("check", "--format", "json", "--select", "EFF", str(path), cwd=path)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _fixable(report: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted(
        (f["code"], f.get("evidence") or f["message"])
        for f in report["findings"]
        if (f.get("fix") or {}).get("safety") == "safe"
    )


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "support.prompt").write_bytes(DOTPROMPT.encode())
    return tmp_path


def test_cli_fix_then_check(app_dir: Path) -> None:
    before = _check_json(app_dir)
    assert _fixable(before), "the example holds safe efficiency fixes"
    originals = {p: p.read_bytes() for p in app_dir.rglob("*") if p.is_file()}

    result = run_cli("fix", "--select", "EFF", ".", cwd=app_dir)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    saved = int(summary.split("; ")[1].split(" token")[0].replace(",", ""))
    assert saved > 0

    after = _check_json(app_dir)
    assert _fixable(after) == []
    fixed_source = (app_dir / "app.py").read_text(encoding="utf-8")
    ast.parse(fixed_source)
    # Code outside the prompts is byte-for-byte what it was.
    for line in ("import openai", 'model="gpt-4o",', "def ask(client, question, name):"):
        assert line in fixed_source
    fixed_prompt = (app_dir / "prompts" / "support.prompt").read_bytes()
    front = DOTPROMPT[: DOTPROMPT.index("{{role")].encode()
    assert fixed_prompt.startswith(front) and b"\r\n" in fixed_prompt
    assert b"\n" not in fixed_prompt.replace(b"\r\n", b"")
    assert any(originals[p] != p.read_bytes() for p in originals)

    # Idempotent: a second run changes nothing.
    snapshot = {p: p.read_bytes() for p in app_dir.rglob("*") if p.is_file()}
    again = run_cli("fix", "--select", "EFF", ".", cwd=app_dir)
    assert again.returncode in (0, 1), again.stderr
    assert {p: p.read_bytes() for p in app_dir.rglob("*") if p.is_file()} == snapshot
    assert "Fixed 0 findings in 0 files" in again.stdout


def test_cli_diff_writes_nothing_and_applies_with_git(app_dir: Path, tmp_path: Path) -> None:
    originals = {p: p.read_bytes() for p in app_dir.rglob("*") if p.is_file()}
    # Bytes, not text: the diff keeps the CRLF line breaks of the file it patches.
    result = subprocess.run(
        [sys.executable, "-m", "promptlint", "fix", "--diff", "--select", "EFF", "."],
        cwd=app_dir,
        capture_output=True,
        env=cli_env(),
        timeout=120,
    )
    assert b"Would fix 0 findings" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(b"--- a/")
    assert {p: p.read_bytes() for p in app_dir.rglob("*") if p.is_file()} == originals

    # The diff is a real patch: git applies it and gets what `fix` writes.
    copy = tmp_path / "copy"
    shutil.copytree(app_dir, copy)
    patch = tmp_path / "fix.patch"
    patch.write_bytes(result.stdout)
    subprocess.run(
        ["git", "apply", "--unsafe-paths", str(patch)], cwd=copy, check=True, capture_output=True
    )
    assert run_cli("fix", "--select", "EFF", ".", cwd=app_dir).returncode in (0, 1)
    for path in originals:
        assert (copy / path.relative_to(app_dir)).read_bytes() == path.read_bytes()


@pytest.mark.slow  # the PII scan behind the masking loads presidio
def test_cli_diff_masks_secrets_whatever_is_selected(tmp_path: Path) -> None:
    key = "sk-proj-Xk29fLq7RmN4vB8sT1wZ3yH6jD0aPcE5uG2iO9"
    (tmp_path / "ops.py").write_text(
        f'OPS_PROMPT = """Please kindly write a status update.\nUse the token {key} for metrics.\n"""\n',
        encoding="utf-8",
    )
    result = run_cli("fix", "--diff", "--select", "EFF", "ops.py", cwd=tmp_path)
    assert "+++ b/ops.py" in result.stdout
    assert key not in result.stdout and key[8:] not in result.stdout


def test_cli_refuses_a_file_with_conflict_markers_or_a_swap_file(app_dir: Path) -> None:
    prompt_file = app_dir / "prompts" / "support.prompt"
    conflicted = DOTPROMPT.replace(
        "Be brief.", "<<<<<<< HEAD\r\nBe brief.\r\n=======\r\nBe short.\r\n>>>>>>> branch"
    ).encode()
    prompt_file.write_bytes(conflicted)
    result = run_cli("fix", "--select", "EFF", "prompts/support.prompt", cwd=app_dir)
    assert prompt_file.read_bytes() == conflicted
    assert "prompts/support.prompt: holds merge-conflict markers" in result.stderr
    assert result.returncode == 1

    (app_dir / "app.py").rename(app_dir / "app_copy.py")
    (app_dir / ".app_copy.py.swp").write_bytes(b"")
    result = run_cli("fix", "--select", "EFF", "app_copy.py", cwd=app_dir)
    assert (app_dir / "app_copy.py").read_text(encoding="utf-8") == APP
    assert "app_copy.py: is open in an editor (.app_copy.py.swp exists)" in result.stderr
    assert result.returncode == 1


def test_cli_unsafe_fixes_only_on_request(tmp_path: Path) -> None:
    source = 'GREETING_PROMPT = "Basically, you answer the refund question."\n'
    path = tmp_path / "greet.py"
    path.write_text(source, encoding="utf-8")
    safe_only = run_cli("fix", "--select", "EFF", "greet.py", cwd=tmp_path)
    assert safe_only.returncode in (0, 1), safe_only.stderr
    assert path.read_text(encoding="utf-8") == source
    assert "fixable with --unsafe-fixes" in safe_only.stdout
    unsafe = run_cli("fix", "--unsafe-fixes", "--select", "EFF", "greet.py", cwd=tmp_path)
    assert unsafe.returncode in (0, 1), unsafe.stderr
    fixed = path.read_text(encoding="utf-8")
    assert "Basically" not in fixed and fixed.startswith('GREETING_PROMPT = "')
    ast.parse(fixed)


def test_cli_usage_error(tmp_path: Path) -> None:
    result = run_cli("fix", "--config", str(tmp_path / "missing.yaml"), ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("promptlint: error:")


def test_symlinked_file_is_written_through(app_dir: Path) -> None:
    real = app_dir / "real_app.py"
    os.replace(app_dir / "app.py", real)
    (app_dir / "app.py").symlink_to(real)
    result = run_cli("fix", "--select", "EFF", "app.py", cwd=app_dir)
    assert result.returncode in (0, 1), result.stderr
    assert (app_dir / "app.py").is_symlink()
    assert "Fixed 0 findings" not in result.stdout
    assert real.read_text(encoding="utf-8") != APP


@pytest.mark.parametrize("command", ["fix", "check", "extract", "audit", "baseline"])
def test_cli_refuses_a_path_that_does_not_exist(tmp_path: Path, command: str) -> None:
    # A mistyped path must fail (exit 2, one line) rather than pass having checked nothing.
    result = run_cli(command, "missing.py", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "promptlint: error: no such file or directory: missing.py\n"
