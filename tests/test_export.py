"""Formula-injection-safe CSV and Markdown escaping."""

import io
import re

import pandas as pd
import pytest

from pipeline.export import markdown_escape, neutralise, to_csv_bytes


@pytest.mark.parametrize("dangerous", ["=1+1", "+33 1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://x")'])
def test_formula_like_cells_are_prefixed(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Peskov", " =not first", "", "1+1"])
def test_other_text_is_unchanged(harmless):
    assert neutralise(harmless) == harmless


def test_csv_neutralises_text_and_headers_but_keeps_numbers():
    frame = pd.DataFrame(
        {"outlet": ["=cmd|' /C calc'!A0", "Daily Planet", None], "score": [-0.5, 0.25, 1.0], "@n": [1, 2, 3]}
    )
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), keep_default_na=False)
    assert list(back.columns) == ["outlet", "score", "'@n"]
    assert back["outlet"].tolist() == ["'=cmd|' /C calc'!A0", "Daily Planet", ""]
    assert back["score"].tolist() == [-0.5, 0.25, 1.0]
    assert frame["outlet"].iloc[0].startswith("=")


def test_markdown_escape_disarms_links_emphasis_and_tags():
    escaped = markdown_escape("[click](http://evil) **bold** <img src=x>")
    assert not re.search(r"(?<!\\)[\[\]()*<>]", escaped)
    assert escaped.replace("\\", "") == "[click](http://evil) **bold** <img src=x>"
