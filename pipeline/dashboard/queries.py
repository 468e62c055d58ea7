"""DuckDB queries and pandas aggregates behind every dashboard view.

All functions take a :class:`StoreDB` (see :func:`open_store`) and a
:class:`~pipeline.dashboard.urlstate.Filters`; they return small DataFrames. Filter changes (trends,
matrix, busiest pairs, direction means) query only the in-memory ``days`` table of day totals; the
dyads themselves are read in place from the version's month files (only the months, columns and row
groups a query needs) for evidence rows, speakers and score distributions; a search looks its words up
in the postings the store built at write time. A database with analysts' corrections applied
(``pipeline.dashboard.corrected``) adds their day-total deltas to ``days`` and swaps the corrected rows into
every row read (:func:`_rows`, :func:`_corrected`), so that every figure, table and export sees them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.corrections import IDENTITY
from pipeline.dashboard.urlstate import DEFAULT_PAIR_COUNT, Filters, Pair, label_codes
from pipeline.relations.explain import method_text, why_text
from pipeline.schema import DYADS
from pipeline.store import AUTHORS_FILE, Version
from pipeline.store_index import TERM_SPLIT, query_terms

Z_95 = 1.959963984540054
SERIES_COLUMNS = ["pair", "period", "mean", "lo", "hi", "n", "period_n", "below_min"]
SHIFT_COLUMNS = ["pair", "period", "before_mean", "after_mean", "change", "before_n", "after_n"]
_ENUM_COLUMNS = ("pair", "undirected", "kind", "source", "source_actor", "target_actor")
_ACTORS = "SELECT source_actor FROM raw UNION SELECT target_actor FROM raw"
_ENUM_VALUES = {"pair": "SELECT pair FROM raw UNION SELECT target_actor || '>' || source_actor FROM raw",
                "source_actor": _ACTORS, "target_actor": _ACTORS}
"""The values of the ENUMs that differ from the column's own: a corrected direction swaps actors and pair."""
HISTOGRAM_BINS = 20
EVIDENCE_COLUMNS = [*DYADS, "author_actor", "correction"]
"""What evidence rows hold: the DYADS columns, the author of their article ("" when none) and the analyst's
correction applied to the row ("" when none)."""
_DYAD_COLUMNS = ", ".join(f'd."{column}"' for column in DYADS)
_EVIDENCE_SELECT = f"{_DYAD_COLUMNS}, coalesce(a.author_actor, '') AS author_actor, d.correction"
_PERIOD_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
_PERIOD_STEP = {"day": "1 day", "week": "7 days", "month": "1 month", "quarter": "3 months", "year": "1 year"}
_EVIDENCE_ORDER = 'date DESC, article_id, "start"'
_IDENTITY = ", ".join(f'"{column}"' for column in IDENTITY)
_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class StoreDB:
    """One store version for the dashboard: an in-memory DuckDB database of its day totals (``days``)
    and article authors (``authors``), and the version's files for reading dyads in place; with
    ``corrected`` (a tag, see ``pipeline.dashboard.corrected``) every query sees analysts' corrections."""

    con: duckdb.DuckDBPyConnection
    version: Version
    corrected: str = ""

    @property
    def days(self) -> str:
        """The day totals as a FROM item: the table, plus the corrections' deltas when corrected."""
        return f"(SELECT * FROM days UNION ALL SELECT * FROM corr_days_{self.corrected})" if self.corrected else "days"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the database (one per query: cursors may serve different threads)."""
        return self.con.cursor()

    def months(self, start: dt.date, end: dt.date) -> list[str]:
        """The months (newest first) holding dyads between ``start`` and ``end``."""
        first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
        return [month for month in reversed(self.version.months("dyads")) if first <= month <= last]

    def dyad_file(self, month: str) -> str:
        return str(self.version.month_file("dyads", month))

    def terms_file(self, month: str) -> str:
        return str(self.version.month_file("dyad_terms", month))


def open_store(version: Version, memory_limit: str = "1GB") -> StoreDB:
    """The dashboard database of a (partitioned) store version: its day totals, with ``pair``
    (``RUS>USA``) and ``undirected`` (``RUS<>USA``) columns; pair, kind and outlet columns become ENUMs
    (grouping and filtering on them is ~10× faster than on strings) and rows are sorted by pair and day
    so that zone maps skip other pairs; and the authors of authored articles."""
    con = duckdb.connect(config={"memory_limit": memory_limit})
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET parquet_metadata_cache = true")  # a version's files never change
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT *, source_actor || '>' || target_actor AS pair, "
        "least(source_actor, target_actor) || '<>' || greatest(source_actor, target_actor) AS undirected "
        "FROM read_parquet(?)",
        [[str(path) for path in version.files("dyad_days")]],
    )
    for column in _ENUM_COLUMNS:
        values = _ENUM_VALUES.get(column, f"SELECT {column} FROM raw")
        con.execute(f"CREATE TYPE {column}_enum AS ENUM "
                    f"(SELECT DISTINCT value FROM ({values}) AS v(value) WHERE value IS NOT NULL ORDER BY 1)")
    replaced = ", ".join(f"CAST({column} AS {column}_enum) AS {column}" for column in _ENUM_COLUMNS)
    con.execute(f"CREATE TABLE days AS SELECT * REPLACE ({replaced}) FROM raw ORDER BY pair, day")
    con.execute("DROP TABLE raw")
    con.execute("CREATE TABLE authors AS SELECT * FROM read_parquet(?)", [str(version.dir / AUTHORS_FILE)])
    return StoreDB(con, version)


def _in(column: str, values) -> str:
    """``column IN (?, …)`` (a filter DuckDB pushes into the scan, unlike list_contains); false if empty."""
    return f"{column} IN ({', '.join('?' * len(values))})" if values else "false"


def _where(filters: Filters, pairs: tuple[Pair, ...] | None = None, *, in_place: bool = False) -> tuple[str, list]:
    """SQL WHERE clause and its parameters for the filters (``pairs`` overrides filters.pairs), on the
    ``days`` table or, ``in_place``, on dyad files (on their own columns, so that DuckDB pushes every
    condition into the Parquet scan and skips row groups by their statistics)."""
    pairs = filters.pairs if pairs is None else pairs
    if in_place:
        clauses = ["date >= ?", "date < ?"]
        first = pd.Timestamp(filters.start, tz="UTC")
        params: list = [first, pd.Timestamp(filters.end, tz="UTC") + pd.Timedelta(days=1)]
    else:
        clauses, params = ["day >= ?", "day <= ?"], [filters.start, filters.end]
    clauses.append(_in("kind", filters.kinds))
    params.extend(filters.kinds)
    if filters.outlets:
        clauses.append(_in("source", filters.outlets))
        params.extend(filters.outlets)
    if pairs:
        directed = {str(p) for p in pairs}
        if filters.either:
            directed |= {str(p.reversed()) for p in pairs}
        directed = sorted(directed)
        if in_place:
            sources, targets = (sorted({label_codes(label)[i] for label in directed}) for i in (0, 1))
            clauses += [_in("source_actor", sources), _in("target_actor", targets),
                        _in("source_actor || '>' || target_actor", directed)]
            params += [*sources, *targets]
        else:
            clauses.append(_in("pair", directed))
        params.extend(directed)
    return " AND ".join(clauses), params


def _both_directions(filters: Filters, pair: Pair, *, in_place: bool = False) -> tuple[str, list]:
    """The WHERE clause for both directions of ``pair`` under the other filters."""
    return _where(dataclasses.replace(filters, either=True), (pair,), in_place=in_place)


def _label_sql(either: bool) -> str:
    return "undirected" if either else "pair"


def top_pairs(con: StoreDB, filters: Filters, limit: int = DEFAULT_PAIR_COUNT) -> tuple[Pair, ...]:
    """The busiest directed pairs under the filters (used when no pair is chosen)."""
    where, params = _where(filters, pairs=())
    rows = (
        con.cursor()
        .execute(
            f"SELECT source_actor, target_actor FROM {con.days} WHERE {where} "
            "GROUP BY pair, source_actor, target_actor HAVING sum(n) > 0 ORDER BY sum(n) DESC, pair LIMIT ?",
            [*params, limit],
        )
        .fetchall()
    )
    return tuple(Pair(s, t) for s, t in rows)


def chosen_pairs(con: StoreDB, filters: Filters) -> tuple[Pair, ...]:
    """The pairs the views show: the chosen ones, else the busiest."""
    return filters.pairs or top_pairs(con, filters)


def period_stats(con: StoreDB, filters: Filters, pairs: tuple[Pair, ...]) -> pd.DataFrame:
    """Per line label and period: the period's own count ``period_n`` and, pooled over a window of
    the last ``filters.smoothing`` periods with data, count ``n``, sum and sum of squares of the
    scores."""
    where, params = _where(filters, pairs)
    return (
        con.cursor()
        .execute(
            f"WITH periods AS (SELECT {_label_sql(filters.either)} AS pair, "
            "CAST(date_trunc(?, day) AS DATE) AS period, sum(n) AS n, "
            f"sum(total) AS total, sum(total_sq) AS total_sq FROM {con.days} WHERE {where} GROUP BY ALL "
            "HAVING sum(n) > 0) "
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


def trend_series(con: StoreDB, filters: Filters) -> pd.DataFrame:
    """SERIES_COLUMNS for the chosen pairs (or the busiest) under the filters."""
    stats = period_stats(con, filters, chosen_pairs(con, filters))
    return series_from_stats(stats, filters.min_count)


_PERIOD_OFFSET = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}


def _period_window(period: dt.date, granularity: str, around: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First instant of the period ``around`` periods before ``period`` and the end (exclusive) of the
    period ``around`` periods after it."""
    first = pd.Timestamp(period, tz="UTC")
    step = _PERIOD_OFFSET[granularity]
    return first - step * around, first + step * (around + 1)


