"""The package's shape, checked: layers import downwards only and no module imports in a
circle (import-linter, configured in pyproject.toml), small functions and modules, no
private name borrowed from another module. docs/architecture.md explains the layers."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "tunecost"
MODULES = sorted(PACKAGE.rglob("*.py"))

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400

lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
needs_linter = pytest.mark.skipif(
    not Path(lint_imports).exists(), reason="import-linter is not installed (pip install .[test])"
)


def _lint(src: Path, config: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the package under ``src`` with the contracts in ``config``."""
    env = {"PYTHONPATH": str(src), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [lint_imports, "--no-cache", "--no-logo", str(config)],
        capture_output=True,
        text=True,
        cwd=src,
        env=env,
        check=False,
    )


@needs_linter
def test_the_layer_and_cycle_contracts_hold():
    result = _lint(ROOT / "src", ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.fixture
def package_copy(tmp_path):
    """A copy of the package to break on purpose."""
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "tunecost", ignore=shutil.ignore_patterns("__pycache__"))
    return src


@needs_linter
@pytest.mark.parametrize(
    ("module", "added", "broken"),
    [
        # units (a bottom layer) reaching up into the command line
        ("units.py", "from tunecost.cli import options  # noqa", "Layers point down"),
        # the price book reaching up into costing, inside a function
        (
            "pricebook/book.py",
            "def _up():\n    import tunecost.costing.evaluate",
            "Layers point down",
        ),
        # two scenario modules importing each other (model already imports fields)
        (
            "scenario/fields.py",
            "def _cycle():\n    from tunecost.scenario import model",
            "No import cycles",
        ),
    ],
    ids=["upward", "upward-in-function", "cycle"],
)
def test_the_contracts_fail_when_broken(package_copy, module, added, broken):
    path = package_copy / "tunecost" / module
    path.write_text(path.read_text() + "\n\n" + added + "\n")
    result = _lint(package_copy, ROOT / "pyproject.toml")
    assert result.returncode == 1, result.stdout
    broken_lines = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(broken in line for line in broken_lines), result.stdout


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_are_small(module):
    text = module.read_text()
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{f.name} ({f.end_lineno - f.lineno + 1} lines)"
        for f in _functions(ast.parse(text))
        if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"longer than {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_borrows_another_modules_private_names(module):
    tree = ast.parse(module.read_text())
    imported_modules = set()
    borrowed = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tunecost"):
            borrowed += [
                a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
            ]
            imported_modules |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            imported_modules |= {a.asname or a.name.split(".")[0] for a in node.names}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            borrowed.append(f"{node.value.id}.{node.attr}")
    assert not borrowed, f"{_module_name(module)} uses private names: {', '.join(borrowed)}"
