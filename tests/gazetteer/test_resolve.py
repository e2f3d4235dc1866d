"""Resolution: every ambiguity of the issue, with and without context."""

import pytest

from gazetteer import Kind


@pytest.fixture(params=["embedded", "datapack"])
def gaz(request, gaz):
    """Every test runs on the embedded default and with the Peru data pack."""
    return gaz if request.param == "embedded" else request.getfixturevalue("gaz_pack")


def best(res):
    assert res.best is not None, res.reason
    return res.best.place


# -- names that must resolve ------------------------------------------------

@pytest.mark.parametrize("name, kind, admin1", [
    ("Kepashiato", Kind.POPULATED_PLACE, "Cusco"),
    ("Pichari", Kind.POPULATED_PLACE, "Cusco"),
    ("Llochegua", Kind.POPULATED_PLACE, "Ayacucho"),
    ("Unión Mantaro", Kind.POPULATED_PLACE, "Ayacucho"),
    ("Union Mantaro", Kind.POPULATED_PLACE, "Ayacucho"),
    ("Quimbiri", Kind.POPULATED_PLACE, "Cusco"),
    ("Tingo María", Kind.POPULATED_PLACE, "Huánuco"),
    ("Mazamari", Kind.POPULATED_PLACE, "Junín"),
    ("Kepashiato military base", Kind.MILITARY_BASE, "Cusco"),
    ("base contraterrorista de Unión Mantaro", Kind.MILITARY_BASE, "Ayacucho"),
    ("departamento de Junín", Kind.DEPARTMENT, "Junín"),
    ("Junin department", Kind.DEPARTMENT, "Junín"),
    ("Cuzco region", Kind.DEPARTMENT, "Cusco"),
])
def test_names_resolve_in_both_configurations(gaz, name, kind, admin1):
    res = gaz.resolve(name)
    assert res.status == "ok", res.reason
    place = best(res)
    assert place.kind is kind
    assert place.admin1 == admin1
    assert place.country == "PE"


@pytest.mark.parametrize("name, region", [
    ("VRAEM", "VRAEM"), ("VRAE", "VRAE"),
    ("the Apurímac-Ene valleys", "VRAE"),
    ("Apurimac and Ene river valley", "VRAE"),
    ("valle de los ríos Apurímac y Ene", "VRAE"),
    ("Upper Huallaga Valley", "Huallaga"),
])
def test_regions_resolve(gaz, name, region):
    res = gaz.resolve(name)
    assert res.status == "ok", res.reason
    place = best(res)
    assert place.kind in (Kind.REGION, Kind.VALLEY)
    assert region.lower() in (place.name + " " + " ".join(place.aliases)).lower()


def test_vrae_and_vraem_are_different_versions(gaz):
    assert best(gaz.resolve("VRAE")).id != best(gaz.resolve("VRAEM")).id


@pytest.mark.parametrize("name, country", [
    ("Colombia", "CO"), ("Ecuador", "EC"), ("Venezuela", "VE"), ("Bogotá", "CO"), ("Quito", "EC"),
    ("Caracas", "VE"), ("capital city of Lima", "PE"),
])
def test_neighbours_and_capitals(gaz, name, country):
    res = gaz.resolve(name)
    assert res.status == "ok", res.reason
    assert best(res).country == country


# -- ambiguities: reported without context, right with it --------------------

AMBIGUITIES = [
    # name, context that decides, check on the decided place
    ("Santa Rosa", "La Mar, Ayacucho", lambda p: p.admin2 == "La Mar"),
    ("Sanabamba", "district of Ayna, La Mar", lambda p: p.admin3 == "Ayna"),
    ("Quillabamba", "La Convención, Cusco", lambda p: p.admin2 == "La Convención"),
    ("Quillabamba", "Anco, La Mar", lambda p: p.admin3 == "Anco"),
    ("Palmapampa", "Samugari", lambda p: p.admin3 == "Samugari"),
    ("Palmapampa", "Sivia, Huanta", lambda p: p.admin3 == "Sivia"),
    ("San Francisco", "Ayna, La Mar", lambda p: p.admin3 == "Ayna"),
    ("Ayacucho", "the city of Ayacucho", lambda p: p.kind is Kind.POPULATED_PLACE),
    ("Huanta", "Huanta province", lambda p: p.kind is Kind.PROVINCE),
    ("Apurímac", "river", lambda p: p.kind is Kind.RIVER),
    ("Apurímac", "department", lambda p: p.kind is Kind.DEPARTMENT),
]


@pytest.mark.parametrize("name", sorted({a[0] for a in AMBIGUITIES}))
def test_ambiguous_names_are_reported_without_context(gaz, name):
    res = gaz.resolve(name)
    assert res.status == "ambiguous"
    assert len(res.candidates) >= 2 and res.close >= 2
    assert "give an admin unit" in res.reason


@pytest.mark.parametrize("name, context, check", AMBIGUITIES)
def test_context_decides(gaz, name, context, check):
    res = gaz.resolve(name, context=context)
    assert res.status == "ok", res.reason
    assert check(best(res)), best(res)


