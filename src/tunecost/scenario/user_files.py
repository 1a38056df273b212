"""Reading a file the user gives (a scenario, a request log): one-line errors for every
way it can fail, before any parsing."""

from __future__ import annotations

from pathlib import Path

from tunecost.errors import InputError

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read (1 MB: a scenario is a page of YAML)."""


def read_text(
    path: str | Path,
    what: str,
    field: str = "scenario",
    encoding: str = "utf-8",
    max_bytes: int | None = MAX_FILE_BYTES,
) -> str:
    """The UTF-8 text of a file the user gave (``what`` names it in messages): one-line
    errors for a folder, a missing or unreadable file, one over ``max_bytes``, or bytes
    that are not text."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a folder; give {what}", field)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", field) from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})", field) from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise InputError(f"{p.name} is larger than {max_bytes:,} bytes", field)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{p.name} is not UTF-8 text", field) from None
