"""Checks of the curated gazetteer and seed files.

The first half checks each file against its schema (headers, ids, kinds,
codes, sources).  The second half checks the content against independent
reference data in ``../shared/data`` (the Peru data pack layout): every
administrative point lies in its own polygon, every town and base lies in
the district it claims, region memberships reproduce DEVIDA's coca zone
totals from district figures.  Those tests use the ``shared_data`` fixture
of ``tests/conftest.py`` (``../shared/data`` beside the repository), which
skips them, saying why, when the folder is missing.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import shapely
from shapely import wkt as shapely_wkt

REPO = Path(__file__).resolve().parents[2]

PLACES = REPO / "gazetteer" / "data" / "places.csv"
BASES = REPO / "seeds" / "bases.csv"
REGIONS = REPO / "seeds" / "regions.csv"
REGION_DISTRICTS = REPO / "seeds" / "region_districts.csv"
COCA_ZONES = REPO / "seeds" / "coca_zones.csv"

HEADERS = {
    PLACES: "id,name,kind,lat,lon,country,admin1,admin1_code,admin2,admin2_code,"
    "admin3,admin3_code,population,aliases,wkt,exact,source",
    BASES: "id,name,kind,lat,lon,admin1,admin1_code,admin2,admin2_code,admin3,"
    "admin3_code,aliases,operator,exact,source,notes",
    REGIONS: "id,name,kind,aliases,version,valid_from,source,notes",
    REGION_DISTRICTS: "region_id,ubigeo,district,province,department,source",
    COCA_ZONES: "zone_id,zone,year,hectares,source",
}
ID_COLUMN = {PLACES: "id", BASES: "id", REGIONS: "id"}
PLACE_KINDS = {
    "country", "department", "province", "district", "capital",
    "populated_place", "river", "valley",
}
BASE_KINDS = {"military_base", "police_base"}
REGION_KINDS = {"region", "valley", "coca_zone"}
ADMIN_LEVELS = {"department": 2, "province": 4, "district": 6}

# Documented sizes of the versioned VRAE/VRAEM district sets: the decrees count 31
# and 69; seeds/README.md says why fewer are attributed.
REGION_SIZES = {"region:vrae-2008": 28, "region:vraem-2018": 60}

# UTM 18S: metric distances over the VRAEM (and, with small error, all Peru).
METRIC_CRS = "EPSG:32718"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _norm(text: str) -> str:
    """Compare names across sources: no accents, case, hyphens or extra spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-]+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def places() -> list[dict[str, str]]:
    return _read(PLACES)


@pytest.fixture(scope="module")
def bases() -> list[dict[str, str]]:
    return _read(BASES)


@pytest.fixture(scope="module")
def regions() -> list[dict[str, str]]:
    return _read(REGIONS)


@pytest.fixture(scope="module")
def members() -> dict[str, list[dict[str, str]]]:
    by_region: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read(REGION_DISTRICTS):
        by_region[row["region_id"]].append(row)
    return by_region


@pytest.fixture(scope="module")
def polygons(shared_data: Path) -> dict[str, dict[str, tuple[str, object]]]:
    """Polygons by level and UBIGEO code (2, 4 or 6 digits), in the metric CRS."""
    geopandas = pytest.importorskip("geopandas")
    fields = {"department": ("COD_DEPARTAMENTO", "DEPARTAMENTO"),
              "province": ("COD_PROVINCIA", "PROVINCIA"),
              "district": ("COD_DISTRITO", "DISTRITO")}
    out: dict[str, dict[str, tuple[str, object]]] = {}
    for level, (code_field, name_field) in fields.items():
        frame = geopandas.read_file(shared_data / "peru" / "boundaries" / f"{level}s.geojson")
        frame = frame.to_crs(METRIC_CRS)
        digits = ADMIN_LEVELS[level]
        out[level] = {
            str(code)[:digits]: (name, geom)
            for code, name, geom in zip(frame[code_field], frame[name_field], frame.geometry)
        }
    return out


