"""Bombs never expand: each runs through the real CLI in a subprocess whose peak memory (ru_maxrss) is
compared with the same CLI reading one small good file. The byte cap is the real one."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from pipeline.bench_memory import peak_of_reading
from pipeline.load.limits import MAX_INPUT_BYTES

HEADROOM_MB = 100
"""Bombs may use this much more memory than reading one small good file (the cap is 512 MB)."""
def _peak(path: Path, store: Path) -> tuple[int, float, str]:
    code, peak, output = peak_of_reading(path, store)
    assert "Traceback" not in output, output
    return code, peak, output


def _gzip_bomb(path: Path, size: int) -> Path:
    """`size` zero bytes as a CSV body, gzip-compressed chunk by chunk (never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    with open(path, "wb") as sink:
        sink.write(packer.compress(b"date,text\n"))
        for _ in range(size // len(chunk) + 1):
            sink.write(packer.compress(chunk))
        sink.write(packer.flush())
    return path


def _alias_bomb(path: Path, levels: int = 12) -> Path:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path.write_text("---\ndate: 2025-03-04\n" + "\n".join(lines) + "\n---\nChile thanked Peru.\n")
    return path


def _deep_json(path: Path) -> Path:
    path.write_text("[" * 1_000_000 + "]" * 1_000_000)
    return path


def _device(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


BOMBS = {
    "gzip-beyond-the-cap": (lambda tmp: _gzip_bomb(tmp / "bomb.csv.gz", MAX_INPUT_BYTES + (64 << 20)),
                            2, "gzip expands beyond"),
    "symlink-to-dev-zero": (lambda tmp: _device(tmp / "zero.csv"), 2, "is a device"),
    "yaml-alias-bomb": (lambda tmp: _alias_bomb(tmp / "bomb.md"), 0, "aliases (*name) are not allowed"),
    "json-nested-a-million-deep": (lambda tmp: _deep_json(tmp / "deep.json"), 2, "nested deeper than"),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_is_rejected_without_expanding(name, tmp_path, tiny_peak_mb):
    make, expected_code, reason = BOMBS[name]
    code, peak, output = _peak(make(tmp_path), tmp_path / "store")
    print(f"{name}: peak {peak:.0f} MB (reading one good file: {tiny_peak_mb:.0f} MB)")
    assert code == expected_code and reason in output, output
    assert peak < tiny_peak_mb + HEADROOM_MB, f"{name}: peak {peak:.0f} MB vs {tiny_peak_mb:.0f} MB"
