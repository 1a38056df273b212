"""`tunecost pricing list|show|validate|import` through click's CliRunner, and the
`--pricing-dir` / TUNECOST_PRICING_DIR overrides of the bundled price book."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tunecost.cli import cli
from tunecost.pricebook import find_pricing_dir
from tunecost.pricebook.reading import read_rows
from tunecost.pricebook.schemas import SCHEMAS

PRICING = Path(__file__).parents[1] / "pricing"
FIXTURES = Path(__file__).parent / "data" / "fixtures"
LITELLM = FIXTURES / "litellm_small.json"
SKY_AWS = FIXTURES / "skypilot_aws_small.csv"

API_HEADER = (
    "provider,model,context_over_tokens,input,cached_input,cache_write,output,batch_input,"
    "batch_output,unit,effective_from,retrieved,source_url"
)
FINETUNE_HEADER = "provider,model,kind,price,unit,effective_from,retrieved,source_url"
# the table's own columns, in the table's order (gpu_offers.csv less its notes)
GPU_HEADER = (
    "provider,instance,gpu,gpu_count,on_demand_usd_per_gpu_hour,spot_usd_per_gpu_hour,"
    "reserved_1y_usd_per_gpu_hour,region,market,effective_from,source_url,retrieved"
)


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _shipped(name: str) -> list[dict]:
    rows, problems = read_rows(PRICING / name, SCHEMAS[name])
    assert problems == []
    return rows


def _copy_with(tmp_path: Path, table: str, match: dict, column: str, value: str) -> Path:
    """A copy of the shipped book with one cell changed (``column`` of the row ``match``)."""
    folder = tmp_path / "book"
    shutil.copytree(PRICING, folder)
    path = folder / table
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:]:
        if all(row[header.index(k)] == v for k, v in match.items()):
            row[header.index(column)] = value
            break
    else:
        raise AssertionError(f"no row {match} in {table}")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return folder


MINI_INPUT = {"provider": "openai", "model": "gpt-4.1-mini", "kind": "input"}


def _shown_input(result) -> float:
    assert result.exit_code == 0, result.output
    rows = [r for r in _csv(result.stdout) if r["kind"] == "input"]
    assert len(rows) == 1
    return float(rows[0]["price"])


# ---- list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header"), [("api", API_HEADER), ("finetune", FINETUNE_HEADER), ("gpu", GPU_HEADER)]
)
def test_list_csv_has_the_tables_own_columns(kind, header):
    r = run("pricing", "list", "--kind", kind, "--format", "csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == header
    rows = _csv(r.stdout)
    assert len(rows) >= 20
    assert all(row["source_url"].startswith("http") for row in rows)


def test_list_api_csv_matches_the_table():
    r = run("pricing", "list", "--kind", "api", "--provider", "openai", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = {(x["model"], x["context_over_tokens"]): x for x in _csv(r.stdout)}
    mini = rows[("gpt-4.1-mini", "")]
    assert float(mini["input"]) == pytest.approx(0.4)
    assert float(mini["output"]) == pytest.approx(1.6)
    assert mini["unit"] == "USD/1M tokens"
    assert mini["effective_from"] == "2025-04-14"
    assert {x["provider"] for x in rows.values()} == {"openai"}
    # the long-context tier of gpt-5.4 is a row of its own
    assert float(rows[("gpt-5.4", "272000")]["input"]) == pytest.approx(5.0)


def test_list_api_prices_are_the_tables_prices_without_float_noise():
    # The table says 0.4 USD/1M tokens; the listing must not print 0.39999999999999997.
    r = run("pricing", "list", "--kind", "api", "--format", "csv")
    assert r.exit_code == 0, r.output
    newest: dict = {}
    today = dt.date.today()
    for x in _shipped("api_models.csv"):
        if x["effective_from"] > today:  # announced for later: not in effect today
            continue
        key = (x["provider"], x["model"], x["context_over_tokens"], x["kind"])
        if key not in newest or x["effective_from"] > newest[key]["effective_from"]:
            newest[key] = x
    kinds = ("input", "cached_input", "cache_write", "output", "batch_input", "batch_output")
    noisy = []
    for row in _csv(r.stdout):
        ctx = int(row["context_over_tokens"]) if row["context_over_tokens"] else None
        for kind in kinds:
            key = (row["provider"], row["model"], ctx, kind)
            if row[kind] and float(row[kind]) != newest[key]["price"]:
                noisy.append(f"{key}: {row[kind]} != {newest[key]['price']}")
    assert noisy == [], f"{len(noisy)} prices differ, e.g. {noisy[:3]}"


def test_list_gpu_json_parses_and_filters_by_provider():
    r = run("pricing", "list", "--kind", "gpu", "--provider", "Lambda", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {x["provider"] for x in rows} == {"lambda"}
    shipped = {x["instance"] for x in _shipped("gpu_offers.csv") if x["provider"] == "lambda"}
    assert {x["instance"] for x in rows} == shipped
    h100 = next(x for x in rows if x["instance"] == "gpu_8x_h100_sxm5")
    assert h100["gpu"] == "h100-sxm"
    assert h100["gpu_count"] == 8
    assert h100["source_url"].startswith("https://")


def test_list_finetune_json_has_kinds_units_and_sources():
    r = run("pricing", "list", "--kind", "finetune", "--provider", "openai", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    training = next(x for x in rows if x["model"] == "gpt-4.1-mini" and x["kind"] == "training")
    assert training["price"] == 5.0
    assert training["unit"] == "USD/1M tokens"
    assert training["source_url"] == "https://platform.openai.com/docs/pricing"


def test_list_table_prints_all_three_tables():
    r = run("pricing", "list", "--provider", "openai")
    assert r.exit_code == 0, r.output
    assert "== api (" in r.stdout
    assert "== finetune (" in r.stdout
    assert "== gpu (0 rows) ==" in r.stdout
    assert "gpt-4.1-mini" in r.stdout


def test_list_as_of_hides_rows_not_yet_in_effect():
    # gpt-5.4 takes effect on 2026-03-05 in api_models.csv
    eff = {x["effective_from"] for x in _shipped("api_models.csv") if x["model"] == "gpt-5.4"}
    assert [str(d) for d in eff] == ["2026-03-05"]
    args = ("pricing", "list", "--kind", "api", "--provider", "openai", "--format", "csv")
    before = run(*args, "--as-of", "2026-03-04")
    on = run(*args, "--as-of", "2026-03-05")
    assert before.exit_code == on.exit_code == 0
    assert "gpt-5.4" not in {x["model"] for x in _csv(before.stdout)}
    assert "gpt-5.4" in {x["model"] for x in _csv(on.stdout)}
    assert "gpt-4.1-mini" in {x["model"] for x in _csv(before.stdout)}


def test_list_as_of_picks_the_price_in_effect_on_that_date():
    # api_models.csv: o3 input 10 USD/1M from 2025-04-16, 2 USD/1M from 2025-06-10
    args = ("pricing", "list", "--kind", "api", "--provider", "openai", "--format", "json")
    before = {x["model"]: x for x in json.loads(run(*args, "--as-of", "2025-06-09").stdout)}
    after = {x["model"]: x for x in json.loads(run(*args, "--as-of", "2025-06-10").stdout)}
    assert before["o3"]["input"] == pytest.approx(10.0)
    assert before["o3"]["output"] == pytest.approx(40.0)
    assert after["o3"]["input"] == pytest.approx(2.0)
    assert after["o3"]["effective_from"] == "2025-06-10"
    # models that do not exist yet on 2025-06-09 are not listed
    assert "gpt-5.4" not in before


def test_list_as_of_a_bad_date_is_a_usage_error():
    r = run("pricing", "list", "--kind", "api", "--as-of", "2026-02-30")
    assert r.exit_code == 2
    assert "'2026-02-30' is not a date; write YYYY-MM-DD" in r.stderr


def test_list_unknown_provider_exits_2_with_suggestions():
    r = run("pricing", "list", "--kind", "api", "--provider", "antropic")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "Error: --provider: unknown provider 'antropic'; did you mean 'anthropic'" in r.stderr


def test_list_csv_of_all_tables_asks_for_a_kind():
    r = run("pricing", "list", "--format", "csv")
    assert r.exit_code == 2
    assert "Error: --kind: csv output holds one table" in r.stderr


# ---- show --------------------------------------------------------------------------------


def test_show_model_lists_every_price_with_unit_date_and_source():
    r = run("pricing", "show", "gpt-4.1-mini")
    assert r.exit_code == 0, r.output
    out = r.stdout
    header = out.splitlines()[0].split()
    assert header == [
        "provider",
        "model",
        "kind",
        "price",
        "unit",
        "context_over_tokens",
        "effective_from",
        "retrieved",
        "source_url",
    ]
    for text in ("USD/1M tokens", "2025-04-14", "https://", "input", "output", "training"):
        assert text in out


def test_show_model_csv_has_the_exact_prices():
    r = run("pricing", "show", "GPT-4.1-mini", "--format", "csv")
    assert r.exit_code == 0, r.output
    prices = {x["kind"]: x for x in _csv(r.stdout)}
    assert prices["input"]["price"] == "0.4"
    assert prices["output"]["price"] == "1.6"
    assert prices["training"]["price"] == "5.0"
    assert prices["ft_output"]["price"] == "3.2"
    assert prices["input"]["unit"] == "USD/1M tokens"
    assert prices["input"]["effective_from"] == "2025-04-14"
    assert prices["training"]["source_url"] == "https://platform.openai.com/docs/pricing"


def test_show_gpu_lists_offers_cheapest_first_with_dates_and_sources():
    r = run("pricing", "show", "h100", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = _csv(r.stdout)
    assert list(rows[0]) == GPU_HEADER.split(",")
    assert {x["gpu"] for x in rows} == {"h100-sxm"}

    # every dated row of every offer (the book keeps each offer's price history)
    def key(x):
        return (x["provider"], x["instance"], x["region"] or "", str(x["effective_from"]))

    shipped = {
        key(x): x["on_demand_usd_per_gpu_hour"]
        for x in _shipped("gpu_offers.csv")
        if x["gpu"] == "h100-sxm"
    }
    assert {key(x) for x in rows} == set(shipped)
    for x in rows:
        price = shipped[key(x)]
        assert (
            float(x["on_demand_usd_per_gpu_hour"]) if x["on_demand_usd_per_gpu_hour"] else None
        ) == price
        assert x["source_url"].startswith("http")
        assert x["retrieved"] and x["effective_from"]
    on_demand = [float(x["on_demand_usd_per_gpu_hour"]) for x in rows]
    assert on_demand == sorted(on_demand)


def test_show_gpu_table_names_the_unit_in_the_price_columns():
    r = run("pricing", "show", "h100")
    assert r.exit_code == 0, r.output
    assert "on_demand_usd_per_gpu_hour" in r.stdout.splitlines()[0]
    assert "p5.48xlarge" in r.stdout


def test_show_unknown_name_exits_2_with_suggestions():
    r = run("pricing", "show", "gpt-4.1-minii")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "Error: NAME: unknown model or GPU 'gpt-4.1-minii'; did you mean 'gpt-4.1-mini'" in (
        r.stderr
    )


def test_show_gpu_without_offers_exits_2_not_zero_dollars():
    r = run("pricing", "show", "h800")
    assert r.exit_code == 2
    assert "Error: NAME: the price book has no rental offers for h800" in r.stderr


# ---- validate ----------------------------------------------------------------------------


def test_validate_the_shipped_book():
    r = run("pricing", "validate")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().endswith("price book OK")
    assert str(find_pricing_dir()) in r.stdout


def test_validate_a_broken_copy_prints_one_line_per_problem(tmp_path):
    folder = _copy_with(tmp_path, "api_models.csv", MINI_INPUT, "price", "-0.4")
    with (folder / "gpu_offers.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "aws,p9.mega,h900,8,1,,,us-east-1,hyperscaler,2026-01-01,https://example.com,"
            "2026-01-01,\n"
        )
    n_gpu_rows = len(list(csv.reader((folder / "gpu_offers.csv").open(encoding="utf-8"))))
    api_rows = list(csv.reader((folder / "api_models.csv").open(encoding="utf-8")))
    api_row = next(i + 1 for i, x in enumerate(api_rows) if x[1:3] == ["gpt-4.1-mini", "input"])

    r = run("pricing", "validate", folder)
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines == [
        f"api_models.csv, row {api_row}, column price: '-0.4' is negative",
        f"gpu_offers.csv, row {n_gpu_rows}, column gpu: 'h900' is not in gpus.csv",
        f"Error: 2 problem(s) in {folder}",
    ]
    assert "OK" not in r.stdout


def test_validate_without_a_folder_checks_the_override(tmp_path):
    folder = _copy_with(tmp_path, "api_models.csv", MINI_INPUT, "effective_from", "2025-14-01")
    r = run("--pricing-dir", folder, "pricing", "validate")
    assert r.exit_code == 2
    assert "column effective_from: '2025-14-01' is not a date (YYYY-MM-DD)" in r.stderr


# ---- import ------------------------------------------------------------------------------


def test_import_litellm_out_writes_rows_of_the_books_schema(tmp_path):
    out = tmp_path / "api.csv"
    r = run(
        "pricing",
        "import",
        "litellm",
        LITELLM,
        "--out",
        out,
        "--retrieved",
        "2026-11-01",
        "--source-url",
        "https://example.com/litellm.json",
    )
    assert r.exit_code == 0, r.output
    assert f"wrote 19 rows to {out}" in r.stderr
    rows, problems = read_rows(out, SCHEMAS["api_models.csv"])
    assert problems == []
    assert len(rows) == 19
    got = {(x["model"], x["kind"], x["context_over_tokens"]): x for x in rows}
    assert got[("gpt-4o-mini", "input", None)]["price"] == 0.15
    assert got[("gemini-2.5-pro", "input", 200000)]["price"] == 2.5
    assert got[("gpt-4o-mini-2024-07-18", "ft_output", None)]["price"] == 1.2
    assert {str(x["retrieved"]) for x in rows} == {"2026-11-01"}
    assert {x["source_url"] for x in rows} == {"https://example.com/litellm.json"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api.csv"]  # no temporary left


def test_import_skypilot_out_writes_rows_of_the_books_schema(tmp_path):
    out = tmp_path / "aws.csv"
    r = run("pricing", "import", "skypilot", SKY_AWS, "--provider", "aws", "--out", out)
    assert r.exit_code == 0, r.output
    assert "note: skipped accelerators not in gpus.csv: Radeon Pro V520" in r.stderr
    assert "note: skipped 1 fractional-GPU rows" in r.stderr
    rows, problems = read_rows(out, SCHEMAS["gpu_offers.csv"])
    assert problems == []
    p5 = {(x["instance"], x["region"]): x for x in rows}[("p5.48xlarge", "us-east-1")]
    assert p5["on_demand_usd_per_gpu_hour"] == 12.29
    assert p5["spot_usd_per_gpu_hour"] == 2.2036
    assert p5["gpu_count"] == 8
    assert p5["reserved_1y_usd_per_gpu_hour"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aws.csv"]


def test_import_without_out_prints_the_rows(tmp_path):
    r = run("pricing", "import", "skypilot", SKY_AWS, "--provider", "aws", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {x["instance"] for x in rows} == {"g6.xlarge", "p4d.24xlarge", "p5.48xlarge"}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("importer", "wrong_file", "expects"),
    [
        ("litellm", SKY_AWS, "expected LiteLLM's model_prices_and_context_window.json"),
        ("skypilot", LITELLM, "expected a SkyPilot catalogue vms.csv"),
    ],
)
def test_failed_import_exits_2_and_writes_nothing(tmp_path, importer, wrong_file, expects):
    out = tmp_path / "out.csv"
    args = ["pricing", "import", importer, wrong_file, "--out", out]
    if importer == "skypilot":
        args += ["--provider", "aws"]
    r = run(*args)
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: FILE: ")
    assert expects in r.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file either


def test_failed_import_leaves_an_existing_out_file_untouched(tmp_path):
    out = tmp_path / "api.csv"
    out.write_text("provider,model\nkeep,me\n", encoding="utf-8")
    r = run("pricing", "import", "litellm", SKY_AWS, "--out", out)
    assert r.exit_code == 2
    assert out.read_text(encoding="utf-8") == "provider,model\nkeep,me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api.csv"]


@pytest.mark.parametrize(
    ("importer", "file"), [("litellm", LITELLM), ("skypilot", SKY_AWS)], ids=["litellm", "sky"]
)
def test_import_out_into_a_missing_folder_exits_2(tmp_path, importer, file):
    out = tmp_path / "no" / "such" / "dir" / "rows.csv"
    r = run("pricing", "import", importer, file, "--provider", "aws", "--out", out)
    assert r.exit_code == 2
    assert f"Error: --out: folder '{out.parent}' does not exist" in r.stderr
    assert list(tmp_path.iterdir()) == []


# ---- overrides of the bundled book -------------------------------------------------------


def test_bundled_book_shows_the_shipped_price():
    assert _shown_input(run("pricing", "show", "gpt-4.1-mini", "--format", "csv")) == 0.4


def test_pricing_dir_overrides_the_bundled_book(tmp_path):
    folder = _copy_with(tmp_path, "api_models.csv", MINI_INPUT, "price", "0.45")
    r = run("--pricing-dir", folder, "pricing", "show", "gpt-4.1-mini", "--format", "csv")
    assert _shown_input(r) == 0.45


def test_environment_variable_overrides_the_bundled_book(tmp_path):
    folder = _copy_with(tmp_path, "api_models.csv", MINI_INPUT, "price", "0.55")
    r = run(
        "pricing",
        "show",
        "gpt-4.1-mini",
        "--format",
        "csv",
        env={"TUNECOST_PRICING_DIR": str(folder)},
    )
    assert _shown_input(r) == 0.55


def test_pricing_dir_wins_over_the_environment_variable(tmp_path):
    env_folder = _copy_with(tmp_path / "env", "api_models.csv", MINI_INPUT, "price", "0.55")
    opt_folder = _copy_with(tmp_path / "opt", "api_models.csv", MINI_INPUT, "price", "0.45")
    r = run(
        "--pricing-dir",
        opt_folder,
        "pricing",
        "show",
        "gpt-4.1-mini",
        "--format",
        "csv",
        env={"TUNECOST_PRICING_DIR": str(env_folder)},
    )
    assert _shown_input(r) == 0.45


def test_pricing_dir_also_feeds_list_and_gpu_offers(tmp_path):
    folder = _copy_with(
        tmp_path,
        "gpu_offers.csv",
        {"provider": "lambda", "instance": "gpu_8x_h100_sxm5"},
        "on_demand_usd_per_gpu_hour",
        "0.99",
    )
    r = run(
        "--pricing-dir",
        folder,
        "pricing",
        "list",
        "--kind",
        "gpu",
        "--provider",
        "lambda",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    rows = {x["instance"]: x for x in json.loads(r.stdout)}
    assert rows["gpu_8x_h100_sxm5"]["on_demand_usd_per_gpu_hour"] == 0.99


# ---- GPU prices for train come from the offers in effect today ---------------------------


def test_train_does_not_use_an_offer_that_takes_effect_in_the_future(tmp_path):
    # "The price used for a date is the newest row in effect on that date": an announced
    # price change (effective_from next year) must not price a run today.
    folder = tmp_path / "book"
    shutil.copytree(PRICING, folder)
    current = next(
        x
        for x in _shipped("gpu_offers.csv")
        if (x["provider"], x["instance"]) == ("lambda", "gpu_8x_h100_sxm5")
    )
    with (folder / "gpu_offers.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "lambda,gpu_8x_h100_sxm5,h100-sxm,8,0.5,,,us-east-1,cloud,2099-01-01,"
            "https://example.com/announced,2026-01-01,announced price change\n"
        )
    r = run(
        "--pricing-dir",
        folder,
        "train",
        "--model",
        "llama-3.1-8b",
        "--method",
        "lora",
        "--examples",
        "5000",
        "--tokens-per-example",
        "700",
        "--epochs",
        "3",
        "--gpu",
        "h100",
        "--offer",
        "lambda:gpu_8x_h100_sxm5",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["usd_per_gpu_hour"] == current["on_demand_usd_per_gpu_hour"]


def test_show_an_open_weight_model_points_at_the_api_models_serving_it():
    # (llama-3.1-8b itself now has rows from services that price it under its own id)
    r = run("pricing", "show", "llama-3-70b")
    assert r.exit_code == 2
    assert "open-weight model" in r.output
    assert "meta-llama/meta-llama-3-70b-instruct-turbo (together)" in r.output
    assert "llama3-70b-8192 (groq)" in r.output


@pytest.mark.parametrize("args", [["pricing", "list"], ["pricing", "show", "h100"]])
def test_price_listings_fit_the_terminal_and_wide_shows_all(args):
    # the URL column made rows 227-305 characters wide in an 80-column terminal
    out = CliRunner().invoke(cli, args, env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "--wide shows all" in out.output and "source_url" in out.output
    head = next(line for line in lines if line.startswith("provider"))
    assert "usd" in head or "input" in head  # the prices stay
    wide = CliRunner().invoke(cli, [*args, "--wide"], env={"COLUMNS": "80"})
    assert any(
        line.startswith("provider") and "source_url" in line for line in wide.output.splitlines()
    )


@pytest.mark.parametrize(
    ("name", "pointer"),
    [("v100-32gb", "--kind gpu-spec"), ("opt-175b", "--kind model")],
)
def test_show_without_prices_points_to_the_reference_listing(name, pointer):
    """A GPU without rental offers, or an open-weight model, is in the book's reference
    tables: the refusal says which listing shows it."""
    r = CliRunner().invoke(cli, ["pricing", "show", name])
    assert r.exit_code == 2
    assert pointer in r.output and len(r.output.strip().splitlines()) == 1
