"""Every class of bad scenario input to `tunecost compare`: exit 2, one line on stderr that
names the field and the fix, no traceback, and no file left at the --csv, --chart or
--output paths."""

import copy
import re

import pytest
import yaml
from click.testing import CliRunner

from tunecost.cli import cli

SCENARIO = "scenario.yaml"

BASE = {
    "name": "errors",
    "start": "2027-01",
    "months": 6,
    "team": {"engineer_rate": "90 USD/hour"},
    "workload": {
        "requests": "100k requests/month",
        "growth": "2 %/month",
        "input_tokens": 1000,
        "output_tokens": 100,
    },
    "paths": [
        {
            "name": "prompt",
            "kind": "prompt-api",
            "provider": "openai",
            "model": "gpt-4.1-mini",
            "cached_input_share": 0.5,
            "monitoring": "50 USD/month",
        },
        {
            "name": "tuned",
            "kind": "finetune-api",
            "provider": "together",
            "model": "llama-3.1-8b-instruct-turbo",
            "base_model": "llama-3.1-8b",
            "input_tokens": 200,
            "retrain": "every 3 months",
            "data": {"examples": 1000, "tokens_per_example": 500},
        },
        {
            "name": "selfhost",
            "kind": "finetune-selfhost",
            "base_model": "llama-3.1-8b",
            "data": {"examples": 1000, "tokens_per_example": 500},
            "training": {"gpu": "h100", "usd_per_gpu_hour": "2 USD/hour"},
            "serving": {"gpu": "h100", "gpus": 1, "usd_per_gpu_hour": "2 USD/hour"},
        },
    ],
}


class R(str):
    """A fragment to match as a regular expression rather than as plain text."""


def edit(**changes):
    """A modifier that sets (value) or deletes (None) keys given as ``paths__0__model``."""

    def apply(data):
        for dotted, value in changes.items():
            *parents, last = dotted.split("__")
            node = data
            for part in parents:
                node = node[int(part)] if part.isdigit() else node[part]
            key = int(last) if last.isdigit() else last
            if value is None:
                del node[key]
            else:
                node[key] = value

    return apply


def rename(dotted, new):
    def apply(data):
        *parents, last = dotted.split("__")
        node = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[new] = node.pop(last)

    return apply


def duplicate_names(data):
    data["paths"][1]["name"] = "prompt"


BASE_TEXT = yaml.safe_dump(BASE, sort_keys=False)
DIR = object()

