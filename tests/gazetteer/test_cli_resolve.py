"""`geo resolve` on the command line."""

import json

from click.testing import CliRunner

from geo.cli import main


def run(*args):
    return CliRunner().invoke(main, ["resolve", *args, "--no-datapack"])


def test_resolve_prints_a_json_array_best_first():
    result = run("Kepashiato")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out[0]["name"] == "Kepashiato"
    for field in ("id", "name", "kind", "lat", "lon", "country", "admin1", "admin2", "admin3",
                  "precision", "score", "source"):
        assert field in out[0]
    assert out[0]["geo_precision"] == 1 and out[0]["where_prec"] == 1


def test_unknown_name_is_an_empty_array_with_a_note():
    result = run("Xyzzyville")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "unresolved" in result.stderr


def test_context_and_limit():
    result = run("Sanabamba", "--context", "district of Ayna, La Mar", "--limit", "2")
    out = json.loads(result.stdout)
    assert len(out) <= 2
    assert out[0]["admin3"] == "Ayna"


def test_ambiguity_is_said_on_stderr():
    result = run("Santa Rosa")
    assert "ambiguous" in result.stderr
    assert len(json.loads(result.stdout)) > 1


def test_bad_kind_is_a_usage_error():
    result = run("Pichari", "--kind", "spaceport")
    assert result.exit_code == 2
