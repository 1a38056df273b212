"""Outputs never destroy: only regular files are written, never an input of the same
command nor one file for two outputs; a command's outputs are written all or none; temp
files go on SIGTERM. Each refusal exits 2 with one line and leaves the disk unchanged."""

import contextlib
import errno
import os
import signal
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import only_line_but_warnings
from tunecost.cli import cli
from tunecost.cli.options import bundled_example
from tunecost.output import files

EXAMPLE = bundled_example()


def _run(args, folder: Path):
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, args)
    finally:
        os.chdir(cwd)


def _snapshot(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.iterdir()):
        st_ = os.lstat(p)
        data = p.read_bytes() if stat.S_ISREG(st_.st_mode) else None
        out[p.name] = (stat.S_IFMT(st_.st_mode), data, os.readlink(p) if p.is_symlink() else None)
    return out


def _refused(args, folder: Path, fragment: str):
    before = _snapshot(folder)
    result = _run(args, folder)
    assert result.exit_code == 2, result.output
    line = only_line_but_warnings(result)
    assert fragment in line, line
    assert _snapshot(folder) == before
    return line


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_fifo_refused(tmp_path, scenario):
    os.mkfifo(tmp_path / "pipe")
    line = _refused(["compare", "s.yaml", "--csv", "pipe"], tmp_path, "FIFO")
    assert line.startswith("Error: --csv:")


