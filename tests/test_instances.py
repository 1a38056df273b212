"""Replicas and training jobs placed on whole instances (issue 13, point 1): worked by hand
on small price books, so every figure below can be checked on paper."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial

import numpy as np
import pytest
from click.testing import CliRunner

from helpers import acme_offer, book_with
from tunecost.analysis.compare import compare
from tunecost.cli import cli
from tunecost.costing.instances import Shape, cheapest, instances_for
from tunecost.errors import InputError
from tunecost.pricebook.book import PriceBook
from tunecost.scenario import parse_scenario

JANUARY = 31 * 24  # hours billed in January 2027
_offer = partial(acme_offer, retrieved=dt.date(2026, 12, 1))  # read before the 2027 scenarios


def _scenario(serving: dict, training: dict | None = None) -> dict:
    path = {
        "name": "own",
        "kind": "prompt-selfhost",
        "model": "llama-3.1-8b",
        "follow_new_models": False,
        "serving": {"gpu": "h100", **serving},
    }
    if training is not None:
        model = path.pop("model")
        path = {
            **path,
            "kind": "finetune-selfhost",
            "base_model": model,
            "method": "lora",
            "retrain": "never",
            "data": {"examples": 1000, "tokens_per_example": 500, "epochs": 2},
            "training": {"gpu": "h100", **training},
        }
        del path["follow_new_models"]
    return {
        "name": "instances",
        "start": "2027-01",
        "months": 1,
        "workload": {"requests": "1000 requests/month", "input_tokens": 500, "output_tokens": 100},
        "paths": [path],
    }


def _cost(data: dict, book: PriceBook, category: str = "inference"):
    result = compare(parse_scenario(data), book=book)
    led = result.ledger
    row = led[(led.path == "own") & (led.category == category)].iloc[0]
    return row, result


# ---- the packing rule, by hand ---------------------------------------------------------


def test_three_one_gpu_replicas_fit_one_four_gpu_instance():
    # 1-GPU instances at 1.00 USD/GPU-h, 4-GPU instances at 0.70 USD/GPU-h:
    # three 1-GPU instances 3 x 1.00 = 3.00 USD/h, one 4-GPU instance 4 x 0.70 = 2.80 USD/h
    shapes = [Shape("one", 1, 1.00), Shape("four", 4, 0.70)]
    placed = cheapest(3, 1, shapes, 1.0)
    assert float(placed.usd) == pytest.approx(2.80)
    assert (int(placed.instances), int(placed.gpus_per_instance)) == (1, 4)
    assert placed.name == "four"


def test_each_month_takes_its_cheapest_shape():
    # 1, 3 and 5 replicas of 1 GPU: min(1 x 1.00, 2.80) = 1.00; min(3.00, 2.80) = 2.80;
    # min(5 x 1.00, two 4-GPU instances 2 x 2.80 = 5.60) = 5.00
    shapes = [Shape("one", 1, 1.00), Shape("four", 4, 0.70)]
    placed = cheapest(np.array([1, 3, 5]), 1, shapes, 1.0)
    np.testing.assert_allclose(placed.usd, [1.00, 2.80, 5.00])
    np.testing.assert_array_equal(placed.instances, [1, 1, 5])
    np.testing.assert_array_equal(placed.gpus_per_instance, [1, 4, 1])
    assert placed.name == "one or four"


def test_two_one_gpu_replicas_on_a_two_gpu_instance_when_cheaper():
    # two 1-GPU instances 2 x 1.00 = 2.00 USD/h against one 2-GPU instance 2 x 0.90 = 1.80
    placed = cheapest(2, 1, [Shape("one", 1, 1.00), Shape("two", 2, 0.90)], 730.0)
    assert float(placed.usd) == pytest.approx(1.80 * 730)


def test_replicas_share_an_instance_but_never_split_one():
    # an 8-GPU instance holds floor(8 / 3) = 2 replicas of 3 GPUs: 5 replicas need 3
    assert float(instances_for(5, 3, 8)) == 3
    # a 16-GPU job spans whole 8-GPU nodes: 2
    assert float(instances_for(1, 16, 8)) == 2
    assert float(instances_for(0, 2, 8)) == 0 and not np.signbit(instances_for(0, 2, 8))


# ---- through compare --------------------------------------------------------------------


def test_a_two_gpu_replica_pays_a_whole_eight_gpu_instance():
    # the book sells H100s only as 8-GPU instances at 1.00 USD/GPU-h. A 2-GPU replica (no
    # spare) rents the whole box: 8 x 1.00 x 744 h = 5,952 USD in January, never
    # 2 x 1.00 x 744 = 1,488 USD (2/8 of it).
    book = book_with(_offer("box.8x", 1.00, 8))
    row, _ = _cost(_scenario({"gpus": 2, "spare_replicas": 0}), book)
    assert row.usd == pytest.approx(8 * 1.00 * JANUARY)
    assert row.quantity == pytest.approx(8 * JANUARY)  # GPU-hours rented
    assert "1 x 8-GPU acme box.8x" in row.note and "1 replica(s)" in row.note
    # with the default spare, the two replicas of 2 GPUs still share the one box
    row, _ = _cost(_scenario({"gpus": 2}), book)
    assert row.usd == pytest.approx(8 * 1.00 * JANUARY)
    assert "2 replica(s) incl. 1 spare" in row.note


def test_the_cheaper_of_two_small_instances_or_one_larger():
    # 1 replica + 1 spare of 1 GPU: two 1-GPU instances at 1.00 (2.00 USD/h) or one 2-GPU
    # instance at 0.95 (1.90 USD/h): 1.90 x 744 = 1,413.60 USD
    book = book_with(_offer("one.1x", 1.00, 1), _offer("two.2x", 0.95, 2))
    row, result = _cost(_scenario({"gpus": 1}), book)
    assert row.usd == pytest.approx(1.90 * JANUARY)
    assert "1 x 2-GPU acme two.2x" in row.note
    offers = [p["item"] for p in result.prices_used if p.get("kind") == "gpu offer"]
    assert offers == ["two.2x"]  # only the instance billed is listed


def test_a_given_price_is_per_gpu():
    # usd_per_gpu_hour: one GPU is one unit; 2 replicas (1 + spare) x 2 GPUs x 3 USD x 744 h
    row, _ = _cost(_scenario({"gpus": 2, "usd_per_gpu_hour": "3 USD/hour"}), book_with())
    assert row.usd == pytest.approx(2 * 2 * 3.0 * JANUARY)


def test_training_bills_whole_instances():
    # a 1-GPU LoRA job on an 8-GPU-only book pays all 8 GPUs for its wall-clock hours: 8x
    # the 1-GPU job's GPU-hours at the same price per GPU
    box = book_with(_offer("box.8x", 1.00, 8))
    single = book_with(_offer("one.1x", 1.00, 1), _offer("box.8x", 1.00, 8))
    serving = {"gpus": 1, "usd_per_gpu_hour": "1 USD/hour"}
    on_box, _ = _cost(_scenario(serving, {"gpus": 1}), box, "training")
    alone, _ = _cost(_scenario(serving, {"gpus": 1}), single, "training")
    assert alone.usd > 0
    assert on_box.usd == pytest.approx(8 * alone.usd)
    assert on_box.quantity == pytest.approx(8 * alone.quantity)
    assert "1 x 8-GPU acme box.8x" in on_box.note


# ---- bad input ---------------------------------------------------------------------------


def test_a_replica_larger_than_any_instance_is_refused_in_one_line():
    book = book_with(_offer("one.1x", 1.00, 1))
    with pytest.raises(InputError) as err:
        compare(parse_scenario(_scenario({"gpus": 2})), book=book)
    assert err.value.field == "paths.own.serving.gpu"
    assert "has 2 GPUs in one instance (largest: 1)" in err.value.message


def test_the_command_line_refuses_it_with_exit_2(tmp_path):
    # the shipped book rents H100 PCIe cards one by one only
    data = _scenario({"gpu": "h100-pcie", "gpus": 2})
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    r = CliRunner().invoke(cli, ["compare", str(path)])
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "serving.gpu" in lines[0] and "largest: 1" in lines[0]


# ---- tunecost serve ----------------------------------------------------------------------

SERVE = ["serve", "--model", "llama-3.1-8b", "--gpu", "h100", "--input-tokens", "1000"]
SERVE += ["--output-tokens", "200", "--traffic", "3M requests/month", "--format", "json"]


def _serve(*extra: str) -> dict:
    r = CliRunner().invoke(cli, [*SERVE, *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_serve_reports_the_instances_it_bills():
    d = _serve()
    for key in ("instance", "instances", "gpus_per_instance", "usd_per_instance_hour"):
        assert d[key] is not None
    paid = (d["replicas"] + d["spare_replicas"]) * d["gpus_per_replica"]
    assert d["instances"] * d["gpus_per_instance"] >= paid
    assert d["monthly_cost_usd"] == pytest.approx(d["instances"] * d["usd_per_instance_hour"] * 730)
    assert d["usd_per_gpu_hour"] == pytest.approx(
        d["usd_per_instance_hour"] / d["gpus_per_instance"]
    )
    assert d["instance"] in d["price_source"]


def test_serve_on_a_named_eight_gpu_instance_bills_the_box():
    # aws p5.48xlarge: 8 H100s at 6.88 USD/GPU-h; one replica of 1 GPU and its spare share
    # the one instance: 8 x 6.88 x 730 h = 40,179.20 USD a month
    d = _serve("--offer", "aws:p5.48xlarge", "--spare-replicas", "1")
    assert (d["instances"], d["gpus_per_instance"]) == (1, 8)
    assert d["usd_per_instance_hour"] == pytest.approx(8 * 6.88)
    assert d["monthly_cost_usd"] == pytest.approx(8 * 6.88 * 730)
