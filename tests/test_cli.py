"""The train and serve commands through click's CliRunner: output, formats, exit codes."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tunecost import __version__
from tunecost.cli import cli

LORA = [
    "train",
    "--model",
    "llama-3.1-8b",
    "--method",
    "lora",
    "--examples",
    "5000",
    "--tokens-per-example",
    "700",
    "--epochs",
    "3",
    "--gpu",
    "h100",
]
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
]


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and __version__ in r.output


@pytest.mark.parametrize(
    "cmd",
    [[], ["train"], ["serve"], ["pricing"], ["pricing", "list"], ["pricing", "import", "skypilot"]],
)
def test_every_command_has_help_with_an_example(cmd):
    r = run(*cmd, "--help")
    assert r.exit_code == 0
    assert "Example" in r.output


def test_train_json_has_the_documented_fields():
    r = run(*LORA, "--usd-per-gpu-hour", "2.49", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    for key in (
        "flops",
        "tokens",
        "gpu_hours",
        "gpus",
        "min_gpus",
        "wall_clock_hours",
        "memory_per_gpu_gb",
        "mfu",
        "cost_usd",
    ):
        assert key in data
    # 5000 x 700 x 3 = 10.5M tokens; LoRA 4 N D with N = 8.03e9
    assert data["tokens"] == 10_500_000
    assert data["flops"] == pytest.approx(4 * 8.03e9 * 10.5e6)
    assert data["cost_usd"] == pytest.approx(data["gpu_hours"] * 2.49)
    assert data["price_source"] == "given with --usd-per-gpu-hour"


def test_train_runs_multiply_gpu_hours():
    one = json.loads(run(*LORA, "--format", "json").output)
    four = json.loads(run(*LORA, "--runs", "4", "--format", "json").output)
    assert four["gpu_hours"] == pytest.approx(4 * one["gpu_hours"])


def test_train_table_is_rounded_csv_is_not():
    table = run(*LORA, "--usd-per-gpu-hour", "2.49").output
    assert "GPU-hours" in table and "note: MFU source" in table
    csv_out = run(*LORA, "--usd-per-gpu-hour", "2.49", "--format", "csv").output
    header, values = csv_out.strip().splitlines()
    row = dict(zip(header.split(","), values.split(","), strict=False))
    assert len(row["gpu_hours"]) > 8  # unrounded float


def test_train_prices_from_the_book_by_default():
    data = json.loads(run(*LORA, "--format", "json").output)
    assert data["usd_per_gpu_hour"] > 0
    assert "on-demand" in data["price_source"]


def test_train_provider_picks_that_providers_offer():
    data = json.loads(run(*LORA, "--provider", "lambda", "--format", "json").output)
    assert data["price_source"].startswith("lambda ")


def test_params_instead_of_model_and_moe():
    dense = json.loads(
        run(
            "train",
            "--params",
            "7B",
            "--tokens",
            "1T",
            "--method",
            "pretrain",
            "--gpu",
            "h100",
            "--usd-per-gpu-hour",
            "2",
            "--format",
            "json",
        ).output
    )
    moe = json.loads(
        run(
            "train",
            "--params",
            "7B",
            "--active-params",
            "1.3B",
            "--tokens",
            "1T",
            "--method",
            "pretrain",
            "--gpu",
            "h100",
            "--usd-per-gpu-hour",
            "2",
            "--format",
            "json",
        ).output
    )
    assert dense["flops"] == pytest.approx(6 * 7e9 * 1e12)
    assert moe["flops"] == pytest.approx(6 * 1.3e9 * 1e12)
    assert moe["mfu"] < dense["mfu"]  # MoE default MFU is lower


def test_serve_json_fields_and_traffic():
    r = run(
        *SERVE,
        "--traffic",
        "300k requests/month",
        "--tpot-slo",
        "50 ms",
        "--usd-per-gpu-hour",
        "0.99",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    for key in (
        "max_output_tokens_per_s",
        "slo_output_tokens_per_s",
        "max_batch",
        "kv_cache_tokens",
        "replicas",
        "gpus_total",
        "monthly_cost_usd",
        "usd_per_million_output_tokens",
    ):
        assert d[key] is not None
    assert d["tpot_s"] <= 0.05
    # the peak's replicas plus the default spare (--spare-replicas 1), at the given price
    # per GPU: one GPU per unit, so (replicas + 1) x GPUs per replica x 730 h x 0.99
    assert d["spare_replicas"] == 1
    assert d["monthly_cost_usd"] == pytest.approx(
        (d["replicas"] + 1) * d["gpus_per_replica"] * 730 * 0.99
    )


def test_serve_picks_fewest_gpus_that_fit():
    d = json.loads(
        run(
            "serve",
            "--model",
            "llama-3.1-70b",
            "--gpu",
            "h100",
            "--input-tokens",
            "1000",
            "--output-tokens",
            "200",
            "--format",
            "json",
        ).output
    )
    assert d["gpus_per_replica"] == 2  # 141 GB of bf16 weights need two 80 GB GPUs


def test_output_file_written_atomically(tmp_path):
    out = tmp_path / "train.json"
    r = run(*LORA, "--format", "json", "--output", str(out))
    assert r.exit_code == 0
    assert json.loads(out.read_text())["tokens"] == 10_500_000
    assert [p.name for p in tmp_path.iterdir()] == ["train.json"]


def test_main_module_runs():
    r = subprocess.run(
        [sys.executable, "-m", "tunecost", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and __version__ in r.stdout


def test_help_imports_neither_pandas_nor_matplotlib():
    code = (
        "import sys; from tunecost.cli import cli\n"
        "for a in (['--help'], ['train', '--help'], ['serve', '--help']):\n"
        "    try: cli(a)\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in ('pandas', 'matplotlib', 'pint', 'pydantic') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "[]"


def test_serve_burst_gives_what_a_finite_benchmark_measures():
    """--burst N: the run of N requests sent at once, in full batches and a last partial
    one, at no more than the steady maximum; the note says how it batches."""
    steady = json.loads(run(*SERVE, "--format", "json").output)
    b = steady["max_batch"]
    r = run(*SERVE, "--burst", str(2 * b + 1), "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["burst_requests"] == 2 * b + 1
    assert d["burst_output_tokens_per_s"] < d["max_output_tokens_per_s"]
    whole = json.loads(run(*SERVE, "--burst", str(2 * b), "--format", "json").output)
    assert whole["burst_output_tokens_per_s"] == pytest.approx(whole["max_output_tokens_per_s"])
    assert steady["burst_output_tokens_per_s"] is None
    text = run(*SERVE, "--burst", str(2 * b + 1)).output
    assert f"run as 2 batches of {b:,} and one of 1," in text
    assert "a run of --burst requests" in text


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "must be greater than zero"),
        ("-3", "must be greater than zero"),
        ("2.5", "'2.5' is not a whole number; write e.g."),
        ("many", "cannot read 'many'"),
        ("2e9", "above the largest accepted value 1e+09"),
        (str(10**400), "must be a finite number"),
    ],
)
@pytest.mark.parametrize("option", ["--burst", "--max-batch"])
def test_serve_counts_refuse_what_is_not_a_whole_number(option, value, says):
    r = run(*SERVE, option, value)
    assert r.exit_code == 2
    assert r.output.startswith(f"Error: Invalid value for '{option}'")
    assert len(r.output.splitlines()) == 1 and "Traceback" not in r.output
    if option == "--burst" or "e9" not in value:  # --max-batch stops at 1e6
        assert says in r.output


def test_serve_counts_read_as_counts_are_written():
    """1k and 1e3 are a thousand requests, as --input-tokens reads them."""
    a, b = (json.loads(run(*SERVE, "--burst", v, "--format", "json").output) for v in ("1k", "1e3"))
    assert a["burst_requests"] == b["burst_requests"] == 1000
    assert a["burst_output_tokens_per_s"] == b["burst_output_tokens_per_s"]


def test_serve_csv_spells_booleans_as_json_does():
    import csv

    (row,) = csv.DictReader(run(*SERVE, "--format", "csv").output.splitlines())
    assert row["moe"] == "false"


@pytest.mark.parametrize("bad", [2.5, 0, True, "5", float("nan"), float("inf"), 10**400, 10**10])
@pytest.mark.parametrize("name", ["burst", "max_batch"])
def test_python_api_refuses_what_is_not_a_whole_count(name, bad):
    from tunecost import estimate_serving
    from tunecost.errors import InputError

    with pytest.raises(InputError, match=f"{name}: must be a whole number from 1 to "):
        estimate_serving(
            model="llama-3.1-8b", gpu="h100", input_tokens=100, output_tokens=10, **{name: bad}
        )
