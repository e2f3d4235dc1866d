"""The geopy-compatible geocoder, through geopandas."""

import geopandas
import pytest

from gazetteer.geocoder import OfflineGeocoder


def test_geopandas_geocode_works_offline(gaz):
    names = ["Kepashiato", "Pichari", "Xyzzyville"]
    gdf = geopandas.tools.geocode(names, provider=OfflineGeocoder, gazetteer=gaz)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 3
    kep = gdf.geometry.iloc[0]
    assert -74 < kep.x < -72.5 and -13.2 < kep.y < -12.3
    assert "Cusco" in gdf["address"].iloc[0]
    assert gdf.geometry.iloc[2].is_empty


def test_geocode_returns_geopy_locations(gaz):
    coder = OfflineGeocoder(gaz)
    loc = coder.geocode("Sanabamba", context="Ayna, La Mar")
    assert loc.raw["status"] == "ok"
    assert loc.raw["admin3"] == "Ayna"
    many = coder.geocode("Santa Rosa", exactly_one=False)
    assert len(many) > 1


def test_ambiguous_can_be_refused(gaz):
    assert OfflineGeocoder(gaz, accept_ambiguous=False).geocode("Santa Rosa") is None


def test_reverse_finds_the_nearest_town(gaz):
    coder = OfflineGeocoder(gaz)
    kep = gaz.resolve("Kepashiato").best.place
    loc = coder.reverse((kep.lat + 0.001, kep.lon))
    assert loc.raw["name"] == "Kepashiato"


@pytest.mark.parametrize("query", [None, float("nan")])
def test_missing_queries(gaz, query):
    assert OfflineGeocoder(gaz).geocode(query) is None


@pytest.mark.parametrize(("query", "place_id"), [
    ("Pichari, Cusco", "cur:pichari"),
    ("Santa Rosa, La Mar, Ayacucho", "cur:santa-rosa-la-mar"),
    ("Kepashiato, La Convención, Cusco, Perú", "cur:kepashiato"),
])
def test_a_comma_separated_query_is_a_name_and_its_admin_units(gaz, query, place_id):
    from gazetteer.geocoder import OfflineGeocoder

    location = OfflineGeocoder(gaz).geocode(query)
    assert location is not None and location.raw["id"] == place_id
    assert location.raw["status"] == "ok" and "read as" in location.raw["reason"]
