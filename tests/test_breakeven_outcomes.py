"""The break-even volume's three outcomes are told apart in the table and JSON: a number
(cheaper above or below it), cheaper at every volume, and never (issue 12, point 10)."""

import json

from click.testing import CliRunner

from tunecost import compare
from tunecost.cli import cli
from tunecost.scenario import parse_scenario

NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}


def _scenario(cheap_price: str, dear_price: str) -> dict:
    def path(name, price):
        return {
            "name": name,
            "kind": "prompt-api",
            "provider": "acme",
            "model": name,
            "prices": {"input": price, "output": price},
            **NO_LABOUR,
        }

    return {
        "name": "outcomes",
        "start": "2027-01",
        "months": 12,
        "workload": {"requests": "1M requests/month", "input_tokens": 100, "output_tokens": 10},
        "market": {"new_base_model_every": "24 months"},
        "paths": [path("base", dear_price), path("other", cheap_price)],
    }


def _row(result, name):
    return next(r for r in result.summary() if r["path"] == name)


def test_a_path_cheaper_at_every_volume_is_not_called_never():
    row = _row(compare(parse_scenario(_scenario("1 USD/1M tokens", "2 USD/1M tokens"))), "other")
    assert row["breakeven_volume_requests_per_month"] is None
    assert row["cheaper_at"] == "every volume"


def test_a_path_dearer_at_every_volume_never_breaks_even():
    row = _row(compare(parse_scenario(_scenario("3 USD/1M tokens", "2 USD/1M tokens"))), "other")
    assert row["breakeven_volume_requests_per_month"] is None
    assert row["cheaper_at"] == "never"


def test_a_crossing_is_a_number_with_its_side():
    data = _scenario("1 USD/1M tokens", "2 USD/1M tokens")
    data["paths"][1]["monitoring"] = "1000 USD/month"  # fixed cost: pays off above a volume
    row = _row(compare(parse_scenario(data)), "other")
    assert row["cheaper_at"] == "above"
    # 1000 USD/month = requests x 110 tokens x 1 USD/1M -> 9.09M requests/month
    assert abs(row["breakeven_volume_requests_per_month"] / 9.0909e6 - 1) < 0.01


def test_the_table_and_json_say_each_outcome(tmp_path):
    import yaml

    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(_scenario("1 USD/1M tokens", "2 USD/1M tokens")))
    table = CliRunner().invoke(cli, ["compare", str(f), "--wide"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "cheaper at every volume from 10 to 100B requests/month" in table.stdout
    out = CliRunner().invoke(cli, ["compare", str(f), "--format", "json"])
    other = next(p for p in json.loads(out.stdout)["paths"] if p["path"] == "other")
    assert other["cheaper_at"] == "every volume"