def _files(con: StoreDB, months: list[str]) -> list[str]:
    """The dyad files of ``months``; the (row-less) schema file when there are none."""
    return [con.dyad_file(month) for month in months] or [str(path) for path in con.version.files("dyads", [])]


def evidence(
    con: StoreDB,
    filters: Filters,
    *,
    label: str | None = None,
    period: dt.date | None = None,
    periods_around: int = 0,
    search: str = "",
    limit: int = 5000,
) -> pd.DataFrame:
    """The dyad rows behind a view, newest first, read month by month (newest month first) until
    ``limit`` rows are found.

    ``label`` restricts to one trend line (``RUS>USA`` or ``RUS<>USA``); ``period`` to one period
    (widened by ``periods_around`` periods each side); ``search`` to rows whose evidence or speaker
    holds every word of it, the last word possibly as the beginning of a word (``pesk`` finds
    Peskov; case and punctuation do not matter), looked up in the store's postings.
    """
    pairs = filters.pairs
    either = filters.either
    if label:
        either = "<>" in label
        pairs = (Pair(*label_codes(label)),)
    scoped = dataclasses.replace(filters, pairs=pairs, either=either)
    where, params = _where(scoped, pairs, in_place=True)
    start, end = filters.start, filters.end
    if period is not None:
        first, stop = _period_window(period, filters.granularity, periods_around)
        where += " AND date >= ? AND date < ?"
        params += [first, stop]
        start, end = max(start, first.date()), min(end, (stop - pd.Timedelta(days=1)).date())
    if search.strip():
        return _searched_rows(con, con.months(start, end) if start <= end else [], where, params,
                              query_terms(search, con.cursor()), limit)
    frames, found = [], 0
    for month in con.months(start, end) if start <= end else []:
        frame = _evidence_rows(con, [month], where, params, limit - found)
        frames.append(frame)
        found += len(frame)
        if found >= limit:
            break
    filled = [frame for frame in frames if len(frame)]
    if not filled:
        return frames[0] if frames else _evidence_rows(con, [], where, params, 0)
    return filled[0] if len(filled) == 1 else pd.concat(filled, ignore_index=True)


