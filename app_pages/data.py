"""Data: what the store holds, analysts' corrections, uploads that run the pipeline, and the actor dictionary."""

import streamlit as st

from app_pages.components import ANALYST, download
from pipeline import corrections, datasets
from pipeline.dashboard import corrected, loaders, queries
from pipeline.export import markdown_escape
from pipeline.run import run_uploads

UPLOAD_TYPES = ["csv", "tsv", "json", "jsonl", "ndjson", "parquet", "gz"]

view: loaders.View = st.session_state["view"]
summary = loaders.summary(view.store, view.version)

with st.container(horizontal=True):  # each metric as wide as its figure: long counts are never cut
    counts = {"Articles": "articles", "Dyads": "dyads", "Actor pairs": "pairs", "Outlets": "outlets"}
    for label, name in counts.items():
        st.metric(label, f"{summary[name]:,}", border=True, width="content")
    first, last = summary["first"], summary["last"]
    st.metric(
        "Date range",
        f"{first:%b %Y} – {last:%b %Y}" if first else "empty",
        help=f"{first:%Y-%m-%d} … {last:%Y-%m-%d}" if first else None,
        border=True,
        width="content",
    )

manifest = summary["manifest"]
accounting = manifest.get("accounting", {})
st.markdown(
    f"**Last run** {markdown_escape(manifest.get('created_at', 'unknown'))} · version `{view.version}` · "
    + (
        f"read {accounting['read']} = accepted {accounting['accepted']} + rejected {accounting['rejected']}"
        if {"read", "accepted", "rejected"} <= set(accounting)
        else "no accounting in the manifest"
    )
)
with st.expander("Manifest"):
    st.json(manifest, expanded=False)

rejected = loaders.rejected(view.store, view.version)
st.markdown(f"**Rejected records** ({len(rejected)})")
if rejected.empty:
    st.caption("No input record has been rejected.")
else:
    st.dataframe(queries.reason_counts(rejected), hide_index=True)
    st.dataframe(rejected, hide_index=True)
    download(rejected, "entente_rejected.csv", key="rejected_csv")

st.divider()
listed = loaders.correction_list(view.store, view.version, corrections.stamp(view.store))
st.markdown(f"**Corrections** ({len(listed)})")
if undone := st.session_state.pop("correction_undone", None):
    st.success(undone, icon=":material/undo:")
if listed.empty:
    st.caption("No corrections: select a row of a drill-down (Trends), of Pair or of Quotes to mark it wrong.")
else:
    st.caption("Applied in every figure, chart, matrix and export (the sidebar's raw toggle shows the figures "
               "without them). Select one to undo it.")
    chosen = st.dataframe(corrected.display(listed), key="corrections_table", on_select="rerun",
                          selection_mode="single-row", hide_index=True,
                          column_config={"evidence": st.column_config.TextColumn(width="large")})
    rows = chosen.selection.rows if chosen else []
    with st.container(horizontal=True, vertical_alignment="bottom"):
        who = st.text_input("Your name", value=st.session_state.get(ANALYST, ""), max_chars=corrections.MAX_WHO,
                            key="undo_who")
        if st.button("Undo the selected correction", disabled=not rows, key="corrections_undo", icon=":material/undo:"):
            st.session_state[ANALYST] = who
            try:
                corrections.undo(view.store, listed["correction_id"].iloc[rows[0]], who)
            except corrections.CorrectionError as error:
                st.error(markdown_escape(error))
            else:
                st.session_state["correction_undone"] = "Undone: the figures are the machine's again for that row."
                st.rerun()
log = corrections.read_log(view.store)
if not log.empty:
    download(log, "entente_corrections.csv", key="corrections_csv")

st.divider()
st.markdown("**Add articles**")
uploads = st.file_uploader(
    "CSV, TSV, JSON, JSONL or Parquet files (optionally gzipped)",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key="upload_files",
)
new_dataset = None
if datasets.is_demo(view.store):
    name = st.text_input("New dataset", key="upload_dataset", placeholder="e.g. gulf-desk").strip()
    st.caption("The synthetic demo is never extended: your files start (or extend) the dataset you name here.")
    try:
        new_dataset = datasets.check_name(name) if name else None
    except ValueError as problem:
        st.warning(markdown_escape(problem))
target = datasets.dataset_dir(new_dataset) if new_dataset else view.store
if st.button(
    f"Add to '{new_dataset}'" if new_dataset else "Add to the store",
    disabled=not uploads or (datasets.is_demo(view.store) and not new_dataset),
    key="upload_run",
    icon=":material/upload:",
):
    progress = st.progress(0.0, text="Starting…")
    try:
        report = run_uploads(
            [(upload.name, upload.getvalue()) for upload in uploads],
            target,
            on_progress=lambda done, total, stage: progress.progress(
                min(done / max(total, 1), 1.0), text=f"{stage} {done}/{total}"
            ),
        )
    except ValueError as error:
        progress.empty()
        st.error(markdown_escape(error))
        st.stop()
    progress.progress(1.0, text="Done")
    st.session_state["upload_report"] = report
    if new_dataset:
        st.session_state["open_dataset"] = new_dataset
        st.rerun()

if report := st.session_state.get("upload_report"):
    st.success(report.accounting_line(), icon=":material/task_alt:")
    if not report.rejections.empty:
        st.dataframe(queries.reason_counts(report.rejections), hide_index=True)
        st.dataframe(report.rejections, hide_index=True)

st.divider()
st.markdown("**Actor dictionary**")
dictionary, problem = loaders.dictionary()
if dictionary is None:
    st.warning(f"The actor dictionary cannot be loaded: {markdown_escape(problem)}")
else:
    search = st.text_input("Find an actor or person", key="dictionary_search")
    actors, people = queries.dictionary_tables(dictionary, search)
    st.caption(
        f"Dictionary version {markdown_escape(dictionary.version)}: {len(actors)} actors, {len(people)} roles shown."
    )
    st.dataframe(actors, hide_index=True)
    st.dataframe(people, hide_index=True)
