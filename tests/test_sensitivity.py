"""Sensitivity (tornado), switch thresholds and the report."""

import json
import shutil
import subprocess
import time

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from tunecost import compare
from tunecost.analysis.sensitivity import tornado
from tunecost.analysis.threshold import threshold
from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.errors import InputError
from tunecost.scenario import load_scenario, parse_scenario
from tunecost.scenario.walk import numeric_fields

EXAMPLE = bundled_example()


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(EXAMPLE)


@pytest.fixture(scope="module")
def swings(scenario):
    return tornado(scenario, path="finetune-api")


def test_base_value_is_the_deterministic_difference(scenario, swings):
    totals = compare(scenario).totals["total"]
    assert swings.base_value == pytest.approx(totals["finetune-api"] - totals["prompt-api"])


def test_a_swing_equals_rerunning_with_that_value(scenario, swings):
    row = next(r for r in swings.rows if r["field"] == "team.engineer_rate")
    assert (row["low"], row["high"]) == (pytest.approx(67.5), pytest.approx(112.5))
    data = yaml.safe_load(EXAMPLE.read_text())
    data["team"]["engineer_rate"] = "67.5 USD/hour"
    totals = compare(parse_scenario(data)).totals["total"]
    assert row["result_at_low"] == pytest.approx(totals["finetune-api"] - totals["prompt-api"])


def test_a_field_the_result_does_not_depend_on_has_zero_swing_and_ranks_last(swings):
    fields = [r["field"] for r in swings.rows]
    i = fields.index("workload.peak_to_average")  # sizes GPUs; neither API path has any
    assert swings.rows[i]["swing"] == 0
    assert all(r["swing"] == 0 for r in swings.rows[i:])
    assert swings.rows[0]["swing"] > 0


def test_sensitivity_on_the_bundled_example_is_fast(scenario):
    tornado(scenario)  # warm
    t0 = time.perf_counter()
    result = tornado(scenario, metric="breakeven-month", path="llama-8b-lora-selfhost")
    assert time.perf_counter() - t0 < 1.0
    related = [
        a
        for a in numeric_fields(scenario)
        if a[0] != "paths" or a[1] in ("prompt-api", "llama-8b-lora-selfhost")
    ]
    assert len(result.rows) == len(related) > 30


def test_threshold_found_flips_the_recommendation(scenario):
    # with the fine-tune on Together's dedicated deployment, it pays above ~4M requests
    found = threshold(scenario, "workload.requests", high=1e8)
    assert found.value is not None and found.below == "prompt-api"
    data = yaml.safe_load(EXAMPLE.read_text())

    def cheapest(requests):
        data["workload"]["requests"] = f"{requests} requests/month"
        totals = compare(parse_scenario(data)).totals["total"]
        return totals.idxmin()

    assert cheapest(found.value * (1 - 1e-3)) == found.below
    assert cheapest(found.value * (1 + 1e-3)) == found.above


def test_threshold_with_no_switch_in_range(scenario):
    found = threshold(scenario, "workload.requests", low=1e3, high=1e4)
    assert found.value is None and found.below == found.above == "prompt-api"
    assert found.moves_costs  # more requests cost more: widening may find a switch


def test_threshold_says_when_the_input_moves_no_cost():
    # the bundled example's fine-tune runs on a dedicated deployment billed by the hour:
    # its prompt length changes no path's total, so widening the range cannot help
    from tunecost.output.sensitivity import threshold_text

    data = yaml.safe_load(bundled_example().read_text())
    found = threshold(parse_scenario(data), "paths.finetune-api.input_tokens", low=50, high=1800)
    assert found.value is None and not found.moves_costs
    assert "no path's cost changes with it" in threshold_text(found, "table")


