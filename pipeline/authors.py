"""Authored texts: the unqualified "the President" of a release is its author's.

An article with an ``author_actor`` (a presidency's press release, a ministry readout, a speech) names
its own head of state without saying whose: "Pashinyan informed the President", "the President
said". Such a title, where no actor mention covers it, becomes a role mention of the author — and
of the person who held the author's presidency on the article's date, when the dictionary knows him
or her — so that quote speakers and relations resolve like any other role mention.
"""

import re

import pandas as pd

from pipeline.actors import ActorDictionary
from pipeline.schema import MENTIONS

AUTHOR_TITLE = re.compile(r"\b(?:[Tt]he|THE) (?:President|Head of State|Head of the State)\b(?!\s+of\b|['’]s? of\b)")


def with_author_titles(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame,
                       dictionary: ActorDictionary) -> pd.DataFrame:
    """``mentions`` plus a role mention of the author for each unqualified title in an authored article."""
    if "author_actor" not in articles:
        return mentions
    authored = articles[articles["author_actor"].map(lambda a: isinstance(a, str) and a != "")]
    if authored.empty:
        return mentions
    author_of = dict(zip(authored["article_id"], authored["author_actor"]))
    date_of = dict(zip(authored["article_id"], authored["date"]))
    own = mentions[mentions["article_id"].isin(author_of)]
    taken = own.groupby("article_id")[["start", "end"]].apply(lambda f: list(zip(f["start"], f["end"])))
    rows = []
    for article_id, sent_idx, offset, text in zip(sentences["article_id"], sentences["sent_idx"], sentences["start"],
                                                  sentences["text"]):
        if article_id not in author_of or not isinstance(text, str):
            continue
        spans = taken.get(article_id, [])
        for match in AUTHOR_TITLE.finditer(text):
            start, end = offset + match.start(), offset + match.end()
            if not any(s < end and start < e for s, e in spans):
                person = _president(dictionary, author_of[article_id], date_of[article_id])
                rows.append((article_id, sent_idx, start, end, match.group(), author_of[article_id], person, "role"))
    if not rows:
        return mentions
    added = pd.DataFrame(rows, columns=MENTIONS).astype(mentions.dtypes.to_dict())
    return pd.concat([mentions, added], ignore_index=True).sort_values(
        ["article_id", "sent_idx", "start"], kind="stable").reset_index(drop=True)


def _president(dictionary: ActorDictionary, actor: str, date) -> str | None:
    holders = dictionary.people_at(date, actor=actor, title="president")
    return holders[0].person.name if len(holders) == 1 else None
