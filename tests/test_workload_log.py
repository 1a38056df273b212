"""``tunecost workload`` and ``workload: {from_log: ...}``: request logs and usage exports.

Fixtures under tests/data/fixtures/ (written by hand in each tool's documented layout):
- workload_litellm_spend_logs.csv: rows of LiteLLM's ``LiteLLM_SpendLogs`` table (columns
  of model LiteLLM_SpendLogs in BerriAI/litellm schema.prisma at a953319).
- workload_litellm_payload.jsonl: LiteLLM ``StandardLoggingPayload`` records (startTime
  in Unix seconds, prompt_tokens, completion_tokens).
- workload_openai_usage.json: a page of OpenAI's ``/v1/organization/usage/completions``
  with 1-hour buckets (start_time, end_time, results with num_model_requests,
  input_tokens, output_tokens), as in the API reference and the OpenAI cookbook.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tunecost.cli import cli
from tunecost.cli.workload import LOG_FORMAT_CHOICES
from tunecost.errors import InputError
from tunecost.scenario.loading import load_scenario
from tunecost.scenario.model import Workload
from tunecost.scenario.traffic_log import LOG_FORMATS, TrafficLog, read_log
from tunecost.scenario.traffic_summary import summarise

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "data" / "fixtures"

# Ten requests on Monday 2025-01-06 (UTC), by clock hour: 09h 3, 10h 1, 11h 0,
# 12h 2 (one written as 13:00+01:00), 13h 0, 14h 1, 15h 1, 16h 1, 17h 1 (Unix seconds).
HAND_LOG = """timestamp,input_tokens,output_tokens
2025-01-06T09:05:00Z,100,10
2025-01-06T09:30:00Z,200,20
2025-01-06T09:59:59Z,300,30
2025-01-06T10:10:00Z,400,40
2025-01-06T12:00:00Z,500,50
2025-01-06T13:00:00+01:00,600,60
2025-01-06T14:45:00Z,700,70
2025-01-06T15:00:00Z,800,80
2025-01-06T16:00:00Z,900,90
1736182800,1000,100
"""


def run(*args):
    return CliRunner().invoke(cli, ["workload", *args])


@pytest.fixture
def hand_log(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(HAND_LOG)
    return path


def test_hand_worked_example(hand_log):
    s = summarise(read_log(hand_log))
    # span: clock hours 09h..17h = 9 h; 10 requests over 9 h scaled to 730 h
    assert s["span_hours"] == 9
    assert s["requests_per_month"] == pytest.approx(10 * 730 / 9)  # 811.1
    # busiest hour 09h has 3; mean hour 10 / 9; 3 / (10/9) = 2.7
    assert s["peak_to_average"] == pytest.approx(2.7)
    assert s["peak_hour"] == "2025-01-06T09:00:00"
    # nearest rank: p50 = 5th of 10 (ceil(5)), p90 = 9th, p99 = 10th
    assert s["input_tokens"] == {"mean": 550, "p50": 500, "p90": 900, "p99": 1000, "max": 1000}
    assert s["output_tokens"]["mean"] == 55 and s["output_tokens"]["p90"] == 90
    # the profile: Monday 12h holds 2 requests, the covered cells average 10/9
    monday = s["hourly_profile"]["mon"]
    assert monday[12] == pytest.approx(1.8) and monday[11] == 0 and monday[8] is None
    assert s["growth"] is None and any("2 are needed" in n for n in s["notes"])


def test_growth_doubling_over_two_whole_months(tmp_path):
    # January 2025: 1 request per hour (744); February: 2 per hour (1,344) -> +100 %/month
    hours = pd.date_range("2025-01-01", "2025-02-28 23:00", freq="h", tz="UTC")
    stamps = [t for t in hours for _ in range(1 if t.month == 1 else 2)]
    path = tmp_path / "log.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"time": t.isoformat(), "prompt_tokens": 5, "completion_tokens": 1})
            for t in stamps
        )
    )
    s = summarise(read_log(path))
    assert s["whole_months"] == 2 and s["growth"] == pytest.approx(1.0)
    assert s["requests_per_month"] == pytest.approx((744 + 1344) * 730 / 1416)
    assert s["peak_to_average"] == pytest.approx(2 / ((744 + 1344) / 1416))


def test_litellm_spend_logs_csv():
    log = read_log(FIXTURES / "workload_litellm_spend_logs.csv")
    s = summarise(log)
    assert s["format"] == "litellm" and s["requests"] == 4
    # 09h 2, 10h 1, 11h 1 over 3 h
    assert s["span_hours"] == 3 and s["peak_to_average"] == pytest.approx(1.5)
    assert s["input_tokens"]["mean"] == pytest.approx(3000 / 4)
    assert s["output_tokens"]["p50"] == 210  # 2nd smallest of 0, 210, 220, 230


def test_litellm_standard_logging_payload_jsonl():
    s = summarise(read_log(FIXTURES / "workload_litellm_payload.jsonl"))
    assert s["format"] == "litellm" and s["start"] == "2025-03-07T09:00:00"
    assert s["input_tokens"]["mean"] == 1000 and s["output_tokens"]["max"] == 200


def test_openai_usage_buckets():
    s = summarise(read_log(FIXTURES / "workload_openai_usage.json"))
    assert s["format"] == "openai-usage" and s["requests"] == 30
    # 20 requests in 09h, none in 10h, 10 in 11h: mean hour 10, peak 20
    assert s["span_hours"] == 3 and s["peak_to_average"] == 2
    assert s["input_tokens"]["mean"] == 1000 and s["output_tokens"]["mean"] == 200
    assert s["input_tokens"]["p50"] is None
    assert any("usage buckets hold sums" in n for n in s["notes"])


def test_openai_daily_buckets_hide_the_hours(tmp_path):
    day = 86400
    result = {"object": "organization.usage.completions.result", "output_tokens": 10}
    buckets = [
        {
            "object": "bucket",
            "start_time": 1735689600 + i * day,
            "end_time": 1735689600 + (i + 1) * day,
            "results": [result | {"input_tokens": 100 * (i + 1), "num_model_requests": i + 1}],
        }
        for i in range(3)
    ]
    path = tmp_path / "usage.json"
    path.write_text(json.dumps([{"object": "page", "data": buckets}]))
    s = summarise(read_log(path))
    assert s["requests"] == 6 and s["span_hours"] == 72
    assert s["requests_per_month"] == pytest.approx(6 * 730 / 72)
    assert s["peak_to_average"] is None and s["hourly_profile"] is None
    assert any("bucket_width=1h" in n for n in s["notes"])


def test_cli_lists_the_library_formats():
    assert LOG_FORMAT_CHOICES == LOG_FORMATS


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "yaml"])
def test_every_format(hand_log, fmt, tmp_path):
    r = run(str(hand_log), "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt == "json":
        data = json.loads(r.output)
        assert {"requests_per_month", "peak_to_average", "input_tokens", "output_tokens"} <= set(
            data
        )
        assert {"mean", "p50", "p90"} <= set(data["input_tokens"])
    elif fmt == "csv":
        header, _ = r.output.splitlines()
        assert "requests_per_month" in header.split(",") and "input_tokens_p90" in header
    elif fmt == "yaml":
        block = yaml.safe_load(r.output)["workload"]
        w = Workload.model_validate(block)  # pastes into a scenario as it is
        assert w.requests == pytest.approx(811.1) and w.peak_to_average == pytest.approx(2.7)
    else:
        assert "peak to average" in r.output and "hourly profile" in r.output
    out = tmp_path / f"out.{fmt}"
    assert run(str(hand_log), "--format", fmt, "--output", str(out)).exit_code == 0
    assert out.read_text() == r.output


def test_help_has_an_example_and_imports_no_pandas():
    assert "tunecost workload requests.csv" in run("--help").output
    code = (
        "import sys; from tunecost.cli import cli\n"
        "try: cli(['workload', '--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'pint') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "[]"


@st.composite
def logs(draw):
    n = draw(st.integers(1, 40))
    minutes = draw(st.lists(st.integers(0, 60 * 24 * 20), min_size=n, max_size=n))
    tokens = draw(st.lists(st.integers(0, 5000), min_size=2 * n, max_size=2 * n))
    return minutes, tokens[:n], tokens[n:]


def _log(minutes, inp, out, copies=1):
    times = pd.Timestamp("2025-01-06", tz="UTC") + pd.to_timedelta(list(minutes) * copies, "min")
    return TrafficLog(
        times=pd.DatetimeIndex(times),
        requests=np.ones(len(minutes) * copies, dtype=np.int64),
        input_tokens=np.array(list(inp) * copies, float),
        output_tokens=np.array(list(out) * copies, float),
        log_format="generic",
        name="drawn",
    )


@settings(max_examples=40, deadline=None)
@given(logs())
def test_duplicating_every_request(drawn):
    one, two = summarise(_log(*drawn)), summarise(_log(*drawn, copies=2))
    assert two["requests_per_month"] == pytest.approx(2 * one["requests_per_month"])
    assert two["peak_to_average"] == pytest.approx(one["peak_to_average"])
    for side in ("input_tokens", "output_tokens"):
        assert two[side] == pytest.approx(one[side])
    assert two["hourly_profile"] == one["hourly_profile"]


BAD = {
    "no timestamps": ("prompt_tokens,completion_tokens\n5,1\n", "no timestamp column"),
    "empty timestamps": ("timestamp,input_tokens,output_tokens\n,5,1\n", "has no timestamps"),
    "negative tokens": (
        "timestamp,input_tokens,output_tokens\n2025-01-01T00:00:00Z,-5,1\n",
        "input_tokens is -5; token counts cannot be negative",
    ),
    "unparseable date": (
        "timestamp,input_tokens,output_tokens\n2025-01-01T00:00:00Z,5,1\nyesterday,5,1\n",
        "row 2: timestamp 'yesterday' is not a date",
    ),
    "empty file": ("\n", "is empty"),
    "header only": ("timestamp,input_tokens,output_tokens\n", "no requests"),
    "unknown format": ('{"event": "click", "user": 3}\n', "no timestamp column"),
    "not a number": ("timestamp,input_tokens,output_tokens\n1735689600,many,1\n", "not a number"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_in_one_line(case, tmp_path):
    text, words = BAD[case]
    path = tmp_path / "log.csv"
    path.write_text(text)
    r = run(str(path))
    assert r.exit_code == 2, r.output
    assert r.output.startswith("Error: LOG: ") and words in r.output
    assert len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, words",
    [
        (["--log-format", "openai-usage"], "no usage buckets"),
        (["--log-format", "litellm"], "not a LiteLLM spend log"),
        (["--timezone", "Mars/Olympus"], "--timezone: unknown time zone"),
    ],
)
def test_bad_options_exit_2(hand_log, args, words):
    r = run(str(hand_log), *args)
    assert r.exit_code == 2 and words in r.output, r.output


def test_missing_file(tmp_path):
    r = run(str(tmp_path / "nope.csv"))
    assert r.exit_code == 2 and "no such file" in r.output


def test_timezone_moves_the_clock_hours(hand_log):
    s = summarise(read_log(hand_log), "Europe/Berlin")  # UTC+1 in January
    assert s["peak_hour"] == "2025-01-06T10:00:00" and s["timezone"] == "Europe/Berlin"


SCENARIO = """
name: from-a-log
start: 2026-01
months: 12
workload:
  from_log: {log}
  growth: 2 %/month
