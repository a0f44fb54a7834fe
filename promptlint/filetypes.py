"""Which files can hold prompts, and which extractor reads them.

Only files this module names are ever opened, so a run never pays for a file that cannot
hold a prompt.
"""

from __future__ import annotations

import fnmatch
import posixpath

from promptlint.config import Config

_EXTENSIONS = {
    ".py": "python",
    ".prompt": "dotprompt",
    ".prompty": "prompty",
    ".j2": "jinja",
    ".jinja": "jinja",
    ".jinja2": "jinja",
    ".yaml": "yaml",
    ".yml": "yaml",
}
_PROSE = {".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".txt": "text"}
# Prose files are prompts only by naming convention (or configured globs).
_PROSE_NAMES = {"system.md", "user.md", "assistant.md", "system.txt", "user.txt", "prompt.md"}
_NEVER_PROSE = {
    "readme.md",
    "changelog.md",
    "license.md",
    "contributing.md",
    "license.txt",
    "requirements.txt",
    "code_of_conduct.md",
    "security.md",
    "notice.txt",
}
_NEVER_YAML_DIRS = (".github/", ".gitlab/", ".circleci/")
_NEVER_YAML = {
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    "mkdocs.yml",
    "mkdocs.yaml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "pnpm-lock.yaml",
    ".promptlint.yaml",
    ".promptlint.yml",
    "codecov.yml",
    ".readthedocs.yaml",
    ".readthedocs.yml",
}


def matches_any(relpath: str, globs: list[str] | tuple[str, ...]) -> bool:
    """gitignore-flavoured glob match: a pattern without '/' matches any path component."""
    for pattern in globs:
        pat = pattern.rstrip("/")
        if "/" not in pat:
            if fnmatch.fnmatchcase(posixpath.basename(relpath), pat) or any(
                fnmatch.fnmatchcase(part, pat) for part in relpath.split("/")[:-1]
            ):
                return True
        else:
            pat = pat.lstrip("/")
            if fnmatch.fnmatchcase(relpath, pat) or fnmatch.fnmatchcase(relpath, pat + "/*"):
                return True
            if pat.startswith("**/") and fnmatch.fnmatchcase(relpath, pat[3:]):
                return True
            if relpath.startswith(pat.rstrip("*").rstrip("/") + "/") and pat.endswith("**"):
                return True
    return False


def is_prompt_path(relpath: str) -> bool:
    """Naming conventions for prose prompt files: a folder or file named like 'prompt'."""
    lower = relpath.lower()
    name = posixpath.basename(lower)
    if name in _NEVER_PROSE:
        return False
    if name in _PROSE_NAMES:
        return True
    return "prompt" in lower


def classify(relpath: str, config: Config) -> str | None:
    """The prompt kind of a file (its extractor), or None when it cannot hold prompts.

    ``relpath`` is POSIX-style, relative to the configuration root.
    """
    name = posixpath.basename(relpath)
    lower = name.lower()
    ext = posixpath.splitext(lower)[1]
    if ext in _EXTENSIONS:
        kind = _EXTENSIONS[ext]
        if kind == "yaml" and (lower in _NEVER_YAML or relpath.startswith(_NEVER_YAML_DIRS)):
            return None if not matches_any(relpath, config.template_globs) else kind
        return kind
    if ext in _PROSE:
        if is_prompt_path(relpath) or matches_any(relpath, config.template_globs):
            return _PROSE[ext]
        return None
    if config.template_globs and matches_any(relpath, config.template_globs):
        return "text"
    return None