def _with_authors(rows_sql: str) -> str:
    """EVIDENCE_COLUMNS of the rows of ``rows_sql`` (aliased ``d``), newest first."""
    return (f"SELECT {_EVIDENCE_SELECT} FROM ({rows_sql}) AS d "
            f"LEFT JOIN authors AS a USING (article_id) ORDER BY {_EVIDENCE_ORDER}")


def _rows(con: StoreDB, months: list[str], where: str, params: list) -> tuple[str, list]:
    """A FROM item of the dyad rows of ``months`` matching ``where`` (read in place, with a ``correction``
    column), corrected when ``con`` is, and its parameters."""
    raw = f"SELECT *, '' AS correction FROM read_parquet(?) WHERE {where}"
    if not con.corrected:
        return f"({raw})", [_files(con, months), *params]
    return f"({_corrected(con, raw, months, where)})", [_files(con, months), *params, *params]


def _corrected(con: StoreDB, raw: str, months: list[str], where: str) -> str:
    """The dyad rows of ``raw`` (SQL with a ``correction`` column) without those an active correction matches,
    plus the corrected rows of ``months`` that match ``where``."""
    tag = con.corrected
    chosen = ", ".join(f"'{month}'" for month in months if _MONTH.fullmatch(month)) or "NULL"
    return (f"SELECT r.* FROM ({raw}) AS r ANTI JOIN corr_keys_{tag} USING ({_IDENTITY}) UNION ALL BY NAME "
            f"SELECT * EXCLUDE (month) FROM corr_rows_{tag} WHERE month IN ({chosen}) AND ({where})")


