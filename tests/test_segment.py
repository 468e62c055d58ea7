import pandas as pd
import pytest

from pipeline.segment import paragraph_spans, split_sentences


def sentences_of(text):
    frame = split_sentences(pd.DataFrame({"article_id": ["a"], "text": [text]}))
    for row in frame.itertuples():
        assert text[row.start:row.end] == row.text
    return frame


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. Army said it was ready. Then U.S. officials left.",
         ["The U.S. Army said it was ready.", "Then U.S. officials left."]),
        ("Gen. Ortega spoke at 3 p.m. on Monday. Growth was 2.5 percent... Then it fell.",
         ["Gen. Ortega spoke at 3 p.m. on Monday.", "Growth was 2.5 percent...", "Then it fell."]),
        ("The U.N.’s envoy, Mr. Alder, arrived. He spoke briefly.",
         ["The U.N.’s envoy, Mr. Alder, arrived.", "He spoke briefly."]),
        ("“We are ready to talk,” the minister said on Friday. “Nothing else.”",
         ["“We are ready to talk,” the minister said on Friday.", "“Nothing else.”"]),
    ],
)
def test_abbreviations_decimals_and_closing_quotes_stay_intact(text, expected):
    assert sentences_of(text)["text"].tolist() == expected


def test_paragraphs_are_numbered_and_offsets_index_the_article():
    text = "First para one. First para two.\n\nSecond para.\nThird para, on its own line."
    frame = sentences_of(text)
    assert frame["para_idx"].tolist() == [0, 0, 1, 2]
    assert frame["sent_idx"].tolist() == [0, 1, 2, 3]


def test_hard_wrapped_line_does_not_start_a_paragraph():
    text = "The delegation arrived in the\ncapital late on Tuesday. Talks begin today."
    assert len(paragraph_spans(text)) == 1
    assert sentences_of(text)["text"].iloc[0].endswith("late on Tuesday.")


def test_blank_text_yields_no_sentences():
    assert sentences_of("  \n\n ").empty
