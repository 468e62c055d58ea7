"""Delimited text (CSV/TSV, delimiter sniffed) and Parquet. A CSV row with more fields than the
header is rejected on its own (row number, line and field counts); rows with fewer are padded."""

from __future__ import annotations

import csv
import io
import sys
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load.encoding import Encoding
from pipeline.load.limits import MAX_INPUT_BYTES, InputError
from pipeline.load.records import numbered, records_frame, unreadable

SNIFF_CHARS = 65536


def read_csv(data: bytes, encoding: Encoding, path) -> pd.DataFrame:
    """pandas' C parser for well-formed files; Python's csv module, row by row, for ragged ones."""
    delimiter = _delimiter(encoding.decode(data[:SNIFF_CHARS]), len(data) > SNIFF_CHARS, path)
    try:
        with warnings.catch_warnings():  # a first row longer than the header would silently lose fields
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.BytesIO(data), sep=delimiter, keep_default_na=False, na_values=[""],
                                encoding=encoding.codec, encoding_errors="surrogateescape", index_col=False,
                                dtype=object if encoding.damaged else "str")  # object keeps bad bytes
    except pd.errors.EmptyDataError:
        return numbered(pd.DataFrame())
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, UnicodeError):
        return _read_row_by_row(encoding.decode(data), delimiter, path)
    return numbered(frame)


def _delimiter(sample: str, truncated: bool, path) -> str:
    if truncated and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return "\t" if str(path).lower().removesuffix(".gz").endswith(".tsv") else ","


def _read_row_by_row(text: str, delimiter: str, path) -> pd.DataFrame:
    csv.field_size_limit(min(sys.maxsize, MAX_INPUT_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(path, "unreadable CSV: no header row")
    records, number = [], 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            records.append(unreadable(f"unreadable CSV row (line {reader.line_num}): {error}"))
            continue
        if not row:
            continue
        number += 1
        if len(row) > len(header):
            records.append(unreadable(f"ragged row: {len(row)} fields where the header has {len(header)} "
                                      f"(line {reader.line_num})"))
            continue
        records.append({name: value if value != "" else None for name, value in zip(header, row)})
    return records_frame(records)


def read_parquet(data: bytes, path) -> pd.DataFrame:
    """A Parquet file, refused when its uncompressed size is over the input cap; text columns
    holding bytes that are not UTF-8 are read as bytes and flagged per record."""
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        size = sum(parquet.metadata.row_group(index).total_byte_size
                   for index in range(parquet.metadata.num_row_groups))
        if size > MAX_INPUT_BYTES:
            raise InputError(path, f"too large: {size:,} bytes uncompressed (the input cap is "
                                   f"{MAX_INPUT_BYTES:,} bytes); split the input")
        frame = _with_invalid_text_as_bytes(parquet.read()).to_pandas()
    except InputError:
        raise
    except Exception as error:  # pyarrow raises several unrelated types for corrupt files
        raise InputError(path, f"corrupt parquet: {error}") from None
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object and any(isinstance(value, bytes) for value in values):
            frame[name] = pd.Series([value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
                                     for value in values], index=frame.index, dtype=object)  # flagged per record
    return numbered(frame)


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
