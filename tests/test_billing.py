"""Billing as providers bill: one provider per path, fine-tuned hosting, training rules,
prices in the scenario, caching, batch, routes and calendar hours."""

import copy

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunecost import compare
from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.errors import InputError
from tunecost.pricebook import open_book
from tunecost.scenario import parse_scenario

BASE = {
    "name": "billing",
    "start": "2027-01",
    "months": 3,
    "team": {"engineer_rate": "100 USD/hour"},
    "workload": {"requests": "1M requests/month", "input_tokens": 1000, "output_tokens": 100},
    "market": {"new_base_model_every": "12 months"},
}
NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}


def _run(*paths, **top):
    return compare(parse_scenario({**BASE, **top, "paths": [dict(p, **NO_LABOUR) for p in paths]}))


def _cat(result, path, category):
    led = result.ledger
    return led[(led.path == path) & (led.category == category)].usd.to_numpy()


PROMPT = {"name": "p", "kind": "prompt-api", "provider": "openai", "model": "gpt-4.1-mini"}


def test_a_model_sold_by_several_needs_a_provider():
    path = {"name": "p", "kind": "prompt-api", "model": "gpt-oss-120b"}
    with pytest.raises(InputError, match=r"paths.p.provider: gpt-oss-120b is sold by .*say which"):
        _run(path)


def test_prices_in_the_scenario_replace_the_books_and_are_listed():
    # 1M x (1000 x $2/M + 100 x $8/M) = $2,800 a month
    priced = dict(PROMPT, prices={"input": "2 USD/1M tokens", "output": "8 USD/1M tokens"})
    result = _run(priced)
    np.testing.assert_allclose(_cat(result, "p", "inference"), [2800] * 3, rtol=1e-12)
    used = {(p["kind"], p["source_url"]) for p in result.prices_used}
    assert ("input", "scenario") in used and ("output", "scenario") in used


def test_a_price_lets_a_path_use_a_model_the_book_lacks():
    path = {
        "name": "p",
        "kind": "prompt-api",
        "provider": "acme",
        "model": "acme-large",
        "prices": {"input": "1 USD/1M tokens", "output": "4 USD/1M tokens"},
    }
    np.testing.assert_allclose(_cat(_run(path), "p", "inference"), [1400] * 3, rtol=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0.1, 10), st.floats(1.0, 3.0))
def test_raising_an_override_never_lowers_the_cost(price, factor):
    def total(p):
        path = dict(PROMPT, prices={"input": f"{p} USD/1M tokens"})
        return _run(path).totals.loc["p", "total"]

    assert total(price * factor) >= total(price) - 1e-9


def test_caching_bills_reads_and_writes_at_their_rates():
    book = open_book()
    p_in, p_read, p_write = (
        book.price("claude-sonnet-4-5", k, provider="anthropic").usd
        for k in ("input", "cached_input", "cache_write")
    )
    path = {
        "name": "p",
        "kind": "prompt-api",
        "provider": "anthropic",
        "model": "claude-sonnet-4-5",
        "cached_input_share": 0.6,
        "cache_write_share": 0.1,
        "follow_new_models": False,
    }
    p_out = book.price("claude-sonnet-4-5", "output", provider="anthropic").usd
    expected = 1e6 * (1000 * (0.3 * p_in + 0.6 * p_read + 0.1 * p_write) + 100 * p_out)
    result = _run(path, start="2026-01")
    assert _cat(result, "p", "inference")[0] == pytest.approx(expected, rel=1e-12)
    one_hour = _run(dict(path, cache_lifetime="1h"), start="2026-01")
    expected_1h = expected + 1e6 * 1000 * 0.1 * (2 * p_in - p_write)
    assert _cat(one_hour, "p", "inference")[0] == pytest.approx(expected_1h, rel=1e-12)


def test_a_route_with_share_one_is_the_plain_path():
    plain = _run(PROMPT)
    routed = _run(
        dict(PROMPT, routes=[{"model": "gpt-4.1-mini", "provider": "openai", "share": 1}])
    )
    np.testing.assert_allclose(_cat(routed, "p", "inference"), _cat(plain, "p", "inference"))


def test_routes_are_the_share_weighted_sum():
    small = _cat(_run(PROMPT), "p", "inference")
    big = _cat(_run(dict(PROMPT, model="gpt-4.1")), "p", "inference")
    routes = [
        {"model": "gpt-4.1-mini", "provider": "openai", "share": 0.98},
        {"model": "gpt-4.1", "provider": "openai", "share": 0.02},
    ]
    mixed = _cat(_run(dict(PROMPT, routes=routes)), "p", "inference")
    np.testing.assert_allclose(mixed, 0.98 * small + 0.02 * big, rtol=1e-12)


