"""Try text: run the analysis on a pasted text and a date and show every intermediate table."""

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages.components import WHY_HELP, download
from pipeline.analyse import analyse
from pipeline.dashboard import loaders, queries
from pipeline.export import markdown_escape

MAX_CHARS = 100_000

with st.form("try_form"):
    text = st.text_area(
        "Text",
        height=220,
        max_chars=MAX_CHARS,
        key="try_text",
        placeholder='e.g. "We welcome the talks," the Kremlin spokesman Dmitry Peskov said of Washington.',
    )
    day = st.date_input(
        "Date of the text",
        value=dt.date.today(),
        key="try_date",
        help="Officials are resolved to the country they represented on this date.",
    )
    submitted = st.form_submit_button("Analyse", icon=":material/play_arrow:")

if not submitted and "try_result" not in st.session_state:
    st.caption("Paste a text and press Analyse.")
    st.stop()
if submitted:
    if not text.strip():
        st.warning("The text is empty: nothing to analyse.")
        st.stop()
    article = pd.DataFrame(
        {
            "article_id": ["pasted"],
            "date": [pd.Timestamp(day, tz="UTC")],
            "title": [""],
            "text": [text],
            "source": ["pasted text"],
            "url": [""],
        }
    )
    try:
        st.session_state["try_result"] = {"articles": article, **analyse(article)}
    except ValueError as error:
        st.error(f"The text could not be analysed: {markdown_escape(str(error).splitlines()[0])}")
        st.stop()
tables = st.session_state["try_result"]

articles, sentences, mentions, quotes, relations, dyads = (
    tables[name] for name in ("articles", "sentences", "mentions", "quotes", "relations", "dyads")
)
counts = {"Sentences": sentences, "Actor mentions": mentions, "Quotes": quotes, "Relations": relations, "Dyads": dyads}
for column, (label, frame) in zip(st.columns(len(counts)), counts.items()):
    column.metric(label, len(frame), border=True)
codes = tuple(sorted({*relations["source_actor"], *relations["target_actor"], *dyads["source_actor"],
                      *dyads["target_actor"]}))
names = loaders.actor_names(codes, loaders.names_version())


def table_or_note(title: str, frame: pd.DataFrame, columns: list[str], note: str) -> None:
    """A titled table of ``columns``, or ``note`` when ``frame`` is empty."""
    st.markdown(f"**{title}**")
    if frame.empty:
        st.caption(note)
    else:
        st.dataframe(frame[columns], hide_index=True)


st.markdown("**Dyads with scores and word contributions**")
if dyads.empty:
    st.info("No directed actor pairs found: the text needs at least two actors (or a speaker and an actor).")
else:
    shown = queries.evidence_display(dyads, names).drop(columns=["date", "outlet", "author", "article"])
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "score": st.column_config.NumberColumn(format="%+.2f"),
            "why": st.column_config.TextColumn(help=WHY_HELP),
        },
    )
    download(dyads, "entente_try_text_dyads.csv", key="try_csv")

st.markdown("**Relations: who acts on whom, and why**")
if relations.empty:
    st.caption("No relations found.")
else:
    st.caption(
        "A → B: the text states a relation from A toward B, decided by the rule or model under *why*; "
        "A – B: both are named but nothing gave a direction (a co-mention)."
    )
    st.dataframe(
        queries.relations_display(relations, dict(zip(articles["article_id"], articles["text"])), names),
        hide_index=True,
        column_config={
            "polarity": st.column_config.NumberColumn(format="%+.2f", help="The event word's polarity in context."),
            "why": st.column_config.TextColumn(help=WHY_HELP),
            "confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f"),
            "evidence": st.column_config.TextColumn(width="large"),
        },
    )
table_or_note(
    "Quotes and speakers", quotes, ["text", "speaker", "speaker_person", "speaker_actor", "cue"], "No quotes found."
)
table_or_note("Actors found", mentions, ["sent_idx", "surface", "actor", "person", "mention_type"], "No actors found.")
table_or_note("Sentences", sentences, ["sent_idx", "para_idx", "text"], "No sentences.")
