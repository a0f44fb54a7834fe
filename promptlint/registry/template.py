"""One template version: its front matter schema, parsing and canonical serialisation.

A version file is a ``.prompt`` file: YAML front matter, then the Jinja body::

    ---
    name: summarize
    version: 1.2.0
    description: Summarise a document for a busy reader.
    use_case: research
    variables:
      - name: text
        type: string
        description: The document.
    ---
    Summarise the document below in {{ max_words }} words or fewer. ...

Serialisation is canonical (fixed key order, no timestamps) so that the same template always
produces the same bytes, and therefore the same SHA-256 in the lock.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from promptlint.registry.errors import TemplateFormatError

VARIABLE_TYPES = ("string", "integer", "number", "boolean", "list", "object")
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Front matter keys in the order they are written.
FIELDS = (
    "name",
    "version",
    "description",
    "model",
    "tier",
    "owner",
    "team",
    "use_case",
    "tags",
    "variables",
)
_VARIABLE_FIELDS = ("name", "type", "required", "default", "description")
_STRING_FIELDS = ("description", "model", "tier", "owner", "team", "use_case")


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared template variable."""

    name: str
    type: str = "string"
    required: bool = True
    default: Any = None
    description: str = ""

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this variable's declared type."""
        if self.type == "string":
            return isinstance(value, str)
        if self.type == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.type == "boolean":
            return isinstance(value, bool)
        if self.type == "list":
            return isinstance(value, (list, tuple))
        return isinstance(value, Mapping)


@dataclass(frozen=True)
class Template:
    """A template version (or a draft, when ``version`` is None) as read from disk."""

    name: str
    body: str
    version: str | None = None
    description: str = ""
    variables: tuple[Variable, ...] = ()
    model: str | None = None
    tier: str | None = None
    owner: str | None = None
    team: str | None = None
    use_case: str | None = None
    tags: tuple[str, ...] = ()
    path: str = ""
    sha256: str = ""
    body_line: int = 1  # 1-based line of the body in the file
    meta: Mapping[str, Any] = field(default_factory=dict)  # the raw front matter

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version or 'draft'}"

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def render(self, **values: Any) -> str:
        """Render the body with ``values`` (sandboxed Jinja, strict variables)."""
        from promptlint.registry.render import render

        return render(self, values)

    def tokens(self, model: str | None = None) -> int:
        """Tokens of the body as written (placeholders included) for ``model``."""
        from promptlint.tokens import count_tokens

        return count_tokens(self.body, model or self.model).tokens

    def same_content(self, other: Template) -> bool:
        """Equal apart from the version (used to refuse publishing an unchanged draft)."""
        return serialize(replace(self, version=None)) == serialize(replace(other, version=None))


def _close(key: str, options: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _parse_variable(raw: Any, path: str, index: int) -> Variable:
    def bad(sub: str, problem: str) -> TemplateFormatError:
        return TemplateFormatError(f"{path}: field 'variables[{index}]{sub}': {problem}")

    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict):
        raise bad("", "must be a mapping with at least 'name'")
    for key in raw:
        if key not in _VARIABLE_FIELDS:
            raise bad(f".{key}", "unknown field" + _close(str(key), _VARIABLE_FIELDS))
    name = raw.get("name")
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise bad(".name", f"must be an identifier, got {name!r}")
    vtype = raw.get("type", "string")
    if vtype not in VARIABLE_TYPES:
        raise bad(".type", f"{vtype!r} is not one of {', '.join(VARIABLE_TYPES)}")
    has_default = "default" in raw
    required = raw.get("required", not has_default)
    if not isinstance(required, bool):
        raise bad(".required", "must be true or false")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise bad(".description", "must be a string")
    var = Variable(name, vtype, required, raw.get("default"), description)
    if has_default and var.default is not None and not var.accepts(var.default):
        raise bad(".default", f"must be of type {vtype}")
    return var


