"""Text encodings, detected per file: a byte order mark, else strict UTF-8, else UTF-8 with a few
damaged bytes (flagged per record), else charset-normalizer's guess (Windows-1252 preferred when it
reads as well, since it is what Windows tools export)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from charset_normalizer import from_bytes

BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
"""Codecs that read (and drop) each byte order mark; UTF-32 LE's mark begins with UTF-16 LE's."""
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
HIGH_BYTE = re.compile(rb"[\x80-\xff]")
DETECTOR_SAMPLE = 1 << 20
WINDOWS_LATIN = "cp1252"
CHAOS_TOLERANCE = 0.05
"""Windows-1252 wins over the detector's first guess when it reads at most this much less cleanly."""
NAMES = {"cp1252": "windows-1252", "cp1250": "windows-1250", "cp1251": "windows-1251", "latin_1": "latin-1",
         "cp932": "shift_jis", "utf-8-sig": "utf-8 (with BOM)", "utf-16": "utf-16 (with BOM)",
         "utf-32": "utf-32 (with BOM)"}


@dataclass(frozen=True)
class Encoding:
    """A file's encoding: a Python codec; `damaged` when the file is UTF-8 with invalid bytes, which
    are kept as surrogate escapes for the reader to flag per record."""

    codec: str
    damaged: bool = False

    @property
    def label(self) -> str:
        """How the run report names it."""
        return NAMES.get(self.codec, self.codec) + (" with invalid bytes" if self.damaged else "")

    @property
    def is_plain_utf8(self) -> bool:
        return self.codec == "utf-8" and not self.damaged

    @property
    def errors(self) -> str:
        """How bytes invalid in the codec are decoded: kept as surrogate escapes (UTF-8, flagged) or replaced."""
        return "surrogateescape" if self.codec.startswith("utf-8") else "replace"

    def decode(self, data: bytes) -> str:
        return codecs.decode(data, self.codec, self.errors)


def detect(data: bytes) -> Encoding:
    """A byte order mark, else strict UTF-8, else damaged UTF-8, else the detector's guess; bytes that
    fit no encoding are treated as damaged UTF-8 (flagged, never guessed into mojibake)."""
    return _detect(data[:DETECTOR_SAMPLE], lambda codec: _reads_as(data, codec))


def detect_stream(stream: BinaryIO) -> Encoding:
    """``detect`` for a seekable stream, decoded chunk by chunk (never held whole); it is left at its start."""
    def reads_as(codec: str) -> bool:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            while chunk := stream.read(DETECTOR_SAMPLE):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True
    head = stream.read(DETECTOR_SAMPLE)
    encoding = _detect(head, reads_as)
    stream.seek(0)
    return encoding


def _detect(sample: bytes, reads_as: Callable[[str], bool]) -> Encoding:
    """``detect`` from the file's first bytes and a check that the whole file reads in a codec."""
    for mark, codec in BOMS:
        if sample.startswith(mark):
            return Encoding(codec, not reads_as(codec))
    if reads_as("utf-8"):
        return Encoding("utf-8")
    if _mostly_utf8(sample):
        return Encoding("utf-8", True)
    guess = _guess(sample)
    return Encoding(guess) if guess and reads_as(guess) else Encoding("utf-8", True)


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with damage rather than another encoding: more valid multi-byte sequences than
    stray high bytes."""
    sample = data[:DETECTOR_SAMPLE]
    sequences = UTF8_SEQUENCE.findall(sample)
    stray = len(HIGH_BYTE.findall(sample)) - sum(map(len, sequences))
    return len(sequences) >= max(stray, 1)


def _guess(data: bytes) -> str | None:
    sample = data[:DETECTOR_SAMPLE]
    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    windows = next((match for match in matches if match.encoding == WINDOWS_LATIN), None)
    if windows is None and _reads_as(sample, WINDOWS_LATIN) and str(best) == _text(sample, WINDOWS_LATIN):
        return WINDOWS_LATIN  # the same text either way: name the common encoding
    if windows is not None and windows.chaos <= best.chaos + CHAOS_TOLERANCE:
        return WINDOWS_LATIN
    return best.encoding


def _reads_as(data: bytes, codec: str) -> bool:
    try:
        codecs.decode(data, codec)
    except UnicodeDecodeError:
        return False
    return True


def _text(data: bytes, codec: str) -> str:
    return codecs.decode(data, codec, "replace")
