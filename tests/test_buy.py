"""Buying the GPUs of a self-hosted path instead of renting them (issue 13, point 5):
the purchase rule worked by hand, the same GPU-hours as renting, bad input, the price
table, and examples/buy-vs-rent.yaml through `compare`."""

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import one_error_line
from tunecost import compare
from tunecost.cli import cli
from tunecost.costing.evaluate import evaluate
from tunecost.costing.purchase import (
    business_hours,
    energy_kwh,
    energy_usd,
    fleet,
    hardware_amortised,
    hardware_cash,
)
from tunecost.pricebook import open_book
from tunecost.pricebook.hardware import hardware_table
from tunecost.pricebook.validate import validate
from tunecost.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "buy-vs-rent.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# ---- the rule, by hand ------------------------------------------------------------------
def test_a_card_kept_two_months_is_sold_and_replaced():
    # one card needed every month, lifetime 2: bought in months 1, 3, 5; the one bought
    # in month 1 is sold in month 3 (1 + 2) and replaced the same month
    bought, retired, owned = fleet(np.ones(5), 2)
    assert bought.tolist() == [1, 0, 1, 0, 1]
    assert retired.tolist() == [0, 0, 1, 0, 1]
    assert owned.tolist() == [1, 1, 1, 1, 1]
    # cash: 2,000 USD a card, resold for 500: 2000, 0, 2000 - 500 = 1500, 0, 1500
    assert hardware_cash(bought, retired, 2000.0, 500.0).tolist() == [2000, 0, 1500, 0, 1500]
    # amortised: (2000 - 500) / 2 = 750 in every month a card is owned
    assert hardware_amortised(owned, 2000.0, 500.0, 2).tolist() == [750.0] * 5


def test_cards_are_bought_as_the_need_grows_and_never_sold_early():
    bought, _, owned = fleet(np.array([1, 2, 2, 3]), 36)
    assert bought.tolist() == [1, 1, 0, 1] and owned.tolist() == [1, 2, 2, 3]
    # need 2, 1, 0, 2 with a 3-month life: the two cards of month 1 stay (idle) until
    # month 4, when they are retired and two new ones bought
    bought, retired, owned = fleet(np.array([2, 1, 0, 2]), 3)
    assert bought.tolist() == [2, 0, 0, 2]
    assert retired.tolist() == [0, 0, 0, 2]
    assert owned.tolist() == [2, 2, 2, 2]


def test_energy_by_hand():
    # 744 h (January) x 400 W x PUE 1.5 / 1000 = 446.4 kWh; x 0.15 USD/kWh = 66.96 USD;
    # colocation 100 USD/kW/month x 1 unit x 0.4 kW = 40 USD
    kwh = energy_kwh(744.0, 400.0, 1.5)
    assert kwh == pytest.approx(446.4)
    assert energy_usd(kwh, 0.15, 1.0, 400.0, 100.0) == pytest.approx(66.96 + 40.0)


def test_business_hours_count_the_weekdays_of_each_month():
    # January 2027 starts on a Friday: 1 + 4 x 5 = 21 weekdays x 8 h = 168 h;
    # February 2027: 20 weekdays = 160 h; the year has 261 weekdays = 2,088 h
    hours = business_hours(dt.date(2027, 1, 1), 12)
    assert hours[:2].tolist() == [168.0, 160.0]
    assert hours.sum() == 261 * 8


BOUGHT = """\
name: bought
start: 2027-01
months: 30
workload: {{requests: 20k requests/month, input_tokens: 500, output_tokens: 100}}
paths:
  - name: api
    kind: prompt-api
    provider: openai
    model: gpt-4.1-mini
  - name: card
    kind: prompt-selfhost
    model: llama-3.1-8b
    follow_new_models: false
    serving:
      gpu: rtx-5090
      spare_replicas: 0
      {serving}
"""

GIVEN_BUY = (
    "buy: {price: 2000 USD, lifetime: 24 months, residual: 25%, power: 400 W, pue: 1.5, "
    "electricity: 0.15 USD/kWh, colocation: 100 USD/kW/month}"
)


