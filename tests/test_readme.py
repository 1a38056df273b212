"""The README's examples stay true: every `tunecost ...` line in it runs and exits 0 (in
order, in a scratch folder holding a copy of examples/), so does its Python block, and the
quick start is what .ci/run does."""

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tunecost.cli import cli

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)
COMMANDS = [
    line
    for block in BLOCKS
    for line in block.splitlines()
    if line.startswith("tunecost ") and " import " not in line
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def test_readme_has_examples():
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_command_runs(line, scratch, monkeypatch):
    monkeypatch.chdir(scratch)
    result = CliRunner().invoke(cli, shlex.split(line)[1:])
    assert result.exit_code == 0, result.output


def test_quick_start_is_what_ci_runs():
    quick = [line for line in BLOCKS[0].splitlines() + BLOCKS[1].splitlines() if line.strip()]
    assert any(line.endswith("tunecost compare") for line in quick)
    ci = (ROOT / ".ci" / "run").read_text()
    for line in quick:
        assert line in ci, f"{line!r} is not run by .ci/run"


@pytest.mark.parametrize(
    "script",
    [
        "reference_errors.py",
        "accuracy_bands.py",
        "scenario_reference.py",
        "pricebook_tables.py",
        "scenario_schema.py",
    ],
)
def test_generated_docs_are_current(script):
    import importlib.util

    path = ROOT / "tools" / script
    spec = importlib.util.spec_from_file_location(script[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TARGET.read_text() == module.render(), f"run python tools/{script}"


def test_readme_python_example_runs(tmp_path, monkeypatch):
    """The Python API block runs as written, from a folder holding examples/."""
    import matplotlib

    matplotlib.use("Agg")
    (block,) = re.findall(r"```python\n(.*?)```", README, re.S)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "cost.png").stat().st_size > 0
