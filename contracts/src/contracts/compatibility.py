"""Tells whether a new JSON Schema of an event version still accepts what the old one promised."""

from __future__ import annotations

from typing import Any


def breaking_changes(old: dict[str, Any], new: dict[str, Any], path: str = "") -> list[str]:
    """What a consumer written against ``old`` would trip over in ``new``; empty if compatible.

    Additive changes are compatible: a new optional field, a new definition. Removing or
    retyping a field, or requiring a new one, is breaking and needs a new major version.
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
    if old.get("enum") and not set(old["enum"]) <= set(new.get("enum", old["enum"])):
        problems.append(f"removed enum values from {path.rstrip('.')}")
    return problems


def _shape(field: dict[str, Any]) -> Any:
    """The part of a field schema that constrains values (not titles or descriptions)."""
    ignored = {"title", "description", "examples", "default"}
    if isinstance(field, dict):
        return {k: _shape(v) for k, v in field.items() if k not in ignored}
    if isinstance(field, list):
        return [_shape(v) for v in field]
    return field
