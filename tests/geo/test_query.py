"""Spatial and attribute queries, on hand-made events and on the real boundaries."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from gazetteer.errors import InvalidInputError
from geo import export
from geo.cli import main
from geo.query import counts, filter_events, nearest_base, within, within_distance


def _events(rows):
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "date_precision", "event_type", "actor1",
                                        "actor2", "fatalities", "admin1", "admin1_code", "admin2", "admin2_code",
                                        "admin3", "admin3_code", "longitude", "latitude", "status"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


@pytest.fixture
def events():
    return _events([
        ("a", "2014-02-17", "day", "Battles", "Sendero Luminoso", "Military Forces of Peru", 0,
         "Cusco", "08", "La Convención", "0809", "Kumpirushiato", "080915", -73.20443, -12.63686, "ok"),
        ("b", "2014-02-18", "day", "Battles", "Sendero Luminoso", "Military Forces of Peru", 1,
         "Ayacucho", "05", "Huanta", "0504", "Canayre", "050409", -74.0853, -12.283, "ok"),
        ("c", "2014-02-01", "month", "Violence against civilians", "Sendero Luminoso (Militarizado)", None, 3,
         "Ayacucho", "05", "Huanta", "0504", "Llochegua", "050408", -73.91, -12.41, "ambiguous"),
        ("d", "2013-01-01", "year", "Strategic developments", "Policía Nacional del Perú", None, None,
         "Lima", "15", "Lima", "1501", "Lima", "150101", -77.03, -12.05, "ok"),
    ])


def test_filters_compose(events):
    battles = filter_events(events, event_type="battles")
    assert battles["event_id"].tolist() == ["a", "b"]
    assert filter_events(events, actor="sendero")["event_id"].tolist() == ["a", "b", "c"]
    assert filter_events(events, actor="policia")["event_id"].tolist() == ["d"]
    # a month-precision event overlaps a range that starts mid-month; a year one overlaps the year
    assert filter_events(events, start="2014-02-10", end="2014-02-17")["event_id"].tolist() == ["a", "c"]
    assert filter_events(events, start="2013-06-01", end="2013-06-30")["event_id"].tolist() == ["d"]
    both = filter_events(filter_events(events, actor="sendero"), status="ok", start="2014-02-18")
    assert both["event_id"].tolist() == ["b"]
    assert both.index.tolist() == [1]


def test_within_admin_code_and_geometry(events):
    assert within(events, "0504")["event_id"].tolist() == ["b", "c"]
    assert within(events, "050408")["event_id"].tolist() == ["c"]
    assert within(events, "050000")["event_id"].tolist() == ["b", "c"]
    box = shapely.box(-75, -13, -73, -12)
    assert within(events, box)["event_id"].tolist() == ["a", "b", "c"]


def test_within_by_name_uses_the_gazetteer(events, gaz):
    assert within(events, "province of Huanta", gaz=gaz)["event_id"].tolist() == ["b", "c"]
    with pytest.warns(UserWarning, match="read as the department"):
        assert within(events, "Cusco", gaz=gaz)["event_id"].tolist() == ["a"]
    with pytest.raises(InvalidInputError, match="Atlantis"):
        within(events, "Atlantis", gaz=gaz)


@pytest.mark.parametrize("method", ["utm", "geodesic"])
def test_within_distance_of_a_point_and_a_place(events, gaz, method):
    near = within_distance(events, (-73.91, -12.41), 25, method=method)
    assert near["event_id"].tolist() == ["b", "c"]
    assert near["distance_km"].iloc[1] == pytest.approx(0, abs=1e-6)
    # Unión Mantaro -> Llochegua point: about 24 km
    assert near["distance_km"].iloc[0] == pytest.approx(23.7, abs=0.2)
    assert within_distance(events, "Kepashiato", 1, gaz=gaz, method=method)["event_id"].tolist() == ["a"]


def test_utm_and_geodesic_agree_in_the_vraem(events):
    utm = within_distance(events, (-74.0, -12.5), 500)["distance_km"]
    geo = within_distance(events, (-74.0, -12.5), 500, method="geodesic")["distance_km"]
    assert np.allclose(utm, geo, rtol=0.002)


def test_nearest_base(events):
    bases = gpd.GeoDataFrame({"id": ["base:x", "base:y"], "name": ["X", "Y"], "kind": ["military_base"] * 2},
                             geometry=gpd.points_from_xy([-73.2, -74.0], [-12.6, -12.3]), crs="EPSG:4326")
    out = nearest_base(events, bases=bases)
    assert out["base_id"].tolist() == ["base:x", "base:y", "base:y", "base:y"]
    assert out["base_km"].iloc[0] == pytest.approx(4.2, abs=0.3)
    capped = nearest_base(events, bases=bases, max_km=50)
    assert capped["base_id"].isna().tolist() == [False, False, False, True]


def test_nearest_base_from_the_gazetteer(events, gaz):
    out = nearest_base(events, gaz=gaz)
    assert out.loc[0, "base_id"] == "base:kepashiato" and out.loc[0, "base_km"] < 1
    # the curated bases stand at their towns: a distance of 0 says "in the base's town", and says so
    assert not out.loc[0, "base_exact"] and out.loc[0, "base_km_approx"]


def test_nearest_base_distance_is_approximate_when_either_end_is(events):
    bases = gpd.GeoDataFrame({"id": ["base:x", "base:y"], "name": ["X", "Y"], "kind": ["military_base"] * 2,
                              "exact": [True, False]},
                             geometry=gpd.points_from_xy([-73.2, -74.0], [-12.6, -12.3]), crs="EPSG:4326")
    located = events.assign(precision=["point", "province", None, "point"])
    out = nearest_base(located, bases=bases)
    assert out["base_exact"].tolist() == [True, False, False, False]
    # exact base and a point event: exact; an event at its province, or a base at its town: approximate
    assert out["base_km_approx"].tolist() == [False, True, True, True]


def test_counts_per_unit_and_period(events):
    per_province = counts(events, by="province")
    assert per_province[["code", "events"]].values.tolist() == [["0504", 2], ["0809", 1], ["1501", 1]]
    assert per_province.loc[per_province["code"] == "0504", "fatalities"].item() == 4
    monthly = counts(events, by="department", period="month")
    lima = monthly[monthly["code"] == "15"]
    assert lima["period"].isna().all()  # dated to its year only: no month
    yearly = counts(events, by="department", period="year")
    assert yearly[["code", "period", "events"]].values.tolist() == [
        ["05", "2014", 2], ["08", "2014", 1], ["15", "2013", 1]]


def test_bad_arguments_are_refused(events):
    with pytest.raises(InvalidInputError):
        counts(events, by="country")
    with pytest.raises(InvalidInputError):
        within_distance(events, (-73.9, -12.4), -5)
    with pytest.raises(InvalidInputError):
        within(events, "123")


@pytest.mark.shared_data
def test_queries_on_real_boundaries(gaz_pack):
    districts = gaz_pack.boundaries("district")
    sample = districts[districts["code"].str.startswith("05")].head(40)
    points = sample.geometry.representative_point()
    events = _events([(c, "2014-02-17", "day", "Battles", "Sendero Luminoso", None, 1, a1, c[:2], a2, c[:4], a3, c,
                       p.x, p.y, "ok") for c, a1, a2, a3, p in zip(sample["code"], sample["admin1"], sample["admin2"],
                                                                    sample["admin3"], points)])
    huanta = within(events, "province of Huanta", gaz=gaz_pack)
    assert set(huanta["admin3_code"]) == set(sample.loc[sample["code"].str.startswith("0504"), "code"])
    vraem = within(events, "region:vraem-2018", gaz=gaz_pack)
    members = set(gaz_pack.members("region:vraem-2018"))
    assert set(vraem["admin3_code"]) == members & set(sample["code"])
    assert counts(events, by="department")["events"].tolist() == [40]


def test_cli_query_filters_and_counts(tmp_path, events):
    path = export.write(events, tmp_path / "events.gpkg")
    runner = CliRunner()
    result = runner.invoke(main, ["query", str(path), "--actor", "sendero", "--within", "0504", "--no-datapack"])
    assert result.exit_code == 0, result.output
    assert [f["properties"]["event_id"] for f in json.loads(result.stdout)["features"]] == ["b", "c"]
    result = runner.invoke(main, ["query", str(path), "--count-by", "department", "--per", "year", "--no-datapack"])
    assert json.loads(result.stdout)[0] == {"code": "05", "name": "Ayacucho", "period": "2014", "events": 2,
                                            "fatalities": 4}
    result = runner.invoke(main, ["query", str(path), "--near", "-73.91,-12.41", "--km", "25", "--nearest-base",
                                  "-o", str(tmp_path / "near.csv"), "--no-datapack"])
    assert result.exit_code == 0, result.output
    near = pd.read_csv(tmp_path / "near.csv")
    assert near["event_id"].tolist() == ["b", "c"] and near["base_name"].notna().all()
    missing = runner.invoke(main, ["query", str(path), "--near", "Pichari", "--no-datapack"])
    assert missing.exit_code == 2 and "--km" in missing.stderr
