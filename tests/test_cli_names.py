"""The command line and the library name things each in their own words: the library
names parameters and scenario fields (``gpus``, ``paths.x.serving.gpu``), the command
line shows its flags (``--gpus``); ``--output`` is the one name for the file a command
writes, ``--out`` its hidden alias."""

import pytest
from click.testing import CliRunner

from tunecost.cli import cli
from tunecost.compute.estimates import estimate_serving, estimate_training
from tunecost.errors import InputError

SERVE = ["serve", "--model", "llama-3.3-70b", "--gpu", "l4", "--input-tokens", "500"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda: estimate_serving(
                model="llama-3.3-70b", gpu="h100", gpus=1, input_tokens=9, output_tokens=9
            ),
            "gpus",
        ),
        (
            lambda: estimate_serving(
                model="llama-3.1-8b", gpu="h100", input_tokens=9, output_tokens=9, tpot_slo=1e-6
            ),
            "tpot_slo",
        ),
        (
            lambda: estimate_serving(
                model="llama-3.1-8b", gpu="h100x", input_tokens=9, output_tokens=9
            ),
            "gpu",
        ),
        (lambda: estimate_training(model="llama-3.1-8b", tokens=1e9, gpu="h100", mfu=2.0), "mfu"),
        (
            lambda: estimate_serving(
                model="llama-3.1-8b",
                gpu="h100",
                input_tokens=9,
                output_tokens=9,
                requests_per_month=-1,
            ),
            "requests_per_month",
        ),
    ],
    ids=["gpus", "tpot_slo", "gpu", "mfu", "requests_per_month"],
)
def test_the_library_names_its_parameters(call, field):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field
    assert "--" not in str(info.value).split(":")[0]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        ([*SERVE, "--output-tokens", "100", "--gpus", "1"], "--gpus"),
        ([*SERVE, "--output-tokens", "100", "--tpot-slo", "1 us"], "--tpot-slo"),
        (
            [
                "serve",
                "--model",
                "llama-3.1-8b",
                "--gpu",
                "l44",
                "--input-tokens",
                "5",
                "--output-tokens",
                "5",
            ],
            "--gpu",
        ),
        (
            [
                "train",
                "--model",
                "llama-3.1-8b",
                "--tokens",
                "1B",
                "--gpu",
                "h100",
                "--gpus",
                "1",
                "--method",
                "full",
            ],
            "--gpus",
        ),
        (["compare", "--baseline", "nope"], "--baseline"),
        (["sensitivity", "--path", "nope"], "--path"),
        (["threshold", "--vary", "workload.nope"], "--vary"),
        (["compare", "--set", "paths.nope.model=x"], "--set"),
        (["compare", "no-such.yaml"], "SCENARIO"),
        (["pricing", "show", "gpt-9"], "NAME"),
        (["pricing", "import", "litellm", "missing.json"], "FILE"),
        (["chart", "missing.csv", "--output", "c.png"], "LEDGER"),
    ],
)
def test_the_command_line_shows_its_own_flags(args, flag, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: {flag}: "), line


def test_a_scenario_error_names_the_field_under_the_path(tmp_path):
    result = run("compare", "--set", "paths.llama-70b-selfhost.serving.gpu=l44")
    assert result.exit_code == 2
    assert (
        "Error: support-assistant.yaml with --set: paths.llama-70b-selfhost.serving.gpu: "
        "unknown GPU 'l44'" in result.output
    )


@pytest.mark.parametrize("spelling", ["--output", "-o", "--out"])
@pytest.mark.parametrize(
    ("command", "name"),
    [(["report"], "r.md"), (["chart", "LEDGER"], "c.svg")],
)
def test_output_and_its_alias_write_the_file(command, name, spelling, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("compare", "--csv", "ledger.csv").exit_code == 0
    args = [("ledger.csv" if a == "LEDGER" else a) for a in command]
    extra = ["--draws", "20"] if command[0] == "report" else []
    result = run(*args, spelling, name, *extra)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).stat().st_size > 0


def test_the_alias_is_hidden_and_refused_when_it_disagrees(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    help_text = run("report", "--help").output
    assert "--output" in help_text and "--out " not in help_text
    result = run("report", "--output", "a.md", "--out", "b.md")
    assert result.exit_code == 2
    assert "--out is another name for --output" in result.output
    missing = run("chart", "x.csv")
    assert missing.exit_code == 2 and "Missing option '--output'" in missing.output


def test_an_error_about_the_file_uses_the_spelling_typed(tmp_path):
    result = run("report", "--out", tmp_path / "no" / "r.md")
    assert result.exit_code == 2
    assert "Error: --out: folder" in result.output
    result = run("report", "--output", tmp_path / "no" / "r.md")
    assert "Error: --output: folder" in result.output
