"""Place mentions of real news: the rest of the world, ALL CAPS, people and ordinary words (issue 11).

Our own sentences, in English and Spanish, upper and mixed case.
"""

from __future__ import annotations

import pytest

from geo.parse import parse_text


def _places(text, gaz):
    """(text, id) of every mention reported as a place or demonym."""
    return [(f["properties"]["text"], f["properties"]["id"]) for f in parse_text(text, gaz=gaz)["features"]
            if f["properties"]["role"] in ("place", "demonym")]


@pytest.mark.parametrize(("text", "name", "place"), [
    ("Officials in the U.S. said the aid would continue.", "U.S.", "iso:US"),
    ("La embajada de EE.UU. en Lima emitió una alerta.", "EE.UU.", "iso:US"),
    ("Estados Unidos y Perú firmaron el acuerdo.", "Estados Unidos", "iso:US"),
    ("THE USSR SENT A DELEGATION TO LIMA.", "USSR", "iso:SU"),
    ("La URSS envió una delegación a Lima.", "URSS", "iso:SU"),
    ("The Soviet Union protested.", "Soviet Union", "iso:SU"),
    ("El Reino Unido y Argentina discutieron sobre las Malvinas.", "Reino Unido", "iso:GB"),
    ("El Reino Unido y Argentina discutieron sobre las Malvinas.", "Malvinas", "iso:FK"),
    ("THE PRESIDENTS OF ARGENTINA AND URUGUAY MET.", "ARGENTINA", "iso:AR"),
    ("Refugees from Syria reached Mexico.", "Syria", "iso:SY"),
    ("Refugiados de Siria llegaron a México.", "Siria", "iso:SY"),
])
def test_every_country_with_its_spanish_names_and_abbreviations(gaz, text, name, place):
    assert (name, place) in _places(text, gaz)


@pytest.mark.parametrize(("text", "name", "country"), [
    ("The minister flew to Moscow and then to Washington.", "Moscow", "RU"),
    ("The minister flew to Moscow and then to Washington.", "Washington", "US"),
    ("EL MINISTRO VIAJO A MADRID.", "MADRID", "ES"),
    ("The talks were held in Buenos Aires, Argentina.", "Buenos Aires", "AR"),
])
def test_world_capitals_and_major_cities(gaz, text, name, country):
    found = dict(_places(text, gaz))
    assert gaz.get(found[name]).country == country


@pytest.mark.parametrize(("text", "form", "place"), [
    ("THE PANAMANIAN AND MEXICAN DELEGATES ARRIVED.", "PANAMANIAN", "iso:PA"),
    ("Los diplomáticos soviéticos salieron del país.", "soviéticos", "iso:SU"),
    ("Two American tourists were freed.", "American", "iso:US"),
    ("LATIN AMERICAN LEADERS MET IN LIMA.", "LATIN AMERICAN", "wr:latin-america"),
])
def test_world_demonyms(gaz, text, form, place):
    assert (form, place) in _places(text, gaz)


def test_a_country_beats_the_hamlet_of_its_name_and_its_own_capital(gaz):
    places = dict(_places("PANAMA AND ARGENTINA SIGNED THE TREATY.", gaz))
    assert places == {"PANAMA": "iso:PA", "ARGENTINA": "iso:AR"}


@pytest.mark.parametrize("text", [
    "GENERAL OSVALDO DIAZ SALVADOR, CHIEF OF THE SUBREGION, SPOKE TODAY.",
    "VICTOR POLAY CAMPOS, ALIAS COMRADE ROLANDO, WAS CAPTURED.",
    "THE ASSEMBLY PRESIDED OVER BY HAYA DE LA TORRE MET TODAY.",
    "PRESIDENT ALAN GARCIA RECEIVED THE VICE MINISTER.",
    "El general Huamán dijo que la patrulla volvió.",
])
def test_people_in_capitals_and_ordinary_words_are_not_places(gaz, text):
    assert _places(text, gaz) == []


def test_outlets_of_the_wire_services_are_not_places(gaz):
    text = "LIMA, 9 JAN 90 (TELEVISION PERUANA) -- [TEXT] THE POLICE REPORTED A BOMB IN HUANTA."
    assert [name for name, _ in _places(text, gaz)] == ["LIMA", "HUANTA"]


def test_a_city_beats_the_hamlets_named_after_it(gaz_pack):
    [(name, place)] = _places("A bomb exploded today in the city of Trujillo.", gaz_pack)
    assert place == "gn:3691175"  # Trujillo, La Libertad (about 750,000 people)


def test_demonyms_and_organisation_names_locate_nothing(gaz):
    features = parse_text("Peruvian troops of the Frente Policial Huallaga patrolled Pichari.", gaz=gaz)["features"]
    by_text = {f["properties"]["text"]: f for f in features}
    assert by_text["Peruvian"]["properties"]["id"] == "iso:PE" and by_text["Peruvian"]["geometry"] is None
    assert by_text["Pichari"]["geometry"] is not None
    assert all(f["geometry"] is None for f in features if f["properties"]["role"] != "place")


@pytest.mark.parametrize("text", ["El cadáver apareció en el Río Santa Rosa, cerca de Pichari.",
                                  "THE BODY WAS FOUND IN THE RIO SANTA ROSA NEAR PICHARI."])
def test_a_river_cue_before_a_name_is_no_city(gaz, text):
    found = _places(text, gaz)
    assert not any(name.casefold() in ("río", "rio") for name, _ in found)
    assert "gn:3451190" not in {place for _, place in found}  # Rio de Janeiro


def test_a_village_point_outside_its_district_polygon_is_kept(gaz):
    natividad = gaz.get("cur:natividad")
    assert (round(natividad.lat, 3), round(natividad.lon, 3)) == (-12.256, -73.955)  # INEI's point
    assert "outside the district polygon" in natividad.source


@pytest.mark.parametrize(("text", "name", "written"), [
    ("The ambush happened near Kepashiatto on Monday.", "Kepashiato", "Kepashiatto"),
    ("Rebels attacked the town of Tabalozos, in Lamas province.", "Tabalosos", "Tabalozos"),
])
def test_misspelt_names_where_a_place_stands_are_read(gaz_pack, text, name, written):
    found = {f["properties"]["text"]: f["properties"] for f in parse_text(text, gaz=gaz_pack)["features"]}
    props = found[written]
    assert props["status"] in ("ok", "ambiguous") and name in props["reason"]
    assert props["admin3"] == gaz_pack.get(props["id"]).admin3 and props["id"] is not None


def test_unknown_capitalised_words_are_not_forced_into_places(gaz_pack):
    assert _places("They live in Somewhereville with Mister Smith.", gaz_pack) == []
