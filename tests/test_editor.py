"""Editor and notebook support: `tunecost schema` validates every bundled example and the
starter file and rejects a typo'd field; the examples point editors at the shipped
schema; `tunecost init x.yaml && tunecost compare x.yaml` works; a Result shows itself
as HTML tables and the chart in Jupyter; shell completion works as the README says."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from tunecost import compare
from tunecost.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def validator():
    r = invoke("schema")
    assert r.exit_code == 0, r.output
    schema = json.loads(r.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_json(path: Path):
    """A YAML scenario as JSON data (YAML dates become ISO strings, as editors see them)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_schema_validates_every_bundled_example(validator, example):
    errors = [e.message for e in validator.iter_errors(as_json(example))]
    assert not errors, errors


@pytest.mark.parametrize(
    ("where", "key"),
    [
        (("team",), "enginer_rate"),
        (("workload",), "request"),
        (("paths", 0), "modle"),
        (("paths", 3, "serving"), "tpot_sla"),
        ((), "month"),
    ],
)
def test_schema_rejects_a_typo(validator, where, key):
    data = as_json(EXAMPLES[-1])
    node = data
    for part in where:
        node = node[part]
    node[key] = 1
    assert not validator.is_valid(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (("workload", "requests"), "three hundred thousand"),
        (("workload", "growth"), "3 percent"),
        (("start",), "December"),
        (("paths", 0, "kind"), "prompt-ap"),
    ],
)
def test_schema_rejects_values_the_loader_refuses(validator, field, value):
    data = as_json(EXAMPLES[-1])
    node = data
    for part in field[:-1]:
        node = node[part]
    node[field[-1]] = value
    assert not validator.is_valid(data)


def test_examples_point_editors_at_the_shipped_schema():
    for example in EXAMPLES:
        first = example.read_text().splitlines()[0]
        assert first == SCHEMA_LINE, example.name
        assert (example.parent / first.split("=", 1)[1]).resolve().is_file()


def test_schema_output_file(tmp_path):
    out = tmp_path / "s.json"
    r = invoke("schema", "--output", out)
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["title"] == "tunecost scenario"
    text = out.read_text()
    # generated from the field descriptions the docs use: units and examples are in it
    assert "300k requests/month" in text and "USD/hour" in text


def test_init_writes_a_starter_that_compare_runs(tmp_path, monkeypatch, validator):
    monkeypatch.chdir(tmp_path)
    r = invoke("init", "x.yaml")
    assert r.exit_code == 0, r.output
    text = Path("x.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert validator.is_valid(as_json(Path("x.yaml")))
    kinds = [p["kind"] for p in yaml.safe_load(text)["paths"]]
    assert kinds == ["prompt-api", "finetune-api", "prompt-selfhost", "finetune-selfhost"]
    assert text.count("# guess") >= 5  # the numbers to replace say so
    c = invoke("compare", "x.yaml")
    assert c.exit_code == 0, c.output
    assert c.stdout.startswith("my-feature: 36 months")


def test_init_answers_its_questions_with_flags(tmp_path):
    out = tmp_path / "c.yaml"
    r = invoke(
        "init",
        out,
        "--name",
        "classifier: v2 <b>",
        "--requests",
        "2M requests/month",
        "--input-tokens",
        "900",
        "--output-tokens",
        "5",
        "--model",
        "gpt-4.1-nano",
    )
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text())
    assert data["name"] == "classifier: v2 <b>"
    assert data["workload"]["requests"] == "2M requests/month"
    assert data["workload"]["input_tokens"] == 900 and data["workload"]["output_tokens"] == 5
    assert data["paths"][0]["model"] == "gpt-4.1-nano"
    result = compare(out)
    assert result.scenario.workload.requests == 2e6


def test_init_refuses_to_overwrite_and_checks_its_answers(tmp_path):
    out = tmp_path / "x.yaml"
    out.write_text("mine")
    r = invoke("init", out)
    assert r.exit_code == 2 and "exists" in r.output and "--force" in r.output
    assert out.read_text() == "mine"
    bad = invoke("init", tmp_path / "y.yaml", "--model", "gpt-4.2-mini")
    assert bad.exit_code == 2 and "did you mean" in bad.output
    assert not (tmp_path / "y.yaml").exists()
    assert invoke("init", tmp_path / "z.yaml", "--growth", "fast").exit_code == 2
    assert invoke("init", out, "--force").exit_code == 0


def test_result_displays_as_html_in_a_notebook(tmp_path):
    data = yaml.safe_load(EXAMPLES[-1].read_text())
    data["name"] = "<script>alert(1)</script>"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    result = compare(path)
    page = result._repr_html_()
    assert page.count("<table>") >= 2
    assert "<img" in page and "data:image/png;base64," in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    for name in result.paths:
        assert name in page
    assert "steady-state volume where monthly costs cross" in page


def test_shell_completion_as_the_readme_says():
    readme = (ROOT / "README.md").read_text()
    assert "_TUNECOST_COMPLETE=bash_source tunecost" in readme
    env = {**os.environ, "_TUNECOST_COMPLETE": "bash_complete", "COMP_WORDS": "tunecost com"}
    env["COMP_CWORD"] = "1"
    code = "from tunecost.cli import main; main()"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "compare" in r.stdout, r.stdout + r.stderr
