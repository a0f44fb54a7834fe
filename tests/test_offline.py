"""Offline, always: the network guard every test runs under really blocks sockets, and
promptlint's heaviest paths (presidio, tiktoken, audit) run to completion under it."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT, NetworkBlocked, cli_env, run_cli


def test_guard_blocks_sockets_in_process() -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("pypi.org", 443)


def test_guard_blocks_sockets_in_cli_subprocesses() -> None:
    probe = (
        "import socket\ntry:\n    socket.socket()\nexcept OSError as e:\n    print('blocked', e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env(), capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("blocked")


def test_full_runs_complete_with_the_network_blocked(tmp_path) -> None:
    # The example holds an email, a phone number and a key: presidio, tldextract and the
    # bundled encodings all load here, in a child whose sockets raise.
    for args in (
        ["check", "--no-cache", "--exit-zero", "."],
        ["extract", "--no-cache", "--format", "json", "."],
        ["audit", "--no-cache", ".", "--format", "json"],
    ):
        result = run_cli(*args, cwd=ROOT / "examples")
        assert result.returncode == 0, result.stderr
        assert "network access attempted" not in result.stderr
