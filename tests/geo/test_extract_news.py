"""Event extraction on the ways real reports are written (issue 10's failure classes).

Every text here is the team's own sentence, in the style of wire copy (EN),
FBIS translations (ALL CAPS) and Spanish agencies; none is from the
evaluation sets.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.parse import extract_events
from geo.parse.dates import read_dateline


def _events(gaz, text, published):
    frame = extract_events(text, published=published, gaz=gaz)
    return [row for _, row in frame.iterrows()]


def _day(row) -> str:
    return row["event_date"].strftime("%Y-%m-%d")


# -- datelines ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "city", "date"), [
    ("LIMA, March 14, 2024 (Reuters) - One soldier was killed", "LIMA", dt.date(2024, 3, 14)),
    ("AYACUCHO, 3 JAN 90 -- [REPORT] [TEXT] GUERRILLAS", "AYACUCHO", dt.date(1990, 1, 3)),
    ("Lima, 14 mar (EFE).- Doce soldados", "Lima", dt.date(2024, 3, 14)),
    ("HUANCAYO (Peru), May 2 (AFP) - Rebels", "HUANCAYO", dt.date(2023, 5, 2)),
    ("Lima, mar. 14 (ANDINA). La Policía", "Lima", dt.date(2024, 3, 14)),
    ("TINGO MARIA, Peru, Feb 3 (AP) - Police", "TINGO MARIA", dt.date(2024, 2, 3)),
    ("Huancayo.- Doce soldados", "Huancayo", None),
    ("X-0001 (INTEL TEXT PROC)\n\nLIMA, NO DATE (TELEVISION PERUANA) -- [SPEECH] [TEXT] WE", "LIMA", None),
])
def test_datelines_of_wire_radio_and_spanish_agencies_are_read(text, city, date):
    found = read_dateline(text, dt.date(2024, 3, 15))
    assert found is not None and found.city == city and found.date == date
    assert text[found.end:].strip()[0].isalpha()  # the story starts right after


@pytest.mark.parametrize("text", ["The army said - in a statement - that it had won.", "Rebels attacked. The base held.",
                                  "Shining Path rebels hit three bases in Peru's coca valleys"])
def test_sentences_are_not_datelines(text):
    assert read_dateline(text, dt.date(2024, 3, 15)) is None


def test_dateline_year_is_not_a_toll_and_the_dateline_city_is_not_the_place(gaz):
    text = "LIMA, March 14, 2024 (Reuters) - One soldier was killed on Tuesday in an ambush near Pichari, the army said."
    [event] = _events(gaz, text, "2024-03-15")
    assert event["fatalities"] == 1
    assert _day(event) == "2024-03-12"  # the Tuesday before the dateline's Thursday
    assert event["location"] == "Pichari" and event["event_type"] == "Battles"


def test_fbis_style_uppercase_report_resolves_against_its_dateline(gaz):
    text = ("AYACUCHO, 3 JAN 90 -- [REPORT] [TEXT] SHINING PATH GUERRILLAS KILLED FOUR PEASANTS YESTERDAY IN "
            "THE TOWN OF HUANTA, THE POLICE REPORTED.")
    [event] = _events(gaz, text, "1990-01-05")
    assert _day(event) == "1990-01-02"
    assert event["event_type"] == "Violence against civilians" and event["fatalities"] == 4
    assert event["location"].upper() == "HUANTA"
    assert not event["source_quote"].startswith("AYACUCHO")  # the quote is the sentence, not the dateline


def test_spanish_agency_dateline_and_last_night(gaz):
    text = "Lima, 14 mar (EFE).- Doce soldados murieron anoche en una emboscada de Sendero Luminoso en Llochegua."
    [event] = _events(gaz, text, "2024-03-15")
    assert _day(event) == "2024-03-13"
    assert event["fatalities"] == 12 and event["event_type"] == "Battles"
    assert event["location"] == "Llochegua"


def test_the_dateline_city_is_the_place_only_when_the_text_says_here(gaz):
    here = "LIMA, 9 JAN 90 (EFE) -- [TEXT] A BOMB EXPLODED TODAY IN THIS CAPITAL, DAMAGING A BANK."
    [event] = _events(gaz, here, "1990-01-09")
    assert event["location"].upper() == "LIMA" and event["event_type"] == "Explosions/Remote violence"
    elsewhere = "LIMA, 9 JAN 90 (EFE) -- [TEXT] GUERRILLAS KILLED THREE SOLDIERS TODAY, THE ARMY REPORTED."
    [event] = _events(gaz, elsewhere, "1990-01-09")
    assert event["status"] == "unresolved" and event.geometry is None or event.geometry.is_empty
    assert "no place" in event["reason"]


# -- relative and other dates ------------------------------------------------------

@pytest.mark.parametrize(("text", "day"), [
    ("Rebels ambushed a patrol near Pichari early today, officials said.", "2024-03-14"),
    ("Rebels ambushed a patrol near Pichari last night.", "2024-03-13"),
    ("Senderistas emboscaron el jueves a una patrulla en Pichari.", "2024-03-14"),
    ("Senderistas atacaron la madrugada del martes una patrulla en Pichari.", "2024-03-12"),
    ("Rebels ambushed a patrol near Pichari on Feb. 15, the army said.", "2024-02-15"),
])
def test_relative_dates_count_from_the_report(gaz, text, day):
    [event] = _events(gaz, text, "2024-03-14")
    assert _day(event) == day


def test_a_date_to_come_is_not_the_incidents(gaz):
    text = ("Soldiers arrested 22 miners in Morococha yesterday, on the eve of a strike scheduled to begin on "
            "14 August.")
    [event] = _events(gaz, text, "1989-08-13")
    assert _day(event) == "1989-08-12" and event["sub_event_type"] == "Arrests"


# -- several incidents, background ---------------------------------------------------

def test_bombs_in_a_list_of_towns_are_one_event_each(gaz):
    text = "Bombs exploded last night at banks in Huanta, Pichari and Satipo, police said."
    events = _events(gaz, text, "2024-03-14")
    assert sorted(e["location"] for e in events) == ["Huanta", "Pichari", "Satipo"]
    assert {e["event_type"] for e in events} == {"Explosions/Remote violence"}


def test_background_and_history_are_not_events(gaz):
    text = ("Rebels ambushed an army patrol near Llochegua on Monday, killing two soldiers.\n"
            "The attack came a year after last year's killing of 'Alipio' in Vizcatán del Ene.\n"
            "In 1997 commandos freed the hostages held in Lima.\n"
            "Attacks in the 1980s left thousands dead in Ayacucho.")
    [event] = _events(gaz, text, "2014-02-20")
    assert event["location"] == "Llochegua" and _day(event) == "2014-02-17" and event["fatalities"] == 2


def test_a_planned_or_feared_attack_is_not_an_event(gaz):
    text = "The government ordered troops to guard the Pichari bridge to prevent possible attacks during the strike."
    assert _events(gaz, text, "2024-03-14") == []


# -- places, types -------------------------------------------------------------------

def test_a_surname_or_a_street_is_not_the_place(gaz):
    text = ("Minister Flores Aráoz said rebels killed a police officer on Sunday in Pichari.\n"
            "Inspector Eulogio Flores was wounded in the attack on Junín street.")
    [event] = _events(gaz, text, "2024-03-14")
    assert event["location"] == "Pichari"


@pytest.mark.parametrize(("text", "kind"), [
    ("Shining Path guerrillas massacred 14 villagers in Huanta on Sunday; soldiers found the bodies.",
     ("Violence against civilians", "Attack")),
    ("Rebels dynamited two high-voltage pylons near Huanta last night.",
     ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("A bomb exploded yesterday at a bank branch in Pichari.",
     ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
    ("Subversivos asesinaron ayer al alcalde de Pichari.", ("Violence against civilians", "Attack")),
    ("GUERRILLAS RIDDLED THE FORMER MINISTER WITH BULLETS YESTERDAY IN PICHARI.",
     ("Violence against civilians", "Attack")),
])
def test_types_follow_the_weapon_and_the_victims(gaz, text, kind):
    [event] = _events(gaz, text, "2024-03-14")
    assert (event["event_type"], event["sub_event_type"]) == kind


def test_a_bomb_told_twice_is_one_event_placed_finely(gaz):
    text = ("LIMA, 9 OCT 88 (EFE) -- [TEXT] IT WAS DISCLOSED IN THIS CAPITAL TODAY THAT A BOMB EXPLODED AT THE "
            "DOOR OF A BANK.\n"
            "THE ATTACK WAS PERPETRATED AT DAWN TODAY IN THE MIRAFLORES DISTRICT.")
    events = _events(gaz, text, "1988-10-09")
    assert len(events) == 1
    assert events[0]["event_type"] == "Explosions/Remote violence"


# -- which sentences report an incident, and where ------------------------------------

@pytest.mark.parametrize("text", [
    "He was sentenced for the murder of a mayor in Huanta.",
    "In view of the continuing wave of terrorist attacks, the government declared an emergency in Huanta.",
    "We must attack the terrorists in Huanta with the full force of the law.",
    "Delegates to a congress on missing detainees met in Huanta today.",
])
def test_charges_kinds_of_acts_and_exhortations_are_not_incidents(gaz, text):
    assert _events(gaz, text, "1989-10-30") == []


def test_a_place_the_sentence_opens_with_is_the_incidents(gaz):
    text = ("Huancayo, 8 abr (EFE).- Sendero Luminoso atacó el sábado a dos guardias en Satipo.\n"
            "En Pichari, una carga de dinamita estalló frente a la oficina del Jurado Electoral.")
    events = _events(gaz, text, "1990-04-08")
    assert [e["location"] for e in events] == ["Satipo", "Pichari"]
    assert events[1]["event_type"] == "Explosions/Remote violence"


def test_another_bomb_the_same_day_is_another_event(gaz):
    text = ("LIMA, 25 OCT 89 (EFE) -- [TEXT] A CAR BOMB EXPLODED TODAY AT THE SOVIET EMBASSY IN THIS CAPITAL.\n"
            "FIFTEEN MINUTES LATER ANOTHER BOMB EXPLODED AT THE CHINESE EMBASSY.")
    events = _events(gaz, text, "1989-10-25")
    assert len(events) == 2 and {e["location"].upper() for e in events} == {"LIMA"}


def test_a_street_address_places_the_incident_in_the_dateline_city(gaz):
    text = "LIMA, 3 JUN 89 -- [TEXT] TODAY A BUS CARRYING SOLDIERS WAS BOMBED NEAR THE 12TH BLOCK OF JUNIN STREET."
    [event] = _events(gaz, text, "1989-06-03")
    assert event["location"].upper() == "LIMA" and event["admin1"] == "Lima"


def test_the_lead_is_news_even_dated_only_by_the_dateline(gaz):
    text = ("LIMA, 3 FEB 89 -- [TEXT] IN HUANCAYO, IT HAS BEEN CONFIRMED THAT THE REBEL LEADER HAS BEEN CAPTURED.\n"
            "IT MAY BE RECALLED THAT HIS GROUP RAIDED SATIPO IN 1987.")
    [event] = _events(gaz, text, "1989-02-05")
    assert event["sub_event_type"] == "Arrests" and event["location"].upper() == "HUANCAYO"
    assert _day(event) == "1989-02-03"


def test_a_detail_sentence_gives_the_weapon_of_the_incident_just_told(gaz):
    text = ("LIMA, 22 SEP 88 (EFE) -- [TEXT] TWO TERRORIST ATTACKS WERE CARRIED OUT IN HUANTA LAST NIGHT.\n"
            "A POWERFUL BOMB EXPLODED IN FRONT OF THE AGRARIAN OFFICE ON URUGUAY AVENUE.")
    [event] = _events(gaz, text, "1988-09-22")
    assert event["event_type"] == "Explosions/Remote violence" and _day(event) == "1988-09-21"


# -- many reports at once ------------------------------------------------------------------

def test_extract_reports_gives_one_frame_with_ids_and_sources_per_report(gaz):
    from geo.parse import extract_reports

    reports = [
        {"id": "r1", "text": "Rebels ambushed a patrol near Pichari on Monday.", "published": "2014-02-20",
         "source": "Wire A"},
        {"id": "r2", "text": "The government announced a plan.", "published": "2014-02-20"},
        {"id": "r3", "text": "Senderistas emboscaron ayer a una patrulla en Llochegua.", "published": "2014-02-21",
         "source_url": "https://example.org/3"},
    ]
    frame = extract_reports(reports, gaz=gaz)
    assert frame["event_id"].tolist() == ["r1-E1", "r3-E1"]
    assert frame["source"].tolist()[0] == "Wire A" and frame["source_url"].tolist()[1] == "https://example.org/3"
    one = extract_events(reports[2]["text"], published="2014-02-21", gaz=gaz)
    assert frame.iloc[1]["location"] == one.iloc[0]["location"] and frame.crs == one.crs


def test_extract_reports_names_the_bad_report(gaz):
    from gazetteer.errors import InvalidInputError
    from geo.parse import extract_reports

    with pytest.raises(InvalidInputError, match="report r2: .*published"):
        extract_reports([{"id": "r1", "text": "x", "published": "2014-02-20"},
                         {"id": "r2", "text": "y", "published": None}], gaz=gaz)
    with pytest.raises(InvalidInputError, match="report 1: 'text'"):
        extract_reports([{"text": None, "published": "2014-02-20"}], gaz=gaz)


@pytest.mark.parametrize("text, day", [
    ("LIMA, 16 JAN 90 (RADIO) -- [TEXT] TEN TERRORISTS HURLED DYNAMITE STICKS AT THE POLICE POST IN PICHARI, "
     "CAUSING SERIOUS DAMAGE. THE ATTACK TOOK PLACE AT 2100 ON 15 JANUARY.", "1990-01-15"),
    ("Lima, 6 jun (EFE).- Subversivos atacaron con explosivos un puesto policial en Pichari, sin causar víctimas. "
     "El atentado se produjo el 4 de junio por la noche.", "1991-06-04"),
])
def test_a_sentence_referring_back_gives_the_incident_its_day(gaz, text, day):
    published = "1990-01-16" if "JAN" in text else "1991-06-06"
    (ev,) = _events(gaz, text, published)
    assert _day(ev) == day


def test_a_weekday_in_a_sentence_referring_back_is_not_the_incidents(gaz):
    text = ("Lima, 6 jun (EFE).- Subversivos atacaron con explosivos un puesto policial en Pichari. "
            "El atentado se produjo a cuatro días del paro armado convocado para el próximo lunes.")
    (ev,) = _events(gaz, text, "1991-06-06")
    assert _day(ev) == "1991-06-06"


@pytest.mark.parametrize("text", [
    "THE POLICE REPORTED TODAY THAT 200 PEOPLE HAVE BEEN ARRESTED OVER THE PAST FEW HOURS.",
    "Soldiers detained 40 people in the last 24 hours.",
    "La policía detuvo a 40 personas en las últimas horas.",
])
def test_the_last_hours_are_the_report_day(text):
    from geo.parse.dates import find_dates

    found = find_dates(text, dt.date(1990, 1, 10))
    assert [(d.date, d.precision) for d in found] == [(dt.date(1990, 1, 10), "day")]
