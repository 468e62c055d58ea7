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
    batches, pending, failures, first_error = Batches(), [], 0, ""

    def add(record: dict) -> None:
        nonlocal failures, first_error
        if len(pending) > 1:  # the latest record may still get a note: it stays pending
            batches.add(pending.pop(0), batches.count + 1, 0)
        pending.append(record)
        failures += READ_ERROR in record
        first_error = first_error or record.get(READ_ERROR, "")

    while True:
        position = WHITESPACE.match(text, position).end()
        items = batches.count + len(pending)
        if text.startswith("]", position) and not items:
            break
        record, end = _item(text, position)
        add(unreadable(f"item {items + 1}: {record}") if isinstance(record, str) else record)
        if end > position:
            position = WHITESPACE.match(text, end).end()
            if text.startswith("]", position):
                break
            if text.startswith(",", position):
                position += 1
                continue
            add(unreadable(f"item {items + 2}: invalid JSON: expected ',' or ']' after item {items + 1}"))
        resume = _resynchronise(text, position + 1)
        if resume is None:
            pending[-1][READ_ERROR] += " (nothing after it could be read)"
            break
        position = resume
    if failures and failures == batches.count + len(pending):
        raise InputError(path, f"not a JSON array of objects ({first_error})")
    for record in pending:
        batches.add(record, batches.count + 1, 0)
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
