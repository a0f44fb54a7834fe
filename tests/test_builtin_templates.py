"""The built-in template library: complete, intact, renderable and clean under the linter."""

from __future__ import annotations

import importlib.util

import pytest

from promptlint.config import Config
from promptlint.models import Severity
from promptlint.registry import Registry, Template
from promptlint.registry.render import referenced_variables
from promptlint.resources import builtin_templates_dir

USE_CASES = {"writing", "research", "support", "code", "ops"}
SAMPLES = {
    "string": "Sample text.",
    "integer": 3,
    "number": 2.5,
    "boolean": True,
    "list": ["billing", "bug", "other"],
    "object": {"k": "v"},
}


@pytest.fixture(scope="module")
def library() -> Registry:
    return Registry(builtin_templates_dir())


@pytest.fixture(scope="module")
def latest(library: Registry) -> list[Template]:
    return [library.get(name) for name in library.names()]


def test_library_covers_the_common_use_cases(latest: list[Template]) -> None:
    names = {t.name for t in latest}
    assert len(latest) >= 10
    assert {
        "internal-update",
        "summarize",
        "support-answer",
        "faq-generate",
        "code-review",
        "write-tests",
        "meeting-summary",
        "extract-json",
        "classify",
        "style-rewrite",
    } <= names
    assert {t.use_case for t in latest} == USE_CASES


def test_every_template_is_published_locked_and_documented(
    library: Registry, latest: list[Template]
) -> None:
    assert library.verify() == []
    for template in latest:
        assert template.version == "1.0.0"
        assert template.description and template.tier and template.tags
        assert template.variables, template.name
        assert all(v.description for v in template.variables), template.name
        # Every declared variable is used and every used one declared.
        assert referenced_variables(template) == set(template.variable_names), template.name
        assert not (builtin_templates_dir() / template.name / "draft.prompt").exists()


def test_every_template_renders_and_stays_small(latest: list[Template]) -> None:
    for template in latest:
        values = {v.name: SAMPLES[v.type] for v in template.variables if v.required}
        text = template.render(**values)
        assert "{{" not in text and "Sample text." in text, template.name
        assert template.tokens() <= 160, (template.name, template.tokens())


def test_library_is_clean_under_the_linter() -> None:
    if importlib.util.find_spec("promptlint.engine") is None:
        pytest.skip("the rules engine is not part of this build yet")
    from promptlint.engine import run_check

    folder = builtin_templates_dir()
    run = run_check([str(folder)], Config(root=str(folder.parent)))
    assert len(run.prompts) >= 10
    loud = [
        f"{f.path}:{f.line} {f.code} {f.message}"
        for f in run.findings
        if f.severity >= Severity.WARNING
    ]
    assert loud == []
