"""Provenance sidecars: every dataset in data/ has ``<name>.meta.json`` beside it.

A dataset without complete provenance cannot be loaded: :func:`read_meta` raises
:class:`ProvenanceError`. Row-level sourcing (``source_url``, ``source_note``, ``status``) is
checked by :func:`check_rows_sourced`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = [
    "REQUIRED_FIELDS",
    "STATUSES",
    "Provenance",
    "ProvenanceError",
    "check_rows_sourced",
    "meta_path",
    "read_meta",
    "write_table_with_meta",
]

REQUIRED_FIELDS = ("title", "producer", "source_url", "licence", "script", "date_built", "status", "nrows",
                   "columns", "sha256")
#: Row statuses: published as is, computed from published figures (formula stated), or invented for demo.
STATUSES = ("official", "derived", "demo")


class ProvenanceError(ValueError):
    """A dataset lacks its sidecar, a required field, or its rows lack sources."""


@dataclass(frozen=True)
class Provenance:
    """The origin record of one dataset file."""

    path: Path
    title: str
    producer: str
    source_url: str
    licence: str
    script: str
    date_built: str
    status: str
    nrows: int
    columns: tuple[str, ...]
    sha256: str
    extra: dict = field(default_factory=dict, compare=False)


def meta_path(path: Path) -> Path:
    """Return the sidecar path of a dataset: ``x.csv`` -> ``x.meta.json``."""
    return path.with_name(path.name.split(".")[0] + ".meta.json")


def read_meta(path: Path, verify_hash: bool = True) -> Provenance:
    """Return the provenance of ``path``; raise :class:`ProvenanceError` if it is missing or incomplete."""
    path = Path(path)
    side = meta_path(path)
    if not path.exists():
        raise ProvenanceError(f"{path.name}: dataset file is missing")
    if not side.exists():
        raise ProvenanceError(f"{path.name}: no provenance sidecar {side.name}")
    meta = json.loads(side.read_text(encoding="utf-8"))
    missing = [k for k in REQUIRED_FIELDS if meta.get(k) in (None, "", [])]
    if missing:
        raise ProvenanceError(f"{path.name}: provenance lacks {', '.join(missing)}")
    if verify_hash:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != meta["sha256"]:
            raise ProvenanceError(f"{path.name}: file does not match the sha256 in {side.name} (edited by hand?)")
    known = {k: meta[k] for k in REQUIRED_FIELDS}
    known["columns"] = tuple(known["columns"])
    return Provenance(path=path, extra={k: v for k, v in meta.items() if k not in REQUIRED_FIELDS}, **known)


def check_rows_sourced(df: pd.DataFrame, name: str) -> None:
    """Raise :class:`ProvenanceError` if any row lacks ``source_url`` or a known ``status``."""
    if "source_url" not in df.columns:
        raise ProvenanceError(f"{name}: no source_url column")
    bad = df["source_url"].isna() | (df["source_url"].astype(str).str.strip() == "")
    if bad.any():
        raise ProvenanceError(f"{name}: {int(bad.sum())} rows without source_url (first: row {int(bad.idxmax())})")
    if "status" in df.columns:
        unknown = ~df["status"].isin(STATUSES)
        if unknown.any():
            raise ProvenanceError(f"{name}: unknown status {sorted(set(df.status[unknown]))}")
        derived = (df["status"] == "derived") & (df.get("formula", pd.Series("", index=df.index)).fillna("") == "")
        if derived.any():
            raise ProvenanceError(f"{name}: {int(derived.sum())} derived rows without a formula")


def write_table_with_meta(df: pd.DataFrame, path: Path, **meta) -> None:
    """Write ``df`` as UTF-8 CSV with its provenance sidecar (hash, row count, columns added)."""
    text = df.to_csv(index=False, lineterminator="\n")
    path.write_text(text, encoding="utf-8")
    record = {
        **meta,
        "date_built": meta.get("date_built", dt.date.today().isoformat()),
        "nrows": len(df),
        "columns": list(df.columns),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    meta_path(path).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
