"""The unqualified title of an authored text's head of state (pipeline.authors)."""

import pandas as pd
import pytest

from pipeline.analyse import analyse


def _tables(text: str, author: str | None, date: str = "2022-03-01") -> dict[str, pd.DataFrame]:
    articles = pd.DataFrame({"article_id": ["a1"], "date": [pd.Timestamp(date, tz="UTC")], "title": [""],
                             "text": [text], "source": ["test"], "url": [""], "author_actor": [author]})
    return analyse(articles)


@pytest.mark.parametrize("text, expected", [
    ("Nikol Pashinyan informed the President about the talks.", [("the President", "RUS", "Vladimir Putin")]),
    ("The Head of State met the President of Finland.", [("The Head of State", "RUS", "Vladimir Putin")]),
    ("The President's envoy arrived.", [("The President", "RUS", "Vladimir Putin")]),
])
def test_an_unqualified_title_names_the_author_and_its_president_on_the_date(text, expected):
    mentions = _tables(text, "RUS")["mentions"]
    roles = mentions[mentions["mention_type"] == "role"]
    found = [tuple(row) for row in roles[["surface", "actor", "person"]].itertuples(index=False)
             if row.surface.lower().startswith(("the president", "the head of state")) and row.actor == "RUS"]
    assert found == expected


def test_without_an_author_the_title_is_nobodys():
    mentions = _tables("Nikol Pashinyan informed the President about the talks.", None)["mentions"]
    assert list(mentions["actor"]) == ["ARM"]


def test_a_quote_of_the_unqualified_president_is_the_authors():
    tables = _tables('"Our partners have kept their word," the President said, thanking Poland.', "UKR")
    quote = tables["quotes"].iloc[0]
    assert (quote["speaker_actor"], quote["speaker_person"]) == ("UKR", "Volodymyr Zelensky")
