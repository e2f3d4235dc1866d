"""The Peru data pack: INEI populated places and administrative polygons.

A data pack is a folder with the layout of the project's reference data::

    peru/places/centros_poblados.csv       INEI's ~95,000 populated places
    peru/places/ubigeo_departamento.csv    code tables with capital coordinates
    peru/places/ubigeo_provincia.csv
    peru/places/ubigeo_distrito.csv
    peru/boundaries/departments.geojson    polygons (mapsPERU)
    peru/boundaries/provinces.geojson
    peru/boundaries/districts.geojson

``geo data fetch`` builds one in the user's cache; ``GEO_DATA_DIR`` points at
any other.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataPackError
from . import IMPORTANCE, conform

__all__ = ["REQUIRED", "ENV_VAR", "locate", "cache_dir", "load_places", "read_boundaries", "LEVELS"]

ENV_VAR = "GEO_DATA_DIR"

REQUIRED = (
    "peru/places/centros_poblados.csv",
    "peru/places/ubigeo_departamento.csv",
    "peru/places/ubigeo_provincia.csv",
    "peru/places/ubigeo_distrito.csv",
    "peru/boundaries/departments.geojson",
    "peru/boundaries/provinces.geojson",
    "peru/boundaries/districts.geojson",
)

#: level -> (file, code field, number of UBIGEO digits that identify a unit)
LEVELS = {
    "department": ("departments.geojson", "COD_DEPARTAMENTO", 2),
    "province": ("provinces.geojson", "COD_PROVINCIA", 4),
    "district": ("districts.geojson", "COD_DISTRITO", 6),
}


def _complete(path: Path) -> bool:
    return all((path / name).is_file() for name in REQUIRED)


def locate(data_dir: str | os.PathLike | None = None) -> Path | None:
    """Find the data pack.

    Parameters
    ----------
    data_dir : path, optional
        An explicit folder; it must hold a complete pack.

    Returns
    -------
    Path or None
        The explicit folder, else ``$GEO_DATA_DIR``, else the user cache
        (where ``geo data fetch`` puts it) when complete, else None.

    Raises
    ------
    DataPackError
        When an explicit folder is incomplete (an incomplete ``$GEO_DATA_DIR``
        is ignored with a warning).
    """
    if data_dir:
        path = Path(data_dir).expanduser()
        if not _complete(path):
            missing = [n for n in REQUIRED if not (path / n).is_file()]
            raise DataPackError(f"data_dir={path} is not a complete data pack: missing {', '.join(missing)}")
        return path.resolve()
    from ..fetch import find_data_dir  # the download path owns the search order

    return find_data_dir()


def cache_dir() -> Path:
    """Where ``geo data fetch`` puts the pack: the user's cache directory."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("geo-insurgency")) / "datapack"


def fingerprint(path: Path) -> list[tuple[str, int, int]]:
    """Size and mtime of every pack file, to key the on-disk index cache."""
    out = []
    for name in REQUIRED:
        st = (path / name).stat()
        out.append((name, st.st_size, st.st_mtime_ns))
    return out


def _code(series: pd.Series, digits: int) -> pd.Series:
    return series.astype(str).str.zfill(6).str[:digits]


@lru_cache(maxsize=8)
def _admin_names(path: Path) -> pd.DataFrame:
    """District code -> names with accents (from the polygons' attributes)."""
    import pyogrio

    frame = pyogrio.read_dataframe(path / "peru/boundaries/districts.geojson", read_geometry=False)
    frame = frame.rename(columns={"COD_DISTRITO": "code", "DISTRITO": "admin3",
                                  "PROVINCIA": "admin2", "DEPARTAMENTO": "admin1"})
    frame["admin3_code"] = _code(frame["code"], 6)
    frame["admin2_code"] = frame["admin3_code"].str[:4]
    frame["admin1_code"] = frame["admin3_code"].str[:2]
    frame["capital"] = frame["NOMBRE_CAPITAL_LEGAL"]
    frame["cx"] = frame["coords_x"].astype(float)
    frame["cy"] = frame["coords_y"].astype(float)
    return frame[["admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code", "capital", "cx", "cy"]]


@contextlib.contextmanager
def _damage_said(path: Path, what: str):
    """Any failure reading the pack's files becomes one DataPackError naming them and the remedy."""
    try:
        yield
    except DataPackError:
        raise
    except Exception as exc:  # noqa: BLE001 - pandas, pyogrio and csv fail in many ways on a damaged file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataPackError(f"the data pack's {what} in {path} cannot be read ({type(exc).__name__}: {first}); "
                            "rebuild it with `geo data fetch --force` or point GEO_DATA_DIR at a good copy") from exc


def load_places(path: Path) -> pd.DataFrame:
    """Admin units and INEI populated places as rows of the place table."""
    with _damage_said(path, "place tables or boundaries (peru/places, peru/boundaries)"):
        names = _admin_names(path)
        frames = [_admin_units(path, names), _populated_places(path, names)]
        return conform(pd.concat(frames, ignore_index=True), priority=2)


