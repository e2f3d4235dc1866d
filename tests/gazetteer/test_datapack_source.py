"""The Peru data pack as a gazetteer source (read from ../shared/data)."""

import pytest

from gazetteer import Gazetteer, Kind
from gazetteer.errors import DataPackError

pytestmark = pytest.mark.shared_data


def test_pack_adds_inei_places_and_polygons(gaz_pack, gaz):
    info = gaz_pack.info()
    assert "datapack" in info["sources"]
    assert info["by_kind"]["district"] >= 1891
    assert info["places"] > len(gaz) + 90_000
    assert gaz_pack.has_datapack and not gaz.has_datapack


def test_admin_units_get_exact_polygons_with_the_pack(gaz_pack, gaz):
    llochegua = gaz_pack.get("ubigeo:050408")
    assert llochegua.exact
    geom = gaz_pack.geometry("ubigeo:050408")
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert geom.contains(geom.representative_point())
    assert not gaz.get("ubigeo:050408").exact
    assert gaz.geometry("ubigeo:050408").geom_type == "Point"


def test_regions_are_built_from_district_polygons(gaz_pack, gaz):
    import shapely

    exact = gaz_pack.geometry("region:vraem-2018")
    approx = gaz.geometry("region:vraem-2018")
    assert exact.geom_type in ("Polygon", "MultiPolygon") and approx.geom_type == "Polygon"
    assert gaz_pack.get("region:vraem-2018").exact and not gaz.get("region:vraem-2018").exact
    # the approximation covers most of the real region
    overlap = shapely.area(shapely.intersection(exact, approx)) / shapely.area(exact)
    assert overlap > 0.5
    pichari = gaz_pack.resolve("Pichari").best.place
    assert exact.contains(shapely.Point(pichari.lon, pichari.lat))


def test_inei_village_with_chain(gaz_pack):
    res = gaz_pack.resolve("Sanabamba", context="Ayna")
    place = res.best.place
    assert (place.admin1, place.admin2, place.admin3) == ("Ayacucho", "La Mar", "Ayna")
    assert place.admin3_code == "050503"


def test_acled_style_city_dash_district(gaz_pack):
    res = gaz_pack.resolve("Lima - Ancon")
    assert res.status == "ok"
    assert res.best.place.admin3 == "Ancón"
    assert "read as 'Ancon' in 'Lima'" in res.reason


def test_admin_units_sharing_the_mention_name_place_the_city(gaz_pack):
    res = gaz_pack.resolve("Piura", context={"admin1": "Piura", "admin2": "Piura", "admin3": "Piura"})
    assert res.status == "ok"
    assert res.best.place.kind is Kind.POPULATED_PLACE
    # GeoNames' city centre, which ACLED and UCDP use, not INEI's point 5 km away
    assert (round(res.best.place.lat, 3), round(res.best.place.lon, 3)) == (-5.182, -80.657)


def test_geonames_places_get_their_chain_from_polygons(gaz_pack):
    places = gaz_pack.places(kinds=[Kind.POPULATED_PLACE])
    gn = places[places["id"].str.startswith("gn:") & places["country"].eq("PE")]
    assert gn["admin3_code"].notna().mean() > 0.95


def test_boundaries_need_the_pack(gaz, gaz_pack):
    with pytest.raises(DataPackError):
        gaz.boundaries("district")
    districts = gaz_pack.boundaries("district")
    assert len(districts) == 1891
    assert {"code", "name", "admin1", "admin2", "admin3", "geometry"} <= set(districts.columns)
    assert districts.crs.to_epsg() == 4326


def test_incomplete_pack_folder_is_refused(tmp_path):
    (tmp_path / "peru" / "places").mkdir(parents=True)
    with pytest.raises(DataPackError, match="missing"):
        Gazetteer.load(data_dir=tmp_path, cache_dir=False)


def test_env_var_points_at_the_pack(shared_data, monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_DATA_DIR", str(shared_data))
    gaz = Gazetteer.load(cache_dir=tmp_path)
    assert gaz.has_datapack


def test_region_polygons_have_no_sliver_holes(gaz_pack):
    geom = gaz_pack.geometry("region:vraem-2018")
    parts = getattr(geom, "geoms", [geom])
    holes = [ring for part in parts for ring in part.interiors]
    # district polygons that do not quite meet leave hundreds of hairline holes; none survive
    assert len(holes) < 10


def test_regions_carry_their_version(gaz):
    regions = gaz.regions().set_index("id")
    assert {"version", "valid_from", "source", "members"} <= set(regions.columns)
    assert "2018" in str(regions.loc["region:vraem-2018", "version"]) + str(regions.loc["region:vraem-2018", "source"])


def test_structured_admin_fields_name_their_level(gaz_pack):
    # "San Martín" as admin1 is the department, not San Martín province (where another Cachiyacu lies)
    res = gaz_pack.resolve("Cachiyacu", context={"admin1": "San Martín", "admin2": "Tocache"})
    close = res.candidates[:res.close]
    assert close and all(c.place.admin2 == "Tocache" for c in close)
