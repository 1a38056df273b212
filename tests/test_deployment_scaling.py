"""A fine-tune's dedicated deployments that follow the traffic, where the provider
autoscales them (costing/deployment_scaling.py), worked by hand."""

import numpy as np
import pytest

from helpers import compare_refused
from tunecost import compare
from tunecost.scenario import parse_scenario

DAY = [1.0] * 12 + [0.0] * 12  # busy 00:00-12:00, idle after, every day
MODELS = {
    "fireworks": "llama-v3p1-8b-instruct",
    "together": "llama-3.1-8b-instruct-turbo",
    "bedrock": "my-import",
}
NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}


def _scenario(provider="fireworks", profile=DAY, **path) -> dict:
    return {
        "name": "deployments",
        "start": "2027-01",
        "months": 1,
        "workload": {
            "requests": "10k requests/month",
            "input_tokens": 500,
            "output_tokens": 100,
            "profile": profile,
        },
        "market": {"new_base_model_every": "12 months"},
        "paths": [
            {
                "name": "ft",
                "kind": "finetune-api",
                "provider": provider,
                "model": MODELS[provider],
                "base_model": "llama-3.1-8b",
                "hosting": "dedicated",
                "data": {"examples": 100, "tokens_per_example": 500},
                "retrain": "never",
                **NO_LABOUR,
                **path,
            }
        ],
    }


def _hosting(data) -> float:
    result = compare(parse_scenario(data))
    led = result.ledger
    return float(led[(led.path == "ft") & (led.category == "hosting")].usd.sum()), result


def test_fireworks_scales_to_zero_with_its_windows():
    # Fireworks bills per GPU-second, default min 0 replicas, scale-to-zero window 1 h.
    # One A100 deployment (2.90 USD/h, the cheapest that holds Llama 3.1 8B here) serves
    # the 12 busy hours of each day and idles 1 h after: 13 x 7 = 91 deployment-hours a
    # week, x 744 / 168 for January 2027 = 403 h x 2.90 = 1,168.70 USD.
    usd, result = _hosting(_scenario(autoscale=True))
    assert usd == pytest.approx(403 * 2.90)
    assert any("autoscaled between 0 and any" in a for a in result.assumptions)
    # always on, the same deployment bills every hour of January: 744 x 2.90
    usd_on, _ = _hosting(_scenario())
    assert usd_on == pytest.approx(744 * 2.90)


def test_together_keeps_one_deployment():
    # Together autoscales between min-replicas (at least 1) and max-replicas, per minute:
    # a flat profile at this traffic keeps one deployment every hour = the fixed fleet.
    auto, _ = _hosting(_scenario("together", "flat", autoscale=True))
    fixed, _ = _hosting(_scenario("together", "flat"))
    assert auto == pytest.approx(fixed)
    assert auto > 0


def test_autoscaling_never_costs_more_than_the_always_on_fleet():
    for profile in ("flat", "business-hours", "diurnal", DAY):
        auto, _ = _hosting(_scenario(profile=profile, autoscale=True))
        fixed, _ = _hosting(_scenario(profile=profile))
        assert auto <= fixed * (1 + 1e-9)


@pytest.mark.parametrize(
    ("provider", "path", "match"),
    [
        ("together", {"autoscale": True, "min_deployments": 0}, "keeps at least one"),
        ("fireworks", {"autoscale": True, "max_deployments": 2, "min_deployments": 3}, "below"),
        ("fireworks", {"autoscale": True, "prices": {"hosting": "3 USD/hour"}}, "GPU deploy"),
    ],
)
def test_bad_autoscaling_is_one_line(tmp_path, provider, path, match):
    output = compare_refused(tmp_path, _scenario(provider, **path))
    assert match in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1


def test_a_provider_without_autoscaling_is_refused(tmp_path):
    data = _scenario("bedrock", autoscale=True)
    data["paths"][0]["deployment"] = "cmi:llama-3.1-8b"
    data["paths"][0]["prices"] = {"training": "0 USD/1M tokens"}
    output = compare_refused(tmp_path, data)
    assert "do not autoscale" in output


def test_autoscale_needs_a_profile():
    data = _scenario(autoscale=True)
    del data["workload"]["profile"]
    with pytest.raises(Exception, match=r"needs workload\.profile"):
        _hosting(data)
    assert np.isfinite(_hosting(_scenario())[0])


def test_max_deployments_below_the_need_names_its_own_field(tmp_path):
    data = _scenario(autoscale=True, max_deployments=1)
    data["workload"]["requests"] = "3000M requests/month"
    output = compare_refused(tmp_path, data)
    assert "paths.ft.max_deployments: 1 is below the" in output


def test_a_cap_that_holds_the_plan_does_not_block_compare():
    usd, _ = _hosting(_scenario(autoscale=True, max_deployments=1))
    assert usd > 0


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ({"autoscale": True, "hosting": "serverless"}, "not to hosting: serverless"),
        ({"min_deployments": 0}, "min_deployments applies with autoscale: true"),
    ],
)
def test_autoscale_settings_that_would_be_ignored_are_refused(tmp_path, path, match):
    data = _scenario(**path)
    output = compare_refused(tmp_path, data)
    assert match in output and len(output.strip().splitlines()) == 1
