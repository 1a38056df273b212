"""Defaults a reader would not guess are safe and printed: GPU offers from clouds unless
marketplaces are allowed, latency targets for self-hosted paths, on-call and replicas."""

import datetime as dt

import pytest

from tunecost import compare
from tunecost.costing.gpu_price import instance_offers
from tunecost.errors import InputError
from tunecost.pricebook import open_book
from tunecost.scenario import parse_scenario
from tunecost.scenario.defaults import SERVING_TPOT_SLO, SERVING_TTFT_SLO

DAY = dt.date(2026, 12, 1)


def _scenario(serving=None, market=None):
    path = {
        "name": "self",
        "kind": "prompt-selfhost",
        "model": "llama-3.1-8b",
        "serving": {"gpu": "l40s", **(serving or {})},
    }
    data = {
        "name": "d",
        "start": "2026-12",
        "months": 2,
        "workload": {"requests": "300k requests/month", "input_tokens": 500, "output_tokens": 200},
        "market": {"new_base_model_every": "12 months", **(market or {})},
        "paths": [path],
    }
    return parse_scenario(data)


def gpu_price(book, gpu, **kw):
    """The cheapest offer per GPU among the instance sizes the book has for ``gpu``."""
    return min(instance_offers(book, gpu, **kw), key=lambda o: o.on_demand)


def _offers(result):
    return [p for p in result.prices_used if p.get("kind") == "gpu offer"]


def test_the_book_picks_a_cloud_offer_unless_marketplaces_are_allowed():
    book = open_book()
    cloud = gpu_price(book, "l40s", as_of=DAY, markets=("hyperscaler", "cloud"))
    anywhere = gpu_price(book, "l40s", as_of=DAY)
    assert cloud.market in ("hyperscaler", "cloud")
    assert anywhere.market == "marketplace"
    assert anywhere.on_demand < cloud.on_demand


def test_a_path_is_priced_from_clouds_by_default_and_says_so():
    result = compare(_scenario())
    (offer,) = _offers(result)
    assert offer["provider"] != "vast"
    line = next(a for a in result.assumptions if "serving GPUs at" in a)
    assert "cheapest hyperscaler or cloud offer" in line and "serving.markets" in line


@pytest.mark.parametrize(
    ("serving", "market"),
    [({"markets": ["cloud", "marketplace"]}, None), (None, {"gpu_markets": ["marketplace"]})],
)
def test_a_path_or_the_market_can_allow_marketplaces(serving, market):
    (offer,) = _offers(compare(_scenario(serving, market)))
    assert offer["provider"] == "vast"


def test_a_gpu_sold_only_on_marketplaces_says_how_to_allow_them():
    with pytest.raises(InputError, match=r"offered only on marketplace markets.*allow marketplace"):
        gpu_price(open_book(), "rtx-pro-6000", as_of=DAY, markets=("hyperscaler", "cloud"))


def test_naming_a_provider_chooses_its_market():
    found = gpu_price(open_book(), "l40s", as_of=DAY, provider="vast", markets=("cloud",))
    assert found.provider == "vast"


def test_without_latency_targets_a_path_is_sized_to_mlperf_server_targets():
    default = compare(_scenario())
    explicit = compare(
        _scenario({"tpot_slo": f"{SERVING_TPOT_SLO} s", "ttft_slo": f"{SERVING_TTFT_SLO} s"})
    )
    assert default.totals.loc["self", "total"] == pytest.approx(
        explicit.totals.loc["self", "total"], rel=1e-12
    )
    loose = compare(_scenario({"tpot_slo": "1 s", "ttft_slo": "30 s"}))
    assert loose.totals.loc["self", "total"] <= default.totals.loc["self", "total"]
    assert any(
        "100 ms per output token and 2 s to the first token (tpot_slo and ttft_slo from "
        "the MLPerf" in a
        for a in default.assumptions
    )
    # a target the scenario sets is not credited to MLPerf
    own_ttft = compare(_scenario({"ttft_slo": "1 s"}))
    line = next(a for a in own_ttft.assumptions if "to the first token" in a)
    assert "(tpot_slo from the MLPerf" in line and "ttft_slo from" not in line


def test_on_call_and_replicas_are_printed_with_their_fields():
    result = compare(_scenario())
    line = next(a for a in result.assumptions if "FTE on call" in a)
    assert line.startswith("self: 0 FTE on call, at least 1 replica") and "ops.oncall" in line


def test_point_values_of_ranges_are_named():
    from tunecost.scenario.walk import point_notes

    data = {
        "name": "r",
        "start": "2026-12",
        "workload": {
            "requests": {"low": "100k requests/month", "high": "500k requests/month"},
            "input_tokens": {"dist": "uniform", "low": 100, "high": 300},
            "output_tokens": 50,
        },
        "paths": [{"name": "p", "kind": "prompt-api", "provider": "openai", "model": "gpt-4.1"}],
    }
    notes = point_notes(parse_scenario(data))
    assert notes == [
        "workload.requests: the triangular range 100,000 to 500,000 is taken at its mode, "
        "300,000 (Monte Carlo with --draws samples it)",
        "workload.input_tokens: the uniform range 100 to 300 is taken at its midpoint, 200 "
        "(Monte Carlo with --draws samples it)",
    ]


def test_compare_lists_the_point_values_it_used():
    from tunecost.cli.options import bundled_example

    ranged = bundled_example().with_name("support-assistant-ranges.yaml")
    result = compare(ranged)
    assert any(a.startswith("workload.requests: the triangular range") for a in result.assumptions)


def test_cli_market_option_allows_marketplaces():
    from click.testing import CliRunner

    from tunecost.cli import cli

    args = [
        "serve",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "l40s",
        "--input-tokens",
        "500",
        "--output-tokens",
        "200",
        "--format",
        "json",
    ]
    default = CliRunner().invoke(cli, args)
    market = CliRunner().invoke(cli, [*args, "--market", "marketplace"])
    assert default.exit_code == 0 and market.exit_code == 0, default.output + market.output
    assert "vast" not in default.output and "vast" in market.output
    compared = CliRunner().invoke(cli, ["compare", "--market", "marketplace", "--format", "json"])
    assert compared.exit_code == 0, compared.output
    assert "marketplace offer" in compared.output
    bad = CliRunner().invoke(cli, ["compare", "--market", "bazaar"])
    assert bad.exit_code == 2
