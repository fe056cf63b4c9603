"""Tells whether a new JSON Schema of an event version still accepts what the old one promised."""

from __future__ import annotations

from typing import Any

OTHER = "other"


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """What a consumer written against ``old`` would trip over in ``new``; empty if compatible.

    Additive changes are compatible: a new optional field, a new definition, a new value of an
    enum declared open (``x-open-enum``, see ``contracts.envelope.OpenEnum``). Removing or
    retyping a field, requiring a new one, removing an enum value, adding a value to a closed
    enum or closing an open one is breaking and needs a new major version. A closed enum may be
    declared open with the same values plus ``other``, the value its consumers read unknown
    values as; values are added in a later change, once every consumer reads it open.
    """
    problems: list[str] = []
    old_defs, new_defs = old.get("$defs", {}), new.get("$defs", {})
    for name, old_def in old_defs.items():
        if name not in new_defs:
            problems.append(f"removed definition {name}")
        else:
            problems += breaking_changes(old_def, new_defs[name], f"{name}.")
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for field, old_field in old_props.items():
        if field not in new_props:
            problems.append(f"removed field {path}{field}")
        elif _shape(old_field) != _shape(new_props[field]):
            problems.append(f"changed field {path}{field}")
    for field in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"new required field {path}{field}")
    name = path.rstrip(".")
    problems += _enum_changes(old, new, f"enum {name}" if name else "the enum")
    return problems


def _values(schema: dict[str, Any]) -> list[Any] | None:
    if "enum" in schema:
        return list(schema["enum"])
    if "x-known-values" in schema:
        return list(schema["x-known-values"])
    return None


def _enum_changes(old: dict[str, Any], new: dict[str, Any], name: str) -> list[str]:
    old_values = _values(old)
    if old_values is None:
        return []
    new_values = _values(new) or []
    old_open, new_open = bool(old.get("x-open-enum")), bool(new.get("x-open-enum"))
    problems = []
    removed = [v for v in old_values if v not in new_values]
    added = [v for v in new_values if v not in old_values]
    if removed:
        problems.append(f"removed enum values {removed} from {name}")
    if old_open and not new_open:
        problems.append(f"closed the open {name}")
    if not old_open:
        # opening a closed enum may add its fallback value, 'other', and nothing else
        grown = [v for v in added if not (new_open and v == OTHER)]
        if grown:
            problems.append(
                f"added enum values {grown} to the closed {name}: a consumer on this version "
                "would refuse them; declare it open (OpenEnum, adding only 'other') first, or "
                "publish a new major version"
            )
    return problems


def _shape(field: dict[str, Any]) -> Any:
    """The part of a field schema that constrains values (not titles, descriptions, nor the
    ``x-personal`` mark, which says how to treat a value, not which values are valid)."""
    ignored = {"title", "description", "examples", "default", "x-personal"}
    if isinstance(field, dict):
        return {k: _shape(v) for k, v in field.items() if k not in ignored}
    if isinstance(field, list):
        return [_shape(v) for v in field]
    return field