def _metric_point(lon: float, lat: float):
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    return shapely.Point(*transformer.transform(lon, lat))


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("path", list(HEADERS), ids=lambda p: p.name)
def test_header_is_exact(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == HEADERS[path].split(",")


@pytest.mark.parametrize("path", list(HEADERS), ids=lambda p: p.name)
def test_every_row_parses_and_cites_a_source(path: Path) -> None:
    rows = _read(path)
    assert rows, f"{path.name} is empty"
    width = len(HEADERS[path].split(","))
    for line, row in enumerate(rows, start=2):
        assert None not in row and len(row) == width, f"{path.name}:{line} has a wrong number of fields"
        assert row["source"].strip(), f"{path.name}:{line} has no source"


@pytest.mark.parametrize("path", list(ID_COLUMN), ids=lambda p: p.name)
def test_ids_are_unique(path: Path) -> None:
    counts = Counter(row[ID_COLUMN[path]] for row in _read(path))
    assert [key for key, n in counts.items() if n > 1] == []


def test_place_ids_do_not_collide_with_base_or_region_ids(places, bases, regions) -> None:
    ids = [row["id"] for row in places + bases + regions]
    assert len(ids) == len(set(ids))


def test_place_rows_are_well_formed(places) -> None:
    for row in places:
        where = f"places.csv {row['id']}"
        assert row["kind"] in PLACE_KINDS, where
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, where
        assert row["exact"] in {"true", "false"}, where
        assert re.fullmatch(r"[A-Z]{2}", row["country"]), where
        assert row["population"] == "" or row["population"].isdigit(), where
        for alias in filter(None, row["aliases"].split("|")):
            assert alias == alias.strip() and _norm(alias) != _norm(row["name"]), f"{where}: alias {alias!r}"
        codes = [row["admin1_code"], row["admin2_code"], row["admin3_code"]]
        for digits, code in zip((2, 4, 6), codes):
            assert code == "" or re.fullmatch(rf"\d{{{digits}}}", code), f"{where}: code {code!r}"
        if codes[1]:
            assert codes[1].startswith(codes[0]), where
        if codes[2]:
            assert codes[2].startswith(codes[1]), where


@pytest.mark.parametrize("kind", sorted(ADMIN_LEVELS))
def test_admin_unit_ids_match_their_codes(places, kind: str) -> None:
    digits = ADMIN_LEVELS[kind]
    field = {2: "admin1", 4: "admin2", 6: "admin3"}[digits]
    rows = [row for row in places if row["kind"] == kind]
    assert rows
    for row in rows:
        if row["country"] != "PE":
            # A neighbour's unit (Ecuador's Sucumbíos): its country's prefix and a slug, no UBIGEO code.
            assert re.fullmatch(rf"{row['country'].lower()}:[a-z0-9-]+", row["id"]), row["id"]
            assert row[field] == row["name"] and not row[field + "_code"], row["id"]
            continue
        assert row["id"] == f"ubigeo:{row[field + '_code']}", row["id"]
        assert len(row["id"]) == len("ubigeo:") + digits, row["id"]
        assert row[field] == row["name"], row["id"]
        assert row["country"] == "PE", row["id"]


def test_town_ids_follow_the_slug_convention(places) -> None:
    prefixes = {"country": "iso:", "capital": "cur:", "populated_place": "cur:",
                "river": "cur:rio-", "valley": "cur:valle-"}
    for row in places:
        if row["kind"] in prefixes:
            assert row["id"].startswith(prefixes[row["kind"]]), row["id"]
            assert re.fullmatch(r"(iso:[A-Z]{2}|cur:[a-z0-9-]+)", row["id"]), row["id"]


def test_all_25_departments_are_present(places) -> None:
    codes = {row["admin1_code"] for row in places if row["kind"] == "department" and row["country"] == "PE"}
    assert codes == {f"{n:02d}" for n in range(1, 26)}


def test_names_news_use_are_present(places, bases) -> None:
    names = Counter(_norm(row["name"]) for row in places)
    for name in ("kepashiato", "union mantaro", "pichari", "kimbiri", "llochegua", "mazamari",
                 "tingo maria", "aucayacu", "tocache", "quillabamba", "palmapampa", "sanabamba"):
        assert names[name] >= 1, name
    # The ambiguity the resolver exists for must be real.
    assert names["santa rosa"] >= 3 and names["palmapampa"] >= 2 and names["quillabamba"] >= 2
    assert names["ccano"] >= 2 and names["sanabamba"] >= 4
    aliases = {_norm(a) for row in places for a in row["aliases"].split("|") if a}
    assert {"cuzco", "quimbiri", "huamanga"} <= aliases
    base_aliases = {_norm(a) for row in bases for a in row["aliases"].split("|")}
    assert {"base contraterrorista de union mantaro", "kepashiato military base", "ce vraem"} <= base_aliases


def test_rivers_are_approximate_linestrings(places) -> None:
    rivers = [row for row in places if row["kind"] == "river"]
    assert {_norm(r["name"]) for r in rivers} >= {
        "apurimac", "ene", "mantaro", "huallaga", "perene", "tambo", "urubamba", "monzon"}
    for row in rivers:
        line = shapely_wkt.loads(row["wkt"])
        assert line.geom_type == "LineString" and 6 <= len(line.coords) <= 15, row["id"]
        assert row["exact"] == "false", row["id"]
        assert line.distance(shapely.Point(float(row["lon"]), float(row["lat"]))) < 1e-9, row["id"]


def test_only_rivers_carry_wkt(places) -> None:
    assert [row["id"] for row in places if row["wkt"] and row["kind"] != "river"] == []


def test_base_rows_are_well_formed(bases) -> None:
    assert 15 <= len(bases) <= 30
    for row in bases:
        where = f"bases.csv {row['id']}"
        assert row["id"].startswith("base:") and row["kind"] in BASE_KINDS, where
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, where
        assert row["exact"] in {"true", "false"} and row["operator"].strip(), where
        assert re.fullmatch(r"\d{6}", row["admin3_code"]), where
        assert row["admin3_code"].startswith(row["admin2_code"]), where
        assert row["admin2_code"].startswith(row["admin1_code"]), where


def test_region_rows_are_well_formed(regions) -> None:
    for row in regions:
        assert row["kind"] in REGION_KINDS, row["id"]
        assert row["id"].startswith("coca:" if row["kind"] == "coca_zone" else "region:"), row["id"]
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row["valid_from"]), row["id"]
        assert row["version"].strip(), row["id"]


