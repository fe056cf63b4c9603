"""Where things are: the repository, the download cache, the run folder."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
INFRA = REPO / "infra"


def cache_dir() -> Path:
    """Downloads and builds, shared by every clone on this machine."""
    path = Path(os.environ.get("HOTLINE_CACHE", Path.home() / ".cache" / "hotline"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_dir() -> Path:
    """Data and logs of ``make run`` (git-ignored)."""
    path = Path(os.environ.get("HOTLINE_RUN_DIR", REPO / ".hotline" / "run"))
    path.mkdir(parents=True, exist_ok=True)
    return path