FT = {
    "name": "ft",
    "kind": "finetune-api",
    "provider": "together",
    "model": "llama-3.1-8b-instruct-turbo",
    "base_model": "llama-3.1-8b",
    "data": {"examples": 1000, "tokens_per_example": 500, "epochs": 2},
    "retrain": "never",
}


def test_a_dedicated_deployment_bills_every_calendar_hour():
    book = open_book()
    import datetime as dt

    row = next(
        p
        for p in book.model_prices(
            "hardware:1x-h100-80gb", provider="together", as_of=dt.date(2027, 1, 1)
        )
        if p.kind == "hosting"
    )
    result = _run(dict(FT, hosting="dedicated"))
    hosting = _cat(result, "ft", "hosting")
    # one H100 deployment carries 1M requests a month: 744, 672, 744 hours
    np.testing.assert_allclose(hosting, row.usd * np.array([744, 672, 744]), rtol=1e-12)
    assert len(_cat(result, "ft", "inference")) == 0  # GPU time, no token charge
    spare = _cat(_run(dict(FT, hosting="dedicated", spare_deployments=1)), "ft", "hosting")
    np.testing.assert_allclose(spare, 2 * hosting, rtol=1e-12)


def test_the_default_hosting_follows_the_providers_policy_and_says_so():
    result = _run(FT)
    line = next(a for a in result.assumptions if a.startswith("ft: served"))
    assert "together's policy for fine-tunes: dedicated" in line
    assert len(_cat(result, "ft", "hosting")) == 3


def test_validation_tokens_billed_per_evaluation_on_together():
    # Together: total = epochs x train + evaluations x validation
    data = dict(FT["data"], validation_tokens="100k", evaluations=4)
    result = _run(dict(FT, data=data, hosting="serverless"))
    led = result.ledger
    row = led[(led.path == "ft") & (led.category == "training") & (led.month == 1)].iloc[0]
    assert row.quantity == pytest.approx(1000 * 500 * 2 + 4 * 100_000)


def test_openai_does_not_bill_validation_tokens():
    path = {
        "name": "ft",
        "kind": "finetune-api",
        "provider": "openai",
        "model": "gpt-3.5-turbo",
        "data": {"examples": 1000, "tokens_per_example": 500, "validation_share": 2.0},
        "retrain": "never",
    }
    result = _run(path, start="2023-09")
    training = _cat(result, "ft", "training")
    assert training[0] == pytest.approx(1000 * 500 * 3 * 8e-6, rel=1e-12)  # 3 epochs, $8/M


def test_reinforcement_fine_tuning_bills_hours_and_grader_tokens():
    book = open_book()
    import datetime as dt

    hour = book.price("o4-mini", "training_hour", provider="openai", as_of=dt.date(2027, 1, 1)).usd
    grader_in = book.price(
        "gpt-4.1-mini", "input", provider="openai", as_of=dt.date(2027, 1, 1)
    ).usd
    grader_out = book.price(
        "gpt-4.1-mini", "output", provider="openai", as_of=dt.date(2027, 1, 1)
    ).usd
    path = {
        "name": "ft",
        "kind": "finetune-api",
        "provider": "openai",
        "model": "o4-mini",
        "method": "rft",
        "training_hours": "2.5 hour",
        "grader": {
            "model": "gpt-4.1-mini",
            "provider": "openai",
            "input_tokens": "10M",
            "output_tokens": "1M",
        },
        "data": {"examples": 500, "tokens_per_example": 800},
        "hosting": "none",
        "retrain": "never",
    }
    result = _run(path, start="2026-01")
    expected = 2.5 * hour + 10e6 * grader_in + 1e6 * grader_out
    assert _cat(result, "ft", "training")[0] == pytest.approx(expected, rel=1e-12)