# (scenario: a modifier of BASE, YAML text, bytes or DIR; extra arguments; fragments that the
# one line must contain, naming the field and the fix)
CASES = {
    # YAML syntax: line and column
    "yaml-unclosed-flow": (
        "name: x\nstart: 2027-01\nworkload: {requests: 1\n  input_tokens: 3\n",
        [],
        [SCENARIO, "line 4, column 15", "YAML syntax error", "expected ',' or '}'"],
    ),
    "yaml-bad-indent": (
        "name: x\n  start: 2027-01\n",
        [],
        [SCENARIO, "line 2, column 8", "mapping values are not allowed here"],
    ),
    # unknown keys, with the right one suggested
    "unknown-key-workload": (
        rename("workload__requests", "requets"),
        [],
        ["workload.requets", "unknown key 'requets'", "did you mean 'requests'"],
    ),
    "unknown-key-top-level": (
        rename("months", "mnths"),
        [],
        ["mnths", "did you mean 'months'"],
    ),
    "unknown-key-in-path": (
        rename("paths__0__cached_input_share", "cached_input_shar"),
        [],
        ["paths.prompt.cached_input_shar", "did you mean 'cached_input_share'"],
    ),
    "unknown-key-in-serving": (
        edit(paths__2__serving__min_replica=0),
        [],
        ["paths.selfhost.serving.min_replica", "did you mean 'min_replicas'"],
    ),
    "dotted-key-in-path": (
        edit(**{"paths__2__serving.max_batch": 8}),
        [],
        ["paths.selfhost", "unknown key 'serving.max_batch'; nest it: serving: {max_batch: ...}"],
    ),
    "unnamed-path-by-place": (
        edit(paths__0__name=None, paths__0__cached_input_shar=0.5),
        [],
        ["paths[0].cached_input_shar", "did you mean 'cached_input_share'"],
    ),
    "field-beside-its-section": (
        edit(paths__2__max_batch=8),
        [],
        ["paths.selfhost.max_batch", "it belongs under serving: (serving: {max_batch: ...})"],
    ),
    "count-below-its-bound": (edit(months=0), [], ["months: must be at least 1, got 0"]),
    # missing required fields
    "missing-requests": (
        edit(workload__requests=None),
        [],
        ["workload.requests", "missing (required)"],
    ),
    "missing-model": (edit(paths__0__model=None), [], ["paths.prompt.model", "missing (required)"]),
    "missing-data": (edit(paths__1__data=None), [], ["paths.tuned.data", "missing (required)"]),
    "missing-kind": (
        edit(paths__0__kind=None),
        [],
        ["paths.prompt.kind", "missing", "prompt-api, finetune-api"],
    ),
    # units that do not fit
    "unit-requests-in-tokens": (
        edit(workload__requests="300k tokens/month"),
        [],
        ["workload.requests", "does not convert to request/month", "'300k requests/month'"],
    ),
    "unit-engineer-rate-without-hour": (
        edit(team__engineer_rate="90 USD"),
        [],
        ["team.engineer_rate", "does not convert to USD/hour", "'90 USD/hour'"],
    ),
    "unit-monitoring-without-month": (
        edit(paths__0__monitoring="200 USD"),
        [],
        ["paths.prompt.monitoring", "does not convert to USD/month", "'400 USD/month'"],
    ),
    "unit-requests-without-unit": (
        edit(workload__requests=5),
        [],
        ["workload.requests", "has no unit", "'300k requests/month'"],
    ),
    "unit-set-unreadable": (
        None,
        ["--set", "workload.requests=lots"],
        ["workload.requests", "cannot read 'lots'", "'300k requests/month'"],
    ),
    # negative or absurd values
    "negative-examples": (
        edit(paths__1__data__examples=-1000),
        [],
        ["paths.tuned.data.examples", "must be greater than zero, got -1000"],
    ),
    "zero-epochs": (
        edit(paths__1__data__epochs=0),
        [],
        ["paths.tuned.data.epochs", "must be greater than zero, got 0"],
    ),
    "epochs-normal-reaching-zero": (
        edit(paths__1__data__epochs={"dist": "normal", "mean": 2, "sd": 1}),
        [],
        ["paths.tuned.data.epochs", "reaches -1 within 3 standard deviations, below zero"],
    ),
    "negative-requests": (
        edit(workload__requests="-5 requests/month"),
        [],
        ["workload.requests", "must not be negative"],
    ),
    "zero-input-tokens": (
        edit(workload__input_tokens=0),
        [],
        ["workload.input_tokens", "greater than zero"],
    ),
    "cached-share-above-one": (
        edit(paths__0__cached_input_share=1.5),
        [],
        ["paths.prompt.cached_input_share", "1.5", "above the largest accepted value 1"],
    ),
    "months-10000": (edit(months=10000), [], ["months: must be at most 240, got 10000"]),
    "months-option-10000": (None, ["--months", "10000"], ["--months", "1<=x<=240"]),
    "growth-minus-100-percent": (
        edit(workload__growth="-100 %/month"),
        [],
        ["workload.growth", "'-100 %/month' would make the value zero or negative"],
    ),
    "start-not-a-month": (edit(start="2027-13"), [], ["start", "write YYYY-MM"]),
    "retrain-unknown-policy": (
        edit(paths__1__retrain="sometimes"),
        [],
        ["paths.tuned.retrain", "'on-new-base-model', 'never' or 'every N months'"],
    ),
    "no-paths": (edit(paths=[]), [], ["paths", "at least 1 item"]),
    # path kinds, models, GPUs and providers the tables lack
    "kind-unknown": (
        edit(paths__0__kind="prompt-apii"),
        [],
        [
            "paths.prompt.kind",
            "'prompt-apii' is not a path kind",
            "prompt-api, finetune-api, prompt-selfhost, finetune-selfhost",
        ],
    ),
    "model-unknown": (
        edit(paths__0__model="gpt-4.1-minii"),
        [],
        [R(r"paths(\[0\]|\.prompt)\.model"), "'gpt-4.1-minii'", "did you mean 'gpt-4.1-mini'"],
    ),
    "finetune-model-unknown": (
        edit(paths__1__model="llama-3.1-8b-instruct-turbbo"),
        [],
        [R(r"paths(\[1\]|\.tuned)\.model"), "did you mean 'llama-3.1-8b-instruct-turbo'"],
    ),
    "base-model-unknown-finetune-api": (
        edit(paths__1__base_model="llama-3.1-8bb"),
        [],
        [R(r"paths(\[1\]|\.tuned)\.base_model"), "did you mean 'llama-3.1-8b'"],
    ),
    "base-model-unknown-finetune-selfhost": (
        edit(paths__2__base_model="llama-3.1-8bb"),
        [],
        [R(r"paths(\[2\]|\.selfhost)\.base_model"), "did you mean 'llama-3.1-8b'"],
    ),
    "serving-gpu-unknown": (
        edit(paths__2__serving__gpu="h1000"),
        [],
        ["Error: scenario.yaml: paths.selfhost.serving.gpu: unknown GPU 'h1000'", "did you mean"],
    ),
    "serving-gpu-unknown-set": (
        None,
        ["--set", "paths.selfhost.serving.gpu=h1000"],
        ["Error: scenario.yaml with --set: paths.selfhost.serving.gpu: unknown GPU 'h1000'"],
    ),
    "serving-gpu-unknown-far": (
        edit(paths__2__serving__gpu="zzz"),
        [],
        ["unknown GPU 'zzz'; see `tunecost pricing list --kind gpu-spec` for the known GPUs"],
    ),
    "finetune-model-unknown-far": (
        edit(paths__1__model="qqqqqqxx"),
        [],
        ["unknown model 'qqqqqqxx'; see `tunecost pricing list --kind api` or `--kind finetune`"],
    ),
    "range-low-zero": (
        edit(paths__1__data__epochs={"low": 0, "high": 5}),
        [],
        ["paths.tuned.data.epochs: low: must be greater than zero, got 0"],
    ),
    "training-gpu-unknown": (
        edit(paths__2__training__gpu="h1000"),
        [],
        [R(r"paths(\[2\]|\.selfhost)\.training\.gpu"), "unknown GPU 'h1000'", "did you mean"],
    ),
    "provider-unknown": (
        edit(paths__0__provider="openaii"),
        [],
        [R(r"paths(\[0\]|\.prompt)\.provider"), "did you mean 'openai'"],
    ),
    # files
    "not-utf8": (b"name: caf\xe9\n", [], [SCENARIO, "is not UTF-8 text"]),
    "empty-file": ("", [], [SCENARIO, "is empty", "examples/"]),
    "only-comments": ("\n# nothing here\n", [], [SCENARIO, "is empty"]),
    "directory": (DIR, [], ["is a folder", "give a scenario file"]),
    "missing-file": ("MISSING", [], ["no-such.yaml", "no such file"]),
    "yaml-list": ("- a\n- b\n", [], [SCENARIO, "expected a mapping"]),
    "yaml-scalar": ("just some text\n", [], [SCENARIO, "expected a mapping"]),
    # names
    "duplicate-path-names": (
        duplicate_names,
        [],
        ["path names must be unique", "repeated: prompt"],
    ),
    "baseline-option-unknown": (
        None,
        ["--baseline", "tuneed"],
        ["--baseline", "no path named 'tuneed'", "tuned"],
    ),
    "baseline-field-unknown": (edit(baseline="promtp"), [], ["baseline", "did you mean 'prompt'"]),
    "set-unknown-path": (
        None,
        ["--set", "paths.tunedd.input_tokens=300"],
        ["--set", "no path named 'tunedd'", "did you mean 'tuned'"],
    ),
    "set-without-equals": (None, ["--set", "nonsense"], ["--set", "write key=value"]),
    # an output file in a folder that does not exist
    "csv-folder-missing": (
        None,
        ["--csv", "/no/such/dir/x.csv"],
        ["--csv", "folder '/no/such/dir' does not exist"],
    ),
    "chart-folder-missing": (
        None,
        ["--chart", "/no/such/dir/x.png"],
        ["--chart", "folder '/no/such/dir' does not exist"],
    ),
    "output-folder-missing": (
        None,
        ["--output", "/no/such/dir/x.txt"],
        ["--output", "folder '/no/such/dir' does not exist"],
    ),
    "chart-extension": (
        None,
        ["--chart", "{tmp}/fig.jpg"],
        ["--chart", "use a .png, .svg or .pdf"],
    ),
}