def priced(serving: str):
    sc = parse_scenario(yaml.safe_load(BOUGHT.format(serving=serving)))
    return sc, evaluate(sc, open_book()).costs["card"]


def test_a_bought_card_month_by_month_by_hand():
    _, costs = priced(GIVEN_BUY)
    hw, energy = costs["hardware"], costs["energy"]
    assert "inference" not in costs
    usd = np.asarray(hw.usd).ravel()
    # month 1: one card, 2,000 USD; month 25 (1 + 24): sold for 25% = 500 USD and
    # replaced: 2000 - 500 = 1,500 USD; nothing in between
    assert usd[0] == 2000 and usd[24] == 1500
    assert np.count_nonzero(usd) == 2
    # amortised: (2000 - 500) / 24 = 62.50 USD in every month
    np.testing.assert_allclose(np.asarray(hw.amortised).ravel(), 62.5)
    # energy, January (744 h): 744 x 400 W x 1.5 / 1000 x 0.15 + 100 x 0.4 kW = 106.96;
    # February (672 h): 672 x 0.4 x 1.5 x 0.15 + 40 = 100.48
    e = np.asarray(energy.usd).ravel()
    assert e[0] == pytest.approx(106.96) and e[1] == pytest.approx(100.48)
    assert np.asarray(energy.quantity).ravel()[:2].tolist() == [744.0, 672.0]  # GPU-hours


def test_business_hours_power_the_card_only_on_weekdays():
    _, costs = priced(GIVEN_BUY.replace("}", ", hours: business}"))
    # January 2027: 168 h x 0.4 kW x 1.5 x 0.15 = 15.12 USD + 40 colocation
    assert np.asarray(costs["energy"].usd).ravel()[0] == pytest.approx(15.12 + 40)
    assert np.asarray(costs["energy"].quantity).ravel()[0] == 168.0


def test_the_book_prices_the_card_and_tdp_sets_its_draw():
    sc, costs = priced("buy: {lifetime: 36 months, electricity: 0.15 USD/kWh, pue: 1}")
    # rtx-5090 in hardware_prices.csv: 1,999 USD; 575 W (gpus.csv tdp_w) x 0.75 = 431.25 W
    assert np.asarray(costs["hardware"].usd).ravel()[0] == 1999
    kwh = 744 * 431.25 / 1000
    assert np.asarray(costs["energy"].usd).ravel()[0] == pytest.approx(kwh * 0.15)
    assert hardware_table(open_book()).find("rtx-5090", item=None, as_of=sc.start).price_usd == (
        1999
    )


# ---- buying and renting give the same GPU-hours -----------------------------------------
@settings(max_examples=12, deadline=None)
@given(
    requests=st.floats(1e3, 3e7),
    growth=st.sampled_from(["0 %/month", "5 %/month", "-3 %/month"]),
    spares=st.integers(0, 2),
    months=st.integers(1, 30),
)
def test_buying_and_renting_give_the_same_gpu_hours(requests, growth, spares, months):
    text = f"""\
name: same
start: 2027-03
months: {months}
workload: {{requests: {requests:.0f} requests/month, growth: {growth}, input_tokens: 800,
  output_tokens: 200}}
paths:
  - {{name: api, kind: prompt-api, provider: openai, model: gpt-4.1-mini}}
  - name: rented
    kind: prompt-selfhost
    model: llama-3.1-8b
    serving: {{gpu: l40s, spare_replicas: {spares}, usd_per_gpu_hour: 1.5}}
  - name: bought
    kind: prompt-selfhost
    model: llama-3.1-8b
    serving:
      gpu: l40s
      spare_replicas: {spares}
      buy: {{price: 8000 USD, lifetime: 24 months, electricity: 0.15 USD/kWh}}
"""
    costs = evaluate(parse_scenario(yaml.safe_load(text)), open_book()).costs
    rented = np.asarray(costs["rented"]["inference"].quantity)
    bought = np.asarray(costs["bought"]["energy"].quantity)
    np.testing.assert_allclose(bought, rented)
    assert np.all(bought >= 672)  # at least one GPU all month


