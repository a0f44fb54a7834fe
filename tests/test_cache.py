"""The content-addressed cache (``promptlint.cache``): a warm run skips extraction and the
prompt-scope checks (so presidio, tiktoken and libcst are never imported) and prints exactly
what a cold run prints; anything odd in the cache folder is a miss, never trusted."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promptlint.cache import DB_NAME, Cache, context_fingerprint, rules_fingerprint
from promptlint.checks.base import CheckContext
from promptlint.config import config_from_mapping, load_config
from promptlint.engine import enabled_codes
from promptlint.evaluate import Evaluator
from promptlint.inventory import build_inventory
from promptlint.models import ExtractResult, Prompt
from promptlint.rulepack import load_rules
from promptlint.serial import EntryError, dump_hit, dump_result, load_hit, load_result
from promptlint.tokens import TokenCounter
from tests.conftest import ROOT, cli_env, run_cli

EXAMPLES = ROOT / "examples"
EMAIL = "jane.morrison@gmail.com"
SECRET = "sk-proj-Xk29fLq7RmN4vB8sT1wZ3yH6jD0aPcE5uG2iO9"

# Runs the CLI in a child process and reports what it did: how many files were extracted,
# how many prompts went through the prompt-scope checks, whether extraction went to worker
# processes, and which top-level modules were imported. The real functions run; they are
# only wrapped to count calls.
PROBE = """
import json, os, sys
import promptlint.evaluate as evaluate
import promptlint.inventory as inventory

counts = {"extract": 0, "prompt_checks": 0, "parallel": 0}

def counted(key, func):
    def wrapper(*args, **kwargs):
        counts[key] += 1
        return func(*args, **kwargs)
    return wrapper

inventory.extract_text = counted("extract", inventory.extract_text)
inventory._extract_parallel = counted("parallel", inventory._extract_parallel)
evaluate.Evaluator._check_prompt = counted("prompt_checks", evaluate.Evaluator._check_prompt)
if os.environ.get("PROBE_PARALLEL_MIN_BYTES"):
    inventory.PARALLEL_MIN_BYTES = int(os.environ["PROBE_PARALLEL_MIN_BYTES"])

from promptlint.cli import main

try:
    main(sys.argv[2:])
    counts["exit"] = 0
except SystemExit as exc:
    counts["exit"] = exc.code
counts["modules"] = sorted({m.split(".")[0] for m in sys.modules})
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump(counts, fh)
"""


@dataclasses.dataclass
class Probe:
    stdout: str
    stderr: str
    exit: int
    extract: int
    prompt_checks: int
    parallel: int
    modules: set[str]


def probe(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Probe:
    report = cwd.parent / "probe.json"
    script = cwd.parent / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(report), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=cli_env(env),
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    counts = json.loads(report.read_text(encoding="utf-8"))
    return Probe(
        done.stdout,
        done.stderr,
        counts["exit"],
        counts["extract"],
        counts["prompt_checks"],
        counts["parallel"],
        set(counts["modules"]),
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The example app: PII, a secret, EFF, TIER, DUP, INJ and TPL findings."""
    target = tmp_path / "tree"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns(".promptlint_cache"))
    return target


CHECK = ("check", "--format", "json", ".")


def _same_run(a: Probe, b: Probe) -> None:
    assert a.stdout == b.stdout
    assert a.stderr == b.stderr
    assert a.exit == b.exit


# --- end to end ------------------------------------------------------------------------


def test_warm_check_skips_extraction_and_prompt_checks_and_says_the_same(tree: Path) -> None:
    cold = probe(tree, *CHECK)
    codes = {f["code"][:3] for f in json.loads(cold.stdout)["findings"]}
    assert {"PII", "SEC", "EFF", "TIE", "DUP"} <= codes
    prompts = json.loads(cold.stdout)["summary"]["prompts"]
    assert cold.extract > 0 and cold.prompt_checks == prompts
    assert "presidio_analyzer" in cold.modules and "tiktoken" in cold.modules

    warm = probe(tree, *CHECK)
    _same_run(cold, warm)
    assert warm.extract == 0
    assert warm.prompt_checks == 0
    # Nothing heavy is needed for unchanged prompts: no PII engine, tokenizer or parser.
    assert not {"presidio_analyzer", "spacy", "tiktoken", "libcst"} & warm.modules

    uncached = probe(tree, *CHECK, "--no-cache")
    _same_run(cold, uncached)