paths:
  - name: prompt-api
    kind: prompt-api
    provider: openai
    model: gpt-4.1-mini
"""


def test_scenario_reads_its_workload_from_a_log(hand_log):
    path = hand_log.parent / "plan.yaml"
    path.write_text(SCENARIO.format(log=hand_log.name))
    sc = load_scenario(path)
    assert sc.workload.requests == pytest.approx(811.1)
    assert sc.workload.input_tokens == 550 and sc.workload.output_tokens == 55
    assert sc.workload.peak_to_average == pytest.approx(2.7)
    assert sc.workload.growth == (pytest.approx(0.02), 1.0)  # the scenario's own value wins


def test_compare_reports_what_it_took_from_the_log(hand_log):
    path = hand_log.parent / "plan.yaml"
    path.write_text(SCENARIO.format(log=hand_log.name))
    r = CliRunner().invoke(cli, ["compare", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    assumptions = json.loads(r.output[r.output.index("{") :])["assumptions"]
    assert any(
        "workload.requests: 811.1 requests/month (from requests.csv" in a for a in assumptions
    )


def test_scenario_log_errors_name_the_field(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(SCENARIO.format(log="missing.csv"))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "workload.from_log" and "no such file" in err.value.message
    r = CliRunner().invoke(cli, ["compare", str(path)])
    assert r.exit_code == 2 and "workload.from_log" in r.output
