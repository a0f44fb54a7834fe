"""Shared fixtures. Every test runs with IP sockets blocked: promptlint must work offline.

The block also reaches CLI subprocesses: ``run_cli`` starts them with a ``sitecustomize`` on
PYTHONPATH that installs the same guard.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD_DIR = Path(__file__).resolve().parent / "netguard"


class NetworkBlocked(RuntimeError):
    pass


_real_socket = socket.socket
_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _blocked(*args: object, **kwargs: object) -> None:
    raise NetworkBlocked(f"network access attempted: {args!r}")


def _guarded_socket(family: int = -1, *args: object, **kwargs: object) -> socket.socket:
    if family in (-1, socket.AF_INET, socket.AF_INET6):
        raise NetworkBlocked("IP socket created during a test")
    return _real_socket(family, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if request.node.get_closest_marker("network_ok"):
        yield
        return
    monkeypatch.setattr(socket, "socket", _guarded_socket)
    monkeypatch.setattr(socket, "getaddrinfo", _blocked)
    monkeypatch.setattr(socket, "create_connection", _blocked)
    yield


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a promptlint subprocess: network guard on, CI unset unless asked."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(GUARD_DIR), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env["PROMPTLINT_NETGUARD"] = "1"
    env.pop("CI", None)
    if extra:
        env.update(extra)
    return env


def run_cli(
    *args: str,
    cwd: str | Path | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m promptlint ARGS`` in a subprocess with the network guard."""
    return subprocess.run(
        [sys.executable, "-m", "promptlint", *args],
        cwd=str(cwd) if cwd else None,
        input=input,
        capture_output=True,
        text=True,
        env=cli_env(env),
        timeout=timeout,
    )


@pytest.fixture
def cli() -> object:
    return run_cli


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )
    return out.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository with an identity configured."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "commit.gpgsign", "false")
    return repo
