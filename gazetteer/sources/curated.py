"""The curated gazetteer: files authored by the project, each row with a source.

``gazetteer/data/places.csv`` holds countries, admin units, towns, rivers;
``seeds/bases.csv`` the military and police bases; ``seeds/regions.csv`` and
``seeds/region_districts.csv`` the valleys, regions and coca zones, defined
as versioned sets of districts.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..place import Kind
from . import IMPORTANCE, conform

__all__ = ["CuratedFiles", "default_files", "load_places", "load_regions"]

_KINDS = {k.value for k in Kind}


@dataclass(frozen=True)
class CuratedFiles:
    """Paths of the curated files (swap them to serve another region)."""

    places: Path
    bases: Path | None = None
    regions: Path | None = None
    region_districts: Path | None = None

    def paths(self) -> list[Path]:
        return [p for p in (self.places, self.bases, self.regions, self.region_districts) if p]


def default_files() -> CuratedFiles:
    """The files shipped with the package."""
    data = Path(str(resources.files("gazetteer") / "data"))
    seeds = Path(str(resources.files("seeds")))
    return CuratedFiles(
        places=data / "places.csv",
        bases=_existing(seeds / "bases.csv"),
        regions=_existing(seeds / "regions.csv"),
        region_districts=_existing(seeds / "region_districts.csv"),
    )


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _read(path: Path, required: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: cannot read curated file: {exc}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    frame = frame.replace("", None)
    for i, row in frame.iterrows():
        line = i + 2  # header is line 1
        if not row.get("source"):
            raise DataError(f"{path}, line {line} ({row['id']}): column 'source' is empty")
        if row["kind"] not in _KINDS:
            raise DataError(f"{path}, line {line} ({row['id']}): unknown kind {row['kind']!r}")
    if frame["id"].duplicated().any():
        dupes = sorted(set(frame.loc[frame["id"].duplicated(), "id"]))
        raise DataError(f"{path}: duplicate id(s) {', '.join(dupes[:5])}")
    return frame


def load_places(files: CuratedFiles) -> pd.DataFrame:
    """Places and bases as rows of the place table."""
    frames = [_read(files.places, ["id", "name", "kind", "lat", "lon", "source"])]
    if files.bases:
        frames.append(_read(files.bases, ["id", "name", "kind", "lat", "lon", "source"]))
    table = pd.concat(frames, ignore_index=True)
    for col in ("lat", "lon"):
        values = pd.to_numeric(table[col], errors="coerce")
        bad = table.loc[values.isna(), "id"].tolist()
        if bad:
            raise DataError(f"curated {col} is not a number for {', '.join(bad[:5])}")
        table[col] = values
    table["country"] = table.get("country", pd.Series(index=table.index, dtype=object)).fillna("PE")
    table["importance"] = IMPORTANCE["curated"]
    return conform(table, priority=3)


def load_regions(files: CuratedFiles) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]], dict[str, dict]]:
    """Regions and their member districts.

    Returns
    -------
    regions : DataFrame
        One row per region in the place-table columns, without coordinates
        (the index places them at their members).
    members : dict
        Region id → UBIGEO codes of its districts.
    meta : dict
        Region id → ``version``, ``valid_from`` and ``notes`` (the decree's
        year, when the set applies, caveats).
    """
    if not files.regions:
        return conform(pd.DataFrame(columns=["id"]), priority=3), {}, {}
    regions = _read(files.regions, ["id", "name", "kind", "source"])
    members: dict[str, tuple[str, ...]] = {}
    if files.region_districts:
        links = pd.read_csv(files.region_districts, dtype=str, keep_default_na=False)
        unknown = sorted(set(links["region_id"]) - set(regions["id"]))
        if unknown:
            raise DataError(f"{files.region_districts}: unknown region id(s) {', '.join(unknown[:5])}")
        for region_id, group in links.groupby("region_id", sort=False):
            members[region_id] = tuple(group["ubigeo"].str.zfill(6))
    regions["lat"] = float("nan")
    regions["lon"] = float("nan")
    regions["country"] = "PE"
    regions["exact"] = "false"
    regions["importance"] = IMPORTANCE["curated"]
    meta = {row["id"]: {k: row.get(k) for k in ("version", "valid_from", "notes")}
            for _, row in regions.iterrows()}
    return conform(regions, priority=3), members, meta