@settings(max_examples=60, deadline=None)
@given(
    need=st.lists(st.integers(0, 6), min_size=1, max_size=40),
    life=st.integers(1, 48),
)
def test_the_fleet_always_holds_the_need(need, life):
    bought, retired, owned = fleet(np.array(need, float), life)
    assert np.all(owned >= np.array(need))
    assert np.all(bought >= 0) and np.all(retired >= 0)
    # a unit owned in a month was bought within the last `life` months
    assert owned.sum() <= bought.sum() * life
    # cash (purchases less resales) is never below the depreciation over the plan, and
    # equals it when every unit was bought and resold inside the plan
    cash = hardware_cash(bought, retired, 10.0, 4.0).sum()
    amortised = hardware_amortised(owned, 10.0, 4.0, life).sum()
    assert cash >= amortised - 1e-9
    if not bought[max(0, len(need) - life) :].any():
        assert cash == pytest.approx(amortised)


# ---- bad input: exit 2, one line ---------------------------------------------------------
@pytest.mark.parametrize(
    ("buy", "fragment"),
    [
        ("{electricity: 0.15 USD/kWh}", "buy.lifetime: missing"),
        ("{lifetime: 36 months}", "buy.electricity: missing"),
        ("{lifetime: 36 months, electricity: 0.15 USD/kWh, pue: 0.9}", "below 1"),
        ("{lifetime: 36 months, electricity: 0.15 USD/kWh, residual: 2}", "residual"),
        # a resale value in USD above the 1,999 USD card made hardware cost negative
        (
            "{lifetime: 12 months, electricity: 0.15 USD/kWh, residual: 3000 USD}",
            "residual of 3,000 USD is above the price of 1,999 USD",
        ),
        ("{lifetime: 36 months, electricity: 15 USD}", "buy.electricity"),
        ("{lifetime: 36 months, electricity: 0.15 USD/kWh, item: rtx-5909}", "did you mean"),
        ("{lifetime: 36 months, electricity: 0.15 USD/kWh, item: dgx-h100}", "not rtx-5090"),
    ],
)
def test_bad_purchase_is_one_line(tmp_path, buy, fragment):
    path = tmp_path / "s.yaml"
    path.write_text(BOUGHT.format(serving=f"buy: {buy}"))
    assert fragment in one_error_line(invoke("compare", path))


def test_buying_an_autoscaled_fleet_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    buy = "buy: {lifetime: 36 months, electricity: 0.15 USD/kWh}\n      autoscale: true"
    path.write_text(BOUGHT.format(serving=buy))
    assert "drop autoscale" in one_error_line(invoke("compare", path))


def test_a_gpu_without_a_purchase_price_asks_for_one(tmp_path):
    path = tmp_path / "s.yaml"
    text = BOUGHT.format(serving="buy: {lifetime: 36 months, electricity: 0.15 USD/kWh}")
    path.write_text(text.replace("gpu: rtx-5090", "gpu: l40s"))
    assert "give buy.price" in one_error_line(invoke("compare", path))


# ---- the price table ---------------------------------------------------------------------
def test_hardware_prices_validate_and_a_bad_row_is_named(tmp_path):
    assert validate(ROOT / "pricing") == []
    folder = tmp_path / "pricing"
    shutil.copytree(ROOT / "pricing", folder)
    table = folder / "hardware_prices.csv"
    lines = table.read_text().splitlines()
    lines.append(lines[1].replace("rtx-5090,1,1999", "rtx-9999,2,1999"))
    table.write_text("\n".join(lines) + "\n")
    problems = validate(folder)
    assert any("'rtx-9999' is not in gpus.csv" in p for p in problems)
    assert any("a card holds 1 GPU, not 2" in p for p in problems)


def test_every_hardware_row_cites_a_source():
    rows = open_book().table("hardware_prices.csv")
    assert {r["id"] for r in rows} >= {"rtx-5090", "a100-40gb", "dgx-a100", "dgx-h100"}
    assert all(r["source_url"].startswith("https://") and r["notes"] for r in rows)


