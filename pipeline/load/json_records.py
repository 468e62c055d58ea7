"""JSON arrays of objects and JSON Lines: each item or line is its own record, so a broken one is
rejected (with its item/line number and reason) and the others are read. JSON Lines are read from a
stream line by line (a line over `MAX_LINE_CHARS` is rejected unread); a JSON array is parsed whole,
so its input is capped lower (``limits.MAX_DOCUMENT_BYTES``). Both come as chunks of records."""

from __future__ import annotations

import io
import json
import re
from typing import TextIO

import pandas as pd

from pipeline.load.limits import MAX_DOCUMENT_BYTES, MAX_NESTING, InputError
from pipeline.load.records import READ_ERROR, Batches, nesting_depth_over, unreadable

DECODER = json.JSONDecoder()
WHITESPACE = re.compile(r"[ \t\r\n]*")
NEXT_OBJECT = re.compile(r",[ \t\r\n]*(?=\{)")
"""Where a later item of an array of objects may start: resynchronisation after a broken item."""
MAX_LINE_CHARS = MAX_DOCUMENT_BYTES
"""Longest JSON Lines line read; a longer one is rejected on its own."""
KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false",
         type(None): "null"}


def read_jsonl(lines: TextIO, path) -> list[pd.DataFrame]:
    """One object per line of a text stream opened with `newline="\\n"` (lines end at "\\n" only: U+2028
    inside a string is not a line end)."""
    batches, failures, first_error, number = Batches(), 0, "", 0
    while line := lines.readline(MAX_LINE_CHARS):
        number += 1
        if not line.endswith("\n") and len(line) == MAX_LINE_CHARS:
            while (rest := lines.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
            record: dict | str = f"too long: more than {MAX_LINE_CHARS:,} characters"
        elif not line.strip():
            continue
        else:
            record = _record(line)
        failures += isinstance(record, str)
        if isinstance(record, str):
            record = unreadable(f"line {number}: {record}")
            first_error = first_error or record[READ_ERROR]
        batches.add(record, number, len(line))
    if failures and failures == batches.count:
        raise InputError(path, f"not JSON Lines: no line is a JSON object ({first_error})")
    return batches.done()


def read_json(text: str, path) -> list[pd.DataFrame]:
    """A JSON array of objects; a file of several top-level objects is read as JSON Lines."""
    start = WHITESPACE.match(text).end()
    if text.startswith("{", start):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            if error.msg == "Extra data":
                return read_jsonl(io.StringIO(text, newline="\n"), path)
            raise InputError(path, f"invalid JSON: {error}") from None
        except RecursionError:
            raise InputError(path, f"invalid JSON: nested deeper than {MAX_NESTING} levels") from None
        keys = ", ".join(map(str, list(value)[:5]))
        raise InputError(path, f"expected a JSON array of objects, got an object with keys {keys}")
    if not text.startswith("[", start):
        raise InputError(path, "invalid JSON: expected a JSON array of objects")
    return _array_items(text, start + 1, path)


def _array_items(text: str, position: int, path) -> list[pd.DataFrame]:
    records: list[dict] = []
    while True:
        position = WHITESPACE.match(text, position).end()
        if text.startswith("]", position) and not records:
            break
        record, end = _item(text, position)
        records.append(unreadable(f"item {len(records) + 1}: {record}") if isinstance(record, str) else record)
        if end > position:
            position = WHITESPACE.match(text, end).end()
            if text.startswith("]", position):
                break
            if text.startswith(",", position):
                position += 1
                continue
            records.append(unreadable(f"item {len(records) + 1}: invalid JSON: expected ',' or ']' after item "
                                      f"{len(records)}"))
        resume = _resynchronise(text, position + 1)
        if resume is None:
            records[-1][READ_ERROR] += " (nothing after it could be read)"
            break
        position = resume
    if records and all(READ_ERROR in record for record in records):
        raise InputError(path, f"not a JSON array of objects ({records[0][READ_ERROR]})")
    batches = Batches()
    for number, record in enumerate(records, 1):
        batches.add(record, number, 0)
    return batches.done()


def _item(text: str, position: int) -> tuple[dict | str, int]:
    """(record or reason, end position) of the value at `position`."""
    try:
        value, end = DECODER.raw_decode(text, position)
    except json.JSONDecodeError as error:
        return f"invalid JSON: {error.msg} (line {error.lineno} column {error.colno})", position
    except RecursionError:
        return f"invalid JSON: nested deeper than {MAX_NESTING} levels", position
    return _checked(value), end


def _record(line: str) -> dict | str:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return f"invalid JSON: {error.msg} (column {error.colno})"
    except RecursionError:
        return f"invalid JSON: nested deeper than {MAX_NESTING} levels"
    return _checked(value)


def _checked(value) -> dict | str:
    if not isinstance(value, dict):
        return f"not a JSON object: {KINDS.get(type(value), 'a value')}"
    if nesting_depth_over(value, MAX_NESTING):
        return f"invalid JSON: nested deeper than {MAX_NESTING} levels"
    return value


def _resynchronise(text: str, position: int) -> int | None:
    """The start of the next object that parses and is followed by ',' or ']', after a broken item."""
    for match in NEXT_OBJECT.finditer(text, position):
        try:
            _, end = DECODER.raw_decode(text, match.end())
        except (json.JSONDecodeError, RecursionError):
            continue
        follow = WHITESPACE.match(text, end).end()
        if text.startswith((",", "]"), follow):
            return match.end()
    return None
