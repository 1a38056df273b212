"""`tunecost compare` and `tunecost chart` through click's CliRunner: the bundled example,
every example in examples/, the ledger export, the options, break-even and the time
features (retraining, deprecation, scale to zero, price trends)."""

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from helpers import one_error_line
from tunecost import compare
from tunecost.cli import cli
from tunecost.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BUNDLED_PATHS = ["prompt-api", "finetune-api", "llama-70b-selfhost", "llama-8b-lora-selfhost"]
LEDGER_HEADER = "month,date,path,category,usd,quantity,unit,unit_price_usd,note"
CATEGORIES = {"data", "training", "inference", "hosting", "engineering", "evaluation", "monitoring"}
SUMMARY_KEYS = (
    "total_usd",
    "first_month_usd",
    "last_month_usd",
    "usd_per_1k_requests",
    "breakeven_month",
    "breakeven_volume_requests_per_month",
)

# A prompted frontier model with a long prompt against a small tuned model with a short
# one, at high volume: the tuned path pays 100k USD of labelling up front and recovers it
# in its third month (cumulative 115,484 vs 119,760 USD; 113,684 vs 81,040 in month 2).
BREAKEVEN_YAML = """\
name: breakeven-demo
start: 2027-01
months: 24
workload:
  requests: 5M requests/month
  input_tokens: 3000
  output_tokens: 200
paths:
  - name: prompt
    kind: prompt-api
    provider: openai
    model: gpt-4.1
  - name: tuned
    kind: finetune-api
    provider: together
    model: llama-3.1-8b-instruct-turbo
    base_model: llama-3.1-8b
    hosting: serverless
    input_tokens: 200
    token_ratio: 1    # counts as Llama 3 tokens, as the hand-worked sums take them
    data: {examples: 5000, tokens_per_example: 600, labelling: 20 USD/example}
"""

