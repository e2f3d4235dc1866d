"""Event extraction: dates against the publication day, ACLED types, actors, tolls, places."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from gazetteer.errors import InvalidInputError
from geo.parse import extract_events
from geo.parse.dates import find_dates
from geo.schema import EVENT_COLUMNS

SEED = ("Shining Path rebels hit three bases in Peru's coca valleys\n\n"
        "LIMA, Feb 20 - About 30 Shining Path fighters attacked the Kepashiato military base in Cusco's "
        "La Convención province on Monday, the armed forces said, in the first serious clashes in the VRAEM "
        "since November.\nThe next day the rebels fired on the counter-insurgency bases at Unión Mantaro and "
        "Ccano, both in the province of Huanta in the Ayacucho region. No soldiers were killed, officials said.\n"
        'Analysts said the attacks followed the killing of the leaders "Alipio" and "Gabriel" last year.')


def _rows(frame):
    return [(r.event_date.strftime("%Y-%m-%d"), r.sub_event_type, r.place_id) for r in frame.itertuples()]


def test_seed_facts_give_three_events(gaz):
    events = extract_events(SEED, published="2014-02-20", gaz=gaz)
    assert _rows(events) == [("2014-02-17", "Armed clash", "base:kepashiato"),
                             ("2014-02-18", "Armed clash", "base:union-mantaro"),
                             ("2014-02-18", "Armed clash", "base:ccano")]
    first = events.iloc[0]
    assert (first.actor1, first.actor2, first.fatalities) == ("Shining Path", "Military Forces of Peru", 0)
    assert first.notes == "attackers: 30"
    assert list(events.columns) == [*EVENT_COLUMNS, "geometry"]
    assert events.crs.to_epsg() == 4326


@pytest.mark.parametrize("text, published, expected", [
    ("Trece militares murieron ayer en una emboscada en el distrito de Ayna.", "2009-04-10", ("2009-04-09", "day")),
    ("perpetrado el lunes 17 de febrero por unos 30 subversivos", "2014-02-19", ("2014-02-17", "day")),
    ("on March 1, 2008, the camp was bombed", "2010-04-16", ("2008-03-01", "day")),
    ("In April, two soldiers died in a clash", "2015-06-15", ("2015-04-01", "month")),
    ("abatido en marzo de 2008 en un campamento", "2010-05-07", ("2008-03-01", "month")),
    ("late on Tuesday, the army said on Wednesday", "2011-10-06", ("2011-10-04", "day")),
    ("la noche del s\u00e1bado", "2019-12-02", ("2019-11-30", "day")),
    ("on 20 December", "2014-01-05", ("2013-12-20", "day")),
])
def test_dates_relative_to_publication(text, published, expected):
    d = find_dates(text, dt.date.fromisoformat(published))[0]
    assert (d.date.isoformat(), d.precision) == expected


def test_dateline_and_reporting_dates_are_not_event_dates():
    text = "LIMA, Feb 20 - Rebels attacked a base, officials said on Thursday."
    from geo.parse.dates import dateline_end

    skip = dateline_end(text)
    assert text[:skip] == "LIMA, Feb 20 - "
    assert [d for d in find_dates(text, dt.date(2014, 2, 20)) if d.start >= skip] == []


def test_santo_domingo_is_not_a_sunday():
    assert find_dates("en el distrito de Santo Domingo de Acobamba", dt.date(2016, 4, 11)) == []


@pytest.mark.parametrize("text, published, expected", [
    ("Suspected Shining Path guerrillas ambushed an army patrol on Thursday near Sanabamba, in the district "
     "of Ayna, La Mar province, killing 13 soldiers.", "2009-04-11",
     ("Battles", "Armed clash", "Shining Path", "Military Forces of Peru", 13)),
    ("Doce soldados y siete civiles murieron el jueves cuando una columna de Sendero Luminoso atacó un convoy "
     "del Ejército en el sector de Tintaypunco, provincia de Tayacaja.", "2008-10-11",
     ("Battles", "Armed clash", "Shining Path", "Military Forces of Peru", 19)),
    ("Gunmen from the Shining Path kidnapped about 36 workers in the jungle town of Kepashiato on Monday.",
     "2012-04-10", ("Violence against civilians", "Abduction/forced disappearance", "Shining Path",
                    "Civilians (Peru)", 0)),
    ("On Saturday a homemade bomb exploded beside a road near Pichari as a police truck passed, killing "
     "one officer.", "2015-11-23",
     ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Unidentified Armed Group (Peru)",
      "Police Forces of Peru", 1)),
    ("Police arrested five people in Quimbiri on Thursday on suspicion of supplying Shining Path columns.",
     "2016-08-26", ("Strategic developments", "Arrests", "Police Forces of Peru", "Shining Path", 0)),
    ("Un comunero fue asesinado la noche del sábado por integrantes de Sendero Luminoso en el distrito de "
     "Sivia, informó la Policía Nacional.", "2019-12-02",
     ("Violence against civilians", "Attack", "Shining Path", "Civilians (Peru)", 1)),
])
def test_types_actors_and_tolls(gaz, text, published, expected):
    events = extract_events("Headline\n\n" + text, published=published, gaz=gaz)
    assert len(events) == 1
    e = events.iloc[0]
    assert (e.event_type, e.sub_event_type, e.actor1, e.actor2, e.fatalities) == expected


def test_background_and_policy_are_not_events(gaz):
    text = ("Peru to start coca eradication\n\nPeru will begin eradicating coca in the VRAEM this year. "
            "It was the deadliest attack on security forces in the VRAEM since 2016.")
    assert len(extract_events(text, published="2014-03-12", gaz=gaz)) == 0


@pytest.mark.parametrize("text", ["", "   ", "<p></p>"])
def test_empty_text_gives_an_empty_frame(gaz, text):
    events = extract_events(text, published="2020-01-01", gaz=gaz)
    assert len(events) == 0 and list(events.columns) == [*EVENT_COLUMNS, "geometry"]


@pytest.mark.parametrize("bad", ["2014-02-30", "20/02/2014", ""])
def test_bad_publication_date_is_refused(gaz, bad):
    with pytest.raises(InvalidInputError, match="published"):
        extract_events(SEED, published=bad or None, gaz=gaz)


def test_cli_extract_writes_and_refuses_to_overwrite(tmp_path):
    from geo.cli import main

    src = tmp_path / "report.txt"
    src.write_text(SEED, encoding="utf-8")
    out = tmp_path / "events.geojson"
    args = ["extract", str(src), "--published", "2014-02-20", "--no-datapack", "-o", str(out)]
    runner = CliRunner()
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["event_date"] for f in data["features"]] == ["2014-02-17", "2014-02-18", "2014-02-18"]
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "--overwrite" in again.output
