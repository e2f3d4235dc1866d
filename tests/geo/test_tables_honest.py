"""An analyst's Spanish sheet, checked row by row: the true place lies inside what each row claims.

The sheet (``data/hoja_analista.csv``, written for this test) has typos,
admin columns, names shared by several villages, a place that contradicts
its admin columns and a column the reader does not know. For each row we
know where the event really was (to the level the row itself tells); a row
may be coarse, ambiguous or unresolved, but never claim more than is true.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.events import read_events
from geo.events.geocode import district_index

SHEET = Path(__file__).parent / "data" / "hoja_analista.csv"

#: Where each row's event really was: (department, province, district) names, None where unknown.
TRUTH = [
    ("Cusco", "La Convención", "Pichari"),       # Pichary: a wrong letter, the province agrees
    ("Ayacucho", "Huanta", "Llochegua"),         # Lloxegua: two letters off, not corrected
    ("Cusco", "La Convención", None),            # Kepashiatto: a doubled letter
    ("Junín", "Satipo", "Mazamari"),             # Mazammari: a doubled letter
    ("Ayacucho", "La Mar", "Samugari"),          # Palmapampa of Samugari
    ("Ayacucho", "Huanta", "Sivia"),             # Palmapampa of Sivia
    ("Junín", "Satipo", "Río Tambo"),            # the district, not the river nor El Tambo of Huancayo
    ("Ayacucho", "La Mar", None),                # Santa Rosa of La Mar
    ("Ayacucho", None, None),                    # one of the San Martín of Ayacucho
    (None, None, None),                          # Santa Rosa with nothing to decide
    ("Cusco", None, None),                       # Pichary with only the department
    (None, None, None),                          # Kepashiato said to be in Huanta, Ayacucho: a contradiction
]
_LEVEL = {"point": 6, "near": 6, "district": 6, "province": 4, "department": 2}


@pytest.fixture(scope="module")
def events(gaz_pack):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = read_events(SHEET, gaz=gaz_pack)
    out.attrs["warnings"] = [str(w.message) for w in caught]
    return out


def _true_code(gaz, dept, prov, dist) -> str | None:
    table = gaz.boundaries("district")
    rows = table
    for column, name in (("admin1", dept), ("admin2", prov), ("admin3", dist)):
        if name is not None:
            rows = rows[rows[column] == name]
    assert len(rows), (dept, prov, dist)
    depth = 6 if dist else 4 if prov else 2
    codes = {code[:depth] for code in rows["code"]}
    assert len(codes) == 1
    return codes.pop()


def test_no_row_is_lost_and_unknown_headers_are_named(events):
    assert len(events) == len(TRUTH)
    said = " ".join(events.attrs["warnings"])
    assert "not understood" in said and "'Código interno'" in said and "'Fecha del hecho' → event_date" in said
    assert events["event_date"].notna().all()  # "Fecha del hecho" is read as the date


@pytest.mark.parametrize("row", range(len(TRUTH)))
def test_every_row_is_true_at_the_precision_it_claims(events, gaz_pack, row):
    ev = events.iloc[row]
    truth = TRUTH[row]
    located = not np.isnan(ev["latitude"])
    if truth == (None, None, None):
        assert ev["status"] != "ok", ev["reason"]
        return
    if not located:
        assert ev["status"] != "ok"
        return
    claimed = _LEVEL.get(ev["precision"])
    assert claimed is not None, ev["precision"]
    index = district_index(np.array([ev["longitude"]]), np.array([ev["latitude"]]), gaz_pack, tolerance_km=2)[0]
    found = gaz_pack.boundaries("district")["code"].iloc[index]
    known = _true_code(gaz_pack, *truth)
    depth = min(claimed, len(known))
    assert found[:depth] == known[:depth], (ev["location"], ev["precision"], ev["reason"])
    if claimed > len(known):
        # The row claims more than the truth we hold: only an ok, uncorrected point may do that.
        assert ev["status"] == "ok"


def test_typos_are_corrected_with_a_reason_and_lower_confidence(events):
    pichary = events.iloc[0]
    assert pichary["status"] == "ok" and pichary["admin3"] == "Pichari"
    assert "'Pichary'" in pichary["reason"] and pichary["confidence"] < 0.9
    mazamari = events.iloc[3]
    assert mazamari["admin3"] == "Mazamari" and "'Mazammari'" in mazamari["reason"]


def test_a_typo_the_columns_cannot_confirm_is_coarse_and_suggests(events):
    row = events.iloc[10]
    assert row["precision"] == "department" and "did you mean Pichari" in row["reason"]


def test_ambiguous_names_are_placed_at_the_unit_all_candidates_share(events):
    san_martin = events.iloc[8]
    assert san_martin["status"] == "ambiguous" and san_martin["precision"] == "department"
    assert san_martin["geo_precision"] == 3 and san_martin["where_prec"] == 4
    assert san_martin["candidates"].count("[") >= 2  # every candidate is listed with its id
    santa_rosa = events.iloc[9]
    assert santa_rosa["status"] == "ambiguous" and np.isnan(santa_rosa["latitude"])
    assert "Santa Rosa" in santa_rosa["candidates"] and "not placed" in santa_rosa["reason"]


def test_admin_columns_decide_and_contradictions_are_flagged(events):
    assert events.iloc[4]["admin3"] == "Samugari" and events.iloc[5]["admin3"] == "Sivia"
    tambo = events.iloc[6]
    assert tambo["admin3"] == "Río Tambo" and tambo["admin2"] == "Satipo"
    contradiction = events.iloc[11]
    assert contradiction["status"] == "ambiguous" and "stated department 'Ayacucho'" in contradiction["reason"]


def test_type_words_map_to_acled_and_keep_the_original(events):
    assert events.iloc[3]["event_type"] == "Explosions/Remote violence"     # coche bomba
    assert events.iloc[5]["sub_event_type"] == "Abduction/forced disappearance"  # secuestro
    assert "secuestro" in events.iloc[5]["notes"]


def test_min_precision_keeps_only_fine_rows(events):
    from geo.query import filter_events

    fine = filter_events(events, min_precision="district")
    assert set(fine["precision"]) <= {"point", "near", "district"}
    assert len(fine) == (events["precision"].isin(["point", "near", "district"])).sum() > 0
    assert len(filter_events(events, min_precision="department")) == events["latitude"].notna().sum()
    pd.testing.assert_frame_equal(filter_events(events, min_precision="country"), events[events["latitude"].notna()])
