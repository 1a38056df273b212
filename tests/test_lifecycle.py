"""Model lifecycle: how often a better base model arrives (measured from each family's
release history when the scenario does not say) and when an API model's announced
shutdown forces a migration, each printed with the dates and sources behind it."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from tunecost import compare
from tunecost.cli import cli
from tunecost.pricebook import open_book
from tunecost.pricebook.releases import median_gap_months
from tunecost.scenario import parse_scenario


def _scenario(path: dict, start="2026-01", months=12, **market):
    return parse_scenario(
        {
            "name": "lifecycle",
            "start": start,
            "months": months,
            "workload": {
                "requests": "100k requests/month",
                "input_tokens": 500,
                "output_tokens": 100,
            },
            "market": market,
            "paths": [{"name": "p", **path}],
        }
    )


def _per_month(result, category):
    led = result.ledger
    return led[led["category"] == category]["quantity"].to_numpy()


def test_median_gap_by_hand():
    import datetime as dt

    d = [dt.date(2024, 1, 1), dt.date(2024, 4, 1), dt.date(2024, 4, 1), dt.date(2025, 1, 1)]
    # distinct dates: gaps of 91 and 275 days; median = (91 + 275) / 2 days
    assert median_gap_months(d) == pytest.approx((91 + 275) / 2 / (365.25 / 12))
    assert median_gap_months(d[:1]) is None


def test_without_a_cadence_each_path_follows_its_familys_releases():
    book = open_book()
    family = book.releases.find("gpt-4.1-mini").family
    cadence = book.releases.cadence(family)
    result = compare(
        _scenario({"kind": "prompt-api", "model": "gpt-4.1-mini", "provider": "openai"}, months=24)
    )
    line = next(a for a in result.assumptions if "median gap" in a)
    assert f"a better {family} model every {cadence.months:.1f} months" in line
    assert all(f"{d:%Y-%m}" in line for d in cadence.dates)
    # evaluations: month 1, then a release every cadence months (round(1 + k x cadence))
    expected = np.zeros(24)
    expected[0] = 1
    k = 1
    while round(1 + k * cadence.months) <= 24:
        expected[round(1 + k * cadence.months) - 1] = 1
        k += 1
    np.testing.assert_array_equal(_per_month(result, "evaluation"), expected)


def test_a_given_cadence_wins_and_is_no_assumption():
    result = compare(
        _scenario(
            {"kind": "prompt-api", "model": "gpt-4.1-mini", "provider": "openai"},
            new_base_model_every="6 months",
        )
    )
    assert not any("median gap" in a for a in result.assumptions)


def _retired_api_model():
    """An API model of the book with a price at the start of its shutdown year and an
    announced shutdown after January."""
    book = open_book()
    for row in book.releases.rows:
        if row.kind != "api" or row.shutdown is None or row.shutdown.month < 3:
            continue
        start = row.shutdown.replace(month=1, day=1)
        try:
            book.price(row.model, "input", provider=row.provider, as_of=start)
        except Exception:
            continue
        return row
    pytest.skip("no priced API model with an announced shutdown")


def test_a_family_without_history_falls_back_to_the_cited_default():
    book = open_book()
    model = next(
        p for p in book.prices if p.kind == "input" and book.releases.find(p.model) is None
    )
    path = {"kind": "prompt-api", "model": model.model, "provider": model.provider}
    first = model.effective_from
    start = f"{first.year + first.month // 12}-{first.month % 12 + 1:02d}"  # the month after
    result = compare(_scenario(path, start=start))
    assert any("no release history for its model family" in a for a in result.assumptions)


def test_an_announced_shutdown_inside_the_plan_forces_a_migration():
    row = _retired_api_model()
    path = {
        "kind": "prompt-api",
        "model": row.model,
        "provider": row.provider,
        "follow_new_models": False,
    }
    start = f"{row.shutdown.year}-01"
    result = compare(_scenario(path, start=start))
    evals = _per_month(result, "evaluation")
    assert evals[0] == 1 and evals[row.shutdown.month - 1] == 1 and evals.sum() == 2
    note = next(n for n in result.notes if "shuts down" in n)
    assert str(row.shutdown) in note and row.lifecycle_source_url in note
    assert f"migration in month {row.shutdown.month}" in note


def test_a_fine_tune_is_retrained_when_its_base_is_retired():
    row = open_book().releases.find("gpt-3.5-turbo")
    path = {
        "kind": "finetune-api",
        "model": "gpt-3.5-turbo",
        "provider": "openai",
        "data": {"examples": 1000, "tokens_per_example": 500},
        "retrain": "never",
    }
    result = compare(_scenario(path, start=f"{row.shutdown.year}-01"))
    training = _per_month(result, "training") > 0
    assert training[0] and training[row.shutdown.month - 1] and training.sum() == 2
    assert any("migration and re-training" in n for n in result.notes)


def test_a_path_deprecated_month_wins_over_the_book():
    row = _retired_api_model()
    path = {
        "kind": "prompt-api",
        "model": row.model,
        "provider": row.provider,
        "follow_new_models": False,
        "deprecated": f"{row.shutdown.year}-02",
    }
    result = compare(_scenario(path, start=f"{row.shutdown.year}-01"))
    evals = _per_month(result, "evaluation")
    assert evals[1] == 1 and evals.sum() == 2
    assert not any("shuts down" in n for n in result.notes)


def test_the_release_table_is_listed_with_its_sources():
    r = CliRunner().invoke(cli, ["pricing", "list", "--kind", "release", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert len(rows) >= 60
    assert all(row["source_url"].startswith("https://") for row in rows)
    families = {row["family"] for row in rows}
    kinds = {row["kind"] for row in rows}
    assert len(families) >= 10 and kinds == {"api", "open-weight"}