def _evidence_rows(con: StoreDB, months: list[str], where: str, params: list, limit: int) -> pd.DataFrame:
    """The rows of ``months`` matching ``where``, newest first, at most ``limit``."""
    rows, rows_params = _rows(con, months, where, params)
    return con.cursor().execute(
        _with_authors(f"SELECT * FROM {rows} ORDER BY {_EVIDENCE_ORDER} LIMIT ?"), [*rows_params, limit]
    ).df()


def _searched_rows(con: StoreDB, months: list[str], where: str, params: list, terms: list[str], limit: int,
                   ) -> pd.DataFrame:
    """The rows of ``months`` (newest first) matching ``where`` whose postings hold every term (the last
    as a prefix), newest first, at most ``limit``.

    The postings give (month, row) pairs, joined with the dyad files by month and row number on the
    narrow columns that filters and order need: first in the newest month, then in the months with hits
    in batches of 2, 4, … months until ``limit`` rows are found; only the rows found are then read whole.
    """
    if not terms or not months:
        return _evidence_rows(con, [], "false", [], 0)
    postings = "SELECT month, row FROM read_parquet($terms, hive_partitioning = true) WHERE "
    lookups = [postings + f"term = $term{index}" for index in range(len(terms) - 1)]
    lookups.append(postings + "term >= $prefix AND term < $after")
    hits = " INTERSECT ".join(lookups)
    term_params = {f"term{index}": term for index, term in enumerate(terms[:-1])} | {
        "prefix": terms[-1], "after": terms[-1] + "\U0010ffff"}
    scan = "read_parquet($dyads, hive_partitioning = true, file_row_number = true) AS d"
    narrow = (
        f"SELECT d.month, d.file_row_number AS row FROM {scan} SEMI JOIN ({hits}) AS h "
        f"ON d.month = h.month AND d.file_row_number = h.row WHERE {_named(where)} "
        f"ORDER BY {_EVIDENCE_ORDER} LIMIT $limit"
    )
    named = term_params | {f"p{index}": value for index, value in enumerate(params)}
    cursor = con.cursor()

    def found_in(chosen: list[str], wanted: int) -> list[tuple[str, int]]:
        return cursor.execute(narrow, named | {"limit": wanted, "terms": [con.terms_file(m) for m in chosen],
                                                "dyads": _files(con, chosen)}).fetchall()

    keys = found_in(months[:1], limit)
    remaining = months[1:]
    if len(keys) < limit and remaining:
        months_hit = {month for (month,) in cursor.execute(
            f"SELECT DISTINCT month FROM ({hits})", term_params | {"terms": [con.terms_file(m) for m in remaining]}
        ).fetchall()}
        remaining, batch = [month for month in remaining if month in months_hit], 2
        while remaining and len(keys) < limit:
            chosen, remaining, batch = remaining[:batch], remaining[batch:], batch * 2
            keys += found_in(chosen, limit - len(keys))
    if not keys and not con.corrected:
        return _evidence_rows(con, [], "false", [], 0)
    key_months, key_rows = (list(column) for column in zip(*keys)) if keys else ([], [])
    query_params = {"dyads": _files(con, sorted(set(key_months), reverse=True)), "limit": limit}
    if keys:
        rows = (
            f"SELECT d.* EXCLUDE (month, file_row_number), '' AS correction FROM {scan} SEMI JOIN "
            "(SELECT unnest($key_months) AS month, unnest($key_rows) AS row) AS k "
            "ON d.month = k.month AND d.file_row_number = k.row"
        )
        query_params |= {"key_months": key_months, "key_rows": key_rows}
    else:
        rows = "SELECT *, '' AS correction FROM read_parquet($dyads) WHERE false"
    if con.corrected:
        rows = _corrected(con, rows, months, f"{_named(where)} AND {_holds_terms(len(terms))}")
        query_params |= named | {"split": TERM_SPLIT}
    return cursor.execute(_with_authors(rows) + " LIMIT $limit", query_params).df()


