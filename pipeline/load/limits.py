"""Bounded reading: every input is read, decompressed and parsed within documented caps.

`MAX_INPUT_BYTES` caps the bytes of one input file after decompression. Files are sized before
they are read (`fstat`), gzip is measured by a streaming pass that keeps nothing before it is
expanded, devices are refused and pipes are read in chunks up to the cap. So a hostile input is
rejected in memory far below the cap. ``open_capped`` hands the readers a stream (tables and JSON
Lines are parsed chunk by chunk, never held whole); ``read_capped`` holds a file's bytes once, for
the formats capped lower (`MAX_DOCUMENT_BYTES`).
"""

from __future__ import annotations

import gzip
import os
import stat
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

MAX_INPUT_BYTES = 512_000_000
"""Largest input accepted, in bytes after decompression (URLs: trafilatura's 20 MB download cap)."""
MAX_DOCUMENT_BYTES = 64_000_000
"""Largest input of the formats parsed whole (a JSON array, a .txt/.md file, a feed or HTML page), in
bytes after decompression: their parsers hold several times the input, so that reading one stays
under 2 × `MAX_INPUT_BYTES` of memory (see ``pipeline.bench_memory``)."""
MAX_NESTING = 100
"""Deepest nesting of JSON values or YAML front matter accepted in one record."""
CHUNK_BYTES = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


class InputError(ValueError):
    """An input cannot be read; the message is one line: `<file>: <reason>`."""

    def __init__(self, source: str | Path, reason: str):
        one_line = " ".join(str(reason).split())
        super().__init__(f"{source}: {one_line}")


@contextmanager
def open_capped(path: Path) -> Iterator[tuple[BinaryIO, bool]]:
    """(a seekable stream of the bytes of `path`, gunzipped when they are gzip; whether they were
    gzip), with the checks of ``read_capped``: nothing over `MAX_INPUT_BYTES` after decompression is
    opened. A pipe is copied to a temporary file first (up to the cap), so that it can be read twice."""
    try:
        with open(path, "rb") as file:
            mode = os.fstat(file.fileno())
            if stat.S_ISCHR(mode.st_mode) or stat.S_ISBLK(mode.st_mode):
                raise InputError(path, "is a device, not a file")
            if stat.S_ISREG(mode.st_mode) and mode.st_size > MAX_INPUT_BYTES:
                raise InputError(path, _over_cap(f"{mode.st_size:,} bytes"))
            with _seekable(file, path, stat.S_ISREG(mode.st_mode)) as source:
                if source.read(len(GZIP_MAGIC)) != GZIP_MAGIC:
                    if path.name.lower().endswith(".gz"):
                        raise InputError(path, "corrupt gzip: not a gzip file")
                    source.seek(0)
                    yield source, False
                    return
                source.seek(0)
                if _gunzipped_size(source, path) > MAX_INPUT_BYTES:
                    raise InputError(path, f"too large: gzip expands beyond {MAX_INPUT_BYTES:,} bytes (the input "
                                           "cap); split the input")
                source.seek(0)
                with gzip.GzipFile(fileobj=source, mode="rb") as expanded:
                    yield expanded, True
    except OSError as error:
        raise InputError(path, error.strerror or error) from None


@contextmanager
def _seekable(file: BinaryIO, path: Path, regular: bool) -> Iterator[BinaryIO]:
    if regular:
        yield file
        return
    with tempfile.TemporaryFile() as copy:
        while chunk := file.read(CHUNK_BYTES):
            copy.write(chunk)
            if copy.tell() > MAX_INPUT_BYTES:
                raise InputError(path, _over_cap(f"more than {MAX_INPUT_BYTES:,} bytes"))
        copy.seek(0)
        yield copy


def read_capped(path: Path, regular_only: bool = False, cap: int | None = None) -> tuple[bytes, bool]:
    """The bytes of `path` (gunzipped when they are gzip) and whether they were gzip; an
    `InputError` for devices (and, with `regular_only`, pipes: files found in a folder), unreadable
    files, corrupt gzip and anything over `cap` (default: `MAX_INPUT_BYTES`)."""
    try:
        if regular_only and not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(path, "not a regular file (a device, pipe or socket)")
    except OSError as error:
        raise InputError(path, error.strerror or error) from None
    limit = MAX_INPUT_BYTES if cap is None else cap
    with open_capped(path) as (stream, was_gzip):
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise InputError(path, error.strerror or error) from None
    if len(data) > limit:
        raise InputError(path, _over_cap(f"more than {limit:,} bytes") if cap is None else
                         over_document_cap(f"more than {limit:,} bytes"))
    return data, was_gzip


def _gunzipped_size(source: BinaryIO, path: Path) -> int:
    """The decompressed size of (possibly multi-member, zero-padded) gzip read from `source`, counted
    chunk by chunk and stopped past the cap, so that a compression bomb is never expanded in memory."""
    total, pending, inflater = 0, b"", None
    try:
        while total <= MAX_INPUT_BYTES:
            if not pending:
                pending = source.read(CHUNK_BYTES)
                if not pending:
                    if inflater is not None and not _drained(inflater):
                        raise InputError(path, "corrupt gzip: the file is truncated")
                    break
            if inflater is None:
                if not pending.strip(b"\x00"):  # zero padding after the last member
                    pending = b""
                    continue
                inflater = zlib.decompressobj(wbits=31)
            total += len(inflater.decompress(pending, CHUNK_BYTES))
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending, inflater = inflater.unused_data, None
    except zlib.error as error:
        raise InputError(path, f"corrupt gzip: {error}") from None
    return total


def _drained(inflater) -> bool:
    """Whether the member ends once the output held back by the chunk limit is taken."""
    while not inflater.eof and inflater.decompress(b"", CHUNK_BYTES):
        pass
    return inflater.eof


def _over_cap(size: str) -> str:
    return f"too large: {size} (the input cap is {MAX_INPUT_BYTES:,} bytes); split the input"


def over_document_cap(size: str) -> str:
    """Why an input parsed whole is refused."""
    return (f"too large: {size} (the cap for a JSON array, a .txt/.md file, a feed or an HTML page, which are "
            f"parsed whole, is {MAX_DOCUMENT_BYTES:,} bytes); split it or give it as CSV or JSON Lines")
