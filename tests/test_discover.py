"""File discovery: git-aware, gitignore-aware, config globs, bad files skipped in one line."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from promptlint import inventory
from promptlint.config import config_from_mapping
from promptlint.discover import SourceFile, check_bytes, discover, read_source
from promptlint.filetypes import classify
from promptlint.models import Prompt, Skip
from tests.conftest import ROOT, git


def make_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


def rels(found: list[SourceFile]) -> list[str]:
    return sorted(f.relpath for f in found)


TREE: dict[str, str | bytes] = {
    "app/main.py": "x = 1\n",
    "app/ignored_build.py": "x = 1\n",
    "prompts/triage.prompt": "hi\n",
    "prompts/notes.txt": "text\n",
    "docs/guide.md": "# Guide\n",
    "README.md": "# readme\n",
    "node_modules/pkg/index.py": "x = 1\n",
    ".venv/lib/site.py": "x = 1\n",
    "data/image.png": b"\x89PNG\r\n\x1a\n\x00\x00",
    ".gitignore": "app/ignored_*.py\n",
}


def test_walk_honours_gitignore_and_default_excludes(tmp_path: Path) -> None:
    make_tree(tmp_path, TREE)
    config = config_from_mapping({}, root=str(tmp_path))
    found = discover([str(tmp_path)], config)
    assert rels(found.files) == ["app/main.py", "prompts/notes.txt", "prompts/triage.prompt"]


def test_git_repo_uses_ls_files(git_repo: Path) -> None:
    make_tree(git_repo, TREE)
    git(git_repo, "add", "app/main.py", ".gitignore")
    git(git_repo, "commit", "-qm", "init")
    config = config_from_mapping({}, root=str(git_repo))
    found = discover([str(git_repo)], config)
    # tracked + untracked-not-ignored; node_modules/.venv are untracked and excluded by default
    assert rels(found.files) == ["app/main.py", "prompts/notes.txt", "prompts/triage.prompt"]


def test_include_exclude_globs(tmp_path: Path) -> None:
    make_tree(tmp_path, TREE)
    config = config_from_mapping({"exclude": ["prompts/*.txt"]}, root=str(tmp_path))
    assert rels(discover([str(tmp_path)], config).files) == ["app/main.py", "prompts/triage.prompt"]
    config = config_from_mapping({"include": ["prompts/**"]}, root=str(tmp_path))
    assert rels(discover([str(tmp_path)], config).files) == [
        "prompts/notes.txt",
        "prompts/triage.prompt",
    ]


def test_explicit_paths_checked_unless_excluded(tmp_path: Path) -> None:
    make_tree(tmp_path, TREE)
    ignored = str(tmp_path / "app" / "ignored_build.py")
    config = config_from_mapping({}, root=str(tmp_path))
    assert rels(discover([ignored], config).files) == ["app/ignored_build.py"]
    config = config_from_mapping({"exclude": ["app/ignored_*"]}, root=str(tmp_path))
    assert discover([ignored], config).files == []


def test_missing_path_is_a_skip(tmp_path: Path) -> None:
    config = config_from_mapping({}, root=str(tmp_path))
    found = discover([str(tmp_path / "nope")], config)
    assert found.files == [] and found.skipped[0].reason == "no such file or directory"


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a/p.py": "x = 1\n"})
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink(tmp_path, tmp_path / "a" / "up")
    config = config_from_mapping({}, root=str(tmp_path))
    assert rels(discover([str(tmp_path)], config).files) == ["a/p.py"]


def test_template_globs_and_prose_conventions(tmp_path: Path) -> None:
    config = config_from_mapping({"template-globs": ["llm/*.md"]}, root=str(tmp_path))
    assert classify("llm/summarise.md", config) == "markdown"
    assert classify("docs/summarise.md", config) is None
    assert classify("agents/system.md", config) == "markdown"
    assert classify("prompts/faq.txt", config) == "text"
    assert classify("requirements.txt", config) is None
    assert classify("a/b.prompty", config) == "prompty"
    assert classify("t/x.jinja2", config) == "jinja"
    assert classify(".github/workflows/ci.yml", config) is None
    assert classify("conf/agents.yaml", config) == "yaml"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01binary", "skipped: binary file"),
        (b"caf\xe9", "skipped: not valid UTF-8 (byte 3)"),
        (b"x" * 101, "skipped: file is 101 bytes, over the 100-byte limit"),
    ],
)
def test_bad_bytes_become_one_line_skips(data: bytes, reason: str) -> None:
    out = check_bytes(data, "f.py", 100)
    assert isinstance(out, Skip) and out.reason == reason


def test_bom_is_dropped_and_text_returned() -> None:
    assert check_bytes("\ufeffhello".encode(), "f.py", 100) == "hello"


def test_read_source_oversize_does_not_read_the_file(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_bytes(b"x = 1\n" * 1_000_000)  # 6 MB
    out = read_source(SourceFile("big.py", str(big), "big.py", "python"), 2_000_000)
    assert isinstance(out, Skip) and "over the 2,000,000-byte limit" in out.reason


def test_explicit_relative_paths_respect_exclude_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pre-commit passes paths relative to the repository root; users pass `../x` or go
    # through a symlinked folder: config exclude applies to all of them.
    make_tree(tmp_path, {"repo/app/gen_x.py": "x = 1\n", "repo/app/keep.py": "x = 1\n"})
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "repo", tmp_path / "link")
    config = config_from_mapping({"exclude": ["app/gen_*"]}, root=str(tmp_path / "repo"))
    for cwd, prefix in (("repo", ""), ("elsewhere", "../repo/"), ("", "link/")):
        monkeypatch.chdir(tmp_path / cwd)
        given = [f"{prefix}app/gen_x.py", f"{prefix}app/keep.py"]
        assert rels(discover(given, config).files) == ["app/keep.py"], cwd


def _comparable(inv: inventory.Inventory) -> tuple[object, ...]:
    names = [f.name for f in dataclasses.fields(Prompt) if f.name != "source_map"]
    prompts = [(*(getattr(p, n) for n in names), tuple(p.source_map.segments)) for p in inv.prompts]
    results = [(r.path, r.directives, r.notices, r.uses_registry) for r in inv.results]
    return inv.files, results, inv.skipped, prompts, inv.texts


def test_parallel_extraction_gives_the_serial_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", tree, ignore=shutil.ignore_patterns(".promptlint_cache"))
    make_tree(tree, {"app/broken.py": "SYSTEM_PROMPT = (\n", "prompts/bin.txt": b"\x00\x01"})
    config = config_from_mapping({}, root=str(tree))
    serial = inventory.build_inventory([str(tree)], config, jobs=1, keep_text=True)
    monkeypatch.setattr(inventory, "PARALLEL_MIN_BYTES", 0)  # take the worker path
    parallel = inventory.build_inventory([str(tree)], config, jobs=2, keep_text=True)
    assert len(serial.prompts) > 10 and serial.skipped and serial.notices
    assert _comparable(parallel) == _comparable(serial)
