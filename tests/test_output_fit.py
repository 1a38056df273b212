"""Output that fits a terminal: at COLUMNS=80 and 100 no line of compare, compare
--draws, sensitivity, serve or train (stdout or stderr) is longer than the width; columns
are abbreviated, then left out in the stated order, and said so; --wide shows them all;
money has 3 significant figures with k/M/B in tables and is exact in JSON; warnings are
one summary line."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tunecost.cli import cli
from tunecost.output.layout import Column, cut, fit_table, warning_summary, wrap_lines
from tunecost.output.numbers import compact, human, money

ROOT = Path(__file__).resolve().parents[1]
RANGES = ROOT / "examples" / "support-assistant-ranges.yaml"
SERVE = [
    "serve",
    "--model",
    "llama-3.1-8b",
    "--gpu",
    "l40s",
    "--precision",
    "fp8",
    "--input-tokens",
    "1800",
    "--output-tokens",
    "250",
    "--traffic",
    "300k requests/month",
    "--tpot-slo",
    "50 ms",
]
TRAIN = ["train", "--model", "llama-2-7b", "--method", "pretrain", "--tokens", "2T"]
TRAIN += ["--gpu", "a100-80gb", "--gpus", "1024"]
COMMANDS = {
    "compare": ["compare"],
    "compare --draws": ["compare", str(RANGES), "--draws", "300"],
    "sensitivity": ["sensitivity"],
    "serve": SERVE,
    "train": TRAIN,
}


def run(args, columns=None):
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_line_is_longer_than_the_terminal(name, width):
    result = run(COMMANDS[name], width)
    long = [line for line in result.output.splitlines() if len(line) > width]
    assert not long, "\n".join(long)


@pytest.mark.parametrize("width", [80, 100])
def test_narrowed_tables_say_what_they_left_out(width):
    out = run(["compare"], width).stdout
    note = next(line for line in out.splitlines() if line.startswith("(left out to fit"))
    assert f"fit {width} columns" in note and "--wide" in note
    assert "kind" in note  # the first column dropped, in the stated order
    header = next(line for line in out.splitlines() if line.startswith("path") and "req" in line)
    assert "per 1k req" in header and "break-even" in header


def test_wide_shows_every_column_however_narrow():
    out = run(["compare", "--wide"], 80).stdout
    header = next(line for line in out.splitlines() if line.startswith("path") and "kind" in line)
    for column in ("month 1", "month 36", "all-in per 1k requests", "break-even volume"):
        assert column in header
    assert "left out to fit" not in out


def test_a_file_or_pipe_gets_every_column():
    out = run(["compare"]).stdout  # not a terminal, no COLUMNS: nothing is narrowed
    assert "left out to fit" not in out
    assert any("all-in per 1k requests" in line for line in out.splitlines())


def test_money_is_three_figures_in_tables_and_exact_in_json():
    table = run(["compare"]).stdout
    data = json.loads(run(["compare", "--format", "json"]).stdout)
    first = data["paths"][0]
    assert money(first["total_usd"]) in table
    assert f"{first['total_usd']:,.0f}" not in table  # no unrounded dollars in the table
    assert first["total_usd"] != round(first["total_usd"], -2)  # JSON keeps every digit


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1.944, "1.94"),
        (30.73, "30.7"),
        (999.9, "1k"),
        (52_414, "52.4k"),
        (999_999, "1M"),
        (-38_679, "-38.7k"),
        (2.01e6, "2.01M"),
        (12.5e9, "12.5B"),
    ],
)
def test_compact_money(value, text):
    assert compact(value) == text
    assert money(value) == text
    assert human(float(value), "USD") == text
    assert compact(value, "$") == (f"-${text[1:]}" if text.startswith("-") else f"${text}")


def test_one_warning_line_per_run():
    stale = [
        "finetune_prices.csv: together prices retrieved 2026-05-08, 207 days before "
        "2026-12-01; check them against https://www.together.ai/pricing#fine-tuning",
        "gpu_offers.csv: vast prices retrieved 2026-01-02, 333 days before 2026-12-01; "
        "check them against https://vast.ai/pricing",
        "something else went wrong",
    ]
    line = warning_summary(stale)
    assert line.startswith("warning: ") and "\n" not in line
    assert "together fine-tuning 2026-05-08" in line and "vast GPU 2026-01-02" in line
    assert "1 other warning" in line and "207+ days" in line
    for width in (60, 80, 100):
        assert len(warning_summary(stale, width)) <= width
    assert warning_summary([]) is None


def test_compare_prints_one_warning_line(tmp_path):
    r = run(["compare"])
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning")]
    data = json.loads(run(["compare", "--format", "json"]).stdout)
    assert len(warnings) == (1 if data["warnings"] else 0)


# ---- the fitting rules -------------------------------------------------------------------
ROWS = [
    {"name": "a-rather-long-path-name", "kind": "prompt-api", "x": "1.5k", "long": "abcdef"},
    {"name": "short", "kind": "finetune-selfhost", "x": "22", "long": "abc", "_b": "ab"},
]
COLUMNS = [
    Column("name", "name", squeeze=8),
    Column("kind", "kind", drop=1),
    Column("x", "a wide header", short="x", right=True),
    Column("long", "long", drop=2),
]


def widths(text):
    return max(len(line) for line in text.splitlines())


def test_fit_table_steps_in_order():
    full = fit_table(ROWS, COLUMNS, None)
    assert full.left_out == [] and "a wide header" in full.text
    abbreviated = fit_table(ROWS, COLUMNS, widths(full.text) - 5)
    assert "a wide header" not in abbreviated.text and abbreviated.left_out == []
    dropped = fit_table(ROWS, COLUMNS, 40)
    assert dropped.left_out == ["kind"] and widths(dropped.text) <= 40
    both = fit_table(ROWS, COLUMNS, 30)
    assert both.left_out == ["kind", "long"] and "a-rather-long-path-name" in both.text
    squeezed = fit_table(ROWS, COLUMNS, 14)
    assert widths(squeezed.text) <= 14 and "…" in squeezed.text


def test_cut_keeps_both_ends():
    assert cut("llama-8b-lora-selfhost", 12) == "llama-…fhost"
    assert len(cut("llama-8b-lora-selfhost", 12)) == 12
    assert cut("short", 12) == "short"


def test_wrapped_notes_continue_under_their_text():
    lines = wrap_lines(["note: " + "word " * 40], 50)
    assert len(lines) > 1 and all(len(line) <= 50 for line in lines)
    assert all(line.startswith("      ") for line in lines[1:])


def test_a_narrow_gpu_listing_keeps_memory_bandwidth_and_serving_formats():
    """What serving is sized by outlives fp32 and TDP when the terminal is narrow."""
    from tunecost.output.price_listing import fitted_listing

    columns = ["id", "name", "fp32_tflops", "memory_gb", "hbm_bandwidth_gbps", "fp8_tflops"]
    columns += ["tdp_w", "source_url"]
    rows = [dict.fromkeys(columns, "1")]
    text = fitted_listing(rows, columns, 60)
    head = text.splitlines()[0].split()
    assert head == ["id", "name", "memory_gb", "hbm_bandwidth_gbps", "fp8_tflops"]
    assert "fp32_tflops" in text and "tdp_w" in text  # named as left out