@pytest.mark.parametrize(
    ("field", "fragment"),
    [
        ("paths.prompt-api.model", "not a numeric input"),
        ("workload.requets", "did you mean 'workload.requests'"),
        ("team.salary", "not a field of the scenario"),
    ],
)
def test_threshold_refuses_fields_it_cannot_vary(scenario, field, fragment):
    with pytest.raises(InputError, match=fragment):
        threshold(scenario, field)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_sensitivity_table_json_chart(tmp_path):
    r = run("sensitivity")
    assert r.exit_code == 0, r.output
    assert "team.engineer_rate" in r.output.splitlines()[2]  # the largest swing first
    j = json.loads(run("sensitivity", "--format", "json", "--metric", "breakeven-month").stdout)
    assert j["metric"] == "breakeven-month" and j["inputs"]
    chart = tmp_path / "t.png"
    assert run("sensitivity", "--chart", chart).exit_code == 0
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_cli_threshold():
    wide = ("--high", "100M requests/month")
    r = run("threshold", "--vary", "workload.requests", *wide)
    assert r.exit_code == 0, r.output
    assert "prompt-api below, finetune-api above" in r.output
    j = json.loads(
        run("threshold", "--vary", "workload.requests", *wide, "--format", "json").stdout
    )
    assert j["below"] == "prompt-api" and j["value"] > 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["threshold", "--vary", "paths.prompt-api.model"], "not a numeric input"),
        (["threshold", "--vary", "workload.requests", "--low", "5 USD"], "does not convert"),
        (
            [
                "threshold",
                "--vary",
                "workload.requests",
                "--low",
                "2M requests/month",
                "--high",
                "1M requests/month",
            ],
            "low < high",
        ),
        (["sensitivity", "--path", "nope"], "no path named 'nope'"),
        (["sensitivity", "--path", "prompt-api"], "other than the baseline"),
        (["report", "--out", "r.pdf"], "use a .html or .md"),
    ],
)
def test_cli_bad_input_exits_2(args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip() and not x.startswith("warning")]
    assert len(lines) == 1 and fragment in lines[0], r.output
    assert list(tmp_path.iterdir()) == []


RANGES = yaml.safe_load(EXAMPLE.read_text())
RANGES["workload"]["requests"] = {"low": "150k requests/month", "high": "1.5M requests/month"}


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    (folder / "s.yaml").write_text(yaml.safe_dump(RANGES))
    out = folder / "report.html"
    r = CliRunner().invoke(
        cli, ["report", str(folder / "s.yaml"), "--out", str(out), "--draws", "300"]
    )
    assert r.exit_code == 0, r.output
    return out


def test_report_html_is_self_contained(report_html):
    text = report_html.read_text()
    assert text.count("src='data:image/png;base64,") == 2
    assert "http://" not in text.split("<h2>Prices used</h2>")[0].replace("http://www.w3", "")
    assert "<h2>How sure</h2>" in text and "% of 300 draws" in text
    assert text.count("<table>") >= 5
    assert "Cheapest over 36 months" in text


