"""Writing output files: checked before any work, written all-or-nothing.

A file is written to a temporary file in the same folder, then renamed into place, so a
failure never leaves half a file. Only regular files are written: a device, FIFO,
socket, folder, read-only file, a process's open file (``/proc/self/fd/1``) or an input
of the same command is refused. A symbolic link to a regular file is followed: the file
it points to is replaced and the link kept. ``-`` means standard output.

Within an :class:`OutputSet` (every CLI command runs in one) writes are staged: each
output is rendered to its temporary file, and only :meth:`OutputSet.commit` moves them
into place, restoring what it had already replaced if a later move fails. Temporary
files are removed on an error, on SIGINT and on SIGTERM.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path

from tunecost.errors import InputError

STDOUT = "-"
"""The output name meaning standard output."""

_TEMPS: set[str] = set()
"""Temporary files not yet moved into place, removed if the process is stopped."""

_ACTIVE: list[OutputSet] = []

_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)

_HINTS = {
    errno.ENAMETOOLONG: "file name too long; use a shorter name",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "operation not permitted; choose a folder you can write to",
    errno.EROFS: "read-only file system; choose another folder",
    errno.ENOSPC: "no space left on the device",
    errno.ELOOP: "too many levels of symbolic links",
}


def os_message(exc: OSError, name: object) -> str:
    """One line for an OSError about ``name``: what went wrong and, where known, the fix."""
    hint = _HINTS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()
    return f"{str(name)[:80]!r}: {hint}"


class OutputSet:
    """The outputs of one command: claimed targets, the command's inputs, and staged
    temporary files moved into place together by :meth:`commit`."""

    def __init__(self) -> None:
        self.claims: dict[object, str] = {}
        self.inputs: dict[tuple[int, int], str] = {}
        self.staged: list[tuple[str, Path]] = []
        self.stdout: list[str | bytes] = []
        self.said: list[str] = []  # stderr lines that hold only once the files are in place

    def add_input(self, path: str | os.PathLike, label: str) -> None:
        """Remember an input file so no output of the command may replace it."""
        with contextlib.suppress(OSError, ValueError):
            st = os.stat(path)
            if stat.S_ISREG(st.st_mode):
                self.inputs[(st.st_dev, st.st_ino)] = label

    def __enter__(self) -> OutputSet:
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        _ACTIVE.remove(self)
        self.discard()

    def discard(self) -> None:
        """Remove every staged temporary file (nothing is moved)."""
        for tmp, _ in self.staged:
            _remove(tmp)
        self.staged.clear()
        self.stdout.clear()
        self.said.clear()

    def commit(self) -> None:
        """Move every staged file into place, then write standard output; if a move
        fails, put back what was already replaced and remove what was created."""
        staged, self.staged = self.staged, []
        with stop_signals():
            _move_all(staged)
        for data in self.stdout:
            _write_stdout(data)
        self.stdout.clear()
        for line in self.said:
            print(line, file=sys.stderr, flush=True)
        self.said.clear()


def say_when_written(line: str) -> None:
    """Print ``line`` (e.g. ``wrote ledger.csv``) on stderr once the command's files are
    in place, so a run that fails and writes nothing never claims it wrote something."""
    active = _active()
    if active is None:
        print(line, file=sys.stderr, flush=True)
    else:
        active.said.append(line)


def _active() -> OutputSet | None:
    return _ACTIVE[-1] if _ACTIVE else None


def _remove(path: str) -> None:
    _TEMPS.discard(path)
    with contextlib.suppress(OSError):
        os.unlink(path)


def _write_stdout(data: str | bytes) -> None:
    if isinstance(data, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data)
        sys.stdout.flush()


def _on_signal(signum, _frame) -> None:
    """Remove the temporary files, then stop as the signal asks (SystemExit, so the
    rollbacks on the way out still run)."""
    for path in list(_TEMPS):
        _remove(path)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def stop_signals():
    """SIGINT and SIGTERM remove the temporary files while this block runs (main thread
    only; elsewhere the exception handlers alone clean up)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):
            saved[sig] = signal.signal(sig, _on_signal)
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)


def _backup(target: Path) -> str | None:
    """A hard link (or copy) of ``target`` next to it, to restore on rollback; None when
    there is nothing to restore."""
    if not target.exists():
        return None
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak", dir=target.parent)
    os.close(fd)
    _TEMPS.add(name)
    try:
        os.unlink(name)
        os.link(target, name)
    except OSError:
        shutil.copy2(target, name)
    return name


def _move_all(staged: list[tuple[str, Path]]) -> None:
    """Move each temporary file onto its target; all or none."""
    done: list[tuple[Path, str | None]] = []
    try:
        for tmp, target in staged:
            backup = _backup(target)
            try:
                os.replace(tmp, target)
            except BaseException:
                if backup:
                    _remove(backup)
                raise
            _TEMPS.discard(tmp)
            done.append((target, backup))
    except BaseException as exc:
        for target, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(target)
                else:
                    os.replace(backup, target)
        for tmp, _ in staged:
            _remove(tmp)
        for _, backup in done:
            if backup:
                _remove(backup)
        if isinstance(exc, OSError):
            raise InputError(os_message(exc, exc.filename or staged[0][1])) from None
        raise
    for _, backup in done:
        if backup:
            _remove(backup)