def test_text_report_and_other_commands_match_a_run_without_cache(tree: Path) -> None:
    for args in (
        ("check", "."),
        ("extract", "--format", "json", "."),
        ("audit", "--format", "json", "."),
    ):
        cold = run_cli(*args, cwd=tree)
        warm = run_cli(*args, cwd=tree)
        plain = run_cli(*args, "--no-cache", cwd=tree)
        assert cold.stdout == warm.stdout == plain.stdout, args
        assert cold.returncode == warm.returncode == plain.returncode


def test_a_changed_file_alone_is_extracted_and_checked_again(tree: Path) -> None:
    probe(tree, *CHECK)
    faq = tree / "prompts" / "faq.txt"
    faq.write_text(
        faq.read_text(encoding="utf-8")
        + "\nPlease note that you must reply to maria.gonzalez@outlook.com.\n",
        encoding="utf-8",
    )
    warm = probe(tree, *CHECK)
    assert warm.extract == 1
    in_faq = sum(1 for f in json.loads(warm.stdout)["files"] if f["path"] == "prompts/faq.txt")
    assert 1 <= warm.prompt_checks <= in_faq * 10
    assert warm.prompt_checks < json.loads(warm.stdout)["summary"]["prompts"]
    _same_run(warm, probe(tree, *CHECK, "--no-cache"))
    assert "maria.gonzalez@outlook.com" not in warm.stdout  # the new finding is there, masked
    assert any(
        f["path"] == "prompts/faq.txt" and f["code"].startswith("PII")
        for f in json.loads(warm.stdout)["findings"]
    )


def test_a_config_change_invalidates_everything(tree: Path) -> None:
    probe(tree, *CHECK)
    config = tree / ".promptlint.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("token-budget: 1500", "token-budget: 40"),
        encoding="utf-8",
    )
    changed = probe(tree, *CHECK)
    assert changed.extract > 0
    assert changed.prompt_checks == json.loads(changed.stdout)["summary"]["prompts"]
    _same_run(changed, probe(tree, *CHECK, "--no-cache"))


def test_a_rule_pack_change_reruns_the_prompt_checks(tree: Path) -> None:
    config = tree / ".promptlint.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "rule-packs: [lint/words.yaml]\n", encoding="utf-8"
    )
    (tree / "lint").mkdir()
    pack = tree / "lint" / "words.yaml"
    pack_text = (
        "pack: acme-style\nrules:\n  - code: ACME001\n    name: say-customer\n"
        "    type: substitution\n    severity: warning\n    message: \"Say '{replacement}', "
        "not '{match}'\"\n    ignorecase: true\n    swap: {ticket: case}\n"
        "    doc: {what: w, why: y, example: e, better: b, fix: safe}\n"
    )
    pack.write_text(pack_text, encoding="utf-8")
    cold = probe(tree, *CHECK)
    assert any(f["code"] == "ACME001" for f in json.loads(cold.stdout)["findings"])
    pack.write_text(pack_text.replace("Say '", "Write '"), encoding="utf-8")
    changed = probe(tree, *CHECK)
    assert changed.extract == 1  # the pack file itself (YAML in the tree); no source file
    assert changed.prompt_checks == json.loads(changed.stdout)["summary"]["prompts"]
    messages = [
        f["message"] for f in json.loads(changed.stdout)["findings"] if f["code"] == "ACME001"
    ]
    assert messages and all(m.startswith("Write 'case'") for m in messages)
    _same_run(changed, probe(tree, *CHECK, "--no-cache"))