def test_report_markdown(tmp_path):
    out = tmp_path / "r.md"
    r = CliRunner().invoke(cli, ["report", "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.startswith("# support-assistant")
    assert text.count("](data:image/png;base64,") == 2
    assert "single estimate" in text  # the bundled example has no ranges


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_report_renders_in_a_headless_browser(report_html, tmp_path):
    common = [CHROMIUM, *HEADLESS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*common, "--dump-dom", report_html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert dom.count("<table>") >= 5 and dom.count("<img") == 2
    assert "How sure" in dom and "Which inputs matter" in dom
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,3000", report_html.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[0] == 3000
    assert np.std(pixels[:, :, :3]) > 0.05  # charts and tables, not a blank page


def test_price_factors_scale_prices(scenario):
    base = compare(scenario)
    data = yaml.safe_load(EXAMPLE.read_text())
    data["market"]["api_price_factor"] = 0.5
    data["market"]["gpu_price_factor"] = 2
    scaled = compare(parse_scenario(data))

    def inference(result, path):
        led = result.ledger
        return led[(led.path == path) & (led.category == "inference")].usd.sum()

    assert inference(scaled, "prompt-api") == pytest.approx(0.5 * inference(base, "prompt-api"))
    assert inference(scaled, "llama-70b-selfhost") == pytest.approx(
        2 * inference(base, "llama-70b-selfhost")
    )
    found = threshold(scenario, "market.api_price_factor", high=100.0)
    assert found.value is not None and found.below != found.above


def test_default_engineering_hours_are_swung_and_unrelated_paths_left_out():
    data = yaml.safe_load(EXAMPLE.read_text())
    del data["paths"][1]["engineering"]  # finetune-api falls back to the default hours
    result = tornado(parse_scenario(data), path="finetune-api")
    fields = {r["field"] for r in result.rows}
    assert "paths.finetune-api.engineering.upkeep (default)" in fields
    assert not any(f.startswith("paths.llama-70b-selfhost") for f in fields)


def test_threshold_bounds_are_read_in_the_fields_period(tmp_path):
    r = CliRunner().invoke(
        cli,
        [
            "threshold",
            "--vary",
            "workload.growth",
            "--low",
            "0 %/year",
            "--high",
            "200 %/year",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    searched = json.loads(r.stdout)["searched"]
    # 200 %/year compounds to 9.59 %/month, the field's own period
    assert searched == [pytest.approx(0.0), pytest.approx(100 * (3 ** (1 / 12) - 1))]


def test_engineer_rate_per_month_is_refused():
    data = yaml.safe_load(EXAMPLE.read_text())
    data["team"]["engineer_rate"] = "15600 USD/month"
    with pytest.raises(InputError, match="per engineer-hour"):
        parse_scenario(data)


def test_a_range_on_examples_runs():
    from tunecost.analysis.montecarlo import monte_carlo

    data = yaml.safe_load(EXAMPLE.read_text())
    data["paths"][1]["data"]["examples"] = {"low": 2000, "high": 10000}
    s = parse_scenario(data)
    mc = monte_carlo(s, draws=100, seed=0)
    assert np.isfinite(mc.totals).all()
    data["paths"][1]["data"]["examples"] = {"low": 0, "high": 10}
    with pytest.raises(InputError, match="examples: low: must be greater than zero, got 0"):
        parse_scenario(data)


def test_threshold_says_which_search_range_cannot_be_priced():
    # 10 x the classifier's prompt breaks one path's time-to-first-token target: the
    # error says it came from the search range and how to narrow it
    from pathlib import Path

    example = Path(__file__).parents[1] / "examples" / "high-volume-classifier.yaml"
    out = CliRunner().invoke(cli, ["threshold", str(example), "--vary", "workload.input_tokens"])
    assert out.exit_code == 2
    assert "while searching workload.input_tokens from" in out.output
    assert "narrow --low/--high" in out.output


def test_threshold_reports_the_scenarios_own_error_as_it_is():
    """A scenario that cannot be priced at its own values is not a search-range problem:
    the error names the file and the field, with no advice to narrow --low/--high."""
    from pathlib import Path

    example = Path(__file__).parents[1] / "examples" / "support-assistant.yaml"
    args = ["threshold", str(example), "--vary", "workload.requests"]
    out = CliRunner().invoke(cli, [*args, "--set", "paths.llama-70b-selfhost.serving.gpu=zzz"])
    assert out.exit_code == 2
    assert out.output.startswith(
        "Error: support-assistant.yaml with --set: paths.llama-70b-selfhost.serving.gpu: "
        "unknown GPU 'zzz'"
    )
    assert "while searching" not in out.output


@pytest.mark.parametrize(
    "field",
    [
        "paths.llama-70b-selfhost.serving.usd_per_gpu_hour",
        "paths.llama-8b-lora-selfhost.training.usd_per_gpu_hour",
        "paths.prompt-api.prices.input",
    ],
)
def test_a_price_given_in_the_scenario_can_be_varied(field):
    # a price the scenario gives became a column of values under sensitivity, threshold
    # and Monte Carlo, and its month series was stacked the wrong way (a traceback)
    data = yaml.safe_load(bundled_example().read_text())
    unit = "USD/1M tokens" if field.endswith("input") else "USD/hour"
    path, *rest = field.split(".")[1:]
    target = next(p for p in data["paths"] if p["name"] == path)
    for key in rest[:-1]:
        target = target.setdefault(key, {})
    target[rest[-1]] = f"2 {unit}"
    scenario = parse_scenario(data)
    compared = path if path != "prompt-api" else "finetune-api"
    swings = {r["field"]: r["swing"] for r in tornado(scenario, path=compared).rows}
    assert swings[field] > 0
    target[rest[-1]] = {"low": f"1 {unit}", "high": f"3 {unit}"}
    ranged = compare(parse_scenario(data), draws=50, seed=1)
    assert ranged.monte_carlo is not None


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (
            ["--low", "-1"],
            "Error: --low: paths.finetune-api.data.epochs must be greater than zero; got -1",
        ),
        (
            ["--low", "0"],
            "Error: --low: paths.finetune-api.data.epochs must be greater than zero; got 0",
        ),
        (
            ["--high", "500"],
            "Error: --high: 500 is outside paths.finetune-api.data.epochs: its largest value "
            "is 100",
        ),
    ],
)
def test_threshold_refuses_search_ends_the_field_refuses(extra, says):
    """A search end outside what the field accepts is refused, not clipped: pricing 0
    epochs, which compare refuses, would report a switch that cannot happen."""
    from pathlib import Path

    example = Path(__file__).parents[1] / "examples" / "support-assistant.yaml"
    args = ["threshold", str(example), "--vary", "paths.finetune-api.data.epochs", *extra]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 2
    assert out.output.startswith(says)


def test_threshold_names_a_floored_fields_own_floor():
    """serving.throughput_scale accepts 0.1 to 10: --low 0 is below 0.1, not merely
    'not greater than zero'."""
    from pathlib import Path

    example = Path(__file__).parents[1] / "examples" / "support-assistant.yaml"
    field = "paths.llama-8b-lora-selfhost.serving.throughput_scale"
    out = CliRunner().invoke(cli, ["threshold", str(example), "--vary", field, "--low", "0"])
    assert out.exit_code == 2
    assert out.output == f"Error: --low: 0 is outside {field}: its smallest value is 0.1\n"
