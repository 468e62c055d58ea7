"""Bounded reading: every input is read, decompressed and parsed within documented caps.

`MAX_INPUT_BYTES` caps the bytes of one input file after decompression. Files are sized before
they are read (`fstat`), gzip is measured by a streaming pass that keeps nothing before it is
expanded, devices are refused and pipes are read in chunks up to the cap. So a hostile input is
rejected in memory far below the cap, and a readable input holds its bytes once.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from pathlib import Path

MAX_INPUT_BYTES = 512_000_000
"""Largest input accepted, in bytes after decompression (URLs: trafilatura's 20 MB download cap)."""
MAX_NESTING = 100
"""Deepest nesting of JSON values or YAML front matter accepted in one record."""
CHUNK_BYTES = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


class InputError(ValueError):
    """An input cannot be read; the message is one line: `<file>: <reason>`."""

    def __init__(self, source: str | Path, reason: str):
        one_line = " ".join(str(reason).split())
        super().__init__(f"{source}: {one_line}")


def read_capped(path: Path, regular_only: bool = False) -> tuple[bytes, bool]:
    """The bytes of `path` (gunzipped when they are gzip) and whether they were gzip; an
    `InputError` for devices (and, with `regular_only`, pipes: files found in a folder), unreadable
    files, corrupt gzip and anything over `MAX_INPUT_BYTES`."""
    try:
        if regular_only and not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(path, "not a regular file (a device, pipe or socket)")
        with open(path, "rb") as file:
            mode = os.fstat(file.fileno())
            if stat.S_ISCHR(mode.st_mode) or stat.S_ISBLK(mode.st_mode):
                raise InputError(path, "is a device, not a file")
            if stat.S_ISREG(mode.st_mode) and mode.st_size > MAX_INPUT_BYTES:
                raise InputError(path, _over_cap(f"{mode.st_size:,} bytes"))
            data = _read_up_to_cap(file, path)
    except OSError as error:
        raise InputError(path, error.strerror or error) from None
    if not data.startswith(GZIP_MAGIC):
        if path.name.lower().endswith(".gz"):
            raise InputError(path, "corrupt gzip: not a gzip file")
        return data, False
    expanded = _gunzipped_size(data, path)
    if expanded > MAX_INPUT_BYTES:
        raise InputError(path, f"too large: gzip expands beyond {MAX_INPUT_BYTES:,} bytes (the input cap); "
                               "split the input")
    return gzip.decompress(data), True


def _read_up_to_cap(file, path: Path) -> bytes:
    """Read in chunks (pipes, /proc files that report size 0) and stop one byte past the cap."""
    chunks, total = [], 0
    while chunk := file.read(min(CHUNK_BYTES, MAX_INPUT_BYTES + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_INPUT_BYTES:
            raise InputError(path, _over_cap(f"more than {MAX_INPUT_BYTES:,} bytes"))
    return b"".join(chunks)


def _gunzipped_size(data: bytes, path: Path) -> int:
    """The decompressed size of (possibly multi-member) gzip `data`, counted chunk by chunk and
    stopped past the cap, so that a compression bomb is never expanded in memory."""
    total, position = 0, 0
    try:
        while position < len(data):
            inflater = zlib.decompressobj(wbits=31)
            pending = memoryview(data)[position:]
            while pending and not inflater.eof:
                total += len(inflater.decompress(pending, CHUNK_BYTES))
                pending = inflater.unconsumed_tail
                if total > MAX_INPUT_BYTES:
                    return total
            if not inflater.eof:
                raise InputError(path, "corrupt gzip: the file is truncated")
            position = len(data) - len(inflater.unused_data)
            if not data[position:].strip(b"\x00"):
                break
    except zlib.error as error:
        raise InputError(path, f"corrupt gzip: {error}") from None
    return total


def _over_cap(size: str) -> str:
    return f"too large: {size} (the input cap is {MAX_INPUT_BYTES:,} bytes); split the input"
