"""Geoparsing: mentions found, non-places left out, ambiguities settled by the document."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geo.parse import geoparse, parse_text


def _features(text, gaz, **kw):
    return parse_text(text, gaz=gaz, **kw)["features"]


def _places(text, gaz):
    """(text as written, id) of every mention reported as a place or demonym."""
    return [(f["properties"]["text"], f["properties"]["id"]) for f in _features(text, gaz)
            if f["properties"]["role"] != "organisation"]


NON_PLACES = [
    "The report appeared in El Comercio on Monday.",
    "The daily El Tiempo said the talks had failed.",
    "The daily La República published the leaked files.",
    "State news agency Andina quoted the minister.",
    "According to InSight Crime, the group is shrinking.",
    "Files show links between the FARC and rebels.",
    "The Shining Path remains active.",
    "Sendero Luminoso atacó una patrulla.",
    'Two commanders known as "Gabriel" and "Alipio" were killed.',
    "The camp of FARC commander Raúl Reyes was bombed.",
    "Defence minister Rafael Rey told reporters.",
    "Devida said eradication would begin.",
    "El Ministerio del Interior informó del ataque.",
]


@pytest.mark.parametrize("text", NON_PLACES)
def test_outlets_organisations_people_and_aliases_are_not_places(gaz, text):
    assert _places(text, gaz) == []


def test_place_inside_an_organisation_name_is_marked(gaz):
    feats = _features("The head of the joint Special VRAEM Command spoke.", gaz)
    assert len(feats) == 1
    props = feats[0]["properties"]
    assert props["text"] == "VRAEM" and props["role"] == "organisation"
    assert props["in_name"] == "Special VRAEM Command"


def test_seed_report_places(gaz):
    text = ("About 30 Shining Path fighters attacked the Kepashiato military base in Cusco's La Convención "
            "province on Monday. The next day the rebels fired on the counter-insurgency bases at Unión Mantaro "
            "and Ccano, both in the province of Huanta in the Ayacucho region.")
    got = dict(_places(text, gaz))
    assert got["Kepashiato"] == "base:kepashiato"
    assert got["Unión Mantaro"] == "base:union-mantaro"
    assert got["Ccano"] == "base:ccano"
    assert got["Cusco"] == "ubigeo:08"
    assert got["Huanta"] == "ubigeo:0504"
    assert got["Ayacucho"] == "ubigeo:05"


def test_admin_phrase_decides_between_homonyms(gaz):
    got = _places("Rebels ambushed a patrol near Sanabamba, in the district of Ayna, La Mar province.", gaz)
    assert ("Sanabamba", "cur:sanabamba-ayna") in got


def test_same_name_twice_can_be_two_places(gaz):
    text = ("Police detained two men in the hamlet of Quillabamba, in the district of Anco, La Mar. "
            "The hamlet is not Quillabamba, capital of the province of La Convención in Cusco.")
    ids = [pid for name, pid in _places(text, gaz) if name == "Quillabamba"]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert ids[1] == "cur:quillabamba"


def test_town_and_province_of_the_same_name(gaz):
    text = ("Police detained a courier in the town of Huanta. "
            "He came from Llochegua, in the jungle part of the province of Huanta.")
    ids = [pid for name, pid in _places(text, gaz) if name == "Huanta"]
    assert ids == ["cur:huanta", "ubigeo:0504"]


def test_spanish_cues(gaz):
    got = dict(_places("Tres policías murieron en el distrito de Llochegua, provincia de Huanta, "
                       "a orillas del río Apurímac.", gaz))
    assert got == {"Llochegua": "ubigeo:050408", "Huanta": "ubigeo:0504", "Apurímac": "cur:rio-apurimac"}


@pytest.mark.parametrize("text", ["ataque a la base de Unión Mantaro en Junín",
                                  "ataque a la base de Union Mantaro en Junin"])
def test_accents_stripped_or_not(gaz, text):
    assert [pid for _, pid in _places(text, gaz)] == ["base:union-mantaro", "ubigeo:12"]


def test_all_caps_headline(gaz):
    got = _places("PERU TO START COCA ERADICATION IN VRAEM\n\nLIMA, March 12 - Officials said.", gaz)
    assert [t for t, _ in got] == ["PERU", "VRAEM", "LIMA"]


def test_demonyms_are_reported_as_such(gaz):
    feats = _features("Peruvian officials and la policía cusqueña said so.", gaz)
    assert [(f["properties"]["text"], f["properties"]["role"], f["properties"]["id"]) for f in feats] == [
        ("Peruvian", "demonym", "iso:PE"), ("cusqueña", "demonym", "ubigeo:08")]


def test_html_is_skipped_and_offsets_point_into_the_raw_text(gaz):
    raw = ("<h1>Ataque en Peru&#39;s VRAEM</h1>\n<p>Un comunero fue asesinado en Jun&iacute;n "
           "y en el distrito de Sivia.</p><script>var Lima = 1;</script>")
    feats = _features(raw, gaz)
    got = [(f["properties"]["text"], f["properties"]["start"], f["properties"]["end"]) for f in feats]
    assert [t for t, _, _ in got] == ["Peru", "VRAEM", "Jun&iacute;n", "Sivia"]
    for text, start, end in got:
        assert raw[start:end] == text


@pytest.mark.parametrize("text", ["", "   \n\t ", "<p></p>"])
def test_empty_input(gaz, text):
    assert parse_text(text, gaz=gaz) == {"type": "FeatureCollection", "features": []}


def test_enormous_input_is_parsed_in_pieces_with_offsets_kept(gaz):
    para = "Rebels attacked the Kepashiato military base in Cusco on Monday.\n\n"
    text = para * 40_000  # ~2.6 MB, more than two pieces
    found = list(geoparse(text, gaz=gaz, chunk_chars=1_000_000))
    assert len(found) == 80_000
    assert all(text[m.start:m.end] == m.text for m in found[::997])
    assert found[-1].start == len(text) - len(para) + para.index("Cusco")


def test_ambiguous_mention_is_kept_with_null_geometry_and_candidates(gaz):
    (feat,) = _features("The bomb exploded in Santa Rosa.", gaz)  # Santa Rosas in several departments
    assert feat["geometry"] is None
    assert feat["properties"]["status"] == "ambiguous"
    assert len(feat["properties"]["candidates"]) >= 2
    assert feat["properties"]["reason"]


def test_ambiguous_mention_inside_one_department_is_placed_at_the_department(gaz):
    (feat,) = _features("The ambush at Sanabamba was the worst in years.", gaz)  # two, both in Ayacucho
    props = feat["properties"]
    assert props["status"] == "ambiguous" and props["precision"] == "department" and props["admin1"] == "Ayacucho"
    assert feat["geometry"] is not None and "placed at the department" in props["reason"]
    assert {c["admin1"] for c in props["candidates"][:2]} == {"Ayacucho"}


def test_full_geometry_of_a_region(gaz):
    (feat,) = _features("Attacks rose in the VRAEM.", gaz, geometry="full")
    assert feat["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_cli_parse_from_stdin(gaz):
    from geo.cli import main

    result = CliRunner().invoke(main, ["parse", "-", "--no-datapack"], input="Clashes near Pichari, Cusco.")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["properties"]["text"] for f in data["features"]] == ["Pichari", "Cusco"]
    assert data["features"][0]["geometry"]["type"] == "Point"


def test_corpus_town_points_with_the_data_pack(gaz_pack):
    got = dict(_places("Soldiers clashed with rebels near the village of Mayapo, in the Llochegua district.", gaz_pack))
    assert got["Mayapo"] is not None and got["Llochegua"] == "ubigeo:050408"


@pytest.mark.parametrize(("text", "expected"), [
    ("He had led the Huallaga faction for two decades.", "region:alto-huallaga"),
    ("La facción senderista del Huallaga perdió a su jefe.", "region:alto-huallaga"),
    ("Coca growers of the Huallaga marched on Tingo María.", "region:alto-huallaga"),
    ("Two bodies were found on the banks of the Huallaga.", "cur:rio-huallaga"),
    ("Los botes cruzaban el Huallaga de noche.", "cur:rio-huallaga"),
])
def test_a_bare_valley_name_is_read_by_what_its_sentence_speaks_of(gaz, text, expected):
    assert dict(_places(text, gaz))["Huallaga"] == expected


@pytest.mark.parametrize("text", [
    "Police raided farms outside Aucayacu, in the José Crespo y Castillo district of Huánuco.",
    "Capturados en Aucayacu, capital del distrito de José Crespo y Castillo, provincia de Leoncio Prado.",
    "Hubo enfrentamientos en José Crespo y Castillo.",
])
def test_a_district_named_after_a_person_is_a_place(gaz, text):
    assert ("José Crespo y Castillo", "ubigeo:100604") in _places(text, gaz)


def test_a_person_with_a_place_name_is_still_a_person(gaz):
    assert _places("El alcalde José Castillo declaró ayer.", gaz) == []


def test_a_foreign_province_places_the_village_named_with_it(gaz):
    got = dict(_places("Colombian aircraft bombed a camp near Santa Rosa, in Ecuador's Sucumbíos province.", gaz))
    assert got["Sucumbíos"] == "ec:sucumbios"
    assert got["Santa Rosa"] == "cur:santa-rosa-yanamaru"


def test_nested_units_of_one_name_read_as_the_largest(gaz):
    (feat,) = _features("Rebels are active in Huánuco.", gaz)
    props = feat["properties"]
    assert (props["id"], props["status"]) == ("ubigeo:10", "ok")
    assert "largest admin unit" in props["reason"]


@pytest.mark.parametrize("text", ["The farmer Pedro Lima Quispe was questioned in Ayacucho.",
                                  "El alcalde Juan Huanta Rojas habló en Ayacucho."])
def test_a_place_name_inside_a_persons_name_is_skipped(gaz, text):
    assert _places(text, gaz) == [("Ayacucho", "ubigeo:05")]


def test_a_river_named_where_it_flows(gaz_pack):
    text = "A soldier was killed near the Unión Mantaro base, close to where the Mantaro flows into the Apurímac."
    got = dict(_places(text, gaz_pack))
    assert got["Mantaro"] == "cur:rio-mantaro" and got["Apurímac"] == "cur:rio-apurimac"


def test_a_foreign_country_beside_a_name_decides_its_country(gaz_pack):
    text = "Reyes murió en un campamento en Angostura, en la selva norte de Ecuador, en marzo de 2008."
    assert dict(_places(text, gaz_pack))["Angostura"] == "cur:angostura-ec"


def test_offsets_around_tags_and_entities_point_into_the_raw_text(gaz):
    raw = ("<div><h2>Emboscada&#x2026; en <b>Ayacucho</b></h2>\n<p>Murieron&nbsp;dos en Jun&iacute;n&amp;"
           "<i>Cusco</i> &NotEqualTilde; Pichari</p></div>")
    got = [(f["properties"]["text"], f["properties"]["start"], f["properties"]["end"]) for f in _features(raw, gaz)]
    assert [t for t, _, _ in got] == ["Ayacucho", "Jun&iacute;n", "Cusco", "Pichari"]
    assert all(raw[start:end] == text for text, start, end in got)
