"""Helpers several test modules share (not a test module: pytest collects ``test_*.py``).

- reading the one error line of a refused command, two ways: ``one_error_line`` (exit 2,
  the line on stderr) and ``only_line_but_warnings`` (the one line of the whole output once
  warnings and "wrote ..." lines are set aside);
- a made-up rental offer and a book of the shipped models and GPUs with only such offers;
- a one-path self-hosted scenario of one Llama 3.1 8B replica and its inference rows;
- a toy dense model and a toy GPU with round numbers, for hand-checked roofline examples;
- ``compare_refused``: a scenario written out and refused by ``tunecost compare``.
"""

from __future__ import annotations

import datetime as dt

from tunecost.analysis.compare import compare
from tunecost.pricebook.book import PriceBook, open_book
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture
from tunecost.pricebook.prices import GPUOffer
from tunecost.scenario import parse_scenario


def compare_refused(tmp_path, data: dict) -> str:
    """The output of ``tunecost compare`` on scenario ``data`` (written as YAML under
    ``tmp_path``), which must refuse it with exit 2."""
    import yaml
    from click.testing import CliRunner

    from tunecost.cli import cli

    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    out = CliRunner().invoke(cli, ["compare", str(f)])
    assert out.exit_code == 2, out.output
    return out.output


def one_error_line(result) -> str:
    """The single 'Error: ...' line of a failed run (exit 2, no traceback)."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def only_line_but_warnings(result) -> str:
    """The one 'Error: ...' line left in a run's output beside warnings and 'wrote' lines."""
    lines = [
        x
        for x in result.output.splitlines()
        if x.strip() and not x.startswith(("warning", "wrote "))
    ]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    return lines[0]


def acme_offer(
    instance: str,
    usd: float,
    gpus: int,
    gpu: str = "h100-sxm",
    retrieved: dt.date | None = None,
) -> GPUOffer:
    """An on-demand offer of ``gpus`` x ``gpu`` from a made-up cloud, read ``retrieved``
    (default today, so no stale-price warning)."""
    return GPUOffer(
        provider="acme",
        instance=instance,
        gpu=gpu,
        gpu_count=gpus,
        on_demand=usd,
        spot=None,
        reserved_1y=None,
        region="us-east-1",
        effective_from=dt.date(2026, 1, 1),
        retrieved=retrieved or dt.date.today(),
        source_url="https://example.com/acme/gpus",
        market="cloud",
    )


def book_with(*offers: GPUOffer) -> PriceBook:
    """The shipped book (models, GPUs, providers) with only these GPU offers."""
    return PriceBook(offers=list(offers), directory=open_book().directory)


def one_replica_scenario(name: str, workload: dict, **serving) -> dict:
    """Three months from 2027-01 of one self-hosted path ``own``: Llama 3.1 8B on one
    H100 at 2 USD/hour, with ``serving`` settings added."""
    return {
        "name": name,
        "start": "2027-01",
        "months": 3,
        "workload": workload,
        "paths": [
            {
                "name": "own",
                "kind": "prompt-selfhost",
                "model": "llama-3.1-8b",
                "follow_new_models": False,
                "serving": {"gpu": "h100", "gpus": 1, "usd_per_gpu_hour": "2 USD/hour", **serving},
            }
        ],
    }


def inference_rows(data: dict):
    """(the path ``own``'s inference rows by month, the whole comparison) of a scenario."""
    result = compare(parse_scenario(data))
    led = result.ledger
    rows = led[(led.path == "own") & (led.category == "inference")].sort_values("month")
    return rows, result


TOY_MODEL = Architecture(
    id="toy", params_total=1e9, params_active=1e9, layers=10, hidden_size=1000,
    intermediate_size=4000, attention_heads=10, kv_heads=10, head_dim=100,
    vocab_size=1000, max_context=100_000,
)  # fmt: skip
"""1e9 dense parameters, 10 layers of 10 heads x 100: 40,000 KV bytes a token in BF16."""

TOY_CHIP = GPU(
    id="chip", name="Chip", memory_bytes=10e9, hbm_bytes_per_s=1e12,
    interconnect_bytes_per_s=100e9, tflops={"bf16": 100.0, "fp8": 200.0},
    source_url="", retrieved="",
)  # fmt: skip
"""10 GB, 1 TB/s, 100 BF16 / 200 FP8 TFLOP/s; not in the MAMF table (share 0.803)."""