def _kind(st: os.stat_result) -> str | None:
    """What a non-regular file is ('a folder', 'a FIFO (named pipe)', ...), or None."""
    if stat.S_ISDIR(st.st_mode):
        return "a folder"
    if stat.S_ISREG(st.st_mode):
        return None
    return next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")


def _existing_target(p: Path, st: os.stat_result, field: str) -> Path:
    """The regular, writable file an existing ``p`` names (a symlink followed)."""
    kind = _kind(st)
    if kind == "a folder":
        raise InputError(f"{str(p)!r} is a folder; give a file name", field)
    if kind:
        raise InputError(f"{str(p)!r} is {kind}, not a regular file; give a file name", field)
    if not st.st_mode & 0o222 or not os.access(p, os.W_OK):
        raise InputError(f"{str(p)!r} is read-only; make it writable or choose another", field)
    real = Path(os.path.realpath(p))
    try:
        same = os.path.samefile(real, p)
    except OSError:
        same = False
    if not same:
        raise InputError(f"{str(p)!r} does not name a file by path; give a file name", field)
    return real


def _resolve(p: Path, field: str) -> Path:
    """The file to replace for output ``p``: checked, a symbolic link followed."""
    if os.path.abspath(p).startswith("/proc/"):
        raise InputError(
            f"{str(p)!r} is a process's open file; give a file name, or - for standard output",
            field,
        )
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            raise InputError(
                f"{str(p)!r} is a symbolic link to a missing file; give the file itself", field
            ) from None
        st = None
    except OSError as exc:
        raise InputError(os_message(exc, p), field) from None
    try:
        real = _existing_target(p, st, field) if st else Path(os.path.realpath(p))
        folder_ok = real.parent.is_dir()
    except OSError as exc:
        raise InputError(os_message(exc, p), field) from None
    if not folder_ok:
        raise InputError(f"folder {str(p.parent)!r} does not exist", field)
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise InputError(f"folder {str(real.parent)!r} is not writable; choose another", field)
    return real


def _claim(outputs: OutputSet, target: Path | str, field: str) -> None:
    """Refuse a target that is an input of the command or another output's target."""
    key: object = ("path", str(target))
    with contextlib.suppress(OSError):
        st = os.stat(target)
        key = (st.st_dev, st.st_ino)
        label = outputs.inputs.get(key)
        if label and label != field:
            raise InputError(f"{str(target)!r} is the input {label}; choose another file", field)
    other = outputs.claims.setdefault(key, field)
    if other != field:
        raise InputError(f"{other} names the same file; give each output its own file", field)


def check_output_path(path: str | os.PathLike, field: str = "--output") -> Path:
    """Refuse an output path that cannot be written as a regular file (see the module
    notes); ``-`` (standard output) passes."""
    if str(path) == STDOUT:
        if (outputs := _active()) is not None:
            _claim(outputs, STDOUT, field)
        return Path(STDOUT)
    p = Path(path)
    target = _resolve(p, field)
    if (outputs := _active()) is not None:
        _claim(outputs, target, field)
    return p


CHART_FORMATS = (".png", ".svg", ".pdf")


def check_chart_path(path: str | os.PathLike, field: str = "--chart") -> Path:
    """Refuse a chart file name whose extension is not PNG, SVG or PDF (checked before
    any work, and without importing matplotlib)."""
    p = check_output_path(path, field)
    if p.suffix.lower() not in CHART_FORMATS:
        raise InputError(f"{p.name}: use a .png, .svg or .pdf file name", field)
    return p


def _file_mode(path: Path) -> int:
    """The mode a new file gets from open(): 0o666 less the umask (or the mode of the file
    being replaced)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _render(target: Path, data: str | bytes) -> str:
    """``data`` in a new temporary file next to ``target``; its name."""
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    _TEMPS.add(tmp)
    try:
        with os.fdopen(
            fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
        ) as fh:
            fh.write(data)
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; honour the umask like open()
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def write_atomic(path: str | os.PathLike, data: str | bytes, field: str = "--output") -> None:
    """Write ``data`` to ``path`` via a temporary file renamed into place (``-``: standard
    output). Inside an :class:`OutputSet` the move waits for its commit."""
    outputs = _active()
    if str(path) == STDOUT:
        check_output_path(path, field)
        if outputs is None:
            _write_stdout(data)
        else:
            outputs.stdout.append(data)
        return
    check_output_path(path, field)
    target = _resolve(Path(path), field)
    with stop_signals():
        try:
            tmp = _render(target, data)
        except OSError as exc:
            raise InputError(os_message(exc, path), field) from None
    if outputs is not None:
        outputs.staged.append((tmp, target))
    else:
        with stop_signals():
            _move_all([(tmp, target)])
