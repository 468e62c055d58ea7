"""Bombs never expand: each runs through the real CLI in a subprocess whose peak memory (ru_maxrss) is
compared with the same CLI reading one small good file. The byte cap is the real one."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from pipeline.load.limits import MAX_INPUT_BYTES

ROOT = Path(__file__).resolve().parents[1]
HEADROOM_MB = 100
"""Bombs may use this much more memory than reading one small good file (the cap is 512 MB)."""
PEAK_OF_CLI = """
import json, resource, sys
from pipeline.__main__ import main
code = main(["validate", sys.argv[1], "--store", sys.argv[2]])
print(json.dumps({"code": code, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _peak(path: Path, store: Path) -> tuple[int, float, str]:
    result = subprocess.run([sys.executable, "-c", PEAK_OF_CLI, str(path), str(store)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome["code"], outcome["peak_mb"], result.stdout + result.stderr


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


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory) -> float:
    folder = tmp_path_factory.mktemp("baseline")
    good = folder / "good.csv"
    good.write_text("date,text\n2025-03-04,Chile thanked Peru.\n")
    code, peak, output = _peak(good, folder / "store")
    assert code == 0, output
    return peak


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_is_rejected_without_expanding(name, tmp_path, baseline_mb):
    make, expected_code, reason = BOMBS[name]
    code, peak, output = _peak(make(tmp_path), tmp_path / "store")
    print(f"{name}: peak {peak:.0f} MB (reading one good file: {baseline_mb:.0f} MB)")
    assert code == expected_code and reason in output, output
    assert peak < baseline_mb + HEADROOM_MB, f"{name}: peak {peak:.0f} MB vs {baseline_mb:.0f} MB"