# ---- the example through compare ---------------------------------------------------------
def test_buy_vs_rent_example_compares_and_draws_a_chart(tmp_path):
    chart, ledger = tmp_path / "buy.png", tmp_path / "ledger.csv"
    r = invoke("compare", EXAMPLE, "--format", "json", "--chart", chart, "--csv", ledger)
    assert r.exit_code == 0, r.output
    assert chart.stat().st_size > 10_000
    data = json.loads(r.stdout)
    rows = {p["path"]: p for p in data["paths"]}
    bought = rows["llama-8b-bought-5090"]
    # cash: one RTX 5090 at 1,999 USD in month 1, not resold within the 36 months
    assert bought["hardware_usd"] == pytest.approx(1999)
    assert bought["breakeven_month"] is not None
    led = pd.read_csv(ledger)
    hw = led[(led.path == "llama-8b-bought-5090") & (led.category == "hardware")]
    assert hw.usd.tolist() == [1999.0] + [0.0] * 35
    assert any("hardware_prices.csv" in a for a in data["assumptions"])
    assert any(p["item"] == "rtx-5090" for p in data["prices_used"])


def test_amortise_shows_depreciation_and_files_keep_cash(tmp_path):
    ledger = tmp_path / "ledger.csv"
    r = invoke("compare", EXAMPLE, "--amortise", "--format", "json", "--csv", ledger)
    assert r.exit_code == 0, r.output
    rows = {p["path"]: p for p in json.loads(r.stdout)["paths"]}
    # (1,999 - 25% resale) / 36 months x 36 months = 1,999 x 0.75 = 1,499.25 USD
    assert rows["llama-8b-bought-5090"]["hardware_usd"] == pytest.approx(1999 * 0.75)
    led = pd.read_csv(ledger)
    hw = led[(led.path == "llama-8b-bought-5090") & (led.category == "hardware")]
    assert hw.usd.sum() == pytest.approx(1999)  # the ledger stays cash
    cash = compare(EXAMPLE)
    view = cash.amortised()
    assert view.amortised() is view
    assert view.totals.loc["sonnet-api", "total"] == cash.totals.loc["sonnet-api", "total"]
    assert "amortised view" in render(view)


def render(result) -> str:
    from tunecost.output.comparison import render_table

    return render_table(result)


def test_the_card_pays_for_itself_against_renting_it():
    # Both paths pay the same engineering, evaluation and monitoring. Rent: 0.44 USD/h
    # (vast), 327.36 USD in a 744-hour month, 295.68 in February, 316.80 in 720 hours.
    # Bought: 1,999 USD, then 431.25 W x hours x 0.15 USD/kWh (48.13, 43.47, 46.58).
    # Saved per month: 279.23, 252.21, 279.23, 270.23, 279.23, 270.23, 279.23 = 1,909.6
    # after July (< 1,999), + 279.23 in August = 2,188.8: the card pays for itself in
    # month 8.
    result = compare(EXAMPLE, baseline="llama-8b-rented-5090")
    assert result.breakeven.loc["llama-8b-bought-5090", "month"] == 8
    gap = (result.monthly["llama-8b-bought-5090"] - result.monthly["llama-8b-rented-5090"]).cumsum()
    assert gap.iloc[6] == pytest.approx(1999 - 1909.59, abs=0.05)
    assert gap.iloc[7] < 0