def _holds_terms(count: int) -> str:
    """SQL: the row's evidence or speaker holds the first ``count - 1`` terms (``$term0`` …) and a word
    starting with the last (``$prefix`` … ``$after``), split as the postings split them (``$split``)."""
    words = "regexp_split_to_array(lower(coalesce(evidence, '') || ' ' || coalesce(speaker, '')), $split)"
    exact = [f"list_contains({words}, $term{index})" for index in range(count - 1)]
    return " AND ".join([*exact, f"len(list_filter({words}, lambda w: w >= $prefix AND w < $after)) > 0"])


def _named(where: str) -> str:
    """``where`` with its ``?`` placeholders named ``$p0``, ``$p1``, …"""
    parts = where.split("?")
    return "".join(part + (f"$p{index}" if index < len(parts) - 1 else "") for index, part in enumerate(parts))


def matrix(con: StoreDB, filters: Filters) -> pd.DataFrame:
    """Mean score and count per (source_actor, target_actor) under the filters, all pairs."""
    where, params = _where(filters, pairs=())
    return (
        con.cursor()
        .execute(
            "SELECT CAST(source_actor AS VARCHAR) AS source_actor, CAST(target_actor AS VARCHAR) AS target_actor, "
            "mean, n FROM (SELECT source_actor, target_actor, sum(total) / sum(n) AS mean, sum(n) AS n "
            f"FROM {con.days} WHERE {where} GROUP BY ALL HAVING sum(n) > 0) ORDER BY 1, 2",
            params,
        )
        .df()
    )


def _pair_rows(con: StoreDB, filters: Filters, pair: Pair) -> tuple[str, list]:
    """A FROM clause of both directions of ``pair`` read in place (with their ``direction`` label)
    under the filters, and its parameters."""
    where, params = _both_directions(filters, pair, in_place=True)
    rows, rows_params = _rows(con, con.months(filters.start, filters.end), where, params)
    return f"(SELECT *, source_actor || '>' || target_actor AS direction FROM {rows})", rows_params


def speakers(con: StoreDB, filters: Filters, pair: Pair, limit: int = 10) -> pd.DataFrame:
    """The speakers who drive each direction of ``pair``: count and mean score, busiest first."""
    rows, params = _pair_rows(con, filters, pair)
    return (
        con.cursor()
        .execute(
            f"SELECT direction, speaker, count(*) AS n, avg(score) AS mean FROM {rows} "
            "WHERE speaker IS NOT NULL AND speaker <> '' GROUP BY direction, speaker "
            "QUALIFY row_number() OVER (PARTITION BY direction ORDER BY n DESC, speaker) <= ? "
            "ORDER BY direction, n DESC, speaker",
            [*params, limit],
        )
        .df()
    )


