"""An autoscaled fleet placed on whole instances, step by step (costing/autoscaled.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tunecost.costing.autoscaled import autoscaled_fleet
from tunecost.costing.instances import Shape, cheapest


def test_hugging_face_endpoint_547_50_on_one_instance_per_replica():
    # Hugging Face's pricing page: 1 replica all month, 3 for 15 minutes of every hour,
    # billed per minute at 0.50 USD/h: 0.5 x (730 x 1 + 182.5 x 2) = 547.50 USD.
    # One clock hour as four 15-minute slots needing 3, 1, 1, 1 replicas of 1 token/s.
    need = np.array([3.0, 1.0, 1.0, 1.0])
    shapes = [Shape("endpoint", 1, 0.5)]
    fleet = autoscaled_fleet(
        need.mean(), need / need.mean(), 1.0, 1, shapes, 730.0, slot_hours=0.25, step_hours=1 / 60
    )
    assert float(fleet.usd) == pytest.approx(547.50)
    assert float(fleet.replica_hours) == pytest.approx(730 + 182.5 * 2)


def test_replicas_share_a_bigger_instance_when_it_is_cheaper():
    # 1-GPU instance 1.00 USD/h; 8-GPU instance 0.50 USD/GPU-h = 4.00 USD/h.
    # Hours 1-2 need 8 replicas (one 8-GPU instance, 4.00 USD/h, cheaper than 8 x 1.00),
    # hours 3-4 need 2 (two 1-GPU instances, 2.00 USD/h, cheaper than 4.00).
    # Week of 4 hours scaled to 8 hours: (2 x 4.00 + 2 x 2.00) x 8 / 4 = 24.00 USD.
    shapes = [Shape("one", 1, 1.0), Shape("eight", 8, 0.5)]
    need = np.array([8.0, 8.0, 2.0, 2.0])
    fleet = autoscaled_fleet(need.mean(), need / need.mean(), 1.0, 1, shapes, 8.0)
    assert float(fleet.usd) == pytest.approx(24.0)
    assert float(fleet.gpu_hours) == pytest.approx((2 * 8 + 2 * 2) * 2)
    assert {s.name for s in fleet.shapes} == {"one", "eight"}


def test_start_up_is_billed_on_the_instance_holding_one_replica():
    # Hour 1 needs 3 replicas, hours 2-4 need 1; a 60-minute start-up bills each replica
    # added one more hour: 2 replicas added at hour 1 (the week is a cycle).
    # 1-GPU instance at 1.00 USD/h: (3 + 1 + 1 + 1) + 2 x 1 = 8.00 USD per 4-hour week.
    shapes = [Shape("one", 1, 1.0)]
    need = np.array([3.0, 1.0, 1.0, 1.0])
    fleet = autoscaled_fleet(need.mean(), need / need.mean(), 1.0, 1, shapes, 4.0, delay_hours=1.0)
    assert float(fleet.usd) == pytest.approx(8.0)


shape_st = st.builds(
    lambda gpus, price: Shape(f"{gpus}x", gpus, price),
    st.sampled_from([1, 2, 4, 8]),
    st.floats(0.1, 10.0),
)


@settings(max_examples=60, deadline=None)
@given(
    shapes=st.lists(shape_st, min_size=1, max_size=4),
    g=st.sampled_from([1, 2]),
    replicas=st.integers(1, 40),
)
def test_a_flat_profile_costs_what_the_fixed_fleet_costs(shapes, g, replicas):
    shapes = [s for s in shapes if s.gpus >= g] or [Shape("g", g, 1.0)]
    flat = np.ones(24)
    fleet = autoscaled_fleet(float(replicas), flat, 1.0, g, shapes, 730.0)
    fixed = cheapest(float(replicas), g, shapes, 730.0)
    assert float(fleet.usd) == pytest.approx(float(fixed.usd))


@settings(max_examples=60, deadline=None)
@given(
    shapes=st.lists(shape_st, min_size=1, max_size=4),
    need=st.lists(st.integers(0, 30), min_size=2, max_size=24).filter(any),
)
def test_autoscaling_never_costs_more_than_the_peak_fleet_every_hour(shapes, need):
    need = np.asarray(need, float)
    fleet = autoscaled_fleet(need.mean(), need / need.mean(), 1.0, 1, shapes, 730.0)
    fixed = cheapest(need.max(), 1, shapes, 730.0)
    assert float(fleet.usd) <= float(fixed.usd) * (1 + 1e-9)


def test_a_scale_to_zero_window_bills_the_idle_hour_after_traffic():
    # Fireworks' default scale-to-zero window is 1 h (docs.fireworks.ai/deployments/
    # autoscaling): 2 busy hours then 2 idle ones, min 0 replicas. Billed per minute the
    # replica runs hours 1-2 and idles through the window in hour 3:
    # 1.00 USD/h x (2 + 1) = 3.00 USD per 4-hour cycle; without the window 2.00 USD.
    shapes = [Shape("one", 1, 1.0)]
    need = np.array([1.0, 1.0, 0.0, 0.0])
    rule = {"min_replicas": 0, "step_hours": 1 / 60}
    kept = autoscaled_fleet(
        need.mean(), need / need.mean(), 1.0, 1, shapes, 4.0, down_delay_hours=1.0, **rule
    )
    assert float(kept.usd) == pytest.approx(3.0)
    dropped = autoscaled_fleet(need.mean(), need / need.mean(), 1.0, 1, shapes, 4.0, **rule)
    assert float(dropped.usd) == pytest.approx(2.0)


def test_fireworks_windows_scale_down_then_to_zero():
    # Fireworks' defaults: scale-down window 10 min, scale-to-zero window 1 h, billed per
    # GPU-second. Hour 1 needs 3 replicas, hours 2-4 none (min 0). Per-minute steps, hourly
    # slots (a window is counted up to one slot): 2 replicas stop after 10 min, the last
    # after 60 min: 1.00 USD/h x (3 + 2 x 10/60 + 1) = 4.3333 USD per 4-hour cycle.
    shapes = [Shape("one", 1, 1.0)]
    need = np.array([3.0, 0.0, 0.0, 0.0])
    fleet = autoscaled_fleet(
        need.mean(),
        need / need.mean(),
        1.0,
        1,
        shapes,
        4.0,
        min_replicas=0,
        step_hours=1 / 60,
        down_delay_hours=10 / 60,
        zero_delay_hours=1.0,
    )
    assert float(fleet.usd) == pytest.approx(3 + 2 * 10 / 60 + 1)
