"""Suppression directives: which findings a ``promptlint: disable=...`` silences, and which
directives silence nothing.

A directive's codes are codes or prefixes (``EFF``, ``EFF0``, ``EFF001``); no codes means
every code. It covers the findings whose first line lies in ``first_line..last_line``, or
the whole file when ``file_level``. Extractors find directives (``# promptlint: disable=``
in Python, ``{# promptlint: disable= #}`` in Jinja, a front-matter key in prompt files);
this module only applies them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from promptlint.models import Directive, Finding


@dataclass(frozen=True, slots=True)
class Unused:
    """A directive (or some of its codes) that silenced nothing."""

    path: str
    directive: Directive
    codes: tuple[str, ...]  # the unused codes; empty = a disable-everything directive


@dataclass(frozen=True, slots=True)
class Unknown:
    """A directive code that matches no rule at all."""

    path: str
    directive: Directive
    code: str


@dataclass(slots=True)
class Outcome:
    kept: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    unused: list[Unused] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)


def selector_matches(code: str, selector: str) -> bool:
    return code.startswith(selector.strip().upper())


def covers(directive: Directive, finding: Finding) -> bool:
    if not (directive.file_level or directive.first_line <= finding.line <= directive.last_line):
        return False
    return not directive.codes or any(selector_matches(finding.code, c) for c in directive.codes)


def apply(
    findings: Iterable[Finding],
    directives: Mapping[str, Iterable[Directive]],
    enabled: Collection[str],
    known: Collection[str],
) -> Outcome:
    """Silence covered findings; report directives that silenced nothing.

    ``enabled`` are the codes that ran (a directive for a disabled rule is not "unused": it
    may matter when the rule is enabled again); ``known`` are all loaded codes.
    """
    by_path = {path: list(ds) for path, ds in directives.items() if ds}
    used: dict[tuple[str, int], set[str]] = {}  # (path, directive index) -> selectors used
    out = Outcome()
    for finding in findings:
        hit = False
        for i, directive in enumerate(by_path.get(finding.path, ())):
            if covers(directive, finding):
                hit = True
                mark = used.setdefault((finding.path, i), set())
                mark.update(c for c in directive.codes if selector_matches(finding.code, c))
                mark.add("")  # the directive as a whole did something
        if hit:
            out.suppressed += 1
        else:
            out.kept.append(finding)
    for path, ds in by_path.items():
        for i, directive in enumerate(ds):
            mark = used.get((path, i), set())
            if not directive.codes:
                if "" not in mark:
                    out.unused.append(Unused(path, directive, ()))
                continue
            idle: list[str] = []
            for code in directive.codes:
                selector = code.strip().upper()
                if not any(c.startswith(selector) for c in known):
                    out.unknown.append(Unknown(path, directive, code))
                elif code not in mark and any(c.startswith(selector) for c in enabled):
                    idle.append(code)
            if idle:
                out.unused.append(Unused(path, directive, tuple(idle)))
    return out
