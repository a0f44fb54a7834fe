"""The registry on disk: one directory per template, one immutable file per published version.

::

    templates/                      # Config.registry.path, relative to the config root
      summarize/
        1.0.0.prompt                # published versions: never rewritten
        1.1.0.prompt
        draft.prompt                # the next version, being edited (optional)
        template.lock               # JSON: SHA-256 of every published version + labels

The lock lives next to its template, so two branches that publish different templates never
touch the same file and merge cleanly. It is written with a fixed key order, versions in
semver order and no timestamps.

Every write goes to a temporary file in the same directory, is fsynced and then renamed into
place (version files are hard-linked, which fails instead of overwriting). Writers hold an
exclusive ``flock`` on the registry directory for the whole read-modify-write, so two
concurrent ``publish`` runs cannot pick the same version or lose each other's lock entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from promptlint.atomic import fsync_dir, write_atomic
from promptlint.registry import template as tpl
from promptlint.registry.errors import (
    IntegrityError,
    RegistryError,
    TemplateFormatError,
    TemplateNotFoundError,
    VersionNotFoundError,
)
from promptlint.registry.semver import Version, VersionError, is_version, parse_range, parse_version

SUFFIX = ".prompt"
DRAFT_FILE = "draft.prompt"
LOCK_FILE = "template.lock"
LOCK_FORMAT = 1
DRAFT = "draft"
LABEL_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_SHA = re.compile(r"sha256:[0-9a-f]{64}")


def sha256_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Lock:
    """The contents of ``template.lock``: published versions and labels."""

    name: str
    versions: dict[str, str] = field(default_factory=dict)  # version -> "sha256:<hex>"
    labels: dict[str, str] = field(default_factory=dict)  # label -> version

    def sorted_versions(self) -> list[Version]:
        return sorted(parse_version(v) for v in self.versions)

    def dumps(self) -> str:
        ordered = {str(v): self.versions[str(v)] for v in self.sorted_versions()}
        doc = {
            "format": LOCK_FORMAT,
            "labels": dict(sorted(self.labels.items())),
            "name": self.name,
            "versions": ordered,
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _parse_lock(text: str, path: str, name: str) -> Lock:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateFormatError(f"{path}: invalid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(doc, dict):
        raise TemplateFormatError(f"{path}: expected a JSON object")
    if doc.get("format") != LOCK_FORMAT:
        raise TemplateFormatError(f"{path}: field 'format' must be {LOCK_FORMAT}")
    if doc.get("name") != name:
        raise TemplateFormatError(f"{path}: field 'name' must be {name!r}, got {doc.get('name')!r}")
    versions = doc.get("versions", {})
    labels = doc.get("labels", {})
    if not isinstance(versions, dict) or not isinstance(labels, dict):
        raise TemplateFormatError(f"{path}: fields 'versions' and 'labels' must be objects")
    for version, digest in versions.items():
        if not is_version(version):
            raise TemplateFormatError(f"{path}: field 'versions': {version!r} is not a version")
        if not isinstance(digest, str) or not _SHA.fullmatch(digest):
            raise TemplateFormatError(f"{path}: field 'versions.{version}' must be sha256:<hex>")
    for label, version in labels.items():
        if not isinstance(label, str) or not LABEL_PATTERN.fullmatch(label):
            raise TemplateFormatError(f"{path}: field 'labels': invalid label {label!r}")
        if not isinstance(version, str) or not is_version(version):
            raise TemplateFormatError(f"{path}: field 'labels.{label}' must be a version")
    return Lock(name, dict(versions), dict(labels))


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@functools.lru_cache(maxsize=2048)
def _read_template(path: str, stamp: tuple[int, int, int], draft: bool) -> tpl.Template:
    # Keyed by the file's stamp: an edited file is a new key, so the cache never goes stale.
    del stamp
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateFormatError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    return replace(tpl.parse(text, path, draft=draft), sha256=sha256_of(data))


@functools.lru_cache(maxsize=1024)
def _read_lock(path: str, stamp: tuple[int, int, int], name: str) -> Lock:
    del stamp
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateFormatError(f"{path}: cannot read: {exc}") from None
    return _parse_lock(text, path, name)


def check_name(name: str) -> str:
    if not tpl.NAME_PATTERN.fullmatch(name):
        raise RegistryError(
            f"invalid template name {name!r}: use lower-case letters, digits, '.', '_' or '-'"
        )
    return name


@dataclass(frozen=True, slots=True)
class Registry:
    """A registry folder. All methods read fresh state from disk (cached by file stamp)."""

    path: Path

    def template_dir(self, name: str) -> Path:
        return self.path / check_name(name)

    def names(self) -> list[str]:
        """Templates in the registry: folders holding a lock, a draft or a version file."""
        try:
            entries = sorted(os.scandir(self.path), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            folder = Path(entry.path)
            if (folder / LOCK_FILE).is_file() or any(folder.glob(f"*{SUFFIX}")):
                found.append(entry.name)
        return found

    def _file(self, name: str, filename: str) -> str:
        # Plain strings on the hot path: pathlib costs more than the stat calls themselves.
        return os.path.join(self.path, check_name(name), filename)

    def has(self, name: str) -> bool:
        return os.path.isfile(self._file(name, LOCK_FILE)) or os.path.isfile(
            self._file(name, DRAFT_FILE)
        )

    # -- reading ----------------------------------------------------------------------------

    def lock(self, name: str) -> Lock:
        path = self._file(name, LOCK_FILE)
        stamp = _stamp(path)
        if stamp is None:
            return Lock(name)
        cached = _read_lock(path, stamp, name)
        # A copy: writers modify it, and the cached parse must keep matching the file.
        return Lock(name, dict(cached.versions), dict(cached.labels))

    def versions(self, name: str) -> list[Version]:
        return self.lock(name).sorted_versions()

    def version_path(self, name: str, version: str) -> Path:
        return self.template_dir(name) / f"{version}{SUFFIX}"

    def read_version(self, name: str, version: str) -> tpl.Template:
        """A published version, verified against the SHA-256 in the lock."""
        lock = self.lock(name)
        expected = lock.versions.get(version)
        if expected is None:
            raise VersionNotFoundError(f"{name}@{version} is not published")
        path = self._file(name, version + SUFFIX)
        stamp = _stamp(path)
        if stamp is None:
            raise IntegrityError(f"{path}: missing, but {LOCK_FILE} records {name}@{version}")
        template = _read_template(path, stamp, False)
        if template.sha256 != expected:
            raise IntegrityError(
                f"{path}: content does not match its SHA-256 in {LOCK_FILE} "
                "(published versions are immutable: publish a new version instead)"
            )
        if template.name != name or template.version != version:
            raise TemplateFormatError(
                f"{path}: front matter says {template.name}@{template.version}, "
                f"expected {name}@{version}"
            )
        return template

    def draft(self, name: str) -> tpl.Template | None:
        path = self._file(name, DRAFT_FILE)
        stamp = _stamp(path)
        if stamp is None:
            return None
        template = _read_template(path, stamp, True)
        if template.name != name:
            raise TemplateFormatError(f"{path}: field 'name' must be {name!r}")
        return template

    def resolve(self, name: str, spec: str | None) -> str:
        """The published version ``spec`` (None, a label, an exact version or a range) picks."""
        lock = self.lock(name)
        if not lock.versions:
            raise VersionNotFoundError(f"{name} has no published version")
        if spec is None or (spec in ("", "latest") and "latest" not in lock.labels):
            return str(max(lock.sorted_versions()))
        if spec in lock.labels:
            version = lock.labels[spec]
            if version not in lock.versions:
                raise IntegrityError(
                    f"{name}: label '{spec}' points to {version}, which is not published"
                )
            return version
        try:
            wanted = parse_range(spec)
        except VersionError:
            labels = ", ".join(sorted(lock.labels)) or "none"
            raise VersionNotFoundError(
                f"{name}@{spec}: not a label (labels: {labels}) nor a version range"
            ) from None
        best = wanted.best(lock.sorted_versions())
        if best is None:
            published = ", ".join(str(v) for v in lock.sorted_versions())
            raise VersionNotFoundError(f"{name}@{spec}: no published version matches ({published})")
        return str(best)

    def get(self, name: str, spec: str | None = None, *, allow_draft: bool = False) -> tpl.Template:
        if not self.has(name):
            raise TemplateNotFoundError(f"no template named {name!r} in {self.path}")
        if spec == DRAFT:
            if not allow_draft:
                raise VersionNotFoundError(f"{name}@draft: drafts cannot be loaded at run time")
            draft = self.draft(name)
            if draft is None:
                raise VersionNotFoundError(f"{name} has no draft")
            return draft
        return self.read_version(name, self.resolve(name, spec))

    # -- writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive lock over the whole registry for one read-modify-write.

        The lock is taken on the registry directory itself, so no lock file ever shows up in
        the repository.
        """
        import fcntl

        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def save_draft(self, template: tpl.Template, *, overwrite: bool = False) -> Path:
        from promptlint.registry.render import check_declarations

        draft = replace(template, version=None)
        check_declarations(draft)
        with self.write_lock():
            folder = self.template_dir(draft.name)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / DRAFT_FILE
            data = tpl.serialize(draft).encode("utf-8")
            try:
                write_atomic(path, data, create_only=not overwrite)
            except FileExistsError:
                raise RegistryError(
                    f"{path}: a draft already exists (edit it, publish it or delete it)"
                ) from None
        return path

    def publish(self, name: str, part: str) -> tpl.Template:
        """Turn the draft into the next immutable version (bumping ``part``)."""
        from promptlint.registry.render import check_declarations

        with self.write_lock():
            draft = self.draft(name)
            if draft is None:
                raise RegistryError(f"{name} has no draft to publish (create one with `new`)")
            check_declarations(draft)
            lock = self.lock(name)
            published = lock.sorted_versions()
            if published:
                latest = self.read_version(name, str(published[-1]))
                if draft.same_content(latest):
                    raise RegistryError(
                        f"{name}: the draft is identical to {latest.version}; nothing to publish"
                    )
                version = published[-1].bump(part)
            else:
                version = {
                    "major": Version(1, 0, 0),
                    "minor": Version(0, 1, 0),
                    "patch": Version(0, 0, 1),
                }[part]
            new = replace(draft, version=str(version))
            data = tpl.serialize(new).encode("utf-8")
            path = self.version_path(name, str(version))
            try:
                write_atomic(path, data, create_only=True)
            except FileExistsError:
                raise RegistryError(
                    f"{path} already exists but is not in {LOCK_FILE}; "
                    "run `promptlint templates verify`"
                ) from None
            lock.versions[str(version)] = sha256_of(data)
            write_atomic(self.template_dir(name) / LOCK_FILE, lock.dumps().encode("utf-8"))
            os.unlink(self.template_dir(name) / DRAFT_FILE)
            fsync_dir(self.template_dir(name))
        return replace(new, path=str(path), sha256=sha256_of(data))

    def set_label(self, name: str, spec: str, label: str) -> str:
        """Point ``label`` at the version ``spec`` resolves to; returns that version."""
        if not LABEL_PATTERN.fullmatch(label) or label in (DRAFT, "latest") or is_version(label):
            raise RegistryError(
                f"invalid label {label!r}: use lower-case letters, digits, '-' or '_' "
                "(not 'draft' or 'latest')"
            )
        with self.write_lock():
            if not self.has(name):
                raise TemplateNotFoundError(f"no template named {name!r} in {self.path}")
            version = self.resolve(name, spec)
            self.read_version(name, version)  # never label a tampered version
            lock = self.lock(name)
            lock.labels[label] = version
            write_atomic(self.template_dir(name) / LOCK_FILE, lock.dumps().encode("utf-8"))
        return version

    # -- checking ---------------------------------------------------------------------------

    def verify(self) -> list[str]:
        """Every integrity problem of the registry, one line each (empty: all good)."""
        from promptlint.registry.render import check_declarations

        problems: list[str] = []
        for name in self.names():
            folder = self.path / name
            if not tpl.NAME_PATTERN.fullmatch(name):
                problems.append(f"{folder}: invalid template folder name")
                continue
            try:
                lock = self.lock(name)
            except RegistryError as exc:
                problems.append(str(exc))
                continue
            on_disk = {p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}")} - {DRAFT}
            for version in sorted(on_disk - set(lock.versions)):
                problems.append(
                    f"{folder / (version + SUFFIX)}: not recorded in {LOCK_FILE} "
                    "(publish with `promptlint templates publish`)"
                )
            for version in lock.versions:
                try:
                    check_declarations(self.read_version(name, version))
                except RegistryError as exc:
                    problems.append(str(exc))
            for label, version in sorted(lock.labels.items()):
                if version not in lock.versions:
                    problems.append(
                        f"{folder / LOCK_FILE}: label '{label}' points to {version}, "
                        "which is not published"
                    )
            try:
                draft = self.draft(name)
                if draft is not None:
                    check_declarations(draft)
            except RegistryError as exc:
                problems.append(str(exc))
        return problems


def describe(template: tpl.Template) -> dict[str, Any]:
    """A JSON-ready summary of a template version."""
    return {
        "name": template.name,
        "version": template.version,
        "description": template.description,
        "model": template.model,
        "tier": template.tier,
        "owner": template.owner,
        "team": template.team,
        "use_case": template.use_case,
        "tags": list(template.tags),
        "variables": [
            {
                "name": v.name,
                "type": v.type,
                "required": v.required,
                "default": v.default,
                "description": v.description,
            }
            for v in template.variables
        ],
        "sha256": template.sha256,
        "path": template.path,
    }