@pytest.mark.parametrize("mention, kind", [
    ("province of Huanta", Kind.PROVINCE),
    ("the town of Huanta", Kind.POPULATED_PLACE),
    ("the Apurímac river", Kind.RIVER),
    ("región Apurímac", Kind.DEPARTMENT),
    ("departamento de Ayacucho", Kind.DEPARTMENT),
    ("ciudad de Ayacucho", Kind.POPULATED_PLACE),
])
def test_kind_cues_in_the_mention_decide(gaz, mention, kind):
    res = gaz.resolve(mention)
    assert res.status == "ok", res.reason
    assert best(res).kind is kind


def test_structured_context(gaz):
    res = gaz.resolve("Sanabamba", context={"admin3": "Ayna", "admin2": "La Mar", "admin1": "Ayacucho"})
    assert best(res).admin3 == "Ayna"
    res = gaz.resolve("Sanabamba", context=["Ayna", "La Mar"])
    assert best(res).admin3 == "Ayna"


def test_nearby_places_decide(gaz):
    pichari = best(gaz.resolve("Pichari"))
    from gazetteer import Context

    res = gaz.resolve("Palmapampa", context=Context(near=(pichari.id,)))
    # Palmapampa of Samugari is ~20 km from Pichari; the Sivia one farther
    assert best(res).admin3 in ("Samugari", "Sivia")
    assert res.candidates[0].score >= res.candidates[1].score


# -- typos and non-places ----------------------------------------------------

@pytest.mark.parametrize("typo, expected, how", [
    ("Kepashiatto", "Kepashiato", "variant"),
    ("Kepashaito", "Kepashiato", "corrected"),
    ("Llochegau", "Llochegua", "corrected"),
])
def test_typos_are_corrected_and_said(gaz, typo, expected, how):
    res = gaz.resolve(typo)
    assert best(res).name == expected
    assert f"spelling {how}" in res.reason


@pytest.mark.parametrize("word", ["Santo", "Sant", "Rosa Santa Rosa Santa", "Xyzzyville", "Shining Path"])
def test_non_places_do_not_resolve_to_something_close(gaz, word):
    res = gaz.resolve(word)
    if res.status == "ok":
        assert res.candidates[0].match in ("exact", "name"), res.candidates[0]


# -- bad input ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "   ", "\x00\x01", "!!!", "—"])
def test_empty_names_are_invalid(gaz, name):
    res = gaz.resolve(name)
    assert res.status == "invalid"
    assert res.candidates == []
    assert res.reason


def test_absurd_length_is_invalid_and_fast(gaz):
    res = gaz.resolve("Kepashiato " * 10_000)
    assert res.status == "invalid"
    assert "characters" in res.reason


def test_control_characters_are_stripped(gaz):
    res = gaz.resolve("Kepa\x00shiato".replace("\x00", "") + "\x07\n")
    assert best(res).name == "Kepashiato"


def test_wrong_type_is_a_type_error(gaz):
    with pytest.raises(TypeError):
        gaz.resolve(42)


def test_resolve_many_keeps_order_and_deduplicates(gaz):
    names = ["Pichari", "Kepashiato", "Pichari", "", "Xyzzyville"]
    out = gaz.resolve_many(names)
    assert [r.status for r in out] == ["ok", "ok", "ok", "invalid", "unresolved"]
    assert out[0] is out[2]


@pytest.mark.parametrize("name, context, country", [
    ("Medellín", "Colombia", "CO"), ("Juliaca", None, "PE"), ("Cochabamba", "the city of Cochabamba, Bolivia", "BO"),
])
def test_geonames_source_covers_towns_not_curated(gaz, name, context, country):
    place = best(gaz.resolve(name, context=context))
    assert place.country == country
    assert place.id.startswith(("gn:", "inei:", "cur:"))
    assert place.source


def test_a_country_named_in_the_context_lifts_the_focus(gaz):
    assert best(gaz.resolve("Santa Rosa", context="Santa Rosa, in Ecuador's El Oro province")).country == "EC"
    assert best(gaz.resolve("Cochabamba")).country == "PE"  # the focus decides otherwise


def test_every_candidate_cites_its_source(gaz):
    for name in ("Santa Rosa", "Kepashiato", "VRAEM", "Apurímac"):
        for cand in gaz.resolve(name).candidates:
            assert cand.place.source


@pytest.mark.parametrize(("name", "context", "expected"), [
    ("Pichary", "La Convención", "Pichari"),      # a wrong letter
    ("Palmapamba", "La Mar", "Palmapampa"),       # a wrong letter, the province agrees
])
def test_one_typo_is_corrected_when_the_admin_context_agrees(gaz, name, context, expected):
    res = gaz.resolve(name, context=context)
    assert res.status == "ok" and res.best.place.name == expected
    assert res.best.match == "fuzzy" and f"{name!r} read as {expected!r}" in res.reason
    assert res.confidence < 0.9


@pytest.mark.parametrize("context", [None, "Cusco"])
def test_one_typo_without_agreeing_context_is_a_suggestion(gaz, context):
    res = gaz.resolve("Pichary", context=context)
    assert res.status == "unresolved" and res.best is None
    assert "did you mean Pichari" in res.reason


def test_admin_columns_naming_a_unit_of_the_same_name_decide(gaz):
    """"Río Tambo | Río Tambo | Satipo | Junín": the district, not the river, not El Tambo of Huancayo."""
    res = gaz.resolve("Río Tambo", context=["Río Tambo", "Satipo", "Junín"])
    assert res.status == "ok" and res.best.place.kind.value == "district"
    assert res.best.place.admin3 == "Río Tambo" and res.best.place.admin2 == "Satipo"
