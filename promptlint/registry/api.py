"""The runtime API: ``registry.load("summarize@^1.2")`` in applications.

Where templates are looked up, first match wins:

1. ``package=`` (or a ``pkg:`` prefix in the spec): the ``templates/`` folder shipped inside an
   installed package, found with importlib.resources;
2. ``root=``: a registry folder, or a project folder whose configuration names one;
3. ``$PROMPTLINT_REGISTRY``: same meaning as ``root=``;
4. otherwise the project around the current directory (its promptlint configuration's
   ``registry.path``, else a ``templates/`` folder up to the repository root);
5. the built-in library shipped with promptlint.

Every load checks the version file's SHA-256 against the lock; parsed files are cached by
path and stat stamp, so a warm load costs a few ``stat`` calls.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from promptlint.registry.errors import RegistryError, TemplateNotFoundError
from promptlint.registry.store import Registry, check_name
from promptlint.registry.template import Template

ENV_VAR = "PROMPTLINT_REGISTRY"
DEFAULT_FOLDER = "templates"


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """``[pkg:]name[@version|@range|@label]``."""

    name: str
    version: str | None = None
    package: str | None = None

    @classmethod
    def parse(cls, text: str) -> TemplateSpec:
        package = None
        rest = text.strip()
        if ":" in rest.split("@", 1)[0]:
            package, rest = rest.split(":", 1)
            if not package:
                raise RegistryError(f"invalid template spec {text!r}: empty package name")
        name, _, version = rest.partition("@")
        if not name:
            raise RegistryError(f"invalid template spec {text!r}: no template name")
        check_name(name)
        if "@" in text and not version.strip():
            raise RegistryError(f"invalid template spec {text!r}: nothing after '@'")
        return cls(name, version.strip() or None, package)

    def __str__(self) -> str:
        prefix = f"{self.package}:" if self.package else ""
        return f"{prefix}{self.name}" + (f"@{self.version}" if self.version else "")


@functools.lru_cache(maxsize=64)
def registry_in(folder: Path) -> Path:
    """The registry a folder stands for: itself, or the registry its project configures."""
    from promptlint.config import CONFIG_FILES, ConfigError, load_config

    for config_name in CONFIG_FILES:
        candidate = folder / config_name
        if candidate.is_file():
            try:
                config = load_config(candidate)
            except ConfigError:
                continue
            configured = (Path(config.root) / config.registry.path).resolve()
            if configured.is_dir():
                return configured
    if (folder / DEFAULT_FOLDER).is_dir():
        return (folder / DEFAULT_FOLDER).resolve()
    return folder


@functools.lru_cache(maxsize=64)
def _project_registry(cwd: str) -> Path | None:
    """The registry of the project around ``cwd`` (searched upwards, up to the git root)."""
    from promptlint.config import ConfigError, find_config_file, load_config

    start = Path(cwd).resolve()
    try:
        config_file = find_config_file(start)
    except ConfigError:
        config_file = None
    if config_file is not None:
        try:
            config = load_config(config_file)
        except ConfigError:
            config = None
        if config is not None:
            configured = (Path(config.root) / config.registry.path).resolve()
            return configured if configured.is_dir() else None
    for folder in (start, *start.parents):
        if (folder / DEFAULT_FOLDER).is_dir():
            return (folder / DEFAULT_FOLDER).resolve()
        if (folder / ".git").exists():
            break
    return None


@functools.lru_cache(maxsize=64)
def package_registry(package: str) -> Path:
    """The ``templates/`` folder shipped inside an installed package."""
    from importlib import resources

    try:
        folder = resources.files(package).joinpath(DEFAULT_FOLDER)
    except ModuleNotFoundError:
        raise TemplateNotFoundError(f"package {package!r} is not installed") from None
    if not isinstance(folder, Path) or not folder.is_dir():
        raise TemplateNotFoundError(f"package {package!r} ships no {DEFAULT_FOLDER}/ folder")
    return folder


def search_path(
    root: str | os.PathLike[str] | None = None, package: str | None = None
) -> list[Registry]:
    """The registries ``load`` consults, in order."""
    folders: list[Path] = []
    if package:
        folders.append(package_registry(package))
    elif root is not None:
        folders.append(registry_in(Path(root).resolve()))
    elif os.environ.get(ENV_VAR):
        folders.append(registry_in(Path(os.environ[ENV_VAR]).resolve()))
    else:
        project = _project_registry(os.getcwd())
        if project is not None:
            folders.append(project)
    builtin = _builtin_folder()
    if builtin not in folders:
        folders.append(builtin)
    return [Registry(f) for f in folders]


@functools.lru_cache(maxsize=1)
def _builtin_folder() -> Path:
    from promptlint.resources import builtin_templates_dir

    return builtin_templates_dir().resolve()


def load(
    spec: str,
    *,
    root: str | os.PathLike[str] | None = None,
    package: str | None = None,
) -> Template:
    """Load a published template version: ``name``, ``name@1.2.0``, ``name@^1.2``,
    ``name@production`` or ``pkg:name@...``.

    A bare name loads the highest published version. Raises a ``RegistryError`` subclass
    (``TemplateNotFoundError``, ``VersionNotFoundError``, ``IntegrityError``...).
    """
    parsed = TemplateSpec.parse(spec)
    registries = search_path(root, package or parsed.package)
    for registry in registries:
        if registry.has(parsed.name):
            return registry.get(parsed.name, parsed.version)
    where = ", ".join(str(r.path) for r in registries)
    raise TemplateNotFoundError(f"no template named {parsed.name!r} (searched {where})")