def from_mapping(
    data: Mapping[str, Any], body: str, where: str, *, draft: bool = False
) -> Template:
    """Validate front matter ``data``; errors name ``where`` (the file) and the field."""
    for key in data:
        if key not in FIELDS:
            raise TemplateFormatError(f"{where}: unknown field '{key}'{_close(str(key), FIELDS)}")
    name = data.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise TemplateFormatError(
            f"{where}: field 'name' must be lower-case letters, digits, '.', '_' or '-', "
            f"got {name!r}"
        )
    version = data.get("version")
    if version is not None or not draft:
        from promptlint.registry.semver import VersionError, parse_version

        if not isinstance(version, str):
            raise TemplateFormatError(
                f"{where}: field 'version' must be a quoted MAJOR.MINOR.PATCH string"
            )
        try:
            version = str(parse_version(version))
        except VersionError as exc:
            raise TemplateFormatError(f"{where}: field 'version': {exc}") from None
    strings: dict[str, str | None] = {}
    for key in _STRING_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise TemplateFormatError(f"{where}: field '{key}' must be a string")
        strings[key] = value
    if strings["tier"] is not None:
        from promptlint.tiering import TIERS

        if strings["tier"] not in TIERS:
            raise TemplateFormatError(
                f"{where}: field 'tier' must be one of {', '.join(TIERS)}, got {strings['tier']!r}"
            )
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise TemplateFormatError(f"{where}: field 'tags' must be a list of strings")
    raw_vars = data.get("variables", [])
    if raw_vars is None:
        raw_vars = []
    if not isinstance(raw_vars, list):
        raise TemplateFormatError(f"{where}: field 'variables' must be a list")
    variables = tuple(_parse_variable(v, where, i) for i, v in enumerate(raw_vars))
    seen: set[str] = set()
    for var in variables:
        if var.name in seen:
            raise TemplateFormatError(f"{where}: field 'variables': '{var.name}' declared twice")
        seen.add(var.name)
    return Template(
        name=name,
        body=body,
        version=version,
        description=strings["description"] or "",
        variables=variables,
        model=strings["model"],
        tier=strings["tier"],
        owner=strings["owner"],
        team=strings["team"],
        use_case=strings["use_case"],
        tags=tuple(tags),
        meta=dict(data),
    )


def parse(text: str, path: str, *, draft: bool = False) -> Template:
    """Parse a version (or draft) file. Raises TemplateFormatError naming ``path``."""
    from promptlint.yamlsafe import YamlError, split_front_matter

    try:
        fm = split_front_matter(text, "front matter")
    except YamlError as exc:
        raise TemplateFormatError(f"{path}: {exc}") from None
    if not fm.present:
        raise TemplateFormatError(f"{path}: missing YAML front matter (---)")
    template = from_mapping(fm.data, fm.body, path, draft=draft)
    return replace(template, path=path, body_line=fm.body_line)


def _variable_mapping(var: Variable) -> dict[str, Any]:
    out: dict[str, Any] = {"name": var.name, "type": var.type, "required": var.required}
    if var.default is not None:
        out["default"] = var.default
    if var.description:
        out["description"] = var.description
    return out


def serialize(template: Template) -> str:
    """The canonical file text: fixed key order, block style, LF line endings."""
    import yaml

    values: dict[str, Any] = {
        "name": template.name,
        "version": template.version,
        "description": template.description or None,
        "model": template.model,
        "tier": template.tier,
        "owner": template.owner,
        "team": template.team,
        "use_case": template.use_case,
        "tags": list(template.tags) or None,
        "variables": [_variable_mapping(v) for v in template.variables] or None,
    }
    front = {k: values[k] for k in FIELDS if values[k] is not None}
    text = yaml.safe_dump(
        front, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100
    )
    body = template.body.replace("\r\n", "\n").replace("\r", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    return f"---\n{text}---\n{body}"