def _admin_units(path: Path, names: pd.DataFrame) -> pd.DataFrame:
    places = path / "peru/places"
    source = "Peru data pack: mapsPERU v2.0.0 polygons; capitals from INEI UBIGEO tables"
    dist = pd.read_csv(places / "ubigeo_distrito.csv", dtype={"inei": str})
    dist["admin3_code"] = dist["inei"].str.zfill(6)
    d = names.merge(dist[["admin3_code", "latitude", "longitude"]], on="admin3_code", how="left")
    # 19 new districts have no capital coordinates: fall back to the polygon's centroid.
    d["lat"] = d["latitude"].fillna(d["cy"])
    d["lon"] = d["longitude"].fillna(d["cx"])
    districts = d.assign(id="ubigeo:" + d["admin3_code"], name=d["admin3"], kind="district")

    prov_tab = pd.read_csv(places / "ubigeo_provincia.csv", dtype={"inei": str})
    prov_tab["admin2_code"] = prov_tab["inei"].str.zfill(6).str[:4]
    p = names.drop_duplicates("admin2_code").merge(
        prov_tab[["admin2_code", "latitude", "longitude"]], on="admin2_code", how="left")
    p["lat"], p["lon"] = p["latitude"].fillna(p["cy"]), p["longitude"].fillna(p["cx"])
    provinces = p.assign(id="ubigeo:" + p["admin2_code"], name=p["admin2"], kind="province",
                         admin3=None, admin3_code=None)

    dep_tab = pd.read_csv(places / "ubigeo_departamento.csv", dtype={"inei": str})
    dep_tab["admin1_code"] = dep_tab["inei"].str.zfill(6).str[:2]
    q = names.drop_duplicates("admin1_code").merge(
        dep_tab[["admin1_code", "latitude", "longitude"]], on="admin1_code", how="left")
    q["lat"], q["lon"] = q["latitude"].fillna(q["cy"]), q["longitude"].fillna(q["cx"])
    departments = q.assign(id="ubigeo:" + q["admin1_code"], name=q["admin1"], kind="department",
                           admin2=None, admin2_code=None, admin3=None, admin3_code=None)

    units = pd.concat([departments, provinces, districts], ignore_index=True)
    units["source"] = source
    units["country"] = "PE"
    units["exact"] = True
    units["importance"] = IMPORTANCE["admin"]
    return units


def _populated_places(path: Path, names: pd.DataFrame) -> pd.DataFrame:
    ccpp = pd.read_csv(
        path / "peru/places/centros_poblados.csv",
        dtype={"inei_ccpp": str, "inei_distrito": str, "ccpp": str, "tipo": str},
        usecols=["inei_ccpp", "inei_distrito", "ccpp", "tipo", "latitude", "longitude"],
    )
    ccpp = ccpp.dropna(subset=["latitude", "longitude", "ccpp"])
    ccpp["admin3_code"] = ccpp["inei_distrito"].str.zfill(6)
    ccpp = ccpp.merge(names.drop(columns=["capital", "cx", "cy"]), on="admin3_code", how="left")
    title = ccpp["ccpp"].str.title()
    return pd.DataFrame({
        "id": "inei:" + ccpp["inei_ccpp"].str.zfill(10),
        "name": title,
        "kind": "populated_place",
        "lat": ccpp["latitude"].astype(float),
        "lon": ccpp["longitude"].astype(float),
        "country": "PE",
        "admin1": ccpp["admin1"], "admin1_code": ccpp["admin1_code"],
        "admin2": ccpp["admin2"], "admin2_code": ccpp["admin2_code"],
        "admin3": ccpp["admin3"], "admin3_code": ccpp["admin3_code"],
        "importance": np.select(
            [ccpp["inei_ccpp"].str.zfill(10).str.endswith("0001"), ccpp["tipo"].eq("Urban")],
            [IMPORTANCE["capital"], IMPORTANCE["urban"]], IMPORTANCE["rural"]),
        "exact": True,
        "source": "INEI centros poblados " + ccpp["inei_ccpp"].str.zfill(10) + " (Peru data pack)",
    })


@lru_cache(maxsize=4)
def read_boundaries(path: Path, level: str):
    """Polygons of one admin level as a GeoDataFrame (code, name, admin1–3)."""
    import geopandas as gpd

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    filename, field, digits = LEVELS[level]
    with _damage_said(path, f"boundaries (peru/boundaries/{filename})"):
        frame = gpd.read_file(path / "peru/boundaries" / filename, engine="pyogrio")
        code = _code(frame[field], digits)
    out = gpd.GeoDataFrame({
        "code": code,
        "name": frame[{"department": "DEPARTAMENTO", "province": "PROVINCIA", "district": "DISTRITO"}[level]],
        "admin1": frame["DEPARTAMENTO"],
        "admin1_code": code.str[:2],
        "admin2": frame["PROVINCIA"] if level != "department" else None,
        "admin2_code": code.str[:4] if level != "department" else None,
        "admin3": frame["DISTRITO"] if level == "district" else None,
        "admin3_code": code if level == "district" else None,
    }, geometry=frame.geometry.values, crs="EPSG:4326")
    return out
