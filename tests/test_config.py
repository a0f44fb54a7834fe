"""Configuration: pyproject/.promptlint.yaml, nearest file wins, unknown keys named."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptlint.config import Config, ConfigError, config_from_mapping, load_config
from tests.conftest import run_cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # stop the upward search here
    config = load_config(None, ())
    assert config == Config(root=str(tmp_path))


def test_pyproject_table_with_dashes_and_nested_sections(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[tool.promptlint]
model = "gpt-4.1-mini"
token-budget = 800
exclude = ["legacy/**"]
prompt-calls = ["ai.start"]
severity = { EFF001 = "error" }
[tool.promptlint.pii]
deny = ["Project Falcon"]
min-score = 0.6
[tool.promptlint.registry]
path = "prompts/registry"
""",
    )
    config = load_config(None, (str(tmp_path),))
    assert config.model == "gpt-4.1-mini"
    assert config.token_budget == 800
    assert config.exclude == ["legacy/**"]
    assert config.prompt_calls == ["ai.start"]
    assert config.severity == {"EFF001": "error"}
    assert config.pii.deny == ["Project Falcon"] and config.pii.min_score == 0.6
    assert config.registry.path == "prompts/registry"
    assert config.root == str(tmp_path.resolve())


def test_nearest_file_wins_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / ".promptlint.yaml", "token-budget: 100\n")
    write(tmp_path / "svc" / "pyproject.toml", "[project]\nname = 'svc'\n")
    write(tmp_path / "svc" / "deep" / ".promptlint.yaml", "token-budget: 200\n")
    (tmp_path / ".git").mkdir()
    assert load_config(None, (str(tmp_path / "svc" / "deep" / "x.py"),)).token_budget == 200
    # svc/pyproject.toml has no [tool.promptlint]: the search goes on upward.
    assert load_config(None, (str(tmp_path / "svc"),)).token_budget == 100


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("exlude: ['a']\n", "unknown key 'exlude' in .promptlint.yaml (did you mean 'exclude'?)"),
        (
            "pii:\n  deny-list: [x]\n",
            "unknown key 'deny-list' in .promptlint.yaml.pii (did you mean 'deny'?)",
        ),
        ("token-budget: lots\n", "token-budget must be an integer"),
        ("fail-on: fatal\n", "unknown severity 'fatal'"),
        ("prompt-keywords: ['']\n", "prompt-keywords holds an empty entry"),
        ("pii:\n  min-score: 5\n", "pii.min-score must be in (0, 1], got 5.0"),
        ("pii:\n  min-score: 0\n", "pii.min-score must be in (0, 1], got 0.0"),
        ("pii:\n  min-score: -0.2\n", "pii.min-score must be in (0, 1]"),
        ("prompt-names: ['(unclosed']\n", "invalid regex"),
        ("model: [1\n", "invalid YAML"),
        ("- a\n- b\n", "expected a mapping"),
    ],
)
def test_errors_are_one_line_and_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    cfg = write(tmp_path / ".promptlint.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(str(cfg))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_key_in_pyproject(tmp_path: Path) -> None:
    cfg = write(tmp_path / "pyproject.toml", "[tool.promptlint]\ntoken_budgt = 3\n")
    with pytest.raises(ConfigError, match=r"did you mean 'token-budget'"):
        load_config(str(cfg))


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(str(tmp_path / "nope.yaml"))


def test_config_from_mapping_validates() -> None:
    assert config_from_mapping({"select": ["EFF"]}).select == ["EFF"]
    with pytest.raises(ConfigError, match="unknown key"):
        config_from_mapping({"selct": ["EFF"]})


def test_cli_reports_config_error_with_exit_2(tmp_path: Path) -> None:
    write(tmp_path / ".promptlint.yaml", "exlude: [x]\n")
    write(tmp_path / "prompts" / "a.txt", "Summarise the text.")
    r = run_cli("extract", str(tmp_path))
    assert r.returncode == 2
    assert "did you mean 'exclude'" in r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_min_score_accepts_the_whole_range_up_to_one() -> None:
    for value in (0.01, 0.5, 1):
        assert config_from_mapping({"pii": {"min-score": value}}).pii.min_score == value
