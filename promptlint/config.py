"""Configuration: ``[tool.promptlint]`` in pyproject.toml or ``.promptlint.yaml``.

The schema is the dataclasses below; a key is written with dashes (``token-budget``) or
underscores. Unknown keys are an error that names the key and the closest valid one.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILES = (".promptlint.yaml", ".promptlint.yml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration problem, reported as one line."""


@dataclass(frozen=True)
class PolicyRule:
    """Which models may receive prompts holding some entity types."""

    name: str = ""
    entities: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)  # fnmatch patterns of allowed models


@dataclass(frozen=True)
class PiiConfig:
    enabled: bool = True
    spacy_model: str = ""  # an installed spaCy pipeline; empty = blank English (no NER)
    min_score: float = 0.5
    entities: list[str] = field(default_factory=list)  # empty = the default set
    disable_entities: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # entity type -> severity
    deny: list[str] = field(default_factory=list)  # terms that must never appear
    allow: list[str] = field(default_factory=list)  # known-safe values
    allow_patterns: list[str] = field(default_factory=list)  # known-safe regexes
    documentation_values: str = "info"  # info | ignore
    untrusted_names: list[str] = field(default_factory=list)  # extra regexes for user input


@dataclass(frozen=True)
class TierConfig:
    weights: dict[str, float] = field(default_factory=dict)  # override heuristic weights
    thresholds: dict[str, float] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    tier_models: dict[str, list[str]] = field(default_factory=dict)  # tier -> allowed models
    models: dict[str, dict[str, Any]] = field(default_factory=dict)  # price overrides / additions
    model_paths: dict[str, str] = field(default_factory=dict)  # glob -> model
    output_tokens: int = 500  # expected output when no max_tokens is visible
    calls_per_day: dict[str, float] = field(default_factory=dict)  # glob -> calls per day


@dataclass(frozen=True)
class RegistryConfig:
    path: str = "templates"


@dataclass(frozen=True)
class AuditConfig:
    teams: dict[str, list[str]] = field(default_factory=dict)  # team -> globs
    use_cases: dict[str, str] = field(default_factory=dict)  # glob -> use case


@dataclass(frozen=True)
class Config:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    model: str = "gpt-4o-mini"  # default model when none is visible
    token_budget: int = 4000  # tokens per prompt
    max_file_size: int = 2_000_000  # bytes; larger files are skipped with a notice
    prompt_calls: list[str] = field(default_factory=list)  # extra wrapper calls, e.g. ai.start
    prompt_keywords: list[str] = field(default_factory=list)  # extra keyword names
    prompt_names: list[str] = field(default_factory=list)  # extra variable-name regexes
    template_globs: list[str] = field(default_factory=list)  # extra prompt-file globs
    yaml_prompt_keys: list[str] = field(default_factory=list)  # extra YAML keys holding prompts
    select: list[str] = field(default_factory=list)  # codes or prefixes; empty = all
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code or prefix -> severity
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> codes
    fail_on: str = "warning"  # the failing severity
    rule_packs: list[str] = field(default_factory=list)  # extra YAML rule packs
    max_token_growth: float | None = None  # percent; budget gate for `diff`/--diff-base
    pii: PiiConfig = field(default_factory=PiiConfig)
    data_policy: list[PolicyRule] = field(default_factory=list)
    tiers: TierConfig = field(default_factory=TierConfig)
    registry: RegistryConfig = field(default_factory=RegistryConfig)
    audit: AuditConfig = field(default_factory=AuditConfig)
    cache_dir: str = ".promptlint_cache"  # relative to the config root; safe to delete
    # Where the configuration was read from (not settable in the file).
    root: str = field(default=".", metadata={"internal": True})
    source: str | None = field(default=None, metadata={"internal": True})


def _keys(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {
        f.name.replace("_", "-"): f
        for f in dataclasses.fields(cls)
        if not f.metadata.get("internal")
    }


def _coerce(value: Any, tp: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], where)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table/mapping")
        return _build(tp, value, where)
    if tp is Any:
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string")
        return value
    if origin is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(f"{where} must be a list")
        return [_coerce(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table/mapping")
        return {str(k): _coerce(v, args[1], f"{where}.{k}") for k, v in value.items()}
    raise ConfigError(f"{where}: unsupported type")  # pragma: no cover - schema bug


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    known = _keys(cls)
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).replace("_", "-")
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"unknown key '{raw_key}' in {where}{hint}")
        f = known[key]
        kwargs[f.name] = _coerce(value, hints[f.name], f"{where}.{key}")
    return cls(**kwargs)


def _validate(config: Config) -> None:
    from promptlint.models import Severity

    try:
        Severity.parse(config.fail_on)
        for sev in [*config.severity.values(), *config.pii.severity.values()]:
            Severity.parse(sev)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if config.token_budget <= 0:
        raise ConfigError("token-budget must be positive")
    if not 0 < config.pii.min_score <= 1:
        raise ConfigError(f"pii.min-score must be in (0, 1], got {config.pii.min_score}")
    if config.pii.documentation_values not in ("info", "ignore"):
        raise ConfigError("pii.documentation-values must be 'info' or 'ignore'")
    for name, values in (
        ("prompt-calls", config.prompt_calls),
        ("prompt-keywords", config.prompt_keywords),
        ("prompt-names", config.prompt_names),
    ):
        for v in values:
            if not v.strip():
                raise ConfigError(f"{name} holds an empty entry")
    import re

    for pattern in [*config.prompt_names, *config.pii.allow_patterns, *config.pii.untrusted_names]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"invalid regex {pattern!r} in configuration: {exc}") from None


def _read_file(path: Path) -> dict[str, Any] | None:
    """The promptlint table of a config file, or None when the file has none."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    if path.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            doc = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        table = doc.get("tool", {}).get("promptlint")
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.promptlint] must be a table")
        return table
    import yaml

    try:
        doc = yaml.safe_load(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{path}: invalid YAML: {first}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return doc


def find_config_file(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` that configures promptlint."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and _read_file(candidate) is None:
                    continue
                return candidate
        if (folder / ".git").exists():
            break
    return None


def load_config(config_file: str | os.PathLike[str] | None, paths: tuple[str, ...] = ()) -> Config:
    """Load ``config_file`` or the file nearest to the first checked path (or the cwd)."""
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"config file not found: {config_file}")
    else:
        start = Path(paths[0]).absolute() if paths else Path.cwd()
        while not start.exists() and start != start.parent:
            start = start.parent
        found = find_config_file(start)
        if found is None:
            return Config(root=str(Path.cwd()))
        path = found
    table = _read_file(path)
    if table is None:
        table = {}
    where = "[tool.promptlint]" if path.name == "pyproject.toml" else path.name
    try:
        config = _build(Config, table, where)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    config = dataclasses.replace(config, root=str(path.resolve().parent), source=str(path))
    try:
        _validate(config)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return config


def config_from_mapping(data: dict[str, Any], root: str = ".") -> Config:
    """Build a Config from a mapping (tests, API users)."""
    config = _build(Config, data, "configuration")
    config = dataclasses.replace(config, root=str(Path(root).resolve()))
    _validate(config)
    return config
