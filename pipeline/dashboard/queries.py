"""DuckDB queries and pandas aggregates behind every dashboard view.

All functions take a DuckDB connection holding the ``dyads`` table (see :func:`open_dyads`) and a
:class:`~pipeline.dashboard.urlstate.Filters`; they return small DataFrames.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import ruptures

from pipeline.dashboard.urlstate import DEFAULT_PAIR_COUNT, Filters, Pair, label_codes
from pipeline.relations.explain import method_text, why_text
from pipeline.schema import DYADS

Z_95 = 1.959963984540054
SERIES_COLUMNS = ["pair", "period", "mean", "lo", "hi", "n", "period_n", "below_min"]
SHIFT_COLUMNS = ["pair", "period", "before_mean", "after_mean", "change", "before_n", "after_n"]
_ENUM_COLUMNS = ("pair", "undirected", "kind", "source", "source_actor", "target_actor")
HISTOGRAM_BINS = 20
EVIDENCE_COLUMNS = [*DYADS, "author_actor"]
"""What evidence rows hold: the DYADS columns and the author of their article ("" when none)."""
_DYAD_COLUMNS = ", ".join(
    f'CAST("{column}" AS VARCHAR) AS "{column}"' if column in _ENUM_COLUMNS else f'"{column}"'
    for column in EVIDENCE_COLUMNS
)
"""The EVIDENCE_COLUMNS as stored (ENUM columns back to text)."""
_LATER_COLUMNS = {"method": "VARCHAR", "confidence": "DOUBLE"}
"""DYADS columns that stores written before them lack (read as NULL there)."""
_PERIOD_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
_PERIOD_STEP = {"day": "1 day", "week": "7 days", "month": "1 month", "quarter": "3 months", "year": "1 year"}


def open_dyads(dyads_path: Path, articles_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database of the store's dyads, with helper columns for fast filters:
    ``pair`` (``RUS>USA``), ``undirected`` (``RUS<>USA``) and ``ts`` (the UTC date as a naive
    timestamp: truncating tz-aware timestamps goes through ICU and is far slower), and the
    ``author_actor`` of each row's article from ``articles_path`` ("" without it, or when an older
    store's articles lack the column). Pair, kind and outlet columns become ENUMs (grouping and
    filtering on them is ~10× faster than on strings at 1M rows) and rows are sorted by pair and
    time so that zone maps skip other pairs' row groups.
    Columns an older store lacks (``_LATER_COLUMNS``) are added as NULL."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    authors, params = "SELECT NULL::VARCHAR AS article_id, NULL::VARCHAR AS author_actor WHERE false", []
    if articles_path is not None and "author_actor" in _parquet_columns(con, articles_path):
        authors, params = "SELECT article_id, author_actor FROM read_parquet(?)", [str(articles_path)]
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT d.*, d.source_actor || '>' || d.target_actor AS pair, "
        "least(d.source_actor, d.target_actor) || '<>' || greatest(d.source_actor, d.target_actor) AS undirected, "
        "CAST(d.date AS TIMESTAMP) AS ts, coalesce(a.author_actor, '') AS author_actor "
        f"FROM read_parquet(?) AS d LEFT JOIN ({authors}) AS a USING (article_id)",
        [str(dyads_path), *params],
    )
    present = {row[0] for row in con.execute("DESCRIBE raw").fetchall()}
    for column, sql_type in _LATER_COLUMNS.items():
        if column not in present:
            con.execute(f'ALTER TABLE raw ADD COLUMN "{column}" {sql_type}')
    for column in _ENUM_COLUMNS:
        con.execute(
            f"CREATE TYPE {column}_enum AS ENUM "
            f"(SELECT DISTINCT {column} FROM raw WHERE {column} IS NOT NULL ORDER BY 1)"
        )
    replaced = ", ".join(f"CAST({column} AS {column}_enum) AS {column}" for column in _ENUM_COLUMNS)
    con.execute(f"CREATE TABLE dyads AS SELECT * REPLACE ({replaced}) FROM raw ORDER BY pair, ts")
    con.execute("DROP TABLE raw")
    return con


def _in(column: str, values) -> str:
    """``column IN (?, …)`` (a filter DuckDB pushes into the scan, unlike list_contains); false if empty."""
    return f"{column} IN ({', '.join('?' * len(values))})" if values else "false"


def _where(filters: Filters, pairs: tuple[Pair, ...] | None = None) -> tuple[str, list]:
    """SQL WHERE clause and its parameters for the filters (``pairs`` overrides filters.pairs)."""
    pairs = filters.pairs if pairs is None else pairs
    clauses = ["ts >= ?", "ts < ?", _in("kind", filters.kinds)]
    params: list = [pd.Timestamp(filters.start), pd.Timestamp(filters.end) + pd.Timedelta(days=1), *filters.kinds]
    if filters.outlets:
        clauses.append(_in("source", filters.outlets))
        params.extend(filters.outlets)
    if pairs:
        directed = {str(p) for p in pairs}
        if filters.either:
            directed |= {str(p.reversed()) for p in pairs}
        clauses.append(_in("pair", directed))
        params.extend(sorted(directed))
    return " AND ".join(clauses), params


def _both_directions(filters: Filters, pair: Pair) -> tuple[str, list]:
    """The WHERE clause for both directions of ``pair`` under the other filters."""
    return _where(dataclasses.replace(filters, either=True), (pair,))


def _label_sql(either: bool) -> str:
    return "undirected" if either else "pair"


def top_pairs(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = DEFAULT_PAIR_COUNT) -> tuple[Pair, ...]:
    """The busiest directed pairs under the filters (used when no pair is chosen)."""
    where, params = _where(filters, pairs=())
    rows = (
        con.cursor()
        .execute(
            f"SELECT source_actor, target_actor FROM dyads WHERE {where} "
            "GROUP BY pair, source_actor, target_actor ORDER BY count(*) DESC, pair LIMIT ?",
            [*params, limit],
        )
        .fetchall()
    )
    return tuple(Pair(s, t) for s, t in rows)


def chosen_pairs(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[Pair, ...]:
    """The pairs the views show: the chosen ones, else the busiest."""
    return filters.pairs or top_pairs(con, filters)


def period_stats(con: duckdb.DuckDBPyConnection, filters: Filters, pairs: tuple[Pair, ...]) -> pd.DataFrame:
    """Per line label and period: the period's own count ``period_n`` and, pooled over a window of
    the last ``filters.smoothing`` periods with data, count ``n``, sum and sum of squares of the
    scores."""
    where, params = _where(filters, pairs)
    return (
        con.cursor()
        .execute(
            f"WITH periods AS (SELECT {_label_sql(filters.either)} AS pair, "
            "CAST(date_trunc(?, ts) AS DATE) AS period, count(*) AS n, "
            f"sum(score) AS total, sum(score * score) AS total_sq FROM dyads WHERE {where} GROUP BY ALL) "
            "SELECT CAST(pair AS VARCHAR) AS pair, period, n AS period_n, sum(n) OVER pooled AS n, "
            "sum(total) OVER pooled AS total, sum(total_sq) OVER pooled AS total_sq FROM periods WINDOW pooled AS "
            f"(PARTITION BY pair ORDER BY period ROWS BETWEEN {int(filters.smoothing) - 1} PRECEDING AND CURRENT ROW) "
            "ORDER BY pair, period",
            [filters.granularity, *params],
        )
        .df()
    )


def series_from_stats(stats: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Mean per period with the normal 95% CI of the mean, from the pooled count, sum and sum of
    squares; ``below_min`` marks periods whose own count is under ``min_count``."""
    if stats.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    n = stats["n"].to_numpy(dtype=float)
    mean = stats["total"].to_numpy() / n
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.where(n > 1, np.clip((stats["total_sq"].to_numpy() - n * mean**2) / (n - 1), 0, None), 0.0)
    half_width = Z_95 * np.sqrt(variance / n)
    return pd.DataFrame(
        {
            "pair": stats["pair"],
            "period": pd.to_datetime(stats["period"]),
            "mean": mean,
            "lo": mean - half_width,
            "hi": mean + half_width,
            "n": n.astype("int64"),
            "period_n": stats["period_n"].astype("int64"),
            "below_min": stats["period_n"] < min_count,
        }
    )


