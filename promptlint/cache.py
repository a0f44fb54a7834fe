"""Content-addressed cache: an unchanged file is not re-parsed, an unchanged prompt not re-checked.

One SQLite database, ``<cache-dir>/cache.sqlite3`` (``cache-dir`` defaults to
``.promptlint_cache`` in the config root), holds three kinds of entries:

- ``extract``: a file's ``ExtractResult``, keyed by its bytes, kind and path;
- ``hits``: the prompt-scope hits of one prompt, keyed by the serialised prompt, the rules in
  use and the enabled codes (project-scope checks always run: they are cross-file);
- ``tokens``: a token count, keyed by encoding and text, so a warm run need not build tiktoken.

Every key also hashes the tool stamp (promptlint's version, code and shipped rules, and the
libraries whose output is cached) and the run context (the configuration, minus where it was
read from, and the working directory relative to the config root, which display paths depend on).

Values are JSON, never pickles: a cache folder can arrive in a pull request, so an entry is
untrusted input. An entry that does not parse, names another key or schema, or does not fit
the records (``promptlint.serial``) is a miss. A database that is not ours is replaced. Writes
are one transaction per run stage, so concurrent runs (pre-commit in two terminals) cannot
corrupt it. If the folder cannot be created or written, the run goes on without a cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from promptlint import __version__
from promptlint.config import Config
from promptlint.discover import SourceFile
from promptlint.models import ExtractResult, Hit, Prompt
from promptlint.resources import rules_dir
from promptlint.rulepack import Rule
from promptlint.serial import EntryError, dump_hit, dump_prompt, dump_result, load_hit, load_result

SCHEMA_VERSION = 1
DB_NAME = "cache.sqlite3"
# Entries expire this long after they were last used (refreshed at most once a week).
MAX_AGE = 30 * 86400
_REFRESH_AFTER = 7 * 86400
_TABLE_SQL = (
    "CREATE TABLE entries (key TEXT PRIMARY KEY, used INTEGER NOT NULL, value TEXT NOT NULL) "
    "WITHOUT ROWID"
)
# Libraries whose behaviour shapes cached results: a reinstall or upgrade changes the stamp.
_LIBRARIES = (
    "presidio_analyzer",
    "spacy",
    "tiktoken",
    "rapidfuzz",
    "regex",
    "libcst",
    "jinja2",
    "yaml",
)
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by promptlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


class _ForeignDatabase(Exception):
    """The database file exists but holds another schema."""


def _update(h: Any, *parts: str | bytes) -> None:
    """Length-prefixed, so that ("ab", "c") and ("a", "bc") hash differently."""
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)


def _file_stamp(path: str | None) -> str:
    if not path:
        return "-"
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _module_stamp(name: str) -> str:
    """Where module ``name`` lives and when it last changed, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return f"{name}:-"
    return f"{name}:{_file_stamp(spec.origin if spec else None)}"


@functools.cache
def tool_stamp() -> str:
    """promptlint's version plus the names, sizes and mtimes of its code, shipped rules and
    the libraries it relies on: cheap (stat calls only) and changed by any edit or upgrade."""
    h = hashlib.sha256()
    _update(h, __version__, sys.version)
    for folder in (Path(__file__).resolve().parent, rules_dir()):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if not name.endswith((".pyc", ".pyo")):
                    _update(h, _file_stamp(os.path.join(dirpath, name)))
    for module in _LIBRARIES:
        _update(h, _module_stamp(module))
    return h.hexdigest()


def context_fingerprint(config: Config) -> str:
    """Everything of a run, besides the content, that can change extraction or check results."""
    data = dataclasses.asdict(config)
    for name in ("root", "source", "cache_dir"):
        data.pop(name, None)
    try:
        data["cwd"] = os.path.relpath(os.getcwd(), config.root)
    except (OSError, ValueError):  # no cwd, or another drive on Windows
        data["cwd"] = None
    if config.pii.spacy_model:
        data["spacy_model"] = _module_stamp(config.pii.spacy_model)
    h = hashlib.sha256()
    _update(h, json.dumps(data, sort_keys=True, default=repr))
    return h.hexdigest()