def extreme_quotes(con: StoreDB, filters: Filters, pair: Pair, limit: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The most positive and the most negative evidence of both directions of ``pair``."""
    rows, params = _pair_rows(con, filters, pair)
    query = (
        f"SELECT {_EVIDENCE_SELECT} FROM "
        f"(SELECT * FROM {rows} ORDER BY score {{0}}, date DESC LIMIT ?) AS d "
        "LEFT JOIN authors AS a USING (article_id) ORDER BY score {0}, date DESC"
    )
    cursor = con.cursor()
    return (
        cursor.execute(query.format("DESC"), [*params, limit]).df(),
        cursor.execute(query.format("ASC"), [*params, limit]).df(),
    )


def score_histogram(con: StoreDB, filters: Filters, pair: Pair) -> pd.DataFrame:
    """Counts of the scores of each direction of ``pair`` in HISTOGRAM_BINS equal bins over
    [-1, 1] (labelled by ``bin_start``; the last bin includes 1)."""
    rows, params = _pair_rows(con, filters, pair)
    bins = HISTOGRAM_BINS
    return (
        con.cursor()
        .execute(
            "SELECT direction, "
            f"least(floor((score + 1) * {bins / 2} + 1e-9), {bins - 1}) * {2 / bins} - 1 AS bin_start, "
            f"count(*) AS n FROM {rows} GROUP BY ALL ORDER BY direction, bin_start",
            params,
        )
        .df()
    )


def direction_means(con: StoreDB, filters: Filters, pair: Pair) -> pd.DataFrame:
    """Mean score and count of each direction of ``pair`` (indexed by direction label)."""
    where, params = _both_directions(filters, pair)
    return (
        con.cursor()
        .execute(
            "SELECT CAST(pair AS VARCHAR) AS direction, sum(total) / sum(n) AS mean, sum(n) AS n "
            f"FROM {con.days} WHERE {where} GROUP BY pair HAVING sum(n) > 0",
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
    import ruptures  # scipy underneath: imported on first use, so that the app starts without it

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


def article_text(con: StoreDB, articles_path: Path, article_id: str) -> str | None:
    """The text of one stored article, or None when it is not in the store."""
    row = (
        con.cursor()
        .execute("SELECT text FROM read_parquet(?) WHERE article_id = ? LIMIT 1", [str(articles_path), article_id])
        .fetchone()
    )
    return row[0] if row else None


def store_summary(con: StoreDB, articles_path: Path) -> dict:
    """Counts and ranges of what the store holds (articles and dyads)."""
    articles = (
        con.cursor()
        .execute(
            "SELECT count(*), min(date), max(date), count(DISTINCT source) FROM read_parquet(?)",
            [str(articles_path)],
        )
        .fetchone()
    )
    dyads = con.cursor().execute(
        "SELECT coalesce(sum(n), 0), count(*) FILTER (n > 0) FROM "
        f"(SELECT pair, sum(n) AS n FROM {con.days} GROUP BY pair)"
    ).fetchone()
    return {
        "articles": articles[0],
        "first": articles[1],
        "last": articles[2],
        "outlets": articles[3],
        "dyads": dyads[0],
        "pairs": dyads[1],
    }


def _parquet_columns(con: StoreDB, path: Path) -> set[str]:
    return set(con.cursor().execute("SELECT name FROM parquet_schema(?)", [str(path)]).df()["name"])


def has_synthetic(con: StoreDB, articles_path: Path) -> bool:
    """Whether any stored article is marked ``synthetic``."""
    if "synthetic" not in _parquet_columns(con, articles_path):
        return False
    cursor = con.cursor()
    return bool(
        cursor.execute(
            "SELECT coalesce(bool_or(synthetic), false) FROM read_parquet(?)", [str(articles_path)]
        ).fetchone()[0]
    )


def domain_values(con: StoreDB) -> tuple[dt.date, dt.date, tuple[str, ...], tuple[str, ...]]:
    """First and last day (today for an empty store), directed pairs (busiest first) and outlets
    (alphabetical) of the dyads."""
    cursor = con.cursor()
    first, last = cursor.execute(
        "SELECT coalesce(min(day), current_date), coalesce(max(day), current_date) FROM days"
    ).fetchone()
    pairs = cursor.execute(
        f"SELECT CAST(pair AS VARCHAR) FROM {con.days} GROUP BY pair HAVING sum(n) > 0 ORDER BY sum(n) DESC, pair"
    ).fetchall()
    outlets = cursor.execute(
        "SELECT DISTINCT CAST(source AS VARCHAR) FROM days WHERE source IS NOT NULL ORDER BY 1"
    ).fetchall()
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
            "correction": rows["correction"] if "correction" in rows else "",
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
