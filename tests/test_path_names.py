"""Path names are data, not syntax: a name with dots works wherever a name is typed or
shown (--set, sensitivity, threshold --vary, the report, the ledger) exactly as the same
scenario with dot-free names does; names differing only by case or surrounding spaces
are refused."""

import json
import re

import pytest
import yaml
from click.testing import CliRunner

from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.errors import InputError
from tunecost.scenario import parse_scenario
from tunecost.scenario.address import format_address, parse_address

RENAMES = {
    "prompt-api": "gpt-4.1-prompt",
    "finetune-api": "ft-4.1-mini",
    "llama-70b-selfhost": "llama-3.3-70b.selfhost",
    "llama-8b-lora-selfhost": "llama-3.1-8b.lora",
}


def _write(tmp_path, data, name):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The bundled example as it is, and with every path renamed to a dotted name."""
    folder = tmp_path_factory.mktemp("names")
    data = yaml.safe_load(bundled_example().read_text())
    plain = _write(folder, data, "plain.yaml")
    for p in data["paths"]:
        p["name"] = RENAMES[p["name"]]
    return plain, _write(folder, data, "dotted.yaml")


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


def renamed(text: str) -> str:
    """Output of the plain scenario with its names (and their addresses) renamed."""
    for old, new in RENAMES.items():
        text = text.replace(f"paths.{old}.", f"{format_address(('paths', new))}.")
        text = re.sub(rf"(?<![\w.-]){re.escape(old)}(?![\w.-])", new, text)
    return text


def test_sensitivity_inputs_are_the_same_with_dotted_names(pair):
    plain, dotted = pair
    for metric in ("total-difference", "breakeven-month"):
        args = ("--metric", metric, "--path")
        a = json.loads(
            run("sensitivity", plain, *args, "llama-8b-lora-selfhost", "--format", "json")
        )
        b = json.loads(run("sensitivity", dotted, *args, "llama-3.1-8b.lora", "--format", "json"))
        expected = json.loads(renamed(json.dumps(a)))
        # rows tied on swing are ordered by name, and the names differ: compare by field
        by_field = {r["field"]: r for r in expected.pop("inputs")}
        assert {r["field"]: r for r in b.pop("inputs")} == by_field
        assert b == expected
        assert any(f.startswith("paths[llama-3.1-8b.lora].") for f in by_field)
        assert len(by_field) == len(a["inputs"]) > 30


@pytest.mark.parametrize(
    "spelling",
    ["paths[ft-4.1-mini].input_tokens", "paths.ft-4.1-mini.input_tokens", "paths[1].input_tokens"],
)
def test_threshold_varies_a_field_of_a_dotted_path(pair, spelling):
    plain, dotted = pair
    common = ("--low", "20", "--high", "4000", "--format", "json")
    a = json.loads(run("threshold", plain, "--vary", "paths.finetune-api.input_tokens", *common))
    b = json.loads(run("threshold", dotted, "--vary", spelling, *common))
    assert b.pop("field") == spelling
    a.pop("field")
    assert b == json.loads(renamed(json.dumps(a)))


def test_threshold_of_the_volume_names_dotted_paths(pair):
    plain, dotted = pair
    a = run("threshold", plain, "--vary", "workload.requests", "--format", "json")
    b = run("threshold", dotted, "--vary", "workload.requests", "--format", "json")
    assert b == renamed(a)


@pytest.mark.parametrize(
    "key",
    [
        "paths[ft-4.1-mini].data.examples",
        "paths.ft-4.1-mini.data.examples",
        "paths.1.data.examples",
    ],
)
def test_set_reaches_a_dotted_path(pair, key):
    plain, dotted = pair
    a = run("compare", plain, "--set", "paths.finetune-api.data.examples=8000", "--format", "csv")
    b = run("compare", dotted, "--set", f"{key}=8000", "--format", "csv")
    assert b == renamed(a)
    assert a != run("compare", plain, "--format", "csv")  # the override took effect


def test_report_lists_the_inputs_of_dotted_paths(pair, tmp_path):
    _, dotted = pair
    out = tmp_path / "r.md"
    run("report", dotted, "--output", out, "--draws", "50")
    text = out.read_text()
    assert "paths[ft-4.1-mini]." in text
    assert "ft-4.1-mini" in text and "llama-3.1-8b.lora" in text


def test_an_ambiguous_dotted_address_asks_for_brackets(tmp_path):
    data = yaml.safe_load(bundled_example().read_text())
    data["paths"][0]["name"], data["paths"][1]["name"] = "a", "a.b"
    path = _write(tmp_path, data, "ambiguous.yaml")
    result = CliRunner().invoke(cli, ["compare", str(path), "--set", "paths.a.b.input_tokens=9"])
    assert result.exit_code == 2
    assert "--set: paths.a.b.input_tokens: could name path paths.a or paths[a.b]" in result.output
    assert "brackets" in result.output
    ok = CliRunner().invoke(cli, ["compare", str(path), "--set", "paths[a.b].input_tokens=9"])
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(
    ("names", "repeated"),
    [
        (["p1", "p1"], "repeated: p1"),
        (["p1", "p1 "], "repeated: 'p1', 'p1 '"),
        (["p1", "P1"], "repeated: 'p1', 'P1'"),
        (["Prompt", " prompt"], "repeated: 'Prompt', ' prompt'"),
    ],
)
def test_names_differing_by_case_or_spaces_are_duplicates(names, repeated, tmp_path):
    data = yaml.safe_load(bundled_example().read_text())
    data["paths"][0]["name"], data["paths"][1]["name"] = names
    data.pop("baseline", None)
    with pytest.raises(InputError, match=re.escape(repeated)):
        parse_scenario(data)
    result = CliRunner().invoke(cli, ["compare", str(_write(tmp_path, data, "dupes.yaml"))])
    assert result.exit_code == 2
    assert "path names must be unique" in result.output


@pytest.mark.parametrize(
    ("address", "text"),
    [
        (("workload", "requests"), "workload.requests"),
        (("paths", "finetune-api", "data", "examples"), "paths.finetune-api.data.examples"),
        (("paths", "gpt-4.1", "input_tokens"), "paths[gpt-4.1].input_tokens"),
        (("paths", " p1", "monitoring"), "paths[ p1].monitoring"),
        (("paths", "7", "monitoring"), "paths[7].monitoring"),
        (("paths", "a]b", "monitoring"), "paths[a]b].monitoring"),
    ],
)
def test_addresses_round_trip(address, text):
    names = ["finetune-api", "gpt-4.1", " p1", "7", "a]b"]
    assert format_address(address) == text
    assert parse_address(text, names, "field") == address