def rules_fingerprint(rules: Iterable[Rule]) -> str:
    """The rules in use, including team packs and the code of their own ``python`` checks."""
    h = hashlib.sha256()
    for rule in rules:
        _update(h, repr(rule))
        if rule.check and not rule.check.startswith("promptlint."):
            _update(h, _module_stamp(rule.check.split(":")[0]))
    return h.hexdigest()


def cache_folder(config: Config) -> Path:
    folder = Path(config.cache_dir).expanduser()
    return folder if folder.is_absolute() else Path(config.root) / folder


def _prepare_folder(folder: Path) -> None:
    """Create the folder with a ``.gitignore`` of ``*`` (never committed) and a CACHEDIR.TAG.

    The cache holds prompt text, secrets included, so a folder it creates is private to the
    user (0700). A folder that already exists keeps its mode: it may be one the user shares.
    """
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        pass
    else:
        os.chmod(folder, 0o700)
    for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        with contextlib.suppress(FileExistsError), open(folder / name, "x", encoding="utf-8") as fh:
            fh.write(text)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None)
    try:
        # Prompt text is as sensitive as its source: owner-only (SQLite gives its journal files
        # the database's mode). Another user's database stays as it is.
        with contextlib.suppress(PermissionError):
            os.chmod(path, 0o600)
        # The file is untrusted: no functions from its schema, checked pages, no mmap.
        for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0"):
            conn.execute(f"PRAGMA {pragma}")
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not schema and version == 0:
            conn.execute("BEGIN IMMEDIATE")
            if not conn.execute("SELECT 1 FROM sqlite_master").fetchall():  # lost no race
                conn.execute(_TABLE_SQL)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        elif schema != [("table", "entries", _TABLE_SQL)] or version != SCHEMA_VERSION:
            raise _ForeignDatabase(str(path))
    except BaseException:
        conn.close()
        raise
    return conn


def _open_database(path: Path) -> sqlite3.Connection:
    """Our database at ``path``; a corrupt or foreign file there is replaced once (a locked
    or read-only one is left alone: the run goes on without a cache)."""
    try:
        return _connect(path)
    except sqlite3.OperationalError:
        raise
    except (sqlite3.DatabaseError, _ForeignDatabase):
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        return _connect(path)


