"""Loaders that turn each source into rows of the place table.

Every loader returns a :class:`pandas.DataFrame` with the columns of
:data:`COLUMNS`; the index builder concatenates them. ``priority`` orders
sources when two entries describe the same place: curated (3) over the data
pack (2) over GeoNames (1) — except GeoNames cities of 10,000 people or more
(2.5), whose centres are the ones ACLED and UCDP use.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COLUMNS", "IMPORTANCE", "empty_table", "conform"]

COLUMNS = [
    "id", "name", "kind", "lat", "lon", "country",
    "admin1", "admin1_code", "admin2", "admin2_code", "admin3", "admin3_code",
    "population", "aliases", "wkt", "exact", "source", "priority", "importance",
]

#: Prior added to a candidate's score by source and standing, before context.
#: Curated entries are the places news names; among INEI's populated places a
#: district capital (code ending 0001) outranks an urban centre, which
#: outranks a rural hamlet.
IMPORTANCE = {"curated": 0.12, "admin": 0.03, "capital": 0.04, "urban": 0.02, "rural": -0.06, "geonames": 0.0}


def empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def conform(frame: pd.DataFrame, *, priority: int) -> pd.DataFrame:
    """Give ``frame`` exactly :data:`COLUMNS`, with plain Python objects.

    Missing strings become ``None``; aliases become tuples.
    """
    out = pd.DataFrame(index=range(len(frame)))
    for col in COLUMNS:
        if col in frame:
            values = frame[col].to_numpy(dtype=object, na_value=None)
        else:
            values = [None] * len(frame)
        out[col] = pd.Series(list(values), dtype=object)
    out["lat"] = out["lat"].astype(float)
    out["lon"] = out["lon"].astype(float)
    out["priority"] = priority
    out["importance"] = pd.to_numeric(out["importance"], errors="coerce").fillna(0.0).astype(float)
    out["aliases"] = [_aliases(a) for a in out["aliases"]]
    out["exact"] = [_truthy(e) for e in out["exact"]]
    out["population"] = [None if p is None or p != p else int(p) for p in out["population"]]
    return out


def _aliases(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v)
    return tuple(a.strip() for a in str(value).split("|") if a.strip())


def _truthy(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "")
    return bool(value)
