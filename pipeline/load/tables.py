"""Delimited text (CSV/TSV, delimiter sniffed) and Parquet, read from a stream in chunks of rows. A CSV
row with more fields than the header is rejected on its own (row number, line and field counts); rows
with fewer are padded."""

from __future__ import annotations

import csv
import io
import sys
import warnings
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load.encoding import Encoding
from pipeline.load.limits import MAX_INPUT_BYTES, InputError
from pipeline.load.records import Batches, compact, numbered, rows_per_chunk, unreadable

SNIFF_CHARS = 65536
FIRST_CHUNK_ROWS = 100
"""Rows of a CSV file read first, to size the chunks that follow (``records.rows_per_chunk``)."""


def read_csv(stream: BinaryIO, encoding: Encoding, path) -> list[pd.DataFrame]:
    """pandas' C parser, a chunk of rows at a time, for well-formed files; Python's csv module, row
    by row, for ragged ones."""
    sample = stream.read(SNIFF_CHARS + 1)
    stream.seek(0)
    delimiter = _delimiter(encoding.decode(sample[:SNIFF_CHARS]), len(sample) > SNIFF_CHARS, path)
    chunks, rows = [], 0
    try:
        with warnings.catch_warnings():  # a first row longer than the header would silently lose fields
            warnings.simplefilter("error", pd.errors.ParserWarning)
            with pd.read_csv(stream, sep=delimiter, keep_default_na=False, na_values=[""], encoding=encoding.codec,
                             encoding_errors="surrogateescape", index_col=False, iterator=True,
                             dtype=object if encoding.damaged else "str") as reader:  # object keeps bad bytes
                size = FIRST_CHUNK_ROWS
                while len(chunk := _next_chunk(reader, size)):
                    chunks.append(numbered(compact(chunk), range(rows + 1, rows + len(chunk) + 1)))
                    rows += len(chunk)
                    size = rows_per_chunk(chunk.memory_usage(deep=True).sum() / len(chunk))
    except pd.errors.EmptyDataError:
        return [numbered(pd.DataFrame())]
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, UnicodeError):
        chunks.clear()
        stream.seek(0)
        return _read_row_by_row(stream, encoding, delimiter, path)
    return chunks or [numbered(chunk)]


def _next_chunk(reader, rows: int) -> pd.DataFrame:
    try:
        return reader.get_chunk(rows)
    except StopIteration:
        return pd.DataFrame()


def _delimiter(sample: str, truncated: bool, path) -> str:
    if truncated and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return "\t" if str(path).lower().removesuffix(".gz").endswith(".tsv") else ","


def _read_row_by_row(stream: BinaryIO, encoding: Encoding, delimiter: str, path) -> list[pd.DataFrame]:
    csv.field_size_limit(min(sys.maxsize, MAX_INPUT_BYTES))
    text = io.TextIOWrapper(stream, encoding.codec, encoding.errors, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(path, "unreadable CSV: no header row")
    batches, number = Batches(), 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            batches.add(unreadable(f"unreadable CSV row (line {reader.line_num}): {error}"), number, 0)
            continue
        if not row:
            continue
        number += 1
        if len(row) > len(header):
            batches.add(unreadable(f"ragged row: {len(row)} fields where the header has {len(header)} "
                                   f"(line {reader.line_num})"), number, 0)
        else:
            batches.add({name: value if value != "" else None for name, value in zip(header, row)}, number,
                        sum(map(len, row)))
    return batches.done()


def read_parquet(stream: BinaryIO, path) -> list[pd.DataFrame]:
    """A Parquet file, a chunk of rows at a time, refused when its uncompressed size is over the input
    cap; text columns holding bytes that are not UTF-8 are read as bytes and flagged per record."""
    try:
        parquet = pq.ParquetFile(stream)
        size = sum(parquet.metadata.row_group(index).total_byte_size
                   for index in range(parquet.metadata.num_row_groups))
        if size > MAX_INPUT_BYTES:
            raise InputError(path, f"too large: {size:,} bytes uncompressed (the input cap is "
                                   f"{MAX_INPUT_BYTES:,} bytes); split the input")
        chunks, rows = [], 0
        rows_per_batch = rows_per_chunk(size / max(parquet.metadata.num_rows, 1))
        for batch in parquet.iter_batches(batch_size=rows_per_batch):
            frame = _with_invalid_text_as_bytes(pa.Table.from_batches([batch])).to_pandas()
            chunks.append(numbered(compact(_decoded(frame)), range(rows + 1, rows + len(frame) + 1)))
            rows += len(frame)
    except InputError:
        raise
    except Exception as error:  # pyarrow raises several unrelated types for corrupt files
        raise InputError(path, f"corrupt parquet: {error}") from None
    return chunks or [numbered(parquet.schema_arrow.empty_table().to_pandas())]


def _decoded(frame: pd.DataFrame) -> pd.DataFrame:
    """Binary cells (text that is not UTF-8) as text with surrogate escapes (flagged per record)."""
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object and any(isinstance(value, bytes) for value in values):
            frame[name] = pd.Series([value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
                                     for value in values], index=frame.index, dtype=object)
    return frame


def _with_invalid_text_as_bytes(table: pa.Table) -> pa.Table:
    """Text columns that are not valid UTF-8 as binary (decoded and flagged per record later)."""
    fields = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            try:
                column.validate(full=True)
            except pa.ArrowInvalid:
                field = field.with_type(pa.large_binary() if pa.types.is_large_string(field.type) else pa.binary())
        fields.append(field)
    return table.cast(pa.schema(fields))
