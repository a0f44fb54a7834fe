"""CLI commands, one module each; `promptlint.cli` imports them lazily."""