# Three paths, twelve months, no growth, no price trends: for the time features.
TIME_YAML = """\
name: time-features
start: 2027-01
months: 12
team: {engineer_rate: 100 USD/hour}
workload:
  requests: 100k requests/month
  input_tokens: 1000
  output_tokens: 100
market: {new_base_model_every: 6 months}
paths:
  - name: prompt
    kind: prompt-api
    provider: openai
    model: gpt-4.1-mini
  - name: tuned
    kind: finetune-api
    provider: together
    model: llama-3.1-8b-instruct-turbo
    base_model: llama-3.1-8b
    hosting: serverless
    input_tokens: 200
    data: {examples: 1000, tokens_per_example: 500}
    engineering: {build: 10, upkeep: 1 engineer_hour/month, per_release: 5}
    evaluation: {per_release: 50 USD, hours: 2}
  - name: selfhost
    kind: finetune-selfhost
    base_model: llama-3.1-8b
    data: {examples: 1000, tokens_per_example: 500}
    training: {gpu: h100, usd_per_gpu_hour: 2 USD/hour}
    serving: {gpu: h100, gpus: 2, usd_per_gpu_hour: 2 USD/hour}
"""


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def read_ledger_text(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def months_with_cost(ledger, path, category):
    rows = ledger[(ledger.path == path) & (ledger.category == category) & (ledger.usd > 0)]
    return sorted(rows.month.tolist())


def cell(ledger, path, category, month):
    rows = ledger[(ledger.path == path) & (ledger.category == category) & (ledger.month == month)]
    assert len(rows) == 1
    return rows.iloc[0]


def first_breakeven_month(path_monthly, base_monthly):
    """Independent reference: first month from which cumulative path < cumulative baseline
    to the end of the plan."""
    below = np.cumsum(path_monthly) < np.cumsum(base_monthly) - 1e-9
    if not below[-1]:
        return None
    m = len(below)
    while m > 1 and below[m - 2]:
        m -= 1
    return m


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("scenarios")
    (d / "breakeven.yaml").write_text(BREAKEVEN_YAML, encoding="utf-8")
    (d / "time.yaml").write_text(TIME_YAML, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def bundled_json():
    return json.loads(ok(invoke("compare", "--format", "json")).stdout)


@pytest.fixture(scope="module")
def bundled_ledger():
    return read_ledger_text(ok(invoke("compare", "--format", "csv")).stdout)


def time_ledger(scenario_dir, *sets):
    args = ["compare", scenario_dir / "time.yaml", "--format", "csv"]
    for s in sets:
        args += ["--set", s]
    return read_ledger_text(ok(invoke(*args)).stdout)


# ---- the bundled example ------------------------------------------------------------------
def test_compare_without_argument_runs_the_bundled_example():
    r = ok(invoke("compare"))
    out = r.stdout
    assert out.startswith("support-assistant: 36 months from 2026-12")
    for name in BUNDLED_PATHS:
        assert name in out
    assert "Cheapest over 36 months: prompt-api" in out
    assert "Prices used (price book; scenario: given in the scenario)" in out
    header = next(line for line in out.splitlines() if line.startswith("path") and "kind" in line)
    assert "break-even" in header and "break-even volume" in header
    lines = out.splitlines()
    start = lines.index(header) + 1
    rows = {line.split()[0]: line for line in lines[start : start + 4]}
    assert list(rows) == BUNDLED_PATHS
    assert "baseline" in rows["prompt-api"]
    assert "not within 36 months" in rows["finetune-api"]
    assert "cheaper above" in rows["finetune-api"]


def test_bundled_example_json_names_the_four_paths(bundled_json):
    assert bundled_json["scenario"] == "support-assistant"
    assert bundled_json["months"] == 36
    assert bundled_json["baseline"] == "prompt-api"
    assert [p["path"] for p in bundled_json["paths"]] == BUNDLED_PATHS
    assert [p["kind"] for p in bundled_json["paths"]] == [
        "prompt-api",
        "finetune-api",
        "prompt-selfhost",
        "finetune-selfhost",
    ]
    assert {p["provider"] for p in bundled_json["prices_used"]} >= {"openai", "together"}
    assert all(p["effective_from"] and p["retrieved"] for p in bundled_json["prices_used"])


# ---- every example: JSON summary agrees with the exported ledger --------------------------
@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example_run(request, tmp_path_factory):
    csv_path = tmp_path_factory.mktemp(request.param.stem) / "ledger.csv"
    r = ok(invoke("compare", request.param, "--format", "json", "--csv", csv_path))
    return json.loads(r.stdout), pd.read_csv(csv_path)


def test_there_are_at_least_three_examples():
    assert len(EXAMPLES) >= 3


def test_example_json_has_the_summary_fields(example_run):
    data, _ = example_run
    assert data["paths"], "no paths in the summary"
    for row in data["paths"]:
        for key in SUMMARY_KEYS:
            assert key in row, f"{row['path']} lacks {key}"
        assert row["total_usd"] > 0
        assert row["first_month_usd"] > 0 and row["last_month_usd"] > 0
        assert row["usd_per_1k_requests"] > 0
        if row["path"] == data["baseline"]:
            assert row["breakeven_month"] is None
            assert row["breakeven_volume_requests_per_month"] is None
        if row["breakeven_month"] is not None:
            assert isinstance(row["breakeven_month"], int)
            assert 1 <= row["breakeven_month"] <= data["months"]
        if row["breakeven_volume_requests_per_month"] is not None:
            assert row["breakeven_volume_requests_per_month"] > 0
            assert row["cheaper_at"] in ("above", "below")


def test_example_totals_are_sums_of_the_ledger(example_run):
    data, ledger = example_run
    assert list(ledger.columns) == LEDGER_HEADER.split(",")
    assert sorted(set(ledger.month)) == list(range(1, data["months"] + 1))
    n = data["months"]
    for row in data["paths"]:
        rows = ledger[ledger.path == row["path"]]
        assert row["total_usd"] == pytest.approx(rows.usd.sum(), rel=1e-9)
        assert row["first_month_usd"] == pytest.approx(rows[rows.month == 1].usd.sum(), rel=1e-9)
        assert row["last_month_usd"] == pytest.approx(rows[rows.month == n].usd.sum(), rel=1e-9)
        for cat in CATEGORIES & set(rows.category):
            assert row[f"{cat}_usd"] == pytest.approx(
                rows[rows.category == cat].usd.sum(), rel=1e-9, abs=1e-9
            )
    # requests: the inference quantity of the first (prompted) path
    first = data["paths"][0]["path"]
    requests = ledger[(ledger.path == first) & (ledger.unit == "request")].quantity.sum()
    for row in data["paths"]:
        assert row["usd_per_1k_requests"] == pytest.approx(
            row["total_usd"] / requests * 1000, rel=1e-9
        )


def test_example_breakeven_months_follow_the_ledger(example_run):
    data, ledger = example_run
    monthly = ledger.pivot_table(index="month", columns="path", values="usd", aggfunc="sum")
    base = monthly[data["baseline"]].to_numpy()
    for row in data["paths"]:
        if row["path"] == data["baseline"]:
            continue
        expected = first_breakeven_month(monthly[row["path"]].to_numpy(), base)
        assert row["breakeven_month"] == expected, row["path"]


# ---- --format csv ------------------------------------------------------------------------
def test_format_csv_prints_the_ledger(bundled_ledger):
    r = ok(invoke("compare", "--format", "csv"))
    assert r.stdout.splitlines()[0] == LEDGER_HEADER
    led = bundled_ledger
    assert set(led.path) == set(BUNDLED_PATHS)
    assert set(led.category) <= CATEGORIES
    assert not led.duplicated(["month", "path", "category"]).any()
    pairs = led.groupby(["path", "category"]).month.apply(sorted)
    for months in pairs:
        assert months == list(range(1, 37))
    assert len(led) == 36 * len(pairs)
    for path in BUNDLED_PATHS:
        cats = set(led[led.path == path].category)
        assert {"engineering", "evaluation", "monitoring"} <= cats
        # serving: per request, or (a fine-tune on a dedicated deployment) by the hour
        assert cats & {"inference", "hosting"}
    usd = led.usd.to_numpy(dtype=float)
    assert np.isfinite(usd).all()
    assert (usd >= 0).all()
    assert led.date.iloc[0] == "2026-12-01"
    assert sorted(set(led.date))[-1] == "2029-11-01"


def test_months_option_sets_the_horizon(tmp_path):
    led = read_ledger_text(ok(invoke("compare", "--months", "12", "--format", "csv")).stdout)
    assert sorted(set(led.month)) == list(range(1, 13))
    table = ok(invoke("compare", "--months", "12")).stdout
    assert table.startswith("support-assistant: 12 months from 2026-12")
    assert "Cheapest over 12 months" in table
    assert "month 12" in table and "month 36" not in table


def test_baseline_option_changes_the_baseline(bundled_json):
    r = ok(invoke("compare", "--baseline", "finetune-api"))
    lines = r.stdout.splitlines()
    assert "baseline finetune-api" in lines[0]
    header = next(i for i, line in enumerate(lines) if line.startswith("path") and "kind" in line)
    rows = {line.split()[0]: line for line in lines[header + 1 : header + 5]}
    assert rows["finetune-api"].rstrip().endswith("-")  # no break-even volume against itself
    assert "baseline" in rows["finetune-api"]
    assert "baseline" not in rows["prompt-api"]
    data = json.loads(
        ok(invoke("compare", "--baseline", "finetune-api", "--format", "json")).stdout
    )
    assert data["baseline"] == "finetune-api"
    rows = {p["path"]: p for p in data["paths"]}
    assert rows["finetune-api"]["breakeven_month"] is None
    assert rows["finetune-api"]["breakeven_volume_requests_per_month"] is None
    # against the tuned path, prompting is cheaper below a volume (and is so from month 1)
    assert rows["prompt-api"]["cheaper_at"] == "below"
    assert rows["prompt-api"]["breakeven_month"] == 1
    # totals do not depend on the baseline
    before = {p["path"]: p["total_usd"] for p in bundled_json["paths"]}
    assert {k: v["total_usd"] for k, v in rows.items()} == pytest.approx(before)


def test_set_requests_raises_inference_cost_of_every_path(bundled_json):
    r = ok(invoke("compare", "--format", "json", "--set", "workload.requests=2M requests/month"))
    more = {p["path"]: p for p in json.loads(r.stdout)["paths"]}
    base = {p["path"]: p for p in bundled_json["paths"]}
    for name in BUNDLED_PATHS:
        assert more[name]["inference_usd"] >= base[name]["inference_usd"], name
    # per-token paths scale with traffic exactly (2M / 300k)
    for name in ("prompt-api", "finetune-api"):
        assert more[name]["inference_usd"] == pytest.approx(
            base[name]["inference_usd"] * 2e6 / 3e5, rel=1e-9
        )
    # the 70B self-hosted path needs more replicas at 2M requests a month
    assert more["llama-70b-selfhost"]["inference_usd"] > base["llama-70b-selfhost"]["inference_usd"]
    # costs that do not depend on traffic stay put
    for name in BUNDLED_PATHS:
        assert more[name]["engineering_usd"] == pytest.approx(base[name]["engineering_usd"])


def test_set_addresses_a_path_by_name(bundled_json):
    r = ok(invoke("compare", "--format", "json", "--set", "paths.finetune-api.input_tokens=1400"))
    rows = {p["path"]: p for p in json.loads(r.stdout)["paths"]}
    base = {p["path"]: p for p in bundled_json["paths"]}
    # (1400 + 250) / (350 + 250) tokens per request at one price per token (in = out)
    assert rows["finetune-api"]["inference_usd"] == pytest.approx(
        base["finetune-api"]["inference_usd"] * 1650 / 600, rel=1e-9
    )
    for name in ("prompt-api", "llama-70b-selfhost", "llama-8b-lora-selfhost"):
        assert rows[name]["total_usd"] == pytest.approx(base[name]["total_usd"], rel=1e-12)


def test_set_with_an_unknown_path_name_suggests_one(tmp_path):
    out = tmp_path / "ledger.csv"
    r = invoke("compare", "--set", "paths.finetune-apii.input_tokens=1000", "--csv", out)
    line = one_error_line(r)
    assert "--set" in line
    assert "did you mean 'finetune-api'" in line
    assert not out.exists()
    assert r.stdout == ""


# ---- files ----------------------------------------------------------------------------------
MAGIC = {
    ".png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    ".svg": lambda b: b"<svg" in b[:2000],
    ".pdf": lambda b: b.startswith(b"%PDF"),
}


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_csv_chart_and_output_files_are_written(scenario_dir, tmp_path, ext):
    csv_path, chart_path, out = tmp_path / "l.csv", tmp_path / f"fig{ext}", tmp_path / "t.txt"
    r = ok(
        invoke(
            "compare",
            scenario_dir / "breakeven.yaml",
            "--months",
            "6",
            "--csv",
            csv_path,
            "--chart",
            chart_path,
            "--output",
            out,
        )
    )
    assert MAGIC[ext](chart_path.read_bytes())
    assert csv_path.read_text(encoding="utf-8").splitlines()[0] == LEDGER_HEADER
    led = pd.read_csv(csv_path)
    assert len(led) == 6 * led.groupby(["path", "category"]).ngroups
    table = out.read_text(encoding="utf-8")
    assert table.startswith("breakeven-demo: 6 months from 2027-01")
    assert "Cheapest over 6 months" in table
    assert "Cheapest over" not in r.stdout  # the table went to the file, not the terminal
    for p in (csv_path, chart_path, out):
        assert f"wrote {p}" in r.stderr
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(
        [csv_path.name, chart_path.name, out.name]
    )


def test_written_files_follow_the_umask(scenario_dir, tmp_path):
    old = os.umask(0o022)
    try:
        csv_path, out = tmp_path / "l.csv", tmp_path / "t.json"
        ok(
            invoke(
                "compare",
                scenario_dir / "breakeven.yaml",
                "--months",
                "3",
                "--format",
                "json",
                "--csv",
                csv_path,
                "--output",
                out,
            )
        )
    finally:
        os.umask(old)
    for p in (csv_path, out):
        assert oct(p.stat().st_mode & 0o777) == oct(0o644), p.name


def test_csv_option_writes_the_unrounded_ledger(scenario_dir, tmp_path):
    csv_path = tmp_path / "ledger.csv"
    r = ok(invoke("compare", scenario_dir / "breakeven.yaml", "--csv", csv_path))
    printed = read_ledger_text(
        ok(invoke("compare", scenario_dir / "breakeven.yaml", "--format", "csv")).stdout
    )
    written = pd.read_csv(csv_path)
    pd.testing.assert_frame_equal(written, printed)
    # unrounded: the training cost is 5000 x 600 x 3 tokens x 0.48 USD/M = 4.32 USD per run
    assert cell(written, "tuned", "training", 1).usd == pytest.approx(4.32, rel=1e-12)
    assert "breakeven-demo" in r.stdout


# ---- tunecost chart ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def exported_ledger(scenario_dir, tmp_path_factory):
    p = tmp_path_factory.mktemp("ledger") / "ledger.csv"
    ok(invoke("compare", scenario_dir / "breakeven.yaml", "--months", "6", "--csv", p))
    return p


def test_chart_redraws_from_an_exported_ledger(exported_ledger, tmp_path):
    out = tmp_path / "fig.png"
    r = ok(invoke("chart", exported_ledger, "--out", out))
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"wrote {out}" in r.stderr


def _not_a_ledger(tmp_path):
    p = tmp_path / "other.csv"
    p.write_text("name,price\ngpt,1\n", encoding="utf-8")
    return p


def _folder(tmp_path):
    p = tmp_path / "folder"
    p.mkdir()
    return p


@pytest.mark.parametrize(
    ("make_ledger", "out_name", "fragment"),
    [
        (_not_a_ledger, "fig.png", "lacks column(s) month, date, path, category, usd"),
        (lambda t: t / "missing.csv", "fig.png", "no such file"),
        (_folder, "fig.png", "is a folder"),
        (None, "fig.jpg", "use a .png, .svg or .pdf file name"),
        (None, "fig.txt", "use a .png, .svg or .pdf file name"),
    ],
    ids=["not-a-ledger", "missing-file", "folder", "jpg", "txt"],
)
def test_chart_refuses_bad_input(exported_ledger, tmp_path, make_ledger, out_name, fragment):
    ledger = make_ledger(tmp_path) if make_ledger else exported_ledger
    out = tmp_path / out_name
    line = one_error_line(invoke("chart", ledger, "--out", out))
    assert fragment in line
    assert ("--out" if make_ledger is None else "LEDGER") in line
    assert not out.exists()


# ---- break-even --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def breakeven_run(scenario_dir, tmp_path_factory):
    csv_path = tmp_path_factory.mktemp("be") / "ledger.csv"
    r = ok(
        invoke("compare", scenario_dir / "breakeven.yaml", "--format", "json", "--csv", csv_path)
    )
    data = json.loads(r.stdout)
    return {p["path"]: p for p in data["paths"]}, pd.read_csv(csv_path), data


def test_breakeven_month_is_where_cumulative_cost_drops_below(breakeven_run):
    rows, ledger, data = breakeven_run
    m = rows["tuned"]["breakeven_month"]
    assert isinstance(m, int)
    assert 1 < m <= data["months"]
    assert m == 3
    assert rows["tuned"]["breakeven_date"] == "2027-03-01"
    cum = ledger.pivot_table(index="month", columns="path", values="usd", aggfunc="sum").cumsum()
    assert (cum.loc[m:, "tuned"] < cum.loc[m:, "prompt"]).all()
    assert cum.loc[m - 1, "tuned"] >= cum.loc[m - 1, "prompt"]
    assert cum.loc[3, "tuned"] == pytest.approx(115_484.32, abs=0.01)
    assert cum.loc[3, "prompt"] == pytest.approx(119_760.0, abs=0.01)
    assert rows["prompt"]["breakeven_month"] is None


def test_breakeven_is_shown_in_the_table(scenario_dir):
    out = ok(invoke("compare", scenario_dir / "breakeven.yaml")).stdout
    row = next(
        line for line in out.splitlines() if line.startswith("tuned ") and "finetune" in line
    )
    assert "month 3 (2027-03)" in row
    assert "cheaper above" in row
    assert "Cheapest over 24 months: tuned" in out


def test_breakeven_volume_is_where_steady_costs_meet(breakeven_run):
    import yaml

    rows, _, _ = breakeven_run
    v = rows["tuned"]["breakeven_volume_requests_per_month"]
    assert rows["tuned"]["cheaper_at"] == "above"
    assert v is not None and v > 0
    assert rows["prompt"]["breakeven_volume_requests_per_month"] is None

    # Steady-state monthly costs (months 2..N) are linear in a flat traffic level: solve
    # for the crossing from two runs and compare with the reported volume.
    def steady(requests):
        data = yaml.safe_load(BREAKEVEN_YAML)
        data["workload"]["requests"] = f"{requests} requests/month"
        monthly = compare(parse_scenario(data)).monthly
        return monthly.iloc[1:].mean()

    lo, hi = steady(100_000), steady(200_000)
    gap_lo = lo["tuned"] - lo["prompt"]
    gap_hi = hi["tuned"] - hi["prompt"]
    exact = 100_000 + gap_lo / (gap_lo - gap_hi) * 100_000
    assert v == pytest.approx(exact, rel=0.01)
    assert gap_lo > 0 > gap_hi  # the tuned path is dearer below, cheaper above


# ---- time --------------------------------------------------------------------------------
def test_retrain_every_three_months(scenario_dir):
    led = time_ledger(
        scenario_dir,
        "paths.tuned.retrain=every 3 months",
        "paths.selfhost.retrain=every 3 months",
    )
    assert months_with_cost(led, "tuned", "training") == [1, 4, 7, 10]
    assert months_with_cost(led, "selfhost", "training") == [1, 4, 7, 10]
    # one run each time (runs 1, retrain_runs 1) at flat prices: the same cost
    tuned = led[(led.path == "tuned") & (led.category == "training") & (led.usd > 0)]
    assert tuned.usd.to_numpy() == pytest.approx([tuned.usd.iloc[0]] * 4)
    assert months_with_cost(led, "tuned", "evaluation") == [1, 4, 7, 10]


def test_retrain_on_new_base_model_is_the_default(scenario_dir):
    led = time_ledger(scenario_dir)
    # retrain on-new-base-model (the default), one every 6 months: month 7 of 12
    assert months_with_cost(led, "tuned", "training") == [1, 7]
    assert months_with_cost(led, "prompt", "evaluation") == [1, 7]


def test_retrain_never(scenario_dir):
    led = time_ledger(scenario_dir, "paths.tuned.retrain=never", "paths.selfhost.retrain=never")
    assert months_with_cost(led, "tuned", "training") == [1]
    assert months_with_cost(led, "selfhost", "training") == [1]
    assert months_with_cost(led, "tuned", "evaluation") == [1]


def test_deprecation_forces_a_release(scenario_dir):
    led = time_ledger(scenario_dir, "paths.tuned.retrain=never", "paths.tuned.deprecated=2027-06")
    # a release in month 6: retrain, evaluation (50 USD + 2 h x 100) and 5 h of engineering
    assert months_with_cost(led, "tuned", "training") == [1, 6]
    assert months_with_cost(led, "tuned", "evaluation") == [1, 6]
    assert cell(led, "tuned", "evaluation", 6).usd == pytest.approx(250.0)
    assert cell(led, "tuned", "engineering", 6).usd == pytest.approx((1 + 5) * 100.0)
    for m in (2, 5, 7, 12):
        assert cell(led, "tuned", "engineering", m).usd == pytest.approx(100.0)
    assert cell(led, "tuned", "engineering", 1).usd == pytest.approx(1000.0)


def test_scale_to_zero_with_no_traffic(scenario_dir):
    led = time_ledger(
        scenario_dir,
        "workload.requests=0 requests/month",
        "paths.selfhost.serving.min_replicas=0",
    )
    inf = led[(led.path == "selfhost") & (led.category == "inference")]
    assert len(inf) == 12
    assert (inf.usd == 0).all()
    assert (inf.quantity == 0).all()


def test_one_replica_is_paid_for_all_month(scenario_dir):
    led = time_ledger(
        scenario_dir,
        "workload.requests=0 requests/month",
        "paths.selfhost.serving.min_replicas=1",
    )
    inf = led[(led.path == "selfhost") & (led.category == "inference")]
    assert len(inf) == 12
    # one replica of 2 GPUs, every hour of each calendar month of 2027, at 2 USD/GPU-hour
    hours = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 24.0
    assert (inf.unit == "GPU-hour").all()
    assert inf.quantity.to_numpy() == pytest.approx(2 * hours)
    assert inf.usd.to_numpy() == pytest.approx(2 * hours * 2.0)


def test_api_price_trend_halves_the_per_request_cost_after_a_year(scenario_dir):
    led = time_ledger(
        scenario_dir,
        "months=24",
        "market.api_price_change=-50 %/year",
    )
    for path in ("prompt", "tuned"):
        m1 = cell(led, path, "inference", 1)
        m13 = cell(led, path, "inference", 13)
        m7 = cell(led, path, "inference", 7)
        assert m1.quantity == m13.quantity == 100_000  # zero growth
        assert m13.unit_price_usd == pytest.approx(m1.unit_price_usd / 2, rel=1e-12)
        assert m13.usd == pytest.approx(m1.usd / 2, rel=1e-12)
        assert m7.usd == pytest.approx(m1.usd / np.sqrt(2), rel=1e-12)
    # GPU prices have no trend here: self-hosted inference per hour does not move
    sh = led[(led.path == "selfhost") & (led.category == "inference")]
    per_hour = (sh.usd / sh.quantity).to_numpy()
    assert per_hour == pytest.approx([per_hour[0]] * 24)


def test_serving_expert_parallel_reaches_the_estimator():
    """serving.expert_parallel is the serve option's scenario twin: a mixture of experts
    takes it, a dense model refuses it in one line naming the field."""
    base = "paths.llama-70b-selfhost"
    moe = ["--set", f"{base}.model=qwen3-30b-a3b", "--set", f"{base}.serving.expert_parallel=true"]
    ok(invoke("compare", "--format", "json", *moe))
    r = invoke("compare", "--set", f"{base}.serving.expert_parallel=true")
    assert r.exit_code == 2
    line = r.stderr.strip()
    assert f"{base}.serving.expert_parallel" in line and "dense" in line
    assert len(line.splitlines()) == 1
