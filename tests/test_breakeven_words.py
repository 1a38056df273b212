"""One break-even vocabulary: the steady-state volume where monthly costs cross (compare's
break-even volume) and the plan volume where the cheapest path changes (threshold of
workload.requests) are named apart in the table, the JSON and --help, and the plan
volume compare reports is the one threshold finds."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tunecost.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CLASSIFIER = ROOT / "examples" / "high-volume-classifier.yaml"
STEADY = "steady-state volume where monthly costs cross"
PLAN = "plan volume where the cheapest path changes"


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def one_line(text: str) -> str:
    """``text`` on one line, as read: a word broken at its hyphen by --help is whole."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def test_the_table_names_both():
    out = one_line(run("compare").stdout)
    assert f"break-even volume: {STEADY}" in out
    assert PLAN in out


def test_the_json_names_both_and_keeps_its_keys():
    data = json.loads(run("compare", "--format", "json").stdout)
    assert data["breakeven_volume_meaning"].startswith(STEADY)
    assert "month from which cumulative cost stays below" in data["breakeven_month_meaning"]
    plan = data["plan_volume"]
    assert plan["meaning"].startswith(PLAN)
    assert set(plan) >= {"requests_per_month", "cheaper_below", "cheaper_above"}
    for row in data["paths"]:  # the existing keys are still there
        assert "breakeven_volume_requests_per_month" in row and "cheaper_at" in row


@pytest.mark.parametrize("command", ["compare", "threshold"])
def test_help_says_which_is_which(command):
    text = one_line(run(command, "--help").output)
    assert STEADY in text and PLAN in text


def test_compare_reports_the_plan_volume_threshold_finds():
    data = json.loads(run("compare", CLASSIFIER, "--format", "json").stdout)
    found = json.loads(
        run("threshold", CLASSIFIER, "--vary", "workload.requests", "--format", "json").stdout
    )
    assert found["value_meaning"].startswith(PLAN)
    assert data["plan_volume"]["requests_per_month"] == pytest.approx(found["value"])
    assert data["plan_volume"]["cheaper_below"] == found["below"]
    text = one_line(run("threshold", CLASSIFIER, "--vary", "workload.requests").stdout)
    if found["value"] is not None:
        assert text.startswith(f"workload.requests: {PLAN}:")
        assert STEADY in text
