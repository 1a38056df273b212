"""Writing output files: checked before any work, written atomically.

A file is written to a temporary file in the same folder, then renamed into place, so a
failure never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from tunecost.errors import InputError


def check_output_path(path: str | os.PathLike, field: str = "--output") -> Path:
    """Refuse an output path whose folder does not exist or that is a folder."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{str(p)!r} is a folder; give a file name", field)
    if not p.parent.is_dir():
        raise InputError(f"folder {str(p.parent)!r} does not exist", field)
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


def write_atomic(path: str | os.PathLike, data: str | bytes, field: str = "--output") -> None:
    """Write ``data`` to ``path`` via a temporary file renamed into place."""
    p = check_output_path(path, field)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(
            fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
        ) as fh:
            fh.write(data)
        os.chmod(tmp, _file_mode(p))  # mkstemp makes 0600; honour the umask like open()
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