def test_every_hosting_row_of_the_book_is_reachable_from_a_scenario():
    import datetime as dt

    book = open_book()
    rows = [p for p in book.prices if p.kind == "hosting"]
    assert rows
    reached = 0
    for row in rows:
        start = f"{row.effective_from + dt.timedelta(days=31):%Y-%m}"
        if row.model.startswith("hardware:"):
            fine_tune = next(
                p.model
                for p in book.prices
                if p.provider == row.provider and p.kind.startswith("training")
            )
            path = {**FT, "provider": row.provider, "model": fine_tune, "deployment": row.model}
            path["hosting"] = "dedicated"
            if not book.releases.find(fine_tune) and row.provider == "fireworks":
                path["model"] = "llama-v3p1-8b-instruct"
            if row.provider == "vertex-ai":  # an open model Vertex tunes with LoRA, priced
                path["model"] = "llama-3.1-8b"  # from 2026-03
                start = max(start, "2026-04")
        elif row.model.startswith("ptu:"):  # provisioned throughput of a tuned gpt-4o
            path = {**FT, "provider": row.provider, "model": "gpt-4o", "deployment": row.model}
            path.pop("base_model")
            path["prices"] = {"training": "1 USD/1M tokens"}
        else:
            path = {**FT, "provider": row.provider, "model": row.model, "hosting": "dedicated"}
            path.pop("base_model")
            path["prices"] = {"training": "1 USD/1M tokens"}
        try:
            result = _run(path, start=start)
        except InputError as exc:  # a later row of the same deployment
            if "no dedicated deployment" in str(exc) or "in effect" in str(exc):
                continue
            raise
        used = {(p["provider"], p["item"], p["kind"]) for p in result.prices_used}
        assert (row.provider, row.model, "hosting") in used, row
        reached += 1
    assert reached >= len({(r.provider, r.model) for r in rows})


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"routes": [{"model": "gpt-4.1", "share": 0.5}]}, "routes: shares sum to 0.5"),
        (
            {"prices": {"gpu_hour": "2 USD/hour"}},
            "prices.gpu_hour: a prompt-api path is not billed in it",
        ),
        ({"prices": {"input": "2 USD/hour"}}, "does not convert to USD/token"),
        ({"cached_input_share": 0.8, "cache_write_share": 0.5}, "exceed 1"),
    ],
)
def test_bad_billing_input_exits_2_with_one_line(change, fragment, tmp_path):
    data = copy.deepcopy(yaml.safe_load(bundled_example().read_text()))
    data["paths"][0].update(change)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    r = CliRunner().invoke(cli, ["compare", str(path)])
    assert r.exit_code == 2
    lines = [x for x in r.output.splitlines() if x.startswith("Error")]
    assert len(lines) == 1 and fragment in lines[0], r.output


def test_dedicated_hosting_where_the_provider_has_none_is_refused():
    path = {
        "name": "ft",
        "kind": "finetune-api",
        "provider": "openai",
        "model": "gpt-3.5-turbo",
        "data": {"examples": 100, "tokens_per_example": 500},
        "hosting": "dedicated",
    }
    with pytest.raises(
        InputError, match=r"openai has no dedicated deployment .* hosting: serverless"
    ):
        _run(path, start="2024-01")


def test_a_sweep_row_picks_its_own_cheapest_deployment():
    # A large volume in one row of a sweep must not push every row onto bigger GPUs:
    # each row costs what compare gives for that volume alone.
    from tunecost.costing.evaluate import monthly_costs
    from tunecost.scenario.walk import variants

    data = yaml.safe_load(bundled_example().read_text())
    scenario = parse_scenario(data)
    volumes = np.array([1e6, 2e7])
    names, monthly = monthly_costs(
        variants(scenario, {("workload", "requests"): volumes}, volumes.size),
        open_book(),
        volumes.size,
    )
    j = names.index("finetune-api")
    for row, volume in enumerate(volumes):
        data["workload"]["requests"] = f"{volume} requests/month"
        alone = compare(parse_scenario(data)).totals.loc["finetune-api", "total"]
        assert monthly[j, row].sum() == pytest.approx(alone, rel=1e-9)


def test_a_provider_pricing_by_size_tunes_a_base_model_no_row_names(tmp_path):
    # Fireworks prices LoRA training by model size (band rows) and serves fine-tunes on
    # GPU deployments: a Mistral 7B fine-tune needs no Fireworks row naming mistral-7b.
    # A price the scenario gives is shown as such in the table, not dated like a book row.
    path = {
        **FT,
        "provider": "fireworks",
        "model": "mistral-7b",
        "base_model": "mistral-7b",
        "hosting": "dedicated",
    }
    result = _run(path, start="2027-01")
    assert _cat(result, "ft", "training")[0] > 0 and _cat(result, "ft", "hosting")[0] > 0
    path["prices"] = {"training": "0.5 USD/1M tokens"}
    data = {**BASE, "start": "2027-01", "paths": [path]}
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    out = CliRunner().invoke(cli, ["compare", str(f)])
    assert out.exit_code == 0, out.output
    row = next(
        line for line in out.output.splitlines() if "mistral-7b" in line and "training" in line
    )
    assert row.split()[-1] == "scenario"