def test_region_aliases_resolve_to_one_region(regions) -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for row in regions:
        for alias in filter(None, [row["name"], *row["aliases"].split("|")]):
            owners[_norm(alias)].append(row["id"])
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert owners["vrae"] == ["region:vrae-2008"]
    assert owners["vraem"] == ["region:vraem-2018"]
    assert owners["apurimac ene valleys"] == ["region:vrae-2008"]
    assert owners["upper huallaga valley"] == ["region:alto-huallaga"]


def test_region_members_are_district_rows_of_the_gazetteer(places, regions, members) -> None:
    districts = {row["admin3_code"]: row for row in places if row["kind"] == "district"}
    region_ids = {row["id"] for row in regions}
    assert set(members) == region_ids
    for region_id, rows in members.items():
        codes = [row["ubigeo"] for row in rows]
        assert len(codes) == len(set(codes)), f"{region_id} lists a district twice"
        for row in rows:
            place = districts.get(row["ubigeo"])
            assert place is not None, f"{region_id}: {row['ubigeo']} is not a district in places.csv"
            assert (row["district"], row["province"], row["department"]) == (
                place["admin3"], place["admin2"], place["admin1"]), f"{region_id}: {row['ubigeo']}"
            assert row["source"].strip()


@pytest.mark.parametrize("region_id,size", sorted(REGION_SIZES.items()))
def test_vraem_versions_have_their_documented_size(members, region_id: str, size: int) -> None:
    assert len(members[region_id]) == size


def test_vraem_2018_spans_the_five_departments(members) -> None:
    departments = {row["department"] for row in members["region:vraem-2018"]}
    assert departments == {"Apurímac", "Ayacucho", "Cusco", "Huancavelica", "Junín"}
    vrae = {row["department"] for row in members["region:vrae-2008"]}
    assert vrae == {"Ayacucho", "Cusco", "Huancavelica", "Junín"}


