"""Fine-tunes served on a provider's own endpoints: Bedrock Custom Model Import copies,
Vertex AI endpoints, and the refusals when a deployment cannot be priced."""

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from tunecost import compare
from tunecost.cli import cli
from tunecost.errors import InputError
from tunecost.scenario import parse_scenario

BASE = {
    "name": "endpoints",
    "start": "2027-01",
    "months": 3,
    "team": {"engineer_rate": "100 USD/hour"},
    "workload": {"requests": "100k requests/month", "input_tokens": 500, "output_tokens": 100},
    "market": {"new_base_model_every": "12 months"},
}
NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}
IMPORTED = {
    "name": "ft",
    "kind": "finetune-api",
    "provider": "bedrock",
    "model": "my-imported-llama",
    "deployment": "cmi:llama-3.1-8b",
    "prices": {"training": "0 USD/1M tokens"},
    "data": {"examples": 100, "tokens_per_example": 500},
    "retrain": "never",
}
VERTEX = {
    "name": "ft",
    "kind": "finetune-api",
    "provider": "vertex-ai",
    "model": "llama-3.1-8b",
    "base_model": "llama-3.1-8b",
    "data": {"examples": 100, "tokens_per_example": 500},
    "retrain": "never",
}


def _scenario(path: dict) -> dict:
    return {**BASE, "paths": [dict(path, **NO_LABOUR)]}


def _run(path: dict):
    return compare(parse_scenario(_scenario(path)))


def _hosting(result) -> np.ndarray:
    led = result.ledger
    return led[(led.path == "ft") & (led.category == "hosting")].usd.to_numpy()


def test_naming_an_imported_copy_serves_it_dedicated_by_default():
    result = _run(IMPORTED)
    line = next(a for a in result.assumptions if a.startswith("ft: served"))
    assert "served dedicated" in line and "bedrock's policy for fine-tunes: both" in line
    # one copy every hour of January, February, March at 9.42/hour, + 3.90 storage
    expected = 9.42 * np.array([744, 672, 744]) + 3.90
    np.testing.assert_allclose(_hosting(result), expected, rtol=1e-12)


def test_an_imported_copy_that_does_not_exist_is_refused_naming_the_field():
    with pytest.raises(
        InputError,
        match=r"paths\.ft\.deployment: bedrock has no dedicated deployment named "
        r"cmi:llama-9-400b .*cmi:llama-3\.1-8b",
    ):
        _run(dict(IMPORTED, deployment="cmi:llama-9-400b"))


def test_the_command_line_refuses_it_in_one_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_scenario(dict(IMPORTED, deployment="cmi:nope"))))
    r = CliRunner().invoke(cli, ["compare", str(path)])
    assert r.exit_code == 2
    lines = [x for x in r.output.splitlines() if x.startswith("Error")]
    assert len(lines) == 1 and "deployment" in lines[0] and "cmi:nope" in lines[0], r.output


def test_dedicated_on_vertex_bills_an_h100_node_every_calendar_hour():
    # a3-highgpu-1g in us-central1: 11.2660332 (H100) + 26 x 0.0293227 (vCPU)
    # + 234 x 0.0025534 (GiB) = 12.625919 USD per node-hour; January 2027 has 744 hours:
    # 12.625919 x 744 = 9,393.68 USD for the one node the traffic needs
    result = _run(dict(VERTEX, hosting="dedicated"))
    assert _hosting(result)[0] == pytest.approx(9393.68, abs=0.005)
    used = {(p["provider"], p["item"]) for p in result.prices_used}
    assert ("vertex-ai", "hardware:1x-h100-80gb") in used


def test_a_vertex_endpoint_priced_in_the_scenario_bills_one_node_every_calendar_hour():
    # a node at a negotiated 2.50 USD/hour: 2.50 x 744 in January = $1,860.00
    result = _run(dict(VERTEX, hosting="dedicated", prices={"hosting": "2.50 USD/hour"}))
    assert _hosting(result)[0] == pytest.approx(1860.00, abs=0.005)
    np.testing.assert_allclose(_hosting(result), 2.5 * np.array([744, 672, 744]), rtol=1e-12)