def test_select_is_part_of_the_prompt_key(tree: Path) -> None:
    probe(tree, *CHECK)
    narrow = probe(tree, "check", "--format", "json", "--select", "EFF", ".")
    assert narrow.prompt_checks > 0
    _same_run(
        narrow, probe(tree, "check", "--format", "json", "--select", "EFF", ".", "--no-cache")
    )
    assert probe(tree, "check", "--format", "json", "--select", "EFF", ".").prompt_checks == 0


def test_parallel_extraction_sends_only_misses_to_workers(tree: Path) -> None:
    small = {"PROBE_PARALLEL_MIN_BYTES": "1"}  # go parallel on this small tree
    serial = probe(tree, *CHECK, "-j", "1", "--no-cache")
    cold = probe(tree, *CHECK, "-j", "2", env=small)
    assert cold.parallel == 1
    _same_run(serial, cold)
    warm = probe(tree, *CHECK, "-j", "2", env=small)
    assert warm.parallel == 0 and warm.extract == 0
    _same_run(serial, warm)
    for name in ("faq.txt", "refund_policy.md"):
        path = tree / "prompts" / name
        path.write_text(path.read_text(encoding="utf-8") + "\nKindly answer in French.\n", "utf-8")
    two_changed = probe(tree, *CHECK, "-j", "2", env=small)
    assert two_changed.parallel == 1
    _same_run(probe(tree, *CHECK, "-j", "1", "--no-cache"), two_changed)


def test_fix_and_baseline_use_the_cache_and_stay_right(tree: Path) -> None:
    original = tree.parent / "original"
    shutil.copytree(tree, original)
    run_cli("check", ".", cwd=tree)  # warm the cache
    fixed = run_cli("fix", ".", cwd=tree)
    plain = run_cli("fix", ".", "--no-cache", cwd=original)
    assert fixed.returncode == plain.returncode
    assert fixed.stdout == plain.stdout
    for path in sorted(p.relative_to(tree) for p in tree.rglob("*") if p.is_file()):
        if ".promptlint_cache" not in path.parts:
            assert (tree / path).read_bytes() == (original / path).read_bytes(), path
    run_cli("baseline", ".", cwd=tree)
    run_cli("baseline", ".", "--no-cache", "-o", "plain-baseline.json", cwd=tree)
    assert (tree / ".promptlint-baseline.json").read_text() == (
        tree / "plain-baseline.json"
    ).read_text()


# --- the cache folder ------------------------------------------------------------------


def test_cache_folder_is_git_ignored_and_no_cache_writes_nothing(tree: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    run_cli("check", ".", "--no-cache", cwd=tree)
    assert not (tree / ".promptlint_cache").exists()
    run_cli("check", ".", cwd=tree)
    assert (tree / ".promptlint_cache" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".promptlint_cache" not in status and "app/answers.py" in status


def test_cache_dir_setting_and_an_unusable_folder(tree: Path) -> None:
    config = tree / ".promptlint.yaml"
    base = config.read_text(encoding="utf-8")
    config.write_text(base + "cache-dir: build/lint-cache\n", encoding="utf-8")
    cold = probe(tree, *CHECK)
    assert (tree / "build" / "lint-cache" / DB_NAME).is_file()
    assert not (tree / ".promptlint_cache").exists()
    assert probe(tree, *CHECK).extract == 0

    (tree / "blocker").write_text("a file where the folder should be\n", encoding="utf-8")
    config.write_text(base + "cache-dir: blocker/cache\n", encoding="utf-8")
    for _ in range(2):
        unusable = probe(tree, *CHECK)
        _same_run(cold, unusable)
        assert unusable.extract > 0  # nothing could be kept


def test_concurrent_runs_share_the_cache(tree: Path) -> None:
    expected = run_cli(*CHECK, "--no-cache", cwd=tree)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "promptlint", *CHECK],
            cwd=tree,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
        )
        for _ in range(2)
    ]
    for proc in runs:
        stdout, stderr = proc.communicate(timeout=300)
        assert (stdout, stderr, proc.returncode) == (
            expected.stdout,
            expected.stderr,
            expected.returncode,
        )
    with sqlite3.connect(tree / ".promptlint_cache" / DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    warm = probe(tree, *CHECK)
    assert warm.extract == 0 and warm.prompt_checks == 0
    assert warm.stdout == expected.stdout


def _rows(tree: Path) -> list[tuple[str, Any]]:
    with sqlite3.connect(tree / ".promptlint_cache" / DB_NAME) as conn:
        return conn.execute("SELECT key, value FROM entries ORDER BY key").fetchall()


class _Exploit:
    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (Path("/tmp/promptlint-pwned"), "pwned"))