def test_bought_training_and_serving_gpus_share_the_hardware_category():
    text = """name: tuned
start: 2027-01
months: 12
workload: {requests: 20k requests/month, input_tokens: 500, output_tokens: 100}
paths:
  - {name: api, kind: prompt-api, provider: openai, model: gpt-4.1-mini}
  - name: tuned
    kind: finetune-selfhost
    base_model: llama-3.1-8b
    method: lora
    retrain: never
    data: {examples: 2000, tokens_per_example: 600}
    training:
      gpu: rtx-5090
      buy: {price: 2000 USD, lifetime: 36 months, power: 500 W, electricity: 0.2 USD/kWh}
    serving:
      gpu: rtx-5090
      spare_replicas: 0
      buy: {price: 2000 USD, lifetime: 36 months, power: 500 W, electricity: 0.2 USD/kWh}
"""
    costs = evaluate(parse_scenario(yaml.safe_load(text)), open_book()).costs["tuned"]
    assert "training" not in costs and "inference" not in costs
    hw, energy = costs["hardware"], costs["energy"]
    gpus = np.asarray(hw.quantity).ravel()
    # month 1 buys the training job's cards and the serving card, 2,000 USD each, once
    assert gpus[0] >= 2 and gpus[1:].sum() == 0
    assert np.asarray(hw.usd).ravel()[0] == 2000 * gpus[0]
    # energy: the serving card's 744 h plus the training job's GPU-hours in month 1
    e = np.asarray(energy.quantity).ravel()
    assert e[0] > 744 and e[1] == 672
    assert np.asarray(energy.usd).ravel()[1] == pytest.approx(672 * 0.5 * 1.56 * 0.2)


def test_sensitivity_never_swings_pue_below_one():
    # +-25% of a PUE of 1.1 would be 0.825; the field's floor of 1 clips the swing
    from tunecost.scenario.fields import FieldSpec
    from tunecost.scenario.purchase import PUEFactor

    spec = next(m for m in PUEFactor.__metadata__ if isinstance(m, FieldSpec))
    assert spec.bounds_for(1.1)[0] == 1.0


def test_the_amortised_chart_says_so():
    from pathlib import Path

    from tunecost import compare as compare_

    example = Path(__file__).parents[1] / "examples" / "buy-vs-rent.yaml"
    result = compare_(str(example))
    titles = [ax.get_title(loc="left") for ax in result.amortised().plot().axes]
    assert any("bought hardware amortised" in t for t in titles)
    assert not any("amortised" in ax.get_title(loc="left") for ax in result.plot().axes)


def test_report_can_show_the_amortised_view(tmp_path):
    from pathlib import Path

    from click.testing import CliRunner

    from tunecost.cli import cli

    example = Path(__file__).parents[1] / "examples" / "buy-vs-rent.yaml"
    out = tmp_path / "r.md"
    run = CliRunner().invoke(cli, ["report", str(example), "--amortise", "--output", str(out)])
    assert run.exit_code == 0, run.output
    assert "amortised view" in out.read_text()


def test_a_purchase_price_is_the_newest_in_effect_on_the_plan_start():
    """Two dated rows of one card: the plan gets the later one once it is in effect,
    and a plan before the first is refused naming buy.price."""
    from tunecost.errors import InputError
    from tunecost.pricebook.hardware import HardwareTable

    def row(date: str, usd: float) -> dict:
        return {
            "id": "card-x", "name": "Card X", "vendor": "acme", "kind": "card",
            "gpu": "h100-sxm", "gpus": 1, "price_usd": usd, "system_power_w": None,
            "effective_from": dt.date.fromisoformat(date), "retrieved": dt.date(2026, 1, 1),
            "source_url": "https://example.com",
        }  # fmt: skip

    table = HardwareTable([row("2025-06-01", 30000.0), row("2024-01-01", 25000.0)], str)
    assert table.find("h100-sxm", item=None, as_of=dt.date(2025, 1, 1)).price_usd == 25000.0
    assert table.find("h100-sxm", item="card-x", as_of=dt.date(2026, 1, 1)).price_usd == 30000.0
    with pytest.raises(InputError, match="from 2024-01-01 on, after the plan's start") as e:
        table.find("h100-sxm", item=None, as_of=dt.date(2023, 1, 1))
    assert e.value.field == "buy.price"


def test_an_unknown_hardware_item_lists_the_few_known_ones():
    """The hardware table is short: the error names every item rather than pointing to
    a listing that does not show it."""
    example = Path(__file__).parents[1] / "examples" / "buy-vs-rent.yaml"
    field = "paths.llama-8b-bought-5090.serving.buy.item"
    line = one_error_line(invoke("compare", example, "--set", f"{field}=zzzzzz"))
    assert f"{field}: unknown hardware item 'zzzzzz'; known hardware items: " in line
    assert "rtx-5090" in line and "dgx-h100" in line
