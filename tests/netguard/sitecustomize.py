"""Loaded by CLI subprocesses in tests: any IP socket use raises, proving offline operation."""

import os
import socket

if os.environ.get("PROMPTLINT_NETGUARD") == "1":
    _real_socket = socket.socket

    class _GuardedSocket(_real_socket):  # type: ignore[misc,valid-type]
        def __init__(self, family=-1, *args, **kwargs):  # type: ignore[no-untyped-def]
            if family in (-1, socket.AF_INET, socket.AF_INET6):
                raise OSError("promptlint test guard: network access attempted")
            super().__init__(family, *args, **kwargs)

    def _blocked(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("promptlint test guard: network access attempted")

    socket.socket = _GuardedSocket  # type: ignore[misc]
    socket.getaddrinfo = _blocked  # type: ignore[assignment]
    socket.create_connection = _blocked  # type: ignore[assignment]
