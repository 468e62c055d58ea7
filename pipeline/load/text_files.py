"""Plain text and Markdown: one article per file (YAML front matter, a date from the file name, the
first line or `#` heading as the title), and folders of them, read in one pass.

Front matter is parsed by libyaml with dates kept as written (so `2025-02-30` is an unparseable
date of that file, not an error of the folder) and without aliases (an alias bomb never expands).
A file that cannot be read or parsed is rejected on its own; so is a sub-folder that cannot be listed.
A file may hold `MAX_DOCUMENT_BYTES` (one article), a folder's files `MAX_INPUT_BYTES` in all.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import yaml

from pipeline.load import limits
from pipeline.load.encoding import detect
from pipeline.load.limits import MAX_DOCUMENT_BYTES, MAX_NESTING, InputError, read_capped
from pipeline.load.records import ENCODING, FILE, Batches, nesting_depth_over, records_frame, unreadable

TEXT_SUFFIXES = (".txt", ".md")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
DATE_IN_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")
SURROGATES = re.compile("[\udc80-\udcff]")


class FrontMatterLoader(yaml.CSafeLoader):
    """libyaml's safe loader with timestamps left as text (the date parser reads them)."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()}


def read_text_folder(folder: Path) -> list[pd.DataFrame]:
    """Every .txt/.md file under `folder` (hidden files and folders skipped), one record each, in chunks."""
    files, unlisted = _text_files(folder)
    if not files and not unlisted:
        raise InputError(folder, "no .txt or .md files in the folder")
    records = [unreadable(f"unreadable folder: {reason}; its files were not read") | {FILE: str(path)}
               for path, reason in unlisted]
    batches, total = Batches(), 0
    for record in records:
        batches.add(record, 1, 0)
    for path in files:
        record, size = _file_record(path)
        total += size
        if total > limits.MAX_INPUT_BYTES:
            raise InputError(folder, f"too large: its .txt/.md files hold more than {limits.MAX_INPUT_BYTES:,} bytes "
                                     "(the input cap); split the folder")
        batches.add(record | {FILE: str(path)}, 1, size)
    return batches.done()


def _text_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(text files, sorted; sub-folders that could not be listed, with the reason)."""
    unlisted: list[tuple[Path, str]] = []

    def report(error: OSError) -> None:
        if Path(error.filename) == folder:
            raise InputError(folder, f"cannot list the folder: {error.strerror}")
        unlisted.append((Path(error.filename), error.strerror or str(error)))

    files = []
    for directory, subfolders, names in os.walk(folder, onerror=report):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        files += [Path(directory, name) for name in names
                  if not name.startswith(".") and name.lower().endswith(TEXT_SUFFIXES)]
    return sorted(files), sorted(unlisted)


def read_text_file(data: bytes, path: Path) -> list[pd.DataFrame]:
    """One .txt/.md file's bytes as a one-record frame."""
    return [records_frame([_text_record(data, path)])]


def _file_record(path: Path) -> tuple[dict, int]:
    """(the file's record, its size in bytes)."""
    try:
        data, _ = read_capped(path, regular_only=True, cap=MAX_DOCUMENT_BYTES)
    except InputError as error:
        return unreadable("unreadable file: " + str(error).removeprefix(f"{path}: ")), 0
    return _text_record(data, path), len(data)


def _text_record(data: bytes, path: Path) -> dict:
    encoding = detect(data)
    content = encoding.decode(data)
    undecodable = SURROGATES.search(content) is not None
    if undecodable:
        content = SURROGATES.sub("\ufffd", content)
    meta: dict = {}
    match = FRONT_MATTER.match(content)
    if match:
        meta = _front_matter(match.group(1))
        if isinstance(meta, str):
            return unreadable(f"bad YAML front matter: {meta}") | {ENCODING: encoding.label}
        content = content[match.end():]
    body = content.strip()
    if not meta.get("title"):
        first_line, _, rest = body.partition("\n")
        meta["title"] = first_line.lstrip("#").strip()
        if first_line.startswith("#"):
            body = rest.strip()
    if not meta.get("date"):
        name_date = DATE_IN_NAME.match(path.name)
        meta["date"] = name_date.group(1) if name_date else None
    return {**{str(key): _scalar(value) for key, value in meta.items()}, "text": body,
            "undecodable": undecodable, ENCODING: encoding.label}


def _front_matter(text: str) -> dict | str:
    """The front matter's key: value pairs, or why they cannot be read."""
    if "*" in text or "&" in text:
        try:
            if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.CSafeLoader)):
                return "aliases (*name) are not allowed"
        except yaml.YAMLError as error:
            return _one_line(error)
    try:
        meta = yaml.load(text, Loader=FrontMatterLoader)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        return _one_line(error)
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        return "expected key: value pairs"
    if nesting_depth_over(meta, MAX_NESTING):
        return f"nested deeper than {MAX_NESTING} levels"
    return meta


def _one_line(error: Exception) -> str:
    return " ".join(str(error).replace('in "<unicode string>", ', "").split()) or type(error).__name__


def _scalar(value):
    """YAML values as table cells: lists/maps as JSON, dates as ISO text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