class Cache:
    """One run's view of the cache: lookups go to the database, writes wait for ``flush``."""

    def __init__(self, conn: sqlite3.Connection, context: str) -> None:
        self._conn = conn
        self._context = context
        self._pending: dict[str, str] = {}
        self._touched: set[str] = set()

    @classmethod
    def open(cls, config: Config) -> Cache | None:
        """The cache of ``config``'s project, or None when it cannot be used here."""
        folder = cache_folder(config)
        try:
            _prepare_folder(folder)
            conn = _open_database(folder / DB_NAME)
        except (OSError, sqlite3.Error, _ForeignDatabase):
            return None
        return cls(conn, context_fingerprint(config))

    def key(self, kind: str, *parts: str | bytes) -> str:
        h = hashlib.sha256()
        _update(h, tool_stamp(), self._context, kind, *parts)
        return f"{kind}:{h.hexdigest()}"

    def get(self, key: str) -> Any:
        """The stored data of ``key``, or None on a miss or an entry not to be trusted."""
        try:
            row = self._conn.execute(
                "SELECT used, value FROM entries WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or type(row[1]) is not str:
            return None
        try:
            doc = json.loads(row[1])
        except (ValueError, RecursionError):
            return None
        if type(doc) is not dict or doc.get("schema") != SCHEMA_VERSION or doc.get("key") != key:
            return None
        if type(row[0]) is not int or row[0] < time.time() - _REFRESH_AFTER:
            self._touched.add(key)
        return doc.get("data")

    def put(self, key: str, data: Any) -> None:
        try:
            value = json.dumps(
                {"schema": SCHEMA_VERSION, "key": key, "data": data},
                ensure_ascii=False,
                separators=(",", ":"),
                allow_nan=False,
            )
        except (TypeError, ValueError):
            return
        self._pending[key] = value

    def flush(self) -> None:
        """Write the pending entries in one transaction and drop expired ones; a busy or
        read-only database only means this run's results are not kept."""
        if not self._pending and not self._touched:
            return
        now = int(time.time())
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR REPLACE INTO entries (key, used, value) VALUES (?, ?, ?)",
                [(k, now, v) for k, v in self._pending.items()],
            )
            self._conn.executemany(
                "UPDATE entries SET used = ? WHERE key = ?", [(now, k) for k in self._touched]
            )
            self._conn.execute("DELETE FROM entries WHERE used < ?", (now - MAX_AGE,))
            self._conn.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
        finally:
            self._pending.clear()
            self._touched.clear()

    # --- extraction ---------------------------------------------------------------------

    def extract_key(self, file: SourceFile, data: bytes) -> str:
        return self.key("extract", file.kind, file.path, file.relpath, data)

    def get_extract(self, key: str, path: str) -> ExtractResult | None:
        data = self.get(key)
        if data is None:
            return None
        try:
            result = load_result(data)
        except EntryError:
            return None
        if result.path != path or any(p.path != path for p in result.prompts):
            return None
        return result

    def put_extract(self, key: str, result: ExtractResult) -> None:
        with contextlib.suppress(EntryError):
            self.put(key, dump_result(result))

    # --- token counts (``tokens.TokenStore``) -------------------------------------------

    def get_tokens(self, encoding: str, text: str) -> int | None:
        n = self.get(self.key("tokens", encoding, text))
        return n if type(n) is int and n >= 0 else None

    def put_tokens(self, encoding: str, text: str, n: int) -> None:
        self.put(self.key("tokens", encoding, text), n)

    # --- prompt-scope hits --------------------------------------------------------------

    def prompt_hits(self, rules: Iterable[Rule], enabled: frozenset[str]) -> PromptHits:
        return PromptHits(self, rules_fingerprint(rules), enabled)


class PromptHits:
    """The prompt-scope hits of prompts already checked with these rules and codes
    (``evaluate.HitMemo``)."""

    def __init__(self, cache: Cache, rules_fp: str, enabled: frozenset[str]) -> None:
        self._cache = cache
        self._enabled = enabled
        self._scope = f"{rules_fp}:{','.join(sorted(enabled))}"
        self._keys: dict[int, str | None] = {}  # id(prompt) -> key (None: not cacheable)

    def _key(self, prompt: Prompt) -> str | None:
        if id(prompt) not in self._keys:
            try:
                text = json.dumps(dump_prompt(prompt), sort_keys=True, allow_nan=False)
            except (EntryError, TypeError, ValueError):
                self._keys[id(prompt)] = None
            else:
                self._keys[id(prompt)] = self._cache.key("hits", self._scope, text)
        return self._keys[id(prompt)]

    def get(self, prompt: Prompt) -> list[Hit] | None:
        key = self._key(prompt)
        data = None if key is None else self._cache.get(key)
        if type(data) is not list:
            return None
        try:
            hits = [load_hit(item) for item in data]
        except EntryError:
            return None
        n = len(prompt.text)
        for hit in hits:  # an entry must not report disabled codes or point outside the text
            if hit.code not in self._enabled or not 0 <= hit.start <= hit.end <= n:
                return None
            if any(not 0 <= e.start <= e.end <= n for e in hit.edits):
                return None
        return hits

    def put(self, prompt: Prompt, hits: list[Hit]) -> None:
        key = self._key(prompt)
        if key is None:
            return
        with contextlib.suppress(EntryError):
            self._cache.put(key, [dump_hit(h) for h in hits])
