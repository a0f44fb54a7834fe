"""Thin in-house wrapper around the provider SDKs."""

from __future__ import annotations

import os


class _AI:
    def start(self, system: str, model: str = "gpt-4o-mini", max_tokens: int = 500) -> str:
        api_key = os.environ["OPENAI_API_KEY"]
        raise NotImplementedError(f"send to {model} with key of length {len(api_key)}")


ai = _AI()
