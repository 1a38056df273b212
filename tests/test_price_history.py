"""Prices over the plan: each month is billed at the book's row in effect on its first
day, so a documented cut inside the plan uses both prices, each in its months; the
scenario's trend applies from the last known price onward. Hand-checked."""

import datetime as dt

import numpy as np
import pytest

from tunecost import compare
from tunecost.costing.price_series import price_series
from tunecost.pricebook import GPUOffer, Price, PriceBook
from tunecost.scenario import parse_scenario


def _price(kind, price, effective, model="acme-1", unit_factor=1e-6):
    return Price(
        table="api_models.csv",
        provider="acme",
        model=model,
        kind=kind,
        unit="USD/1M tokens",
        price=price,
        usd=price * unit_factor,
        effective_from=effective,
        retrieved=dt.date(2026, 11, 30),
        source_url="https://example.com/acme/pricing",
    )


CUT = dt.date(2027, 3, 1)
BOOK = PriceBook(
    prices=[
        _price("input", 1.0, dt.date(2026, 1, 1)),
        _price("input", 0.5, CUT),  # a documented cut in the plan's third month
        _price("output", 2.0, dt.date(2026, 1, 1)),
        _price("input", 0.25, dt.date(2031, 1, 1)),  # announced, after the plan
    ],
    offers=[],
    providers={"acme": {"provider": "acme"}},
)


def _scenario(**market):
    return parse_scenario(
        {
            "name": "history",
            "start": "2027-01",
            "months": 6,
            "workload": {
                "requests": "1M requests/month",
                "input_tokens": 1000,
                "output_tokens": 100,
            },
            "market": market,
            "paths": [
                {
                    "name": "api",
                    "kind": "prompt-api",
                    "model": "acme-1",
                    "provider": "acme",
                    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
                    "evaluation": {"hours": 0},
                    "follow_new_models": False,
                }
            ],
        }
    )


def _inference(result):
    led = result.ledger
    return led[led["category"] == "inference"]["usd"].to_numpy()


def test_a_price_cut_inside_the_plan_is_billed_from_its_month():
    # 1M requests x (1000 x $1/M + 100 x $2/M) = $1,200 before the cut;
    # 1M x (1000 x $0.5/M + 100 x $2/M) = $700 from March 2027
    result = compare(_scenario(), book=BOOK)
    np.testing.assert_allclose(_inference(result), [1200, 1200, 700, 700, 700, 700], rtol=1e-12)
    used = [(p["kind"], p["effective_from"]) for p in result.prices_used]
    assert ("input", "2026-01-01") in used and ("input", "2027-03-01") in used
    assert ("input", "2031-01-01") not in used


def test_the_trend_applies_from_the_last_known_price_onward():
    # -50 %/year. Output's last row predates the plan: trended from month 1.
    # Input's last row takes effect in month 3: the book's prices until then, trended after.
    known = PriceBook(prices=BOOK.prices[:3], offers=[], providers=BOOK.providers)
    result = compare(_scenario(api_price_change="-50 %/year"), book=known)
    m = np.arange(6)
    out = 100 * 2.0 * 0.5 ** (m / 12)
    inp = np.where(m < 2, 1000 * 1.0, 1000 * 0.5 * 0.5 ** (np.maximum(m - 2, 0) / 12))
    np.testing.assert_allclose(_inference(result), inp + out, rtol=1e-12)
    # with an announced row after the plan, the book knows input prices to its end: no trend
    announced = _inference(compare(_scenario(api_price_change="-50 %/year"), book=BOOK))
    np.testing.assert_allclose(announced, np.where(m < 2, 1000, 500) + out, rtol=1e-12)


def test_the_price_level_scales_every_month():
    base = _inference(compare(_scenario(), book=BOOK))
    half = _inference(compare(_scenario(api_price_factor=0.5), book=BOOK))
    np.testing.assert_allclose(half, base / 2, rtol=1e-12)


