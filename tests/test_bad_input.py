"""Every class of bad input to train and serve: exit 2, one line naming the option, no
traceback."""

import pytest
from click.testing import CliRunner

from tunecost.cli import cli

TRAIN = ["train", "--model", "llama-3.1-8b", "--gpu", "h100"]
KIMI_FP8_SGLANG = ["--precision", "fp8", "--engine", "sglang"]
SERVE = [
    "serve",
    "--model",
    "llama-3.1-8b",
    "--gpu",
    "l40s",
    "--input-tokens",
    "1000",
    "--output-tokens",
    "200",
]

CASES = [
    # (arguments, fragment the one-line message must contain)
    ([*TRAIN, "--tokens", "-5"], "--tokens"),
    ([*TRAIN, "--tokens", "0"], "greater than zero"),
    ([*TRAIN, "--tokens", "5 USD"], "does not convert to token"),
    ([*TRAIN, "--tokens", "$5"], "USD rather than '$'"),
    ([*TRAIN, "--tokens", "nan"], "finite"),
    ([*TRAIN, "--tokens", "lots"], "cannot read"),
    (
        [
            "train",
            "--model",
            "llama-3.1-8b",
            "--examples",
            "0",
            "--tokens-per-example",
            "700",
            "--gpu",
            "h100",
        ],
        "--examples",
    ),
    (
        [
            "train",
            "--model",
            "llama-3.1-8b",
            "--examples",
            "-10",
            "--tokens-per-example",
            "700",
            "--gpu",
            "h100",
        ],
        "must be greater than zero",  # a positive count: zero is refused too
    ),
    ([*TRAIN, "--tokens", "1B", "--mfu", "0"], "greater than zero"),
    ([*TRAIN, "--tokens", "1B", "--mfu", "1.5"], "--mfu"),
    ([*TRAIN, "--tokens", "1B", "--mfu", "140%"], "above the largest"),
    ([*TRAIN, "--tokens", "1B", "--runs", "0"], "--runs"),
    (
        ["train", "--model", "llama-3.1-8bb", "--tokens", "1B", "--gpu", "h100"],
        "did you mean 'llama-3.1-8b'",
    ),
    (["train", "--model", "llama-3.1-8b", "--tokens", "1B", "--gpu", "h1000"], "did you mean"),
    (["train", "--tokens", "1B", "--gpu", "h100"], "--model"),
    (["train", "--model", "llama-3.1-8b", "--gpu", "h100"], "--tokens"),
    (["train", "--model", "llama-3.1-8b", "--tokens", "1B"], "Missing option '--gpu'"),
    ([*TRAIN, "--tokens", "1B", "--examples", "10", "--tokens-per-example", "5"], "not both"),
    (
        ["train", "--model", "llama-3.1-8b", "--params", "8B", "--tokens", "1B", "--gpu", "h100"],
        "not both",
    ),
    (
        ["train", "--params", "7B", "--active-params", "9B", "--tokens", "1B", "--gpu", "h100"],
        "cannot exceed",
    ),
    (
        [
            "train",
            "--model",
            "llama-3.1-405b",
            "--method",
            "full",
            "--tokens",
            "1B",
            "--gpu",
            "t4",
            "--max-gpus",
            "8",
        ],
        "--max-gpus",
    ),
    ([*TRAIN, "--tokens", "1B", "--gpus", "1", "--method", "full"], "needs at least"),
    ([*TRAIN, "--tokens", "1B", "--provider", "awz"], "did you mean 'aws'"),
    ([*TRAIN, "--tokens", "1B", "--offer", "p5.48xlargee"], "did you mean"),
    ([*TRAIN, "--tokens", "1B", "--usd-per-gpu-hour", "5 USD/token"], "does not convert"),
    ([*TRAIN, "--tokens", "1B", "--usd-per-gpu-hour", "2", "--provider", "aws"], "not both"),
    ([*TRAIN, "--tokens", "1B", "--method", "sft"], "--method"),
    ([*SERVE, "--traffic", "300000"], "has no unit"),
    ([*SERVE, "--traffic", "300k tokens/month"], "does not convert"),
    ([*SERVE, "--tpot-slo", "50"], "has no unit"),
    ([*SERVE, "--tpot-slo", "0.01 ms"], "cannot be met"),
    ([*SERVE, "--ttft-slo", "1 us"], "cannot be met"),
    ([*SERVE, "--precision", "fp4"], "no fp4 tensor cores"),
    (
        [
            "serve",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "v100",
            "--precision",
            "fp8",
            "--input-tokens",
            "100",
            "--output-tokens",
            "10",
        ],
        "no fp8 tensor cores",
    ),
    (
        [
            "serve",
            "--model",
            "llama-3.1-405b",
            "--gpu",
            "t4",
            "--input-tokens",
            "100",
            "--output-tokens",
            "10",
        ],
        "does not fit",
    ),
    (
        [
            "serve",
            "--model",
            "llama-3.1-70b",
            "--gpu",
            "h100",
            "--gpus",
            "1",
            "--input-tokens",
            "100",
            "--output-tokens",
            "10",
        ],
        "needs at least 2",
    ),
    (
        [
            "serve",
            "--model",
            "llama-2-7b",
            "--gpu",
            "h100",
            "--input-tokens",
            "4000",
            "--output-tokens",
            "500",
        ],
        "context",
    ),
    ([*SERVE[:-4], "--input-tokens", "-1", "--output-tokens", "200"], "--input-tokens"),
    ([*SERVE, "--peak-factor", "0"], "greater than zero"),
    # TensorRT-LLM is CUDA-only; a model too big for 8 GPUs is told which smaller formats
    # the GPU runs; expert parallelism needs experts
    ([*SERVE[:4], "mi300x", *SERVE[5:], "--engine", "trtllm"], "NVIDIA GPUs only"),
    (
        [*SERVE[:2], "kimi-k2-thinking", "--gpu", "h100", *SERVE[5:], "--precision", "fp8"],
        "use a larger GPU or --precision int4",
    ),
    ([*SERVE, "--expert-parallel"], "is dense"),
    # at 8 GPUs there are none to add: the fix is a larger GPU or fewer bits
    (
        [*SERVE[:2], "kimi-k2-thinking", "--gpu", "h200", *SERVE[5:], *KIMI_FP8_SGLANG],
        "no room for one 1200-token sequence on 8 x h200 under SGLang; use a larger GPU",
    ),
    ([*SERVE, "--format", "xml"], "--format"),
    ([*SERVE, "--output", "/no/such/folder/out.json"], "does not exist"),
]


@pytest.mark.parametrize(("args", "fragment"), CASES, ids=[" ".join(c[0][3:]) for c in CASES])
def test_bad_input_exits_2_with_one_line(args, fragment, tmp_path):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_output_to_a_folder_is_refused(tmp_path):
    r = CliRunner().invoke(cli, [*SERVE, "--output", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.output
    assert list(tmp_path.iterdir()) == []
