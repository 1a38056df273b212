"""The README's examples stay true: every `tunecost ...` line in it runs and exits 0,
and the quick start matches what .ci/run does."""

import re
import shlex
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


def test_readme_has_examples():
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_command_runs(line):
    result = CliRunner().invoke(cli, shlex.split(line)[1:])
    assert result.exit_code == 0, result.output


def test_quick_start_is_what_ci_runs():
    quick = [line for line in BLOCKS[0].splitlines() + BLOCKS[1].splitlines() if line.strip()]
    ci = (ROOT / ".ci" / "run").read_text()
    for line in quick:
        assert line in ci, f"{line!r} is not run by .ci/run"
