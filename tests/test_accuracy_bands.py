"""The band of published runs ``serve`` and ``train`` print around their estimates:
generated from the kept-aside rows (staleness: tests/test_readme.py), shipped with the
package, read per engine and model family, and applied to the estimate's own figure."""

from __future__ import annotations

import importlib.util
import json
import math
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from tunecost.analysis.calibration import Comparison
from tunecost.cli import cli
from tunecost.compute.accuracy import serving_band, training_band
from tunecost.errors import InputError

TOOL = Path(__file__).parents[1] / "tools" / "accuracy_bands.py"


def _tool():
    spec = importlib.util.spec_from_file_location("accuracy_bands", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_band_by_hand():
    """Ten runs whose published / estimate is 0.5, 0.6, ... 1.4: inclusive deciles put
    the 10th percentile at 0.5 + 0.9 x 0.1 = 0.59 and the 90th at 1.4 - 0.09 = 1.31, the
    median at 0.95; the errors are those of the estimates, |1 / 0.5 - 1| = 1 and so on."""
    published_over = [0.5 + 0.1 * i for i in range(10)]
    rows = [Comparison(f"r{i}", p, 1.0) for i, p in enumerate(published_over)]
    band = _tool().band(rows)
    assert band["runs"] == 10
    assert band["published_over_estimate"] == [0.59, 0.95, 1.31]
    errors = sorted(abs(1 / p - 1) for p in published_over)
    assert band["median_error"] == round(statistics.median(errors), 3)


@pytest.mark.parametrize("engine", ["vllm", "sglang", "trtllm", "lmdeploy"])
@pytest.mark.parametrize("moe", [False, True])
def test_every_engine_has_an_ordered_band(engine, moe):
    band = serving_band(engine, moe)
    assert band.runs >= 10
    assert 0 < band.low <= band.median <= band.high
    assert band.group in ("all", "moe" if moe else "dense")


def test_a_family_with_too_few_runs_falls_back_to_the_engine():
    """SGLang's kept-aside rows hold four dense runs: a dense model gets all twenty."""
    data = json.loads(_tool().TARGET.read_text())
    assert "dense" not in data["serving"]["sglang"]
    band = serving_band("sglang", moe=False)
    assert band.group == "all" and band.runs == data["serving"]["sglang"]["all"]["runs"]
    dense = data["serving"]["sglang"]["all"]["families"]["dense"]
    assert band.described(moe=False) == (
        f"all models, {dense} of them dense models: too few for a band alone"
    )
    assert serving_band("sglang", moe=True).described(moe=True) == "mixtures of experts"


def test_a_family_with_no_runs_says_the_band_is_of_the_other():
    """LMDeploy's kept-aside runs are all dense: a mixture gets their band, named so."""
    band = serving_band("lmdeploy", moe=True)
    assert band.families["moe"] == 0
    assert band.described(moe=True) == "dense models only: none of mixtures of experts yet"


def test_engines_are_read_by_name_or_alias_and_unknown_ones_refused():
    assert serving_band("vLLM", moe=False) == serving_band("vllm", moe=False)
    assert serving_band("tensorrt-llm", moe=True) == serving_band("trtllm", moe=True)
    with pytest.raises(InputError, match="unknown engine 'tgi'"):
        serving_band("tgi", moe=False)


@pytest.mark.parametrize("engine", ["vllm", "lmdeploy", "sglang"])
def test_the_suggested_lognormal_has_the_band_as_its_deciles(engine):
    """P10 and P90 of a lognormal are median x exp(-+1.2816 sigma): they must be the
    band's ends, even for a lopsided band (LMDeploy's median sits near its top)."""
    band = serving_band(engine, moe=False)
    median, sigma = band.lognormal
    z = 1.2815515655446004
    assert median * math.exp(-z * sigma) == pytest.approx(band.low)
    assert median * math.exp(z * sigma) == pytest.approx(band.high)


def test_training_band_matches_the_kept_aside_rows():
    band = training_band()
    assert band.runs == 8 and band.low < 1 < band.high


def _run(*args):
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


SERVE = ["serve", "--model", "llama-3.1-8b", "--gpu", "h100", "--input-tokens", "1000"]
SERVE += ["--output-tokens", "200", "--usd-per-gpu-hour", "2"]


def test_serve_reports_the_band_of_its_engine_and_family():
    out = _run(*SERVE, "--engine", "trtllm")
    band = serving_band("trtllm", moe=False)
    assert out["accuracy_runs"] == band.runs
    assert out["published_over_estimate_p10"] == band.low
    assert out["published_over_estimate_p90"] == band.high


def test_serve_note_applies_the_band_to_the_estimate():
    r = CliRunner().invoke(cli, SERVE)
    assert r.exit_code == 0, r.output
    top = _run(*SERVE)["max_output_tokens_per_s"]
    band = serving_band("vllm", moe=False)
    text = " ".join(r.output.split())
    assert f"{band.runs} published vLLM runs (dense models) kept aside" in text
    assert f"{band.low:.2f}-{band.high:.2f}x the estimate" in text
    assert f"{top * band.low:,.0f}-{top * band.high:,.0f} tokens/s for the max throughput" in text


TRAIN = ["train", "--model", "llama-2-7b", "--tokens", "2T", "--gpu", "a100-80gb"]
TRAIN += ["--usd-per-gpu-hour", "2"]


def test_train_reports_the_band_for_pretraining():
    out = _run(*TRAIN, "--method", "pretrain")
    band = training_band()
    assert out["accuracy_runs"] == band.runs
    assert out["published_over_estimate_median"] == band.median


LORA = ["train", "--model", "llama-3.1-8b", "--method", "lora", "--examples", "5000"]
LORA += ["--tokens-per-example", "700", "--gpu", "h100", "--usd-per-gpu-hour", "2"]


def test_train_leaves_adapters_without_a_band_and_says_so():
    """No published LoRA run checked the estimate: the columns stay, empty, and a note
    says why."""
    out = _run(*LORA)
    assert out["accuracy_runs"] is None and out["published_over_estimate_p90"] is None
    r = CliRunner().invoke(cli, LORA)
    assert "accuracy: no published lora run has checked this estimate" in r.output


def test_full_fine_tuning_borrows_the_pretraining_band_and_says_so():
    full = ["train", "--model", "llama-3.1-8b", "--method", "full", "--examples", "5000"]
    full += ["--tokens-per-example", "700", "--gpu", "h100", "--usd-per-gpu-hour", "2"]
    r = CliRunner().invoke(cli, full)
    assert "pretraining runs (full fine-tuning counts FLOPs alike)" in " ".join(r.output.split())


def test_readme_example_is_what_serve_prints():
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    cmd = "serve --model deepseek-r1 --gpu h200 --gpus 8 --precision fp8"
    cmd += " --input-tokens 4000 --output-tokens 200"
    assert f"tunecost {cmd}" in readme
    r = CliRunner().invoke(cli, cmd.split())
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    note = text[text.index("note: accuracy:") : text.index("(docs/accuracy.md)")]
    assert note in readme


def test_the_python_api_offers_the_bands():
    import tunecost

    assert tunecost.serving_band("trtllm", moe=True) == serving_band("trtllm", moe=True)
    assert tunecost.training_band() == training_band()


@pytest.mark.parametrize(("model", "moe"), [("deepseek-r1", True), ("llama-3.1-8b", False)])
def test_an_estimate_names_its_family_for_the_band(model, moe):
    """``est.moe`` is the family the band is chosen by, so a Python user need not
    know it; serve picks the same band."""
    import tunecost

    est = tunecost.estimate_serving(
        model=model, gpu="h200", gpus=8, precision="fp8", input_tokens=1000, output_tokens=100
    )
    assert est.moe is moe
    band = tunecost.serving_band(est.engine, est.moe)
    args = ["serve", "--model", model, "--gpu", "h200", "--gpus", "8", "--precision", "fp8"]
    out = _run(*args, "--input-tokens", "1000", "--output-tokens", "100")
    assert out["accuracy_runs"] == band.runs and out["moe"] is moe
