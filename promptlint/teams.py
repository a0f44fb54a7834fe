"""Who owns a prompt: the config's team map first, then CODEOWNERS (last match wins)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from promptlint.config import Config
from promptlint.filetypes import matches_any

# GitHub reads the first of .github/, the root and docs/ (GitLab: root, docs/, .gitlab/).
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
UNOWNED = "unowned"


@dataclass(frozen=True, slots=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]


def parse_codeowners(text: str) -> list[OwnerRule]:
    rules: list[OwnerRule] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("\\#") else raw.strip()
        if not line or line.startswith("["):  # GitLab section headers
            continue
        parts = line.split()
        if len(parts) >= 2:
            rules.append(OwnerRule(parts[0], tuple(parts[1:])))
    return rules


class TeamResolver:
    """Maps a path (relative to the config root, POSIX) to a team name."""

    def __init__(self, config: Config) -> None:
        import pathspec

        self._teams = config.audit.teams
        self._rules: list[tuple[pathspec.PathSpec, str]] = []
        root = Path(config.root)
        for location in CODEOWNERS_LOCATIONS:
            candidate = root / location
            if candidate.is_file():
                text = candidate.read_text("utf-8", "replace")
                for rule in parse_codeowners(text):
                    spec = pathspec.GitIgnoreSpec.from_lines([rule.pattern])
                    self._rules.append((spec, rule.owners[0]))
                break

    def team(self, relpath: str) -> str:
        for team, globs in self._teams.items():
            if matches_any(relpath, globs):
                return team
        owner = None
        for spec, first_owner in self._rules:  # last matching rule wins, as on GitHub
            if spec.match_file(relpath):
                owner = first_owner
        return owner or UNOWNED
