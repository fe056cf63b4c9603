"""JSON Schemas of every published event version, committed under ``contracts/schemas``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contracts.registry import registered_events

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def schema_file_name(event_type: str, version: int) -> str:
    """File name of one event version's schema."""
    return f"{event_type}.v{version}.schema.json"


def current_schemas() -> dict[str, dict[str, Any]]:
    """The schema of every registered event, as the code defines it now, by file name."""
    return {
        schema_file_name(model.EVENT_TYPE, model.VERSION): model.model_json_schema(
            mode="serialization"
        )
        for model in registered_events()
    }


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema to ``directory``; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in current_schemas().items():
        path = directory / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