def test_coca_zone_rows_are_well_formed(regions) -> None:
    zones = {row["id"] for row in regions if row["kind"] == "coca_zone"}
    rows = _read(COCA_ZONES)
    keys = Counter((row["zone_id"], row["year"]) for row in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    for row in rows:
        assert row["zone_id"] in zones, row["zone_id"]
        assert 2000 <= int(row["year"]) <= 2030 and float(row["hectares"]) > 0, row
    assert {(z, y) for z, y in keys if z == "coca:vraem"} >= {
        ("coca:vraem", str(y)) for y in range(2018, 2025)}


# ------------------------------------------------------ against ../shared/data


def _distance_to_unit(polygons, level: str, code: str, lon: float, lat: float) -> float:
    _, geom = polygons[level][code]
    return geom.distance(_metric_point(lon, lat))


@pytest.mark.shared_data
@pytest.mark.parametrize("kind", sorted(ADMIN_LEVELS))
def test_admin_points_lie_in_their_own_polygon(places, polygons, kind: str) -> None:
    field = {"department": "admin1", "province": "admin2", "district": "admin3"}[kind]
    far, misnamed = [], []
    for row in places:
        if row["kind"] != kind or row["country"] != "PE":
            continue  # the polygons are Peru's
        code = row[f"{field}_code"]
        assert code in polygons[kind], f"{row['id']}: no {kind} polygon with code {code}"
        name, _ = polygons[kind][code]
        if _norm(name) != _norm(row["name"]):
            misnamed.append((row["id"], row["name"], name))
        metres = _distance_to_unit(polygons, kind, code, float(row["lon"]), float(row["lat"]))
        if metres > 2000:
            far.append((row["id"], row["name"], round(metres / 1000, 1)))
    assert misnamed == [], f"names differ from the polygon's: {misnamed}"
    assert far == [], f"points more than 2 km outside their own polygon (km): {far}"


def _outside_claimed_district(rows, polygons, *, km: float) -> tuple[list, list]:
    """Rows whose district name differs from the polygon's, and rows too far outside it.

    An approximate point (``exact`` false) may lie up to ``km`` outside its
    district; a point taken from GeoNames or INEI only 1 km (the polygons'
    generalisation), so a village filed under the neighbouring district fails
    — unless its source documents that INEI files it there and the polygon
    disagrees (INEI's point is data, the polygon the approximation).
    """
    misnamed, far = [], []
    for row in rows:
        documented = "outside the district polygon" in (row.get("source", "") + row.get("notes", ""))
        name, _ = polygons["district"][row["admin3_code"]]
        if _norm(name) != _norm(row["admin3"]):
            misnamed.append((row["id"], row["admin3"], name))
        metres = _distance_to_unit(polygons, "district", row["admin3_code"],
                                   float(row["lon"]), float(row["lat"]))
        if metres > (km if row["exact"] == "false" else 1) * 1000 and not documented:
            far.append((row["id"], row["admin3"], round(metres / 1000, 1)))
    return misnamed, far


@pytest.mark.shared_data
def test_towns_lie_in_the_district_they_claim(places, polygons) -> None:
    towns = [row for row in places if row["kind"] in {"populated_place", "capital"} and row["admin3_code"]]
    misnamed, far = _outside_claimed_district(towns, polygons, km=5)
    assert misnamed == [], f"district names differ from the polygon's: {misnamed}"
    assert far == [], f"towns outside the district they claim (km): {far}"


@pytest.mark.shared_data
def test_bases_lie_in_the_district_they_claim(bases, polygons) -> None:
    misnamed, far = _outside_claimed_district(bases, polygons, km=5)
    assert misnamed == [], f"district names differ from the polygon's: {misnamed}"
    assert far == [], f"bases outside their district (km): {far}"


def _district_hectares(shared_data: Path) -> dict[tuple[str, int], float]:
    with (shared_data / "peru" / "coca" / "coca_districts_2012_2020.csv").open(encoding="utf-8") as handle:
        return {(row["UBIGEO"], int(row["YEAR"])): float(row["Coca_ha"]) for row in csv.DictReader(handle)}


# Zones whose DEVIDA totals a district set reproduces exactly (see seeds/README.md).
EXACT_ZONES = ["coca:vraem", "coca:la-convencion-lares", "coca:inambari-tambopata"]


@pytest.mark.shared_data
@pytest.mark.parametrize("zone_id", EXACT_ZONES)
@pytest.mark.parametrize("year", [2018, 2019, 2020])
def test_coca_zone_hectares_equal_the_sum_of_member_districts(shared_data, members, zone_id, year) -> None:
    by_district = _district_hectares(shared_data)
    total = sum(by_district.get((row["ubigeo"], year), 0.0) for row in members[zone_id])
    seeded = {int(r["year"]): float(r["hectares"]) for r in _read(COCA_ZONES) if r["zone_id"] == zone_id}
    assert total == pytest.approx(seeded[year], abs=1.0)


@pytest.mark.shared_data
@pytest.mark.parametrize("zone_id", ["coca:kosnipata", "coca:pichis-palcazu-pachitea", "coca:aguaytia"])
def test_approximate_coca_zones_are_within_fifteen_percent(shared_data, members, zone_id) -> None:
    by_district = _district_hectares(shared_data)
    seeded = {int(r["year"]): float(r["hectares"]) for r in _read(COCA_ZONES) if r["zone_id"] == zone_id}
    for year in (2018, 2019, 2020):
        total = sum(by_district.get((row["ubigeo"], year), 0.0) for row in members[zone_id])
        assert total == pytest.approx(seeded[year], rel=0.15), year


@pytest.mark.shared_data
def test_vraem_2018_differences_from_the_geoperu_list_are_documented(shared_data, members, regions) -> None:
    with (shared_data / "peru" / "regions" / "vraem_districts.csv").open(encoding="utf-8") as handle:
        geoperu = {row["ubigeo"] for row in csv.DictReader(handle)}
    notes = _norm(next(r["notes"] for r in regions if r["id"] == "region:vraem-2018"))
    ours = members["region:vraem-2018"]
    undocumented = [row["district"] for row in ours
                    if row["ubigeo"] not in geoperu and _norm(row["district"]) not in notes]
    assert undocumented == []
    # Nine in ten members must agree with the state's own viewer.
    assert sum(row["ubigeo"] in geoperu for row in ours) >= 0.9 * len(ours)