def test_corrupt_foreign_and_hostile_entries_are_misses(tree: Path) -> None:
    cold = probe(tree, *CHECK)
    rows = _rows(tree)
    kinds = {key.split(":")[0] for key, _ in rows}
    assert kinds == {"extract", "hits", "tokens"}
    marker = Path("/tmp/promptlint-pwned")
    marker.unlink(missing_ok=True)
    some_key = rows[0][0]
    bad_values: list[Any] = [
        lambda key, value: value[: len(value) // 2],  # truncated JSON
        lambda key, value: "\x00\xff not json at all",
        lambda key, value: json.dumps(
            {"schema": 99, "key": key, "data": json.loads(value)["data"]}
        ),
        lambda key, value: json.dumps(
            {"schema": 1, "key": some_key, "data": json.loads(value)["data"]}
        ),
        lambda key, value: json.dumps(
            {"schema": 1, "key": key, "data": {"path": 5, "prompts": "x"}}
        ),
        lambda key, value: json.dumps({"schema": 1, "key": key, "data": [{"code": "EFF001"}]}),
        lambda key, value: json.dumps({"schema": 1, "key": key, "data": -3}),
        lambda key, value: pickle.dumps(_Exploit()),
        lambda key, value: "[" * 100_000,
    ]
    with sqlite3.connect(tree / ".promptlint_cache" / DB_NAME) as conn:
        for i, (key, value) in enumerate(rows):
            conn.execute(
                "UPDATE entries SET value = ? WHERE key = ?",
                (bad_values[i % len(bad_values)](key, value), key),
            )
    spoiled = probe(tree, *CHECK)
    _same_run(cold, spoiled)
    assert spoiled.extract > 0 and spoiled.prompt_checks > 0
    assert not marker.exists()
    # The misses were written back: the next run is warm again.
    assert probe(tree, *CHECK).prompt_checks == 0


def test_a_corrupt_or_foreign_database_is_replaced(tree: Path) -> None:
    cold = probe(tree, *CHECK)
    db = tree / ".promptlint_cache" / DB_NAME
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    _same_run(cold, probe(tree, *CHECK))
    assert probe(tree, *CHECK).extract == 0

    db.unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE entries (key TEXT, value BLOB)")
        conn.execute("CREATE TRIGGER t AFTER INSERT ON entries BEGIN DELETE FROM entries; END")
    _same_run(cold, probe(tree, *CHECK))
    assert probe(tree, *CHECK).extract == 0


def test_found_values_are_kept_only_where_the_source_has_them(tree: Path) -> None:
    probe(tree, *CHECK)
    for key, value in _rows(tree):
        if not key.startswith("extract:"):  # extraction entries hold prompt text, as files do
            assert EMAIL not in value and SECRET not in value, key
            assert "jane.morrison" not in value and SECRET[8:20] not in value, key
    hits = [json.loads(v)["data"] for k, v in _rows(tree) if k.startswith("hits:")]
    entities = [h["data"]["entity"] for hs in hits for h in hs if "entity" in h["data"]]
    assert "EMAIL_ADDRESS" in entities  # the PII hits are cached, with masked values


# --- records and keys (in process) -----------------------------------------------------


def _prompt_fields(p: Prompt) -> dict[str, Any]:
    out = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name != "source_map"}
    out["segments"] = p.source_map.segments
    return out


def _result_fields(r: ExtractResult) -> dict[str, Any]:
    return {
        "path": r.path,
        "prompts": [_prompt_fields(p) for p in r.prompts],
        "directives": r.directives,
        "notices": r.notices,
        "registry_loads": r.registry_loads,
    }