def test_device_refused(tmp_path, scenario):
    _refused(["compare", "s.yaml", "--csv", "/dev/null"], tmp_path, "character device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("option", ["--output", "--csv", "--chart"])
def test_folder_refused(tmp_path, scenario, option):
    (tmp_path / "d.png").mkdir()
    before = _snapshot(tmp_path)
    result = _run(["compare", "s.yaml", option, "d.png"], tmp_path)
    assert result.exit_code == 2 and only_line_but_warnings(result)
    assert _snapshot(tmp_path) == before


def test_folder_refused_by_the_library(tmp_path):
    with pytest.raises(files.InputError, match="folder"):
        files.check_output_path(tmp_path, "--output")


def test_symlink_followed_and_kept(tmp_path, scenario):
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("real.csv")
    result = _run(["compare", "s.yaml", "--csv", "link.csv"], tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text().startswith("month,date,path")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_dangling_symlink_refused(tmp_path, scenario):
    (tmp_path / "link.csv").symlink_to("missing.csv")
    _refused(["compare", "s.yaml", "--csv", "link.csv"], tmp_path, "symbolic link")


def test_same_file_twice_refused(tmp_path, scenario):
    _refused(["compare", "s.yaml", "--output", "a.csv", "--csv", "a.csv"], tmp_path, "same file")
    _refused(["compare", "s.yaml", "--output", "a.csv", "--csv", "./a.csv"], tmp_path, "same")


def test_output_onto_scenario_refused(tmp_path, scenario):
    line = _refused(["compare", "s.yaml", "--output", "s.yaml"], tmp_path, "input SCENARIO")
    assert line.startswith("Error: --output:")
    _refused(["compare", "s.yaml", "--csv", str(scenario)], tmp_path, "input SCENARIO")


def test_chart_onto_its_ledger_refused(tmp_path):
    (tmp_path / "ledger.csv").write_text("month,date,path,category,usd\n")
    (tmp_path / "out.png").symlink_to("ledger.csv")
    _refused(["chart", "ledger.csv", "--output", "out.png"], tmp_path, "input LEDGER")


def test_read_only_target_refused(tmp_path, scenario):
    target = tmp_path / "ro.txt"
    target.write_text("keep\n")
    target.chmod(0o444)
    _refused(["compare", "s.yaml", "--output", "ro.txt"], tmp_path, "read-only")


def test_dash_is_stdout(tmp_path, scenario):
    before = _snapshot(tmp_path)
    result = _run(["compare", "s.yaml", "--format", "csv", "--output", "-"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "month,date,path" in result.output and "wrote -" not in result.output
    assert _snapshot(tmp_path) == before


def test_proc_fd_refused(tmp_path, scenario):
    _refused(["compare", "s.yaml", "--output", "/proc/self/fd/1"], tmp_path, "standard output")


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".bak"))]


def test_failing_second_move_restores_the_first(tmp_path, scenario, monkeypatch):
    for name in ("out.txt", "ledger.csv"):
        (tmp_path / name).write_text(f"old {name}\n")
    before = _snapshot(tmp_path)
    real, calls = os.replace, []

    def flaky(src, dst, *a, **k):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(files.os, "replace", flaky)
    args = ["compare", "s.yaml", "--output", "out.txt", "--csv", "ledger.csv", "--chart", "c.png"]
    result = _run(args, tmp_path)
    monkeypatch.undo()
    assert result.exit_code == 2, result.output
    assert "input/output error" in only_line_but_warnings(result)
    assert _snapshot(tmp_path) == before
    assert _temp_files(tmp_path) == []


def test_sigterm_removes_temp_files(tmp_path, monkeypatch):
    def stop(_path):
        os.kill(os.getpid(), signal.SIGTERM)
        return 0o644

    monkeypatch.setattr(files, "_file_mode", stop)
    with pytest.raises(SystemExit) as info:
        files.write_atomic(tmp_path / "out.txt", "data", "--output")
    assert info.value.code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is not files._on_signal  # handler restored


def test_signal_handler_removes_registered_temps(tmp_path):
    tmp = tmp_path / ".x.tmp"
    tmp.write_text("partial")
    files._TEMPS.add(str(tmp))
    with pytest.raises(SystemExit):
        files._on_signal(signal.SIGTERM, None)
    assert not tmp.exists()
    with pytest.raises(KeyboardInterrupt):
        files._on_signal(signal.SIGINT, None)


# ---- property: any failure at any write or move step leaves all or none ---------------
OUTPUTS = {"--output": "out.txt", "--csv": "ledger.csv", "--chart": "cost.png"}
STEPS = ("render", "replace", "link")


def _reference() -> dict:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "s.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        args = ["compare", "s.yaml"] + [x for kv in OUTPUTS.items() for x in kv]
        assert _run(args, folder).exit_code == 0
        return {name: (folder / name).read_bytes() for name in OUTPUTS.values()}


REFERENCE: dict = {}


def _injector(step: str, nth: int, folder: Path, mp: pytest.MonkeyPatch):
    count = [0]

    def fail_on_nth(fn):
        def wrapped(*args, **kwargs):
            if any(str(folder) in str(a) for a in args):
                count[0] += 1
                if count[0] == nth:
                    raise OSError(errno.ENOSPC, "No space left on device")
            return fn(*args, **kwargs)

        return wrapped

    if step == "render":
        mp.setattr(files, "_render", fail_on_nth(files._render))
    elif step == "replace":
        mp.setattr(files.os, "replace", fail_on_nth(os.replace))
    else:
        mp.setattr(files.os, "link", fail_on_nth(os.link))
        mp.setattr(files.shutil, "copy2", fail_on_nth(files.shutil.copy2))


@settings(max_examples=8, deadline=None)
@given(
    step=st.sampled_from(STEPS),
    nth=st.integers(1, 4),
    existing=st.sets(st.sampled_from(sorted(OUTPUTS.values()))),
)
def test_outputs_all_or_none(step, nth, existing):
    if not REFERENCE:
        REFERENCE.update(_reference())
    with tempfile.TemporaryDirectory() as d, pytest.MonkeyPatch.context() as mp:
        folder = Path(d)
        (folder / "s.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        for name in existing:
            (folder / name).write_bytes(b"old " + name.encode())
        before = _snapshot(folder)
        _injector(step, nth, folder, mp)
        args = ["compare", "s.yaml"] + [x for kv in OUTPUTS.items() for x in kv]
        result = _run(args, folder)
        mp.undo()
        assert _temp_files(folder) == []
        if result.exit_code == 0:
            for name, data in REFERENCE.items():
                got = (folder / name).read_bytes()
                assert got == data or (name.endswith(".png") and got[:8] == data[:8]), name
        else:
            assert result.exit_code == 2, result.output
            assert only_line_but_warnings(result)
            assert _snapshot(folder) == before
        with contextlib.suppress(FileNotFoundError):
            (folder / "s.yaml").unlink()


def test_a_failed_run_never_says_it_wrote_a_file(tmp_path, monkeypatch):
    # the second move fails: nothing is in place, and no "wrote" line is printed
    from click.testing import CliRunner

    import tunecost.output.files as files
    from tunecost.cli import cli

    real = files.os.replace
    calls = {"n": 0}

    def failing(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", failing)
    csv, png = tmp_path / "l.csv", tmp_path / "c.png"
    r = CliRunner().invoke(cli, ["compare", "--csv", str(csv), "--chart", str(png)])
    assert r.exit_code == 2
    assert "wrote" not in r.stderr
    assert not csv.exists() and not png.exists()


def test_outputs_never_replace_the_price_book_or_the_bundled_example(tmp_path):
    import shutil

    from click.testing import CliRunner

    from tunecost.cli import cli
    from tunecost.cli.options import bundled_example

    book = tmp_path / "book"
    shutil.copytree(Path(__file__).parents[1] / "pricing", book)
    before = (book / "api_models.csv").read_bytes()
    r = CliRunner().invoke(
        cli, ["--pricing-dir", str(book), "compare", "--csv", str(book / "api_models.csv")]
    )
    assert r.exit_code == 2 and "price book" in r.stderr
    assert (book / "api_models.csv").read_bytes() == before
    example = bundled_example()
    text = example.read_bytes()
    r = CliRunner().invoke(cli, ["compare", "--output", str(example)])
    assert r.exit_code == 2 and example.read_bytes() == text
