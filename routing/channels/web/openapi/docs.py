"""The OpenAPI document as rows a template can print: /docs, without any script.

Pure: takes the document ``openapi.spec`` builds and returns plain data,
operations grouped by tag and each shared schema with one row per field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

Schema = dict[str, Any]

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class TypeText:
    """A field's type in words; ``ref`` names a shared schema to link to."""

    before: str = ""
    ref: str = ""
    after: str = ""


@dataclass(frozen=True)
class Row:
    name: str
    type: TypeText
    required: bool
    description: str
    limits: str = ""


@dataclass(frozen=True)
class Body:
    media_type: str
    description: str
    type: TypeText
    rows: list[Row]


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    media_type: str
    type: TypeText | None
    headers: list[Row]


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    auth: str
    parameters: list[Row]
    body: Body | None
    responses: list[Answer]


@dataclass(frozen=True)
class Section:
    name: str
    description: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class SharedSchema:
    name: str
    anchor: str
    description: str
    rows: list[Row]


@dataclass(frozen=True)
class ApiView:
    title: str
    version: str
    description: str
    sections: list[Section]
    schemas: list[SharedSchema]


def prose(text: str) -> Markup:
    """A description as HTML: escaped, with `backticks` as <code>."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


def docs_view(spec: dict[str, Any]) -> ApiView:
    auth_names = {name: scheme.get("description", name) for name, scheme in spec["components"].get("securitySchemes", {}).items()}
    sections = {tag["name"]: Section(tag["name"], prose(tag.get("description", "")), f"tag-{_slug(tag['name'])}") for tag in spec.get("tags", [])}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = op.get("tags", ["Other"])[0]
            section = sections.setdefault(tag, Section(tag, "", f"tag-{_slug(tag)}"))
            section.operations.append(_operation(method, path, op, auth_names))
    schemas = [
        SharedSchema(name, schema_anchor(name), prose(schema.get("description", "")), rows(schema))
        for name, schema in spec["components"]["schemas"].items()
    ]
    info = spec["info"]
    return ApiView(info["title"], info["version"], prose(info.get("description", "")), [s for s in sections.values() if s.operations], schemas)


def _operation(method: str, path: str, op: Schema, auth_names: dict[str, str]) -> Operation:
    parameters = [
        Row(
            f"{p['name']} ({p['in']})",
            type_text(p.get("schema", {})),
            bool(p.get("required")),
            prose(p.get("description", "")),
            _limits(p.get("schema", {}), p.get("example")),
        )
        for p in op.get("parameters", [])
    ]
    body = None
    if "requestBody" in op:
        media_type, content = next(iter(op["requestBody"]["content"].items()))
        schema = content.get("schema", {})
        body = Body(media_type, prose(schema.get("description", "")), type_text(schema), rows(schema))
    answers = []
    for status, answer in op["responses"].items():
        content = answer.get("content", {})
        media_type, media = next(iter(content.items())) if content else ("", {})
        headers = [Row(name, type_text(h.get("schema", {})), False, prose(h.get("description", ""))) for name, h in answer.get("headers", {}).items()]
        answers.append(Answer(status, prose(answer.get("description", "")), media_type, type_text(media["schema"]) if "schema" in media else None, headers))
    return Operation(
        anchor=op.get("operationId") or _slug(f"{method} {path}"),
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=prose(op.get("description", "")),
        auth=prose(_auth(op.get("security"), auth_names)),
        parameters=parameters,
        body=body,
        responses=answers,
    )


def _auth(security: list[dict[str, Any]] | None, auth_names: dict[str, str]) -> str:
    if not security:
        return ""
    ways = [" and ".join(auth_names.get(name, name) for name in option) for option in security if option]
    text = " or ".join(ways)
    return text + (" (only when it is configured)" if {} in security else "")


def type_text(schema: Schema) -> TypeText:
    """``array of Contact``, ``string (date-time) or null``, ``one of: web, ivr, email``."""
    null = " or null" if schema.get("nullable") else ""
    if "$ref" in schema:
        return TypeText(ref=_ref_name(schema["$ref"]), after=null)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        inner = type_text(schema["allOf"][0])
        return TypeText(inner.before, inner.ref, inner.after + null)
    kind = schema.get("type", "any")
    if kind == "array":
        inner = type_text(schema.get("items", {}))
        return TypeText("array of " + inner.before, inner.ref, inner.after + null)
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        return TypeText("one of: " + ", ".join(f"“{v}”" if v == "" else str(v) for v in values) + null)
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
        inner = type_text(schema["additionalProperties"])
        return TypeText("map of names to " + inner.before, inner.ref, inner.after + null)
    fmt = f" ({schema['format']})" if "format" in schema else ""
    return TypeText(f"{kind}{fmt}{null}")


def rows(schema: Schema, prefix: str = "") -> list[Row]:
    """One row per field, nested inline objects as ``parent.child`` and ``parent[].child``."""
    found: list[Row] = []
    required = set(schema.get("required", []))
    for name, child in schema.get("properties", {}).items():
        full = f"{prefix}{name}"
        found.append(Row(full, type_text(child), name in required, prose(child.get("description", "")), _limits(child)))
        inner = child["allOf"][0] if "allOf" in child and len(child["allOf"]) == 1 else child
        if inner.get("properties"):
            found += rows(inner, f"{full}.")
        elif inner.get("type") == "array" and inner.get("items", {}).get("properties"):
            found += rows(inner["items"], f"{full}[].")
    return found


def _limits(schema: Schema, example: Any = None) -> str:
    parts = []
    if "minLength" in schema and schema["minLength"] > 0:
        parts.append(f"at least {schema['minLength']} character{'s' if schema['minLength'] != 1 else ''}")
    if "maxLength" in schema:
        parts.append(f"at most {schema['maxLength']:,} characters")
    if "pattern" in schema and len(schema["pattern"]) <= 60:  # a longer one is said in words instead
        parts.append(f"matches {schema['pattern']}")
    if "minimum" in schema:
        parts.append(f"from {schema['minimum']}")
    if "maximum" in schema:
        parts.append(f"up to {schema['maximum']}")
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    if example is not None:
        parts.append(f"for example {example}")
    return "; ".join(parts)


def _ref_name(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
