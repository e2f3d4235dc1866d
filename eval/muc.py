"""The MUC-3/4 messages the development sets annotate, read from ``../shared`` (never copied here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUC_TEXTS = ROOT.parent / "shared" / "data" / "news" / "muc3" / "muc3.jsonl"


def read_muc(path: Path = MUC_TEXTS) -> dict[str, dict]:
    """Message id -> record (``id``, ``date``, ``dateline``, ``text``); empty, with a message, when missing."""
    if not path.is_file():
        print(f"{path} not found (clone the project beside ../shared): the MUC sets are left out", file=sys.stderr)
        return {}
    with path.open(encoding="utf-8") as fh:
        return {rec["id"]: rec for rec in map(json.loads, fh)}