def test_records_survive_a_json_round_trip(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    (tree / "app" / "quirks.py").write_text(
        "# promptlint: disable-file=EFF001\n"
        "SYSTEM_PROMPT = (\n"
        "    'Caf\\u00e9 \\t rules: '  # promptlint: disable=EFF010\n"
        '    f"answer {user!r} in {lang}"\n'
        ")\n",
        encoding="utf-8",
    )
    (tree / "app" / "broken.py").write_text("PROMPT = 'Answer.'\ndef f(:\n", encoding="utf-8")
    config = load_config(None, (".",))
    inv = build_inventory((".",), config, jobs=1)
    assert any(r.directives for r in inv.results) and any(r.registry_loads for r in inv.results)
    assert any(p.meta for p in inv.prompts) and any(r.notices for r in inv.results)
    for result in inv.results:
        back = load_result(json.loads(json.dumps(dump_result(result))))
        assert _result_fields(back) == _result_fields(result)
        for p, q in zip(result.prompts, back.prompts, strict=True):
            offsets = range(len(p.text) + 1)
            assert [p.position(i) for i in offsets] == [q.position(i) for i in offsets]

    rules = load_rules(config)
    enabled = enabled_codes(rules, config)
    ctx = CheckContext(config, TokenCounter(config.model), enabled)
    hits = [raw.hit for raw in Evaluator(rules, enabled).run(inv.prompts, ctx).hits]
    assert {h.code[:3] for h in hits} >= {"PII", "SEC", "EFF"}
    for hit in hits:
        assert load_hit(json.loads(json.dumps(dump_hit(hit)))) == hit


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_loading_anything_else_raises_entry_error_only(value: Any) -> None:
    for load in (load_result, load_hit):
        with contextlib.suppress(EntryError):
            load(value)


def test_keys_follow_config_and_rules_not_the_root(tmp_path: Path) -> None:
    base = config_from_mapping({"token-budget": 100}, root=str(tmp_path))
    moved = config_from_mapping({"token-budget": 100}, root=str(tmp_path))
    moved = dataclasses.replace(moved, source=str(tmp_path / "elsewhere.yaml"))
    assert context_fingerprint(base) == context_fingerprint(moved)
    other = config_from_mapping({"token-budget": 101}, root=str(tmp_path))
    assert context_fingerprint(base) != context_fingerprint(other)
    pii = config_from_mapping({"pii": {"allow": ["x@y.org"]}}, root=str(tmp_path))
    assert context_fingerprint(base) != context_fingerprint(pii)

    rules = load_rules(base)
    assert rules_fingerprint(rules) == rules_fingerprint(load_rules(base))
    assert rules_fingerprint(rules) != rules_fingerprint(rules.rules[1:])


def test_entries_written_by_one_cache_are_read_by_the_next(tmp_path: Path) -> None:
    config = config_from_mapping({}, root=str(tmp_path))
    first = Cache.open(config)
    assert first is not None
    first.put_tokens("o200k_base", "hello world", 2)
    assert first.get_tokens("o200k_base", "hello world") is None  # not written before flush
    first.flush()
    second = Cache.open(config)
    assert second is not None
    assert second.get_tokens("o200k_base", "hello world") == 2
    assert second.get_tokens("cl100k_base", "hello world") is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_cache_folder_and_database_are_private_to_the_user(tmp_path: Path) -> None:
    """The cache holds prompt text (secrets included): a new folder is 0700, the database 0600."""
    config = config_from_mapping({"cache-dir": "nested/cache"}, root=str(tmp_path))
    cache = Cache.open(config)
    assert cache is not None
    folder = tmp_path / "nested" / "cache"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / DB_NAME).stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_an_existing_folder_keeps_its_mode_and_an_old_database_is_tightened(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    sqlite3.connect(folder / DB_NAME).close()  # an empty file from an older, laxer run
    (folder / DB_NAME).chmod(0o644)
    assert (
        Cache.open(config_from_mapping({"cache-dir": str(folder)}, root=str(tmp_path))) is not None
    )
    assert folder.stat().st_mode & 0o777 == 0o755
    assert (folder / DB_NAME).stat().st_mode & 0o777 == 0o600
