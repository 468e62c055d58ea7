"""Entente dashboard entry: navigation, the shared URL-bound sidebar filters, then the page."""

import duckdb
import streamlit as st

from pipeline import corrections, datasets
from pipeline.dashboard import loaders, settings
from pipeline.dashboard import urlstate as url
from pipeline.export import markdown_escape
from pipeline.schema import DYAD_KINDS
from pipeline.store import current_version_dir, store_version
from pipeline.store_migrate import migrate

st.set_page_config(page_title="Entente", page_icon="🌐", layout="wide")
"""The favicon is an emoji, drawn in the browser: a Material icon would be fetched from fonts.gstatic.com."""

PURPOSES = {
    "Trends": "Sentiment of each actor pair over time with 95% confidence bands; click a point for its quotes.",
    "Pair": "One pair in both directions: asymmetry, score distribution, speakers, extreme quotes, a brief.",
    "Matrix": "Mean sentiment of what each source actor says about each target; click a cell for its trend.",
    "Quotes": "Search the evidence under the filters: a sortable table with CSV export.",
    "Shifts": "The biggest changes in each pair's sentiment (change-point detection), with the quotes around them.",
    "Try text": "Paste a text and a date to see the actors, quotes and relations the pipeline finds in it.",
    "Data": "What the store holds and rejected, uploads of new articles, and the actor dictionary.",
}
"""What each page is for (by title): its navigation tooltip and the line under its title."""

PAGES = {
    "trends": st.Page(
        "app_pages/trends.py",
        title="Trends",
        icon=":material/show_chart:",
        default=True,
        help=PURPOSES["Trends"],
    ),
    "pair": st.Page(
        "app_pages/pair.py",
        title="Pair",
        icon=":material/compare_arrows:",
        help=PURPOSES["Pair"],
    ),
    "matrix": st.Page(
        "app_pages/matrix.py",
        title="Matrix",
        icon=":material/grid_on:",
        help=PURPOSES["Matrix"],
    ),
    "quotes": st.Page(
        "app_pages/quotes.py",
        title="Quotes",
        icon=":material/format_quote:",
        help=PURPOSES["Quotes"],
    ),
    "shifts": st.Page(
        "app_pages/shifts.py",
        title="Shifts",
        icon=":material/trending_up:",
        help=PURPOSES["Shifts"],
    ),
    "try": st.Page(
        "app_pages/try_text.py",
        title="Try text",
        icon=":material/edit_note:",
        help=PURPOSES["Try text"],
    ),
    "data": st.Page(
        "app_pages/data.py",
        title="Data",
        icon=":material/database:",
        help=PURPOSES["Data"],
    ),
}
PAGE_PARAMS = {"Trends": [url.EVENTS], "Pair": [url.PAIR], "Quotes": [url.SEARCH], "Shifts": [url.SENSITIVITY]}
"""The page-level URL parameters of each page (by title), for the shareable link."""
ALL_FILTERS = frozenset({url.DATES, url.PAIRS, url.EITHER, url.GRANULARITY, url.SMOOTHING, url.KINDS, url.OUTLETS,
                         url.MIN_COUNT, url.POINT, url.RAW})
PAGE_FILTERS = {
    "Trends": ALL_FILTERS,
    "Pair": ALL_FILTERS - {url.EITHER, url.POINT},
    "Matrix": frozenset({url.DATES, url.KINDS, url.OUTLETS, url.RAW}),
    "Quotes": frozenset({url.DATES, url.PAIRS, url.EITHER, url.KINDS, url.OUTLETS, url.RAW}),
    "Shifts": frozenset({url.DATES, url.PAIRS, url.EITHER, url.GRANULARITY, url.KINDS, url.OUTLETS, url.RAW}),
}
"""The sidebar filters that act on each page (by title); Try text and Data have none."""
page = st.navigation(list(PAGES.values()), position="top")


def clear_dataset_values() -> None:
    """Forget the filter values that belong to the previous dataset (dates, pairs, outlets, point)."""
    for name in url.DATASET_VALUES:
        st.session_state.pop(name, None)
    st.session_state["dataset_switched"] = True


if target := st.session_state.pop("goto", None):
    st.switch_page(PAGES[target], query_params={})

if opened := st.session_state.pop("open_dataset", None):  # a dataset just created on the Data page
    st.session_state[url.DATASET] = opened
    clear_dataset_values()
switched = st.session_state.pop("dataset_switched", False)  # then the URL still holds the old dataset's values
raw_params = {
    name: st.query_params.get_all(name)
    for name in st.query_params
    if not (switched and name in url.DATASET_VALUES)
}
dataset_names = [] if settings.single_store() else datasets.available()
if dataset_names:
    dataset = st.sidebar.selectbox(
        "Dataset",
        dataset_names,
        key=url.DATASET,
        bind="query-params",
        on_change=clear_dataset_values,
        help=f"Named datasets side by side; '{datasets.DEMO}' is the synthetic demo.",
    )
    store = datasets.dataset_dir(dataset)
else:
    dataset, store = None, settings.store_dir()
