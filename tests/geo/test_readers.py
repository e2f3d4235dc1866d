"""Reading event files: formats, encodings, malformed rows, empty files, dates and coordinates."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from gazetteer.errors import InvalidInputError
from geo.events import geocode_events, read_events
from geo.events.columns import detect_columns, sniff_format
from geo.events.dates import DateError, parse_date
from geo.schema import EVENT_COLUMNS

DATA = Path(__file__).parent / "data"


def _read(name, gaz, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events = read_events(DATA / name, gaz=gaz, **kwargs)
    return events, [str(w.message) for w in caught]


@pytest.mark.parametrize("name, rows", [
    ("events_en.csv", 6), ("eventos_es_cp1252.csv", 3), ("malformed.csv", 4), ("coordinates.csv", 8),
    ("events.json", 4), ("events.jsonl", 3), ("events.geojson", 2), ("acled_format.csv", 3),
    ("ucdp_format.csv", 2), ("empty.csv", 0), ("header_only.csv", 0),
])
def test_one_output_row_per_input_row_in_order_in_the_schema(gaz, name, rows):
    events, _ = _read(name, gaz)
    assert len(events) == rows
    assert list(events.columns[:len(EVENT_COLUMNS)]) == list(EVENT_COLUMNS)
    assert events.crs.to_epsg() == 4326
    assert events["row"].tolist() == list(range(1, rows + 1))
    assert set(events["status"]) <= {"ok", "ambiguous", "unresolved", "invalid"}


def test_english_columns_dates_keep_their_precision(gaz):
    events, messages = _read("events_en.csv", gaz)
    assert events["event_id"].tolist()[:2] == ["E1", "E2"]
    assert events["date_precision"].tolist()[:4] == ["day", "day", "month", "year"]
    assert events["event_date"].iloc[2] == pd.Timestamp("2014-02-01")
    assert events["event_date"].iloc[3] == pd.Timestamp("2013-01-01")
    assert events.loc[0, ["admin1", "place_id", "status"]].tolist() == ["Cusco", "cur:kepashiato", "ok"]
    assert events.loc[0, "actor1"] == "Sendero Luminoso"


def test_impossible_date_keeps_the_row_invalid_and_names_row_column_value(gaz):
    events, messages = _read("events_en.csv", gaz)
    bad = events.iloc[4]
    assert bad["status"] == "invalid" and pd.isna(bad["event_date"])
    assert "'2014-02-30'" in bad["reason"]
    assert any("row 5" in m and "'date'" in m and "2014-02-30" in m for m in messages)
    assert events.iloc[5]["status"] == "unresolved" and "Atlantis" in events.iloc[5]["reason"]


def test_cp1252_file_is_read_with_a_warning(gaz):
    events, messages = _read("eventos_es_cp1252.csv", gaz)
    assert events["location"].tolist()[:2] == ["Kepashiato", "Unión Mantaro"]
    assert events["source"].iloc[0] == "Perú21"
    assert any("not UTF-8" in m and "cp1252" in m for m in messages)
    # Spanish day-first dates, long-form dates and decimal commas
    assert events["event_date"].tolist()[:3] == [pd.Timestamp("2014-02-17"), pd.Timestamp("2014-02-18"),
                                                 pd.Timestamp("2009-04-09")]
    assert events.loc[2, ["latitude", "longitude", "fatalities"]].tolist() == [-12.83, -74.07, 13]


def test_malformed_rows_stay_invalid_and_the_rest_is_read(gaz):
    events, messages = _read("malformed.csv", gaz)
    assert events["status"].tolist() == ["ok", "invalid", "ok", "invalid"]
    assert "line 3" in events.loc[1, "reason"] and "6 fields" in events.loc[1, "reason"]
    assert events.loc[1, "location"] == "Unión Mantaro"  # kept as text, not geocoded
    assert pd.isna(events.loc[1, "latitude"])
    assert any("row 2" in m and "line 3" in m for m in messages)


def test_empty_file_warns_and_header_only_file_is_silent(gaz):
    events, messages = _read("empty.csv", gaz)
    assert len(events) == 0 and any("empty" in m for m in messages)
    events, messages = _read("header_only.csv", gaz)
    assert len(events) == 0 and messages == []


def test_json_record_that_is_not_an_object_keeps_its_place(gaz):
    events, _ = _read("events.json", gaz)
    assert events["status"].tolist()[2] == "invalid"
    assert events.loc[3, ["location", "fatalities"]].tolist() == ["Sanabamba", 13]


def test_jsonl_bad_line_keeps_its_place(gaz):
    events, _ = _read("events.jsonl", gaz)
    assert events["status"].tolist() == ["ok", "invalid", "ok"]
    assert "line 2" in events.loc[1, "reason"]


def test_geojson_input_takes_coordinates_from_the_geometry(gaz):
    events, _ = _read("events.geojson", gaz)
    assert events.loc[0, ["longitude", "latitude"]].tolist() == [-73.20443, -12.63686]
    assert events.loc[1, "place_id"] == "cur:union-mantaro"


@pytest.mark.parametrize("pos, status, words", [
    (0, "ok", None),
    (1, "ok", "swapped"),
    (2, "invalid", "beyond ±90"),
    (3, "invalid", "'latitude' is empty"),
    (4, "invalid", "'abc': not a number"),
    (5, "invalid", "placeholder"),
    (6, "invalid", "outside PE"),
])
def test_coordinates_are_checked(gaz, pos, status, words):
    events, _ = _read("coordinates.csv", gaz)
    row = events.iloc[pos]
    assert row["status"] == status
    if words:
        assert words in row["reason"]
    # every one of these rows ends up at Kepashiato: from its coordinates, or from its name
    assert (round(row["latitude"], 3), round(row["longitude"], 3)) == (-12.637, -73.204)


@pytest.mark.shared_data
def test_point_outside_the_stated_department_is_flagged(gaz_pack):
    events, messages = _read("coordinates.csv", gaz_pack)
    row = events.iloc[7]
    assert row["status"] == "ambiguous"
    assert "not in the stated department 'Ayacucho'" in row["reason"]
    assert row["admin1"] == "Cusco" and row["admin3_code"] == "080915"


def test_acled_format_precisions(gaz):
    events, _ = _read("acled_format.csv", gaz)
    assert events["date_precision"].tolist() == ["day", "day", "month"]
    assert events["event_date"].iloc[2] == pd.Timestamp("2014-02-01")
    assert events["geo_precision"].tolist() == [1, 1, 3]  # row 2 is geocoded to a village
    assert events["precision"].tolist() == ["point", "point", "region"]
    assert events.loc[0, ["latitude", "longitude", "country"]].tolist() == [-12.6369, -73.2044, "PE"]
    assert events.loc[1, "place_id"] == "cur:union-mantaro"


def test_ucdp_format(gaz):
    events, _ = _read("ucdp_format.csv", gaz)
    assert events["event_type"].tolist() == ["Battles", "Battles"]
    assert events["actor2"].iloc[0] == "Sendero Luminoso"
    assert events["where_prec"].tolist() == [2, 4]
    assert events["precision"].tolist() == ["near", "department"]
    # a date range within one month is that month
    assert events.loc[1, ["event_date", "date_precision"]].tolist() == [pd.Timestamp("2014-02-01"), "month"]
    assert events.loc[1, "place_id"] == "ubigeo:05" and events.loc[1, "location"] == "Ayacucho department"
    assert events.loc[0, "admin1"] == "Ayacucho"


@pytest.mark.shared_data
@pytest.mark.parametrize("name, fmt", [("acled_peru_2022_dummy.csv", "acled"), ("ucdp_ged_sample.csv", "ucdp")])
def test_real_exports_are_recognised(shared_data, gaz, name, fmt):
    path = shared_data / "events" / name
    assert sniff_format(pd.read_csv(path, nrows=0).columns) == fmt
    events, _ = _read(path, gaz)
    assert len(events) == len(pd.read_csv(path))
    assert events["latitude"].notna().all() and (events["status"] == "ok").all()


def test_excel_with_spanish_headers_and_a_mapping(gaz, tmp_path):
    path = tmp_path / "hoja.xlsx"
    pd.DataFrame({"Fecha": [pd.Timestamp("2014-02-17"), "2014-02"], "Lugar del ataque": ["Kepashiato", "Pichari"],
                  "Muertos": [0, 2]}).to_excel(path, index=False)
    unmapped = read_events(path, gaz=gaz)  # "Lugar del ataque": the head word says where
    events = read_events(path, gaz=gaz, mapping={"Lugar del ataque": "location"})
    assert events["place_id"].tolist() == unmapped["place_id"].tolist() == ["cur:kepashiato", "cur:pichari"]
    assert events["date_precision"].tolist() == ["day", "month"]
    assert events["fatalities"].tolist() == [0, 2]


def test_mapping_to_an_unknown_field_or_column_is_refused(gaz):
    with pytest.raises(InvalidInputError, match="not an event field"):
        read_events(DATA / "events_en.csv", gaz=gaz, mapping={"location": "lugarcito"})
    with pytest.raises(InvalidInputError, match="does not have"):
        read_events(DATA / "events_en.csv", gaz=gaz, mapping={"Lugar": "location"})


def test_geocode_events_on_a_dataframe_with_admin_only_rows(gaz):
    frame = pd.DataFrame({"distrito": ["Llochegua", None], "provincia": ["Huanta", None],
                          "departamento": ["Ayacucho", "Junín"]})
    events = geocode_events(frame, gaz=gaz)
    assert events["precision"].tolist() == ["district", "department"]
    assert events["place_id"].tolist() == ["ubigeo:050408", "ubigeo:12"]


def test_detect_columns_english_and_spanish():
    found = detect_columns(["Fecha del evento", "LUGAR", "Departamento", "Provincia", "Distrito", "Lat", "Lng",
                            "Muertos", "Fuente", "URL"])
    assert found == {"event_date": "Fecha del evento", "location": "LUGAR", "admin1": "Departamento",
                     "admin2": "Provincia", "admin3": "Distrito", "latitude": "Lat", "longitude": "Lng",
                     "fatalities": "Muertos", "source": "Fuente", "source_url": "URL"}


@pytest.mark.parametrize("text, expected", [
    ("2014-02-17", ("2014-02-17", "day")), ("17/02/2014", ("2014-02-17", "day")),
    ("02/17/2014", ("2014-02-17", "day")), ("17 de febrero de 2014", ("2014-02-17", "day")),
    ("February 17, 2014", ("2014-02-17", "day")), ("setiembre 2014", ("2014-09-01", "month")),
    ("2014-02", ("2014-02-01", "month")), ("2014", ("2014-01-01", "year")),
    ("2014-02-17T05:00:00Z", ("2014-02-17", "day")),
    # the ordinary formats of spreadsheets and reports
    ("17th February 2014", ("2014-02-17", "day")), ("Monday 17 February 2014", ("2014-02-17", "day")),
    ("lunes 17 de febrero de 2014", ("2014-02-17", "day")), ("20140217", ("2014-02-17", "day")),
    ("41687", ("2014-02-17", "day")), (41687, ("2014-02-17", "day")), ("17/02/14", ("2014-02-17", "day")),
    ("17/02/89", ("1989-02-17", "day")), ("Feb. 17th, 2014", ("2014-02-17", "day")),
    ("2014-W08-1", ("2014-02-17", "day")), ("1ro de mayo de 1990", ("1990-05-01", "day")),
    ("mar 2014", ("2014-03-01", "month")),
])
def test_parse_date(text, expected):
    stamp, precision = parse_date(text)
    assert (stamp.date().isoformat(), precision) == expected


@pytest.mark.parametrize("text", ["2014-02-30", "yesterday", "31 febrero 2014", "Tuesday 17 February 2014",
                                  "2014-W54-1", 12345, float("inf"), "99999999"])
def test_parse_date_refuses(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_columns_not_understood_are_named_in_a_warning(gaz, tmp_path):
    path = tmp_path / "hoja.csv"
    pd.DataFrame({"Fecha del hecho": ["2014-02-17"], "Lugar del ataque": ["Kepashiato"],
                  "Número de muertos": [3], "Observ. internas": ["x"]}).to_csv(path, index=False)
    with pytest.warns(UserWarning, match="not understood.*'Observ. internas'") as caught:
        events = read_events(path, gaz=gaz)
    assert "'Fecha del hecho' → event_date" in str(caught[0].message)
    assert events["event_date"].notna().all() and events["fatalities"].tolist() == [3]
    assert events["place_id"].tolist() == ["cur:kepashiato"]


def test_a_place_column_that_no_header_names_is_still_refused(gaz, tmp_path):
    path = tmp_path / "hoja.csv"
    pd.DataFrame({"Fecha": ["2014-02-17"], "Sitio del hecho": ["Kepashiato"]}).to_csv(path, index=False)
    assert read_events(path, gaz=gaz)["place_id"].tolist() == ["cur:kepashiato"]  # "sitio" is a place word
    pd.DataFrame({"Fecha": ["2014-02-17"], "Comentario": ["Kepashiato"]}).to_csv(path, index=False)
    with pytest.raises(InvalidInputError, match="no column says where"), \
            pytest.warns(UserWarning, match="'Comentario'"):
        read_events(path, gaz=gaz)


def test_spanish_and_english_type_words_map_to_acled_types_keeping_the_original(gaz):
    frame = pd.DataFrame({"fecha": ["2014-02-17"] * 4, "lugar": ["Kepashiato", "Pichari", "Llochegua", "Kimbiri"],
                          "tipo": ["Emboscada", "coche bomba", "Secuestro", "Battles"],
                          "notas": ["según el Ejército", None, None, None]})
    events = geocode_events(frame, gaz=gaz)
    assert events["event_type"].tolist() == ["Battles", "Explosions/Remote violence", "Violence against civilians",
                                             "Battles"]
    assert events["sub_event_type"].tolist()[:3] == ["Armed clash", "Remote explosive/landmine/IED",
                                                      "Abduction/forced disappearance"]
    assert events["notes"].tolist()[:2] == ["según el Ejército; type as written: Emboscada",
                                            "type as written: coche bomba"]
    assert pd.isna(events["notes"].tolist()[3])  # already an ACLED type: nothing to say