def write_scenario(tmp_path, source):
    p = tmp_path / SCENARIO
    if source is DIR:
        p.mkdir()
    elif source == "MISSING":
        return tmp_path / "no-such.yaml"
    elif source is None:
        p.write_text(BASE_TEXT, encoding="utf-8")
    elif isinstance(source, bytes):
        p.write_bytes(source)
    elif isinstance(source, str):
        p.write_text(source, encoding="utf-8")
    else:
        data = copy.deepcopy(BASE)
        source(data)
        p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def run(tmp_path, scenario, extra, chart=True):
    outputs = {
        "--csv": tmp_path / "out.csv",
        "--chart": tmp_path / "out.png",
        "--output": tmp_path / "out.txt",
    }
    if not chart:  # drawing costs a second; the error cases never get that far
        del outputs["--chart"]
    extra = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    for option in list(outputs):
        if option in extra:
            outputs.pop(option)
    args = ["compare", str(scenario), *extra]
    for option, path in outputs.items():
        args += [option, str(path)]
    return CliRunner().invoke(cli, args), outputs


def test_the_base_scenario_is_valid(tmp_path):
    scenario = write_scenario(tmp_path, None)
    r, outputs = run(tmp_path, scenario, [], chart=False)
    assert r.exit_code == 0, r.output
    assert set(outputs) == {"--csv", "--output"}
    for p in outputs.values():
        assert p.stat().st_size > 0


@pytest.mark.parametrize(("source", "extra", "fragments"), CASES.values(), ids=CASES.keys())
def test_bad_input_exits_2_with_one_line(tmp_path, source, extra, fragments):
    scenario = write_scenario(tmp_path, source)
    before = sorted(p.name for p in tmp_path.iterdir())
    r, outputs = run(tmp_path, scenario, extra)

    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith("Error: ")
    for fragment in fragments:
        if isinstance(fragment, R):
            assert re.search(fragment, line), f"{fragment!r} not in {line!r}"
        else:
            assert fragment in line
    # nothing written: not the outputs, not a temporary file beside them
    for p in outputs.values():
        assert not p.exists(), p
    assert sorted(p.name for p in tmp_path.iterdir()) == before
