"""Time the main commands and print the figures quoted in closing notes.

    python benchmarks/bench.py [--repeat N]

Each command runs as a fresh process (what a user waits for), best and median of N runs;
the estimators are also timed in-process, beyond imports.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TRAIN = [
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
    "llama-3.3-70b",
    "--gpu",
    "h200",
    "--precision",
    "fp8",
    "--input-tokens",
    "1000",
    "--output-tokens",
    "1000",
    "--traffic",
    "2M requests/month",
    "--tpot-slo",
    "50 ms",
]


def _cli() -> list[str]:
    exe = shutil.which("tunecost")
    return [exe] if exe else [sys.executable, "-m", "tunecost"]


def time_process(argv: list[str], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def time_call(fn, repeat: int) -> float:
    fn()  # warm: tables loaded, imports done
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().repeat
    cli = _cli()
    rows = [
        ("python -c 'import click'", [sys.executable, "-c", "import click"]),
        ("tunecost --help", [*cli, "--help"]),
        ("tunecost train --help", [*cli, "train", "--help"]),
        ("tunecost train (LoRA 8B)", [*cli, *TRAIN]),
        ("tunecost serve (70B fp8, SLO)", [*cli, *SERVE]),
        ("tunecost pricing validate", [*cli, "pricing", "validate"]),
        (
            "python -c 'import pandas, pint, click'",
            [sys.executable, "-c", "import pandas, pint, click"],
        ),
        ("tunecost compare (bundled example)", [*cli, "compare"]),
    ]
    print(f"{'command':<34} {'best s':>8} {'median s':>9}")
    for label, argv in rows:
        best, med = time_process(argv, n)
        print(f"{label:<34} {best:8.3f} {med:9.3f}")

    from tunecost import estimate_serving, estimate_training

    t_train = time_call(
        lambda: estimate_training(model="llama-3.1-8b", method="lora", tokens=1e7, gpu="h100"), 50
    )
    t_serve = time_call(
        lambda: estimate_serving(
            model="llama-3.3-70b",
            gpu="h200",
            precision="fp8",
            input_tokens=1000,
            output_tokens=1000,
            tpot_slo=0.05,
        ),
        50,
    )
    from tunecost import compare
    from tunecost.cli.options import bundled_example

    example = bundled_example()
    compare(example)  # warm: imports, tables, pint registry
    t0 = time.perf_counter()
    for _ in range(n):
        compare(example, months=60)
    t_compare = (time.perf_counter() - t0) / n
    from tunecost.analysis.montecarlo import monte_carlo
    from tunecost.analysis.sensitivity import tornado
    from tunecost.scenario import load_scenario

    ranged = load_scenario(example.parent / "support-assistant-ranges.yaml")
    ranged = ranged.model_copy(update={"months": 60})
    monte_carlo(ranged, draws=100, seed=0)
    t0 = time.perf_counter()
    monte_carlo(ranged, draws=10_000, seed=0)
    t_mc = time.perf_counter() - t0
    plain = load_scenario(example)
    tornado(plain)
    t0 = time.perf_counter()
    tornado(plain)
    t_tornado = time.perf_counter() - t0
    print(f"{'estimate_training (in-process)':<34} {t_train * 1e3:8.2f} ms")
    print(f"{'estimate_serving (in-process)':<34} {t_serve * 1e3:8.2f} ms")
    print(f"{'compare, 4 paths x 60 months':<34} {t_compare * 1e3:8.2f} ms (beyond imports)")
    print(f"{'Monte Carlo 10k draws x 4 x 60':<34} {t_mc * 1e3:8.2f} ms")
    print(f"{'sensitivity, bundled example':<34} {t_tornado * 1e3:8.2f} ms")
    long_work(example.parent / "support-assistant-ranges.yaml")


def long_work(ranged_path) -> None:
    """The figures of issue 15: the report on the ranged example beyond imports, and
    100,000 draws (time, peak memory traced by Python, and a fresh process's peak RSS)."""
    import resource
    import tempfile
    import tracemalloc

    from click.testing import CliRunner

    from tunecost.analysis.montecarlo import monte_carlo
    from tunecost.cli import cli
    from tunecost.scenario import load_scenario

    with tempfile.TemporaryDirectory() as folder:
        out = f"{folder}/report.html"
        CliRunner().invoke(cli, ["report", str(ranged_path), "-o", out])  # warm
        t0 = time.perf_counter()
        CliRunner().invoke(cli, ["report", str(ranged_path), "-o", out])
        t_report = time.perf_counter() - t0
    ranged = load_scenario(ranged_path)
    tracemalloc.start()
    t0 = time.perf_counter()
    monte_carlo(ranged, draws=100_000, seed=0)
    t_mc = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    argv = [*_cli(), "compare", str(ranged_path), "--draws", "100000", "--format", "json"]
    subprocess.run(argv, check=True, capture_output=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"{'report, ranged example':<34} {t_report:8.2f} s (beyond imports)")
    print(f"{'Monte Carlo 100k draws x 4 x 36':<34} {t_mc:8.2f} s, {traced / 1e6:.0f} MB traced")
    print(f"{'compare --draws 100000 (process)':<34} {rss:8.0f} MB peak RSS (largest child)")


if __name__ == "__main__":
    main()
