"""``python -m hotline_infra.docs DIR``: write each service's AsyncAPI document (what it consumes)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from hotline_infra.stack import SERVICES


def asyncapi_documents() -> dict[str, str]:
    """Each service's AsyncAPI document as the code defines it now, by file name."""
    documents = {}
    for name in SERVICES:
        service = importlib.import_module(f"{name}.bootstrap").bootstrap()
        # keys sorted: FastStream lists channels in an order that changes from run to run
        document = json.dumps(service.asyncapi(), indent=2, ensure_ascii=False, sort_keys=True)
        documents[f"{name}.asyncapi.json"] = document + "\n"
    return documents


def write_asyncapi(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, document in asyncapi_documents().items():
        path = directory / file_name
        path.write_text(document)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_asyncapi(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/asyncapi")):
        print(path)
