"""The bad-input sweep: every command, option and file argument against the classes of bad
value a harsh user produces. Each entry must exit 2 (bad input) with one line naming
what is wrong, never a traceback and never a written file. A fuzz of command-line
arguments checks that whatever is accepted gives finite, non-negative figures."""

import json
import math
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunecost.cli import cli
from tunecost.cli.options import bundled_example

EXAMPLE = bundled_example()
TRAIN = ["train", "--model", "llama-3.1-8b", "--gpu", "h100"]
SERVE = [
    "serve",
    "--model",
    "llama-3.1-8b",
    "--gpu",
    "l40s",
    "--input-tokens",
    "1000",
    "--output-tokens",
    "100",
]
HUGE = "1e300"

# (option, the rest of a valid command) for every numeric option of train and serve
NUMERIC = [
    ("--tokens", [*TRAIN]),
    ("--params", ["train", "--gpu", "h100", "--tokens", "1B"]),
    ("--examples", [*TRAIN, "--tokens-per-example", "700"]),
    ("--tokens-per-example", [*TRAIN, "--examples", "100"]),
    ("--epochs", [*TRAIN, "--examples", "100", "--tokens-per-example", "700"]),
    ("--mfu", [*TRAIN, "--tokens", "1B"]),
    ("--usd-per-gpu-hour", [*TRAIN, "--tokens", "1B"]),
    ("--input-tokens", [*SERVE[:5], "--output-tokens", "100"]),
    ("--output-tokens", [*SERVE[:5], "--input-tokens", "100"]),
    ("--traffic", [*SERVE]),
    ("--peak-factor", [*SERVE]),
    ("--tpot-slo", [*SERVE]),
    ("--ttft-slo", [*SERVE]),
    ("--usd-per-gpu-hour", [*SERVE]),
]
BAD_VALUES = {
    "negative": "-5",
    "nan": "nan",
    "inf": "inf",
    "empty": "",
    "wrong type": "abc",
    "wrong unit": "5 kg",
    "dollar": "$5",
    "huge": HUGE,
}
CASES = []
for option, rest in NUMERIC:
    for label, value in BAD_VALUES.items():
        if label == "huge" and option in (
            "--tokens",
            "--params",
            "--examples",
            "--tokens-per-example",
            "--epochs",
            "--traffic",
            "--usd-per-gpu-hour",
            "--input-tokens",
        ):
            continue  # a huge count is refused by the model, checked below
        CASES.append(pytest.param([*rest, option, value], option, id=f"{option} {label}"))
# zero where it means nothing
for option, rest in NUMERIC:
    if option not in ("--usd-per-gpu-hour", "--traffic"):
        CASES.append(pytest.param([*rest, option, "0"], option, id=f"{option} zero"))
# unknown ids, everywhere an id is taken
CASES += [
    pytest.param(
        ["train", "--model", "lama-3", "--tokens", "1B", "--gpu", "h100"],
        "did you mean",
        id="train unknown model",
    ),
    pytest.param([*TRAIN, "--tokens", "1B", "--gpu", "h1000"], "did you mean", id="unknown gpu"),
    pytest.param(
        [
            "serve",
            "--model",
            "qwen9",
            "--gpu",
            "h100",
            "--input-tokens",
            "1",
            "--output-tokens",
            "1",
        ],
        "unknown model",
        id="serve unknown model",
    ),
    pytest.param(
        [*TRAIN, "--tokens", "1B", "--provider", "lamda"],
        "did you mean 'lambda'",
        id="unknown provider",
    ),
    pytest.param(["pricing", "show", "gpt-4.2-mini"], "did you mean", id="show unknown"),
    pytest.param(
        ["pricing", "list", "--provider", "openia"],
        "did you mean 'openai'",
        id="list unknown provider",
    ),
    pytest.param(
        ["compare", "--baseline", "prompt-apii"],
        "did you mean 'prompt-api'",
        id="compare unknown baseline",
    ),
    pytest.param(["compare", "--set", "paths.nope.model=x"], "no path named", id="set bad path"),
    pytest.param(["compare", "--set", "novalue"], "key=value", id="set without ="),
    pytest.param(["compare", "--draws", "0"], "--draws", id="draws zero"),
    pytest.param(
        ["compare", "--draws", "100000", "--months", "240"],
        "keeps memory bounded",
        id="draws exhausting memory",
    ),
    pytest.param(["compare", "--months", "0"], "--months", id="months zero"),
    pytest.param(["compare", "--months", "100000"], "--months", id="months huge"),
    pytest.param(["threshold", "--vary", "name"], "not a numeric input", id="vary text field"),
    pytest.param(["sensitivity", "--metric", "cost"], "--metric", id="unknown metric"),
    pytest.param([*TRAIN, "--params", "1e30", "--tokens", "1B"], "not both", id="model and params"),
    pytest.param(
        ["train", "--params", "1e30", "--tokens", "1B", "--gpu", "h100"],
        "does not fit",
        id="params huge",
    ),
]