def test_a_plan_that_starts_before_the_first_price_is_refused():
    scenario = _scenario().model_copy(update={"start": dt.date(2025, 6, 1)})
    with pytest.raises(Exception, match="no input price for acme-1 on 2025-06-01"):
        compare(scenario, book=BOOK)


def test_price_series_by_hand():
    rows = [_price("input", 4.0, dt.date(2027, 1, 15)), _price("input", 8.0, dt.date(2026, 1, 1))]
    months = [dt.date(2027, m, 1) for m in (1, 2, 3)]
    series, used = price_series(rows, months, lambda r: r.price, trend=(1.0, 1.0))
    # January: the 2026 row (the new one starts mid-month); from February the new row,
    # doubling every month after the month it takes effect
    np.testing.assert_allclose(series, [8.0, 4.0, 8.0])
    assert [r.price for r in used] == [8.0, 4.0]


def test_a_gpu_offer_follows_its_own_dated_rows():
    def offer(price, effective):
        return GPUOffer(
            provider="acme",
            instance="gpu-1x",
            gpu="l4",
            gpu_count=1,
            on_demand=price,
            spot=None,
            reserved_1y=None,
            region="r1",
            effective_from=effective,
            retrieved=dt.date(2026, 11, 30),
            source_url="https://example.com/acme/gpus",
        )

    book = PriceBook(prices=[], offers=[offer(1.0, dt.date(2026, 1, 1)), offer(0.8, CUT)])
    history = book.history(book.offers[0])
    series, used = price_series(
        history, [dt.date(2027, m, 1) for m in range(1, 6)], lambda o: o.price("on_demand")
    )
    np.testing.assert_allclose(series, [1.0, 1.0, 0.8, 0.8, 0.8])
    assert len(used) == 2


# ---- the bundled book's history --------------------------------------------------------------
def _gpt35(start: str, months: int):
    return parse_scenario(
        {
            "name": "gpt-3.5-turbo fine-tune, 2023",
            "start": start,
            "months": months,
            "workload": {
                "requests": "100k requests/month",
                "input_tokens": 500,
                "output_tokens": 100,
            },
            "market": {"new_base_model_every": "12 months"},
            "paths": [
                {
                    "name": "ft",
                    "kind": "finetune-api",
                    "provider": "openai",
                    "model": "gpt-3.5-turbo",
                    "data": {"examples": 1000, "tokens_per_example": 500, "epochs": 2},
                    "retrain": "never",
                }
            ],
        }
    )


def test_a_2023_gpt_35_turbo_fine_tune_is_billed_at_0_008_usd_per_1k_training_tokens():
    # OpenAI, 2023-08-22: "$0.008 / 1K tokens" training. 1,000 x 500 x 2 = 1M tokens: $8
    result = compare(_gpt35("2023-09", 2))
    led = result.ledger
    training = led[(led["category"] == "training") & (led["month"] == 1)]
    assert training["usd"].iloc[0] == pytest.approx(8.0, abs=0.005)
    assert training["unit_price_usd"].iloc[0] == pytest.approx(0.008 / 1000)


def test_a_plan_across_the_devday_price_cut_uses_both_prices():
    # fine-tuned gpt-3.5-turbo: $12 / $16 per 1M in/out from 2023-08-22, $3 / $6 from
    # 2023-11-06 (billed from the first whole month, December). 100k x (500 x 12 + 100 x 16)
    # / 1M = $760 a month before; 100k x (500 x 3 + 100 x 6) / 1M = $210 after.
    result = compare(_gpt35("2023-09", 6))
    np.testing.assert_allclose(_inference(result), [760, 760, 760, 210, 210, 210], rtol=1e-9)
    cut = [p for p in result.prices_used if p["effective_from"] == "2023-11-06"]
    assert {p["kind"] for p in cut} == {"ft_input", "ft_output"}
