import pytest

from gazetteer.names import fold, key, phonetic, split_key


@pytest.mark.parametrize("variant", [
    "the Apurímac-Ene valleys",
    "Apurimac and Ene river valley",
    "valle de los ríos Apurímac y Ene",
    "APURÍMAC–ENE VALLEY",
    "the Apurímac-Ene valley’s",
])
def test_valley_variants_share_a_key(variant):
    assert key(variant) == "apurimac ene"
    assert "valley" in split_key(variant)[1]


@pytest.mark.parametrize("text, expected_key, cue", [
    ("province of Huanta", "huanta", "province"),
    ("provincia de Huanta", "huanta", "province"),
    ("the town of Huanta", "huanta", "town"),
    ("ciudad de Ayacucho", "ayacucho", "town"),
    ("distrito de Ayna", "ayna", "district"),
    ("departamento de Junín", "junin", "department"),
    ("región Ayacucho", "ayacucho", "department"),
    ("the Apurímac river", "apurimac", "river"),
    ("río Apurímac", "apurimac", "river"),
    ("base contraterrorista de Unión Mantaro", "union mantaro", "base"),
])
def test_generic_words_become_cues(text, expected_key, cue):
    k, cues = split_key(text)
    assert k == expected_key
    assert cue in cues


@pytest.mark.parametrize("a, b", [
    ("Cuzco", "Cusco"), ("Quimbiri", "Kimbiri"), ("Ccano", "Cano"), ("Huallaga", "Wallaga"),
])
def test_spelling_variants_share_a_phonetic_key(a, b):
    assert phonetic(a) == phonetic(b)


def test_fold_handles_case_accents_quotes_and_possessives():
    assert fold("UNIÓN  MANTARO’s") == "union mantaro"
    assert fold("Junín") == fold("JUNIN") == "junin"
    assert fold("Santo-Domingo de Acobamba") == "santo domingo de acobamba"


def test_a_name_made_only_of_generic_words_keeps_itself():
    # "La Mar" is a province, not an article and a sea
    assert key("La Mar") == "mar"
    assert key("Valle") == "valle"


def test_different_places_keep_different_keys():
    assert phonetic("Santa Rosa") != phonetic("Santa")
    assert key("Pichari") != key("Pichiquía")
