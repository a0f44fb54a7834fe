"""Rule packs: the shipped ones load, and every kind of mistake is one line naming the pack
file, the rule and the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from promptlint.config import Config, ConfigError
from promptlint.resources import rules_dir
from promptlint.rulepack import FIX_KINDS, builtin_pack_paths, load_pack, load_rules

DOC = """
    doc:
      what: w
      why: y
      example: e
      better: b
      fix: none
"""


def write_pack(tmp_path: Path, body: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        "pack: team\nrules:\n" + textwrap.indent(textwrap.dedent(body), "  "), encoding="utf-8"
    )
    return path


def rule(fields: str, code: str = "ACME001", doc: str = DOC) -> str:
    return (
        f"- code: {code}\n  name: acme-rule\n  message: m\n"
        + textwrap.indent(textwrap.dedent(fields).strip("\n"), "  ")
        + "\n"
        + textwrap.indent(textwrap.dedent(doc).strip("\n"), "  ")
        + "\n"
    )


def test_builtin_packs_load_and_are_documented() -> None:
    rules = load_rules(builtin=True)
    assert len(rules) >= 30
    for r in rules:
        assert r.doc.what and r.doc.why and r.doc.example and r.doc.better
        assert r.doc.fix in FIX_KINDS
        assert "/data/" not in r.source.replace("\\", "/")
    assert all(p.parent == rules_dir() for p in builtin_pack_paths())


def test_data_folder_is_not_a_pack(tmp_path: Path) -> None:
    assert not any(p.parent.name == "data" for p in builtin_pack_paths())


GOOD = {
    "existence": "type: existence\ntokens: [foo]\n",
    "substitution": "type: substitution\nswap: {utilize: use}\n",
    "occurrence": "type: occurrence\npattern: 'x'\nmax: 2\n",
    "repetition": "type: repetition\nunit: word\n",
    "metric": "type: metric\nmetric: tokens\nmax: 10\n",
    "python": "type: python\ncheck: tests.rule_fixture_checks:two_codes\n",
}


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_type_loads(tmp_path: Path, kind: str) -> None:
    (loaded,) = load_pack(write_pack(tmp_path, rule(GOOD[kind])))
    assert loaded.type == kind and loaded.code == "ACME001" and loaded.pack == "team"


BAD = [
    (
        "existence",
        "type: existence\ntokns: [foo]\n",
        "unknown field 'tokns'",
        "did you mean 'tokens'",
    ),
    ("existence", "type: existence\n", "field 'tokens'", "needs 'tokens' or 'patterns'"),
    (
        "existence",
        "type: existence\npatterns: ['(unclosed']\n",
        "field 'patterns'",
        "invalid regex",
    ),
    (
        "existence",
        "type: existence\ntokens: [foo]\nignorecase: yes-please\n",
        "field 'ignorecase'",
        "true or false",
    ),
    ("existence", "type: existence\ntokens: [foo]\naction: delete\n", "field 'action'", "remove"),
    ("substitution", "type: substitution\nswap: [a, b]\n", "field 'swap'", "mapping"),
    ("substitution", "type: substitution\n", "field 'swap'", "required"),
    (
        "substitution",
        "type: substitution\nregex: true\nswap: {'(a': b}\n",
        "field 'swap'",
        "invalid regex",
    ),
    ("occurrence", "type: occurrence\npattern: x\n", "field 'max'", "needs 'max' or 'min'"),
    ("occurrence", "type: occurrence\npattern: x\nmax: -1\n", "field 'max'", "non-negative"),
    ("occurrence", "type: occurrence\npattern: x\nmax: 1\nmin: 3\n", "field 'min'", "greater"),
    ("repetition", "type: repetition\nunit: paragraph\n", "field 'unit'", "word, sentence"),
    (
        "repetition",
        "type: repetition\nunit: sentence\nthreshold: 150\n",
        "field 'threshold'",
        "between 0 and 100",
    ),
    (
        "repetition",
        "type: repetition\nunit: word\nignore: [please]\n",
        "field 'ignore'",
        "unit 'sentence' only",
    ),
    ("repetition", "type: repetition\nunit: sentence\nignore: [1]\n", "field 'ignore'", "strings"),
    ("metric", "type: metric\nmetric: paragraphs\nmax: 3\n", "field 'metric'", "tokens"),
    ("metric", "type: metric\nmetric: share\nmax: 30\n", "field 'pattern'", "needs a 'pattern'"),
    ("metric", "type: metric\nmetric: tokens\nmax: lots\n", "field 'max'", "token-budget"),
    (
        "metric",
        "type: metric\nmetric: words\nmax: 3\nwaste: excess\n",
        "field 'waste'",
        "tokens or share",
    ),
    ("python", "type: python\ncheck: not a target\n", "field 'check'", "module:function"),
    ("python", "type: python\ncheck: a.b:c\nscope: file\n", "field 'scope'", "prompt, project"),
    ("existence", "type: existence\ntokens: [a]\nunit: word\n", "an existence rule", "unit"),
    ("common", "type: sparkle\n", "field 'type'", "existence"),
    ("common", "type: existence\ntokens: [a]\nseverity: fatal\n", "field 'severity'", "error"),
]


@pytest.mark.parametrize(
    ("kind", "fields", "field", "problem"), BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD]
)
def test_bad_field_is_one_line_naming_file_rule_field(
    tmp_path: Path, kind: str, fields: str, field: str, problem: str
) -> None:
    path = write_pack(tmp_path, rule(fields))
    with pytest.raises(ConfigError) as err:
        load_pack(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ACME001: ")
    assert field in message and problem in message


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (DOC.replace("fix: none", "fix: maybe"), "doc.fix"),
        (DOC.replace("      why: y\n", ""), "doc.why"),
        (DOC.replace("why: y", "whyy: y"), "doc.whyy"),
        ("", "doc"),
    ],
)
def test_bad_doc(tmp_path: Path, doc: str, field: str) -> None:
    path = write_pack(tmp_path, rule("type: existence\ntokens: [a]\n", doc=doc))
    with pytest.raises(ConfigError, match=rf"ACME001: field '{field}'"):
        load_pack(path)


def test_bad_code_name_and_pack_level(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rule #1: field 'code'"):
        load_pack(write_pack(tmp_path, rule("type: existence\ntokens: [a]\n", code="acme1")))
    bad_name = rule("type: existence\ntokens: [a]\n").replace("acme-rule", "Acme Rule")
    with pytest.raises(ConfigError, match=r"ACME001: field 'name'"):
        load_pack(write_pack(tmp_path, bad_name, "n.yaml"))
    top = tmp_path / "top.yaml"
    top.write_text("pack: x\nrulez: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"top.yaml: unknown top-level key 'rulez'"):
        load_pack(top)
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: x\nrules: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.yaml: invalid YAML"):
        load_pack(broken)


def test_duplicate_codes_across_packs(tmp_path: Path) -> None:
    a = write_pack(tmp_path, rule("type: existence\ntokens: [a]\n"), "a.yaml")
    b = write_pack(
        tmp_path, rule("type: existence\ntokens: [b]\n").replace("acme-rule", "other"), "b.yaml"
    )
    with pytest.raises(ConfigError, match=r"b.yaml: ACME001: code already defined in .*a.yaml"):
        load_rules(builtin=False, paths=[a, b])


def test_team_packs_come_from_config_relative_to_root(tmp_path: Path) -> None:
    (tmp_path / "lint").mkdir()
    write_pack(tmp_path / "lint", rule("type: existence\ntokens: [synergy]\n"))
    config = Config(rule_packs=["lint"], root=str(tmp_path))
    rules = load_rules(config)
    assert rules.get("ACME001") is not None
    assert rules.get("EFF010") is not None  # built-ins still there
    with pytest.raises(ConfigError, match=r"rule-packs: missing.yaml not found"):
        load_rules(Config(rule_packs=["missing.yaml"], root=str(tmp_path)))


def test_python_check_is_imported_lazily(tmp_path: Path) -> None:
    """A pack naming a module that does not exist loads; running it is a config error."""
    from tests.ruletools import make_prompt, run_prompts

    path = write_pack(tmp_path, rule("type: python\ncheck: acme_missing.checks:run\n"))
    rules = load_rules(builtin=False, paths=[path])
    with pytest.raises(ConfigError) as err:
        run_prompts([make_prompt("hello")], rules=rules)
    assert str(err.value).startswith(
        f"{path}: ACME001: field 'check': cannot load acme_missing.checks:run"
    )
    # Not selected: never imported, no error.
    run = run_prompts([make_prompt("hello")], rules=rules, ignore=["ACME"])
    assert run.findings == []


def test_skip_field_is_validated(tmp_path: Path) -> None:
    path = write_pack(tmp_path, rule("type: existence\ntokens: [a]\nskip: [code, comments]\n"))
    with pytest.raises(
        ConfigError,
        match=r"ACME001: field 'skip': must list some of code, "
        r"quotes, examples \(got 'comments'\)",
    ):
        load_pack(path)
    ok = write_pack(tmp_path, rule("type: existence\ntokens: [a]\nskip: []\n"), "ok.yaml")
    assert load_pack(ok)[0].options["skip"] == ()