def _one_line(result) -> str:
    lines = [x for x in result.output.splitlines() if x.strip() and not x.startswith("warning")]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(("args", "fragment"), CASES)
def test_bad_option(args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = _one_line(result)
    assert line.startswith("Error: ") and fragment in line
    assert list(tmp_path.iterdir()) == []


# ---- file arguments -------------------------------------------------------------------
def _files(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes("name: caf\xe9\n".encode("latin-1"))
    return {
        "missing": tmp_path / "missing.yaml",
        "empty": empty,
        "non-UTF-8": binary,
        "a folder": folder,
    }


FILE_COMMANDS = {
    "compare": lambda f: ["compare", str(f)],
    "sensitivity": lambda f: ["sensitivity", str(f)],
    "report": lambda f: ["report", str(f), "--out", "r.html"],
    "chart": lambda f: ["chart", str(f), "--out", "c.png"],
    "import litellm": lambda f: ["pricing", "import", "litellm", str(f)],
    "import skypilot": lambda f: ["pricing", "import", "skypilot", str(f), "--provider", "aws"],
}


@pytest.mark.parametrize("kind", ["missing", "empty", "non-UTF-8", "a folder"])
@pytest.mark.parametrize("command", list(FILE_COMMANDS))
def test_bad_file(command, kind, tmp_path, monkeypatch):
    files = _files(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, FILE_COMMANDS[command](files[kind]))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _one_line(result).startswith("Error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


@pytest.mark.parametrize("command", ["compare", "chart", "import litellm"])
def test_unreadable_file(command, tmp_path, monkeypatch):
    """Root reads any file, so the permission error is simulated at the read."""
    target = tmp_path / "locked.yaml"
    target.write_text("name: x\n")
    real_read_bytes, real_read_text = Path.read_bytes, Path.read_text

    def deny(self, *a, **k):
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return (real_read_text if k or a else real_read_bytes)(self, *a, **k)

    monkeypatch.setattr(Path, "read_bytes", lambda self: deny(self))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: deny(self, *a, **k))
    monkeypatch.setattr("builtins.open", _open_denying(open, "locked.yaml"))
    result = CliRunner().invoke(cli, FILE_COMMANDS[command](target))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "ermission denied" in _one_line(result)


def _open_denying(real_open, name):
    def fake(file, *a, **k):
        if os.path.basename(str(file)) == name:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    return fake


def test_python_object_tags_are_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text('name: !!python/object/apply:os.system ["echo owned"]\n')
    result = CliRunner().invoke(cli, ["compare", str(path)])
    assert result.exit_code == 2
    assert "tags such as !!python" in _one_line(result)


def test_deep_nesting_and_large_files_are_refused(tmp_path):
    deep = {"leaf": 1}
    for _ in range(20):
        deep = {"x": deep}
    path = tmp_path / "deep.yaml"
    path.write_text(yaml.safe_dump({"name": "x", "deep": deep}))
    result = CliRunner().invoke(cli, ["compare", str(path)])
    assert result.exit_code == 2 and "nests deeper" in _one_line(result)
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 1_100_000 + "\nname: x\n")
    result = CliRunner().invoke(cli, ["compare", str(big)])
    assert result.exit_code == 2 and "larger than" in _one_line(result)


# ---- fuzzed command-line arguments ------------------------------------------------------
VALUES = st.one_of(
    st.sampled_from(
        [
            "1",
            "0",
            "-1",
            "7B",
            "2T",
            "1.5M",
            "300k",
            "nan",
            "inf",
            "",
            "abc",
            "5 USD",
            "50 ms",
            "2 s",
            "300k requests/month",
            "1e400",
            "0.4",
            "40%",
            "3",
            "1e9",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=8),
)
OPTIONS = {
    "train": [
        "--tokens",
        "--params",
        "--active-params",
        "--examples",
        "--tokens-per-example",
        "--epochs",
        "--mfu",
        "--runs",
        "--gpus",
        "--seq-len",
        "--usd-per-gpu-hour",
    ],
    "serve": [
        "--input-tokens",
        "--output-tokens",
        "--traffic",
        "--peak-factor",
        "--tpot-slo",
        "--ttft-slo",
        "--gpus",
        "--max-batch",
        "--min-replicas",
        "--usd-per-gpu-hour",
    ],
}
BASE = {
    "train": ["train", "--gpu", "h100", "--format", "json"],
    "serve": ["serve", "--model", "llama-3.2-1b", "--gpu", "l4", "--format", "json"],
}
FUZZ = settings(
    max_examples=int(os.environ.get("TUNECOST_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _finite_non_negative(data):
    for key, value in data.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert math.isfinite(value), key
            assert value >= 0, key


@FUZZ
@given(st.sampled_from(list(OPTIONS)), st.data())
def test_fuzzed_arguments_exit_0_or_2_and_never_emit_bad_numbers(command, data):
    chosen = data.draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=4, unique=True))
    args = list(BASE[command])
    if command == "train":
        args += ["--model", "llama-3.2-1b"] if "--params" not in chosen else []
    for option in chosen:
        args += [option, data.draw(VALUES)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 2), (args, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        _finite_non_negative(json.loads(result.stdout))
    else:
        assert result.output.strip().splitlines()[-1].startswith("Error: ")


# ---- every numeric scenario field -------------------------------------------------------
def _numeric_scenario_fields():
    from tunecost.scenario import load_scenario
    from tunecost.scenario.walk import numeric_fields

    return sorted((f.name, f) for f in numeric_fields(load_scenario(EXAMPLE)).values())


def _set(data, dotted, value):
    node = data
    parts = dotted.split(".")
    for part in parts[:-1]:
        if isinstance(node, list):
            node = next(x for x in node if x.get("name") == part)
        else:
            node = node[part]
    node[parts[-1]] = value


SCENARIO_BAD = {
    "nan": "nan",
    "inf": "inf",
    "wrong type": "abc",
    "wrong unit": "5 kg",
    "empty": "",
    "list": [1, 2],
}


@pytest.mark.parametrize(
    ("name", "field"), _numeric_scenario_fields(), ids=[n for n, _ in _numeric_scenario_fields()]
)
def test_every_numeric_scenario_field_refuses_bad_values(name, field):
    from tunecost.errors import InputError
    from tunecost.scenario import parse_scenario

    bad = dict(SCENARIO_BAD)
    bad["negative"] = "-150 %/year" if field.is_rate else "-5"
    bad["huge"] = "1e300 %/month" if field.is_rate else "1e300"
    for label, value in bad.items():
        data = yaml.safe_load(EXAMPLE.read_text())
        _set(data, name, value)
        with pytest.raises(InputError) as info:
            parse_scenario(data)
        # the message names the field (a path by its index) and is one line
        leaf = name.split(".")[-1]
        assert leaf in str(info.value) and "\n" not in str(info.value), (label, info.value)