def trend_series(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """SERIES_COLUMNS for the chosen pairs (or the busiest) under the filters."""
    stats = period_stats(con, filters, chosen_pairs(con, filters))
    return series_from_stats(stats, filters.min_count)


def _period_end(period: dt.date, granularity: str) -> pd.Timestamp:
    offsets = {
        "day": pd.DateOffset(days=1),
        "week": pd.DateOffset(weeks=1),
        "month": pd.DateOffset(months=1),
        "quarter": pd.DateOffset(months=3),
        "year": pd.DateOffset(years=1),
    }
    return pd.Timestamp(period) + offsets[granularity]


def evidence(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    label: str | None = None,
    period: dt.date | None = None,
    periods_around: int = 0,
    search: str = "",
    limit: int = 5000,
) -> pd.DataFrame:
    """The dyad rows behind a view, newest first.

    ``label`` restricts to one trend line (``RUS>USA`` or ``RUS<>USA``); ``period`` to one period
    (widened by ``periods_around`` periods each side); ``search`` is a case-insensitive substring
    of the evidence or the speaker.
    """
    pairs = filters.pairs
    either = filters.either
    if label:
        either = "<>" in label
        pairs = (Pair(*label_codes(label)),)
    scoped = dataclasses.replace(filters, pairs=pairs, either=either)
    where, params = _where(scoped, pairs)
    if period is not None:
        step = _PERIOD_STEP[filters.granularity]
        where += f" AND ts >= ? - INTERVAL '{step}' * ? AND ts < ? + INTERVAL '{step}' * ?"
        first = pd.Timestamp(period)
        params += [first, periods_around, _period_end(period, filters.granularity), periods_around]
    if search.strip():
        where += " AND (contains(lower(evidence), ?) OR contains(lower(coalesce(speaker, '')), ?))"
        params += [search.strip().lower()] * 2
    return (
        con.cursor()
        .execute(
            f'SELECT {_DYAD_COLUMNS} FROM dyads WHERE {where} ORDER BY ts DESC, article_id, "start" LIMIT ?',
            [*params, limit],
        )
        .df()
    )


def matrix(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Mean score and count per (source_actor, target_actor) under the filters, all pairs."""
    where, params = _where(filters, pairs=())
    return (
        con.cursor()
        .execute(
            "SELECT CAST(source_actor AS VARCHAR) AS source_actor, CAST(target_actor AS VARCHAR) AS target_actor, "
            "mean, n FROM (SELECT source_actor, target_actor, avg(score) AS mean, count(*) AS n "
            f"FROM dyads WHERE {where} GROUP BY ALL) ORDER BY 1, 2",
            params,
        )
        .df()
    )


def speakers(con: duckdb.DuckDBPyConnection, filters: Filters, pair: Pair, limit: int = 10) -> pd.DataFrame:
    """The speakers who drive each direction of ``pair``: count and mean score, busiest first."""
    where, params = _both_directions(filters, pair)
    return (
        con.cursor()
        .execute(
            "SELECT CAST(pair AS VARCHAR) AS direction, speaker, count(*) AS n, "
            f"avg(score) AS mean FROM dyads WHERE {where} AND speaker IS NOT NULL AND speaker <> '' "
            "GROUP BY direction, speaker "
            "QUALIFY row_number() OVER (PARTITION BY direction ORDER BY n DESC, speaker) <= ? "
            "ORDER BY direction, n DESC, speaker",
            [*params, limit],
        )
        .df()
    )


def extreme_quotes(
    con: duckdb.DuckDBPyConnection, filters: Filters, pair: Pair, limit: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The most positive and the most negative evidence of both directions of ``pair``."""
    where, params = _both_directions(filters, pair)
    query = f"SELECT {_DYAD_COLUMNS} FROM dyads WHERE {where} ORDER BY score {{}}, ts DESC LIMIT ?"
    cursor = con.cursor()
    return (
        cursor.execute(query.format("DESC"), [*params, limit]).df(),
        cursor.execute(query.format("ASC"), [*params, limit]).df(),
    )


def score_histogram(con: duckdb.DuckDBPyConnection, filters: Filters, pair: Pair) -> pd.DataFrame:
    """Counts of the scores of each direction of ``pair`` in HISTOGRAM_BINS equal bins over
    [-1, 1] (labelled by ``bin_start``; the last bin includes 1)."""
    where, params = _both_directions(filters, pair)
    bins = HISTOGRAM_BINS
    return (
        con.cursor()
        .execute(
            f"SELECT CAST(pair AS VARCHAR) AS direction, "
            f"least(floor((score + 1) * {bins / 2} + 1e-9), {bins - 1}) * {2 / bins} - 1 AS bin_start, "
            "count(*) AS n FROM dyads "
            f"WHERE {where} GROUP BY ALL ORDER BY direction, bin_start",
            params,
        )
        .df()
    )


def direction_means(con: duckdb.DuckDBPyConnection, filters: Filters, pair: Pair) -> pd.DataFrame:
    """Mean score and count of each direction of ``pair`` (indexed by direction label)."""
    where, params = _both_directions(filters, pair)
    return (
        con.cursor()
        .execute(
            "SELECT CAST(pair AS VARCHAR) AS direction, avg(score) AS mean, count(*) AS n "
            f"FROM dyads WHERE {where} GROUP BY pair",
            params,
        )
        .df()
        .set_index("direction")
    )


def change_points(series: pd.DataFrame, penalty_scale: float = 3.0) -> pd.DataFrame:
    """Sentiment shifts per line by change-point detection (ruptures PELT, L2 cost) on the period means.

    ``series`` must be unsmoothed (smoothing 1). The penalty is ``penalty_scale · variance ·
    log(periods)`` of the line; each change reports the count-weighted means and counts of the
    segments before and after it, biggest change first.
    """
    rows = []
    for label, line in series.groupby("pair", sort=False):
        means = line["mean"].to_numpy(dtype=float)
        if len(means) < 4 or np.var(means) == 0:
            continue
        penalty = penalty_scale * np.var(means) * np.log(len(means))
        breaks = ruptures.Pelt(model="l2", min_size=2, jump=1).fit(means).predict(pen=penalty)
        bounds = [0, *breaks]
        totals = (line["mean"] * line["period_n"]).to_numpy()
        counts = line["period_n"].to_numpy()
        for left, cut, right in zip(bounds, bounds[1:], bounds[2:]):
            before_n, after_n = counts[left:cut].sum(), counts[cut:right].sum()
            before = totals[left:cut].sum() / before_n
            after = totals[cut:right].sum() / after_n
            rows.append((label, line["period"].iloc[cut], before, after, after - before, int(before_n), int(after_n)))
    shifts = pd.DataFrame(rows, columns=SHIFT_COLUMNS)
    return shifts.sort_values("change", key=np.abs, ascending=False, ignore_index=True)


def surrounding_paragraph(text: str, start: int, end: int) -> str:
    """The paragraph (blank-line or newline delimited) of ``text`` containing ``start``…``end``."""
    first = max(text.rfind("\n", 0, start) + 1, 0)
    stop = text.find("\n", end)
    return text[first : len(text) if stop == -1 else stop].strip()


def article_text(con: duckdb.DuckDBPyConnection, articles_path: Path, article_id: str) -> str | None:
    """The text of one stored article, or None when it is not in the store."""
    row = (
        con.cursor()
        .execute("SELECT text FROM read_parquet(?) WHERE article_id = ? LIMIT 1", [str(articles_path), article_id])
        .fetchone()
    )
    return row[0] if row else None


def store_summary(con: duckdb.DuckDBPyConnection, articles_path: Path) -> dict:
    """Counts and ranges of what the store holds (articles and dyads)."""
    articles = (
        con.cursor()
        .execute(
            "SELECT count(*), min(date), max(date), count(DISTINCT source) FROM read_parquet(?)",
            [str(articles_path)],
        )
        .fetchone()
    )
    dyads = con.cursor().execute("SELECT count(*), count(DISTINCT pair) FROM dyads").fetchone()
    return {
        "articles": articles[0],
        "first": articles[1],
        "last": articles[2],
        "outlets": articles[3],
        "dyads": dyads[0],
        "pairs": dyads[1],
    }


def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> set[str]:
    return set(con.cursor().execute("SELECT name FROM parquet_schema(?)", [str(path)]).df()["name"])


def has_synthetic(con: duckdb.DuckDBPyConnection, articles_path: Path) -> bool:
    """Whether any stored article is marked ``synthetic``."""
    if "synthetic" not in _parquet_columns(con, articles_path):
        return False
    cursor = con.cursor()
    return bool(
        cursor.execute(
            "SELECT coalesce(bool_or(synthetic), false) FROM read_parquet(?)", [str(articles_path)]
        ).fetchone()[0]
    )


def domain_values(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date, tuple[str, ...], tuple[str, ...]]:
    """First and last day (today for an empty store), directed pairs (busiest first) and outlets
    (alphabetical) of the dyads."""
    cursor = con.cursor()
    first, last = cursor.execute(
        "SELECT coalesce(CAST(min(ts) AS DATE), current_date), coalesce(CAST(max(ts) AS DATE), current_date) FROM dyads"
    ).fetchone()
    pairs = cursor.execute("SELECT pair FROM dyads GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()
    outlets = cursor.execute("SELECT DISTINCT source FROM dyads WHERE source IS NOT NULL ORDER BY 1").fetchall()
    return first, last, tuple(p for (p,) in pairs), tuple(o for (o,) in outlets)


def events_for(events: pd.DataFrame, labels: list[str], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events inside start…end that concern one of the shown lines (or name no pair at all)."""
    shown = set()
    for label in labels:
        source, target = label_codes(label)
        shown |= {f"{source}>{target}", f"{target}>{source}"} if "<>" in label else {label}
    inside = (events["date"] >= pd.Timestamp(start, tz="UTC")) & (
        events["date"] < pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1)
    )
    relevant = events["pairs"].map(lambda text: not text.strip() or bool(shown & {p.strip() for p in text.split(";")}))
    return events[inside & relevant]


EXTERNAL_SERIES_COLUMNS = ["pair", "period", "mean", "n"]


def external_series(events: pd.DataFrame, filters: Filters, pair: Pair) -> pd.DataFrame:
    """Mean Goldstein score and event count of each direction of ``pair`` per period of the filters'
    granularity, from external events (``date, source, target, goldstein``, see
    ``pipeline.dashboard.external``). Whole periods count: every period from the one holding the
    filters' first day to the one holding their last (a year of events beside a speech of September),
    labelled by its first day as in our series."""
    label = events["source"] + ">" + events["target"]
    chosen = events[label.isin([str(pair), str(pair.reversed())])]
    frequency = _PERIOD_FREQ[filters.granularity]
    period = chosen["date"].dt.tz_localize(None).dt.to_period(frequency).dt.start_time
    first, last = (pd.Timestamp(period_start(day, filters.granularity)) for day in (filters.start, filters.end))
    inside = period.between(first, last)
    if not inside.any():
        return pd.DataFrame(columns=EXTERNAL_SERIES_COLUMNS)
    grouped = chosen[inside].assign(pair=label[chosen.index][inside], period=period[inside])
    return grouped.groupby(["pair", "period"])["goldstein"].agg(mean="mean", n="size").reset_index()


def contribution_text(contributions: str | None) -> str:
    """``[["welcome", 0.42], ["threat", -0.3]]`` → ``"welcome +0.42, threat -0.30"`` (biggest first)."""
    if not contributions:
        return ""
    try:
        pairs = json.loads(contributions)
    except json.JSONDecodeError:
        return ""
    ranked = sorted(pairs, key=lambda item: -abs(float(item[1])))
    return ", ".join(f"{word} {float(delta):+.2f}" for word, delta in ranked)


def _actor_label(names: dict[str, str]):
    """``RUS`` → ``Russia (RUS)``."""
    return lambda code: f"{names.get(code, code)} ({code})"


def evidence_display(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Evidence rows as the dashboard shows them: actors by name, the article's author ("" when it has
    none), why the direction holds (method and confidence as text, "—" for rows of older stores),
    contributions as text."""
    label = _actor_label(names)
    authors = rows["author_actor"].fillna("") if "author_actor" in rows else pd.Series("", index=rows.index)
    return pd.DataFrame(
        {
            "date": rows["date"].dt.strftime("%Y-%m-%d"),
            "outlet": rows["source"],
            "author": authors.map(lambda code: label(code) if code else ""),
            "speaker": rows["speaker"],
            "source actor": rows["source_actor"].map(label),
            "target actor": rows["target_actor"].map(label),
            "kind": rows["kind"],
            "why": [why_text(method, confidence) for method, confidence in zip(rows["method"], rows["confidence"])],
            "score": rows["score"],
            "evidence": rows["evidence"],
            "word contributions": rows["contributions"].map(contribution_text),
            "article": rows["url"].where(rows["url"].str.match(r"(?i)https?://", na=False)),
        }
    )


def relations_display(relations: pd.DataFrame, texts: dict[str, str], names: dict[str, str]) -> pd.DataFrame:
    """The relations found in analysed texts (``texts``: article id → text), most confident first
    within each sentence: ``A → B`` for a direction (``A – B`` for a co-mention), the event word, its
    polarity, why the direction holds, the confidence and the evidence span."""
    label = _actor_label(names)
    rows = relations.sort_values(["article_id", "sent_idx", "confidence"], ascending=[True, True, False])
    arrows = rows["directed"].map({True: "→", False: "–"})
    pairs = zip(rows["source_actor"], arrows, rows["target_actor"])
    spans = zip(rows["article_id"], rows["evidence_start"], rows["evidence_end"])
    return pd.DataFrame(
        {
            "sentence": rows["sent_idx"].to_numpy(),
            "relation": [f"{label(source)} {arrow} {label(target)}" for source, arrow, target in pairs],
            "kind": rows["kind"].to_numpy(),
            "event": rows["event"].to_numpy(),
            "polarity": rows["polarity"].to_numpy(),
            "why": rows["method"].map(method_text).to_numpy(),
            "confidence": rows["confidence"].to_numpy(),
            "evidence": [texts.get(article_id, "")[start:end] for article_id, start, end in spans],
        }
    )


def reason_counts(rejections: pd.DataFrame) -> pd.DataFrame:
    """How many records were rejected for each reason (the text before the first colon), most first."""
    reasons = rejections["reason"].astype(str).str.split(":").str[0]
    return reasons.value_counts().rename_axis("reason").reset_index()


def period_start(day: dt.date, granularity: str) -> dt.date:
    """The first day of the day/week (Monday)/month/quarter containing ``day``, as DuckDB's
    ``date_trunc`` gives it."""
    return pd.Timestamp(day).to_period(_PERIOD_FREQ[granularity]).start_time.date()


EVENT_COLUMNS = ["date", "title", "pairs", "description"]


def read_events(path: Path) -> tuple[pd.DataFrame, str | None]:
    """Events CSV (``date,title,pairs,description``; pairs as ``RUS>USA;USA>RUS``) with UTC dates,
    and a one-line problem naming the file (and line) when it cannot be used; no file, no events."""
    empty = pd.DataFrame(columns=EVENT_COLUMNS)
    if not path.exists():
        return empty, None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        return empty, f"{path.name}: unreadable ({str(error).splitlines()[0]})"
    missing = [column for column in EVENT_COLUMNS if column not in frame.columns]
    if missing:
        return empty, f"{path.name}: missing column(s) {', '.join(missing)}"
    dates = pd.to_datetime(frame["date"], utc=True, errors="coerce", format="mixed")
    if dates.isna().any():
        index = int(dates.isna().to_numpy().argmax())
        return empty, f"{path.name}, line {index + 2}: unparseable date {frame['date'].iloc[index]!r}"
    return frame.assign(date=dates)[EVENT_COLUMNS], None


def dictionary_tables(dictionary, search: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The actor dictionary as two browsable tables (actors; people's dated roles), keeping only
    rows that contain ``search`` (case-insensitive) when it is given."""
    actors = pd.DataFrame(
        [(a.id, a.name, a.kind, ", ".join(a.aliases), ", ".join(a.demonyms), ", ".join(a.capitals),
          ", ".join(a.institutions)) for a in dictionary.actors.values()],
        columns=["id", "name", "kind", "aliases", "demonyms", "capitals", "institutions"],
    )
    people = pd.DataFrame(
        [(p.name, r.actor, r.title, r.start, r.end) for p in dictionary.people.values() for r in p.roles],
        columns=["person", "actor", "title", "from", "until"],
    )
    needle = search.strip().lower()
    if not needle:
        return actors, people

    def matching(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame.map(str).agg(" ".join, axis=1).str.lower().str.contains(needle, regex=False)]

    return matching(actors), matching(people)