try:
    if current_version_dir(store) is None and dataset in (None, datasets.DEMO):
        from pipeline.run import ensure_store  # the whole analysis chain (spaCy): imported only to build

        progress = st.progress(0.0, text="Building the demo store…")
        ensure_store(
            store,
            settings.DEMO_CORPUS,
            on_progress=lambda done, total, stage: progress.progress(
                done / max(total, 1), text=f"Building the demo store: {stage} {done}/{total}"
            ),
        )
        progress.empty()
    migrate(store)  # a store of one file per table (written before partitions) becomes partitioned
    version = store_version(store)
    corrections_stamp = corrections.stamp(store)
    domain = loaders.domain(store, version, corrections_stamp)
    summary = loaders.summary(store, version)
except (ValueError, OSError, duckdb.Error) as error:
    st.error(f"The store at {markdown_escape(store)} cannot be read: {markdown_escape(str(error).splitlines()[0])}")
    st.stop()

active_filters = PAGE_FILTERS.get(page.title, set())
with st.sidebar:
    if not domain.pairs:
        st.info("The store holds no actor pairs yet: add articles on the Data page.", icon=":material/info:")
    if summary["synthetic"]:
        st.badge("Synthetic demo data", icon=":material/science:", color="orange")
    for warning in url.check_dataset(raw_params, dataset_names) + url.check_params(raw_params, domain):
        st.warning(warning, icon=":material/link_off:")
    if not active_filters:
        st.caption("No filters act on this page.")
    # Filters that do not act on the page are hidden by style rather than left out: Streamlit drops the URL
    # parameter of a bound widget that is not rendered, and the URL must keep every filter.
    hidden = [f".st-key-{name}" for name in sorted(ALL_FILTERS - active_filters)]
    hidden += [f".st-key-{url.PAIRS}_names"] if url.PAIRS not in active_filters else []
    st.html(f"<style>{', '.join(hidden)} {{ display: none; }}</style>" if hidden else "<style></style>")
    dates = st.date_input(
        "Date range",
        value=(domain.first, domain.last),
        min_value=domain.first,
        max_value=domain.last,
        key=url.DATES,
        bind="query-params",
    )
    codes = tuple(sorted({code for pair in domain.pairs for code in url.label_codes(pair)}))
    names = loaders.actor_names(codes, loaders.names_version())
    pairs = st.multiselect(
        "Actor pairs",
        domain.pairs,
        key=url.PAIRS,
        bind="query-params",
        placeholder=f"busiest {url.DEFAULT_PAIR_COUNT} pairs",
        help="Directed pairs SOURCE>TARGET (RUS>USA: what Russian actors say about the United States).",
    )
    with st.container(key=f"{url.PAIRS}_names"):
        for pair in pairs:
            st.caption(url.label_name(pair, names))
    either = st.toggle(
        "Either direction", key=url.EITHER, bind="query-params", help="Merge A>B and B>A into one line A<>B."
    )
    granularity = st.segmented_control(
        "Granularity",
        url.GRANULARITIES,
        default=url.DEFAULT_GRANULARITY,
        key=url.GRANULARITY,
        bind="query-params",
    )
    smoothing = st.number_input(
        "Smoothing window (periods)",
        1,
        url.MAX_SMOOTHING,
        url.DEFAULT_SMOOTHING,
        key=url.SMOOTHING,
        bind="query-params",
        help="Pool the scores of this many consecutive periods with data.",
    )
    kinds = st.pills(
        "Evidence",
        DYAD_KINDS,
        selection_mode="multi",
        default=list(DYAD_KINDS),
        format_func=url.KIND_LABELS.get,
        key=url.KINDS,
        bind="query-params",
        help="quote: a speaker's quoted words; statement: what the text says an actor does or says; "
        "author: what an authored text's author (a speech's country) says in the first person; "
        "co-mention: two actors named together, no direction.",
    )
    outlets = st.multiselect(
        "Outlets", domain.outlets, key=url.OUTLETS, bind="query-params", placeholder="all outlets"
    )
    min_count = st.number_input(
        "Minimum items per point",
        1,
        url.MAX_MIN_COUNT,
        url.DEFAULT_MIN_COUNT,
        key=url.MIN_COUNT,
        bind="query-params",
        help="Points with fewer items are greyed.",
    )
    point = st.text_input(
        "Selected point",
        key=url.POINT,
        bind="query-params",
        help="PAIR@PERIOD-START, set by clicking a point on Trends; clear it to close the drill-down.",
    )
    raw = st.toggle(
        "Raw figures (ignore corrections)",
        key=url.RAW,
        bind="query-params",
        help="Show the machine's figures without the analysts' corrections (listed on the Data page).",
    )

filters = url.filters_from_widgets(dates, pairs, either, granularity, smoothing, kinds, outlets, min_count, domain)
st.session_state["view"] = loaders.View(
    store, version, domain, filters, names, url.parse_point(point or ""), "" if raw else corrections_stamp
)

page_values = {
    name: st.session_state[name] if name in st.session_state else st.query_params.get(name)
    for name in PAGE_PARAMS.get(page.title, ())
}
with st.sidebar.popover("Copy link", icon=":material/link:"), st.container(key="share_link"):
    params = (
        url.dataset_params(dataset, dataset_names)
        | url.filters_to_params(filters, domain, point or "", raw)
        | url.page_params(page_values)
    )
    st.session_state["share_url"] = url.share_url(st.context.url or "", params)
    st.code(st.session_state["share_url"], language=None, wrap_lines=True)
st.session_state["synthetic"] = summary["synthetic"]

st.title(page.title, anchor=False)
st.caption(PURPOSES[page.title])
page.run()
