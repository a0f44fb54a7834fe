"""Semantic versions (MAJOR.MINOR.PATCH) and the range syntax templates are pinned with.

Published template versions are plain ``MAJOR.MINOR.PATCH``; pre-release and build tags are
not part of the registry's model, so they are rejected rather than half-supported.

Ranges, comma-joined clauses all of which must hold (npm/Cargo flavoured):
``1.2.3`` / ``==1.2.3`` exact; ``^1.2`` >=1.2.0,<2.0.0 (``^0.3`` >=0.3.0,<0.4.0);
``~1.2`` >=1.2.0,<1.3.0; ``>=``, ``>``, ``<=``, ``<``, ``!=``; ``1`` / ``1.x`` / ``1.2.*``
partials; ``*`` anything.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass

_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_COMPARE = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_CLAUSE = re.compile(r"(\^|~|==|!=|>=|<=|>|<|=)?\s*v?(\d+|[x*])(?:\.(\d+|[x*]))?(?:\.(\d+|[x*]))?")


class VersionError(ValueError):
    """A malformed version or range; the message is one line."""


@dataclass(frozen=True, order=True, slots=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, part: str) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        raise VersionError(f"unknown version part {part!r} (expected major, minor or patch)")


def parse_version(text: str) -> Version:
    match = _VERSION.fullmatch(text.strip())
    if not match:
        raise VersionError(f"invalid version {text!r} (expected MAJOR.MINOR.PATCH, e.g. 1.2.0)")
    return Version(*(int(g) for g in match.groups()))


def is_version(text: str) -> bool:
    return _VERSION.fullmatch(text.strip()) is not None


@dataclass(frozen=True, slots=True)
class _Bound:
    op: str  # one of >= > <= < == !=
    version: Version

    def allows(self, v: Version) -> bool:
        return _COMPARE[self.op](v, self.version)


@dataclass(frozen=True, slots=True)
class VersionRange:
    text: str
    bounds: tuple[_Bound, ...]

    def allows(self, version: Version) -> bool:
        return all(b.allows(version) for b in self.bounds)

    def best(self, versions: Iterable[Version]) -> Version | None:
        """The highest version the range allows, or None."""
        matching = [v for v in versions if self.allows(v)]
        return max(matching) if matching else None

    @property
    def has_upper_bound(self) -> bool:
        """True when the range cannot pull in a new major version (a real pin)."""
        return any(b.op in ("<", "<=", "==") for b in self.bounds)


def _clause_bounds(clause: str, whole: str) -> list[_Bound]:
    if clause in ("*", "x"):
        return []
    match = _CLAUSE.fullmatch(clause)
    if not match:
        raise VersionError(f"invalid version range {whole!r}: cannot read {clause!r}")
    op, *raw = match.groups()
    parts: list[int] = []
    for part in raw:
        if part is None or part in ("x", "*"):
            break
        parts.append(int(part))
    if not parts:
        return []
    given = len(parts)
    major, minor, patch = [*parts, 0, 0][:3]
    low = Version(major, minor, patch)
    op = op or "=="
    if op == "=":
        op = "=="
    if op == "^":
        if major > 0 or given == 1:
            high = Version(major + 1, 0, 0)
        elif minor > 0 or given == 2:
            high = Version(0, minor + 1, 0)
        else:
            high = Version(0, 0, patch + 1)
        return [_Bound(">=", low), _Bound("<", high)]
    if op == "~":
        high = Version(major + 1, 0, 0) if given == 1 else Version(major, minor + 1, 0)
        return [_Bound(">=", low), _Bound("<", high)]
    if op == "==" and given < 3:
        # A partial version is a range: ``1.2`` means any 1.2.x.
        high = Version(major + 1, 0, 0) if given == 1 else Version(major, minor + 1, 0)
        return [_Bound(">=", low), _Bound("<", high)]
    return [_Bound(op, low)]


@functools.lru_cache(maxsize=256)
def parse_range(text: str) -> VersionRange:
    """Parse a range such as ``^1.2``, ``>=1.0,<2`` or ``1.4.2``."""
    if not text.strip():
        raise VersionError("empty version range")
    bounds: list[_Bound] = []
    for clause in text.split(","):
        clause = clause.strip()
        if not clause:
            raise VersionError(f"invalid version range {text!r}: empty clause")
        bounds.extend(_clause_bounds(clause, text))
    return VersionRange(text.strip(), tuple(bounds))
