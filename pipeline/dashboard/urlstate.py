"""The one owner of the dashboard's URL state: parameter names, parsing, validation, defaults.

Every sidebar filter is a Streamlit widget bound to a query parameter (``bind="query-params"``);
Streamlit drops values it cannot use without saying so, so :func:`check_params` reads the raw URL
first and explains each rejected value in a warning. A pair is written ``SRC>TGT`` (e.g.
``RUS>USA``) and the selected point ``SRC>TGT@YYYY-MM-DD`` (the start of the period).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from pipeline.schema import DYAD_KINDS

DATASET = "dataset"
DATES = "dates"
PAIRS = "pairs"
EITHER = "either"
GRANULARITY = "gran"
SMOOTHING = "smooth"
KINDS = "kinds"
OUTLETS = "outlets"
MIN_COUNT = "min_n"
POINT = "point"
RAW = "raw"
SEARCH = "q"
PAIR = "pair"
EVENTS = "events"
SENSITIVITY = "sens"
"""Query-parameter names (each is also the widget key). DATASET (the named dataset shown), DATES …
POINT and RAW (the raw figures, ignoring analysts' corrections) are the shared sidebar filters (kept
across pages); SEARCH, PAIR, EVENTS and SENSITIVITY belong
to one page each."""
DATASET_VALUES = (DATES, PAIRS, OUTLETS, POINT, PAIR)
"""The parameters whose values belong to one dataset: switching datasets clears them."""

GRANULARITIES = ("day", "week", "month", "quarter", "year")
DEFAULT_GRANULARITY = "month"
DEFAULT_SMOOTHING = 1
MAX_SMOOTHING = 12
DEFAULT_MIN_COUNT = 3
MAX_MIN_COUNT = 1000
DEFAULT_SENSITIVITY = 3.0
SENSITIVITY_RANGE = (0.5, 10.0, 0.5)
"""Penalty scale of the change-point search on Shifts: lowest, highest, step."""
MAX_SHOWN_VALUE = 60
"""Warnings quote at most this many characters of a rejected URL value."""
DEFAULT_PAIR_COUNT = 5
"""With no pair chosen, the busiest this many pairs are shown."""

KIND_LABELS = {"quote": "quote", "statement": "statement", "author": "author", "comention": "co-mention"}
"""Label of each DYAD_KINDS value in the kind filter (``author``: the author's first-person statements)."""
MAX_PERIOD_DAYS = 366
"""The longest period (a year): a selected point may start this long before the first day."""

_ACTOR = r"[A-Z][A-Z0-9]{1,9}"
_PAIR_RE = re.compile(rf"^({_ACTOR})>({_ACTOR})$")
_BOOLEANS = ("true", "false")


@dataclass(frozen=True)
class Pair:
    """A directed actor pair."""

    source: str
    target: str

    def __str__(self) -> str:
        return f"{self.source}>{self.target}"

    def reversed(self) -> Pair:
        return Pair(self.target, self.source)


@dataclass(frozen=True)
class Point:
    """A selected point of a trend line: the pair label and the start of its period."""

    pair: str
    period: dt.date

    def __str__(self) -> str:
        return f"{self.pair}@{self.period.isoformat()}"


@dataclass(frozen=True)
class Domain:
    """What the store holds, against which URL values are validated."""

    first: dt.date
    last: dt.date
    pairs: tuple[str, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class Filters:
    """Every shared filter, hashable so that cached queries can key on it."""

    start: dt.date
    end: dt.date
    pairs: tuple[Pair, ...] = ()
    either: bool = False
    granularity: str = DEFAULT_GRANULARITY
    smoothing: int = DEFAULT_SMOOTHING
    kinds: tuple[str, ...] = DYAD_KINDS
    outlets: tuple[str, ...] = ()
    min_count: int = DEFAULT_MIN_COUNT


def parse_pair(text: str) -> Pair | None:
    """``"RUS>USA"`` → Pair (an id is a capital then 1–9 capitals or digits: EU, G7); None when
    malformed or reflexive."""
    match = _PAIR_RE.match(text.strip())
    if not match or match[1] == match[2]:
        return None
    return Pair(match[1], match[2])


def parse_point(text: str) -> Point | None:
    """``"RUS>USA@2025-03-01"`` (or ``RUS<>USA@…``) → Point; None when malformed."""
    label, sep, day = text.strip().partition("@")
    if not sep:
        return None
    codes = label.split("<>")
    valid_label = (
        parse_pair(label) is not None
        if len(codes) == 1
        else len(codes) == 2 and codes == sorted(codes) and parse_pair(">".join(codes)) is not None
    )
    period = _parse_day(day)
    return Point(label, period) if valid_label and period else None


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _int_in(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _shown(value: str) -> str:
    """A rejected URL value as a warning quotes it: inside a code span it cannot leave, on one line."""
    return value.replace("`", "'").replace("\n", " ").replace("\r", " ")[:MAX_SHOWN_VALUE]


def check_params(raw: Mapping[str, Sequence[str]], domain: Domain) -> list[str]:
    """One warning per URL parameter whose value cannot be used (the filter then uses its default)."""
    warnings: list[str] = []

    def warn(name: str, value: str, reason: str) -> None:
        warnings.append(f"Ignored URL parameter `{name}={_shown(value)}`: {reason}; using the default.")

    if values := raw.get(DATES):
        days = [_parse_day(v) for v in values]
        if len(values) not in (1, 2) or None in days:
            warn(DATES, ",".join(values), "expected one or two dates YYYY-MM-DD")
        elif days[0] < domain.first or days[-1] > domain.last or days[0] > days[-1]:
            warn(DATES, ",".join(values), f"outside the data ({domain.first} … {domain.last})")
    if values := raw.get(PAIRS):
        bad = [v for v in values if parse_pair(v) is None or v not in domain.pairs]
        if bad:
            warn(PAIRS, ",".join(bad), "not a pair in the data (write pairs as RUS>USA)")
    for name in (EITHER, EVENTS, RAW):
        if (values := raw.get(name)) and values[-1].lower() not in _BOOLEANS:
            warn(name, values[-1], "expected true or false")
    if (values := raw.get(PAIR)) and values[-1] not in domain.pairs:
        warn(PAIR, values[-1], "not a pair in the data (write pairs as RUS>USA)")
    if values := raw.get(SENSITIVITY):
        low, high, step = SENSITIVITY_RANGE
        try:
            value = float(values[-1])
        except ValueError:
            value = None
        if value is None or not low <= value <= high or (value - low) % step:
            warn(SENSITIVITY, values[-1], f"expected a number {low}–{high} in steps of {step}")
    if values := raw.get(GRANULARITY):
        if values[-1] not in GRANULARITIES:
            warn(GRANULARITY, values[-1], f"expected one of {', '.join(GRANULARITIES)}")
    if values := raw.get(SMOOTHING):
        if _int_in(values[-1], 1, MAX_SMOOTHING) is None:
            warn(SMOOTHING, values[-1], f"expected a whole number 1–{MAX_SMOOTHING}")
    if values := raw.get(KINDS):
        bad = [v for v in values if v not in DYAD_KINDS]
        if bad:
            warn(KINDS, ",".join(bad), f"expected {', '.join(DYAD_KINDS)}")
    if values := raw.get(OUTLETS):
        bad = [v for v in values if v not in domain.outlets]
        if bad:
            warn(OUTLETS, ",".join(bad), "not an outlet in the data")
    if values := raw.get(MIN_COUNT):
        if _int_in(values[-1], 1, MAX_MIN_COUNT) is None:
            warn(MIN_COUNT, values[-1], f"expected a whole number 1–{MAX_MIN_COUNT}")
    if (values := raw.get(POINT)) and values[-1]:
        point = parse_point(values[-1])
        if point is None:
            warn(POINT, values[-1], "expected PAIR@YYYY-MM-DD, e.g. RUS>USA@2025-03-01")
        elif not domain.first - dt.timedelta(days=MAX_PERIOD_DAYS) <= point.period <= domain.last:
            warn(POINT, values[-1], f"outside the data ({domain.first} … {domain.last})")
    return warnings


def check_dataset(raw: Mapping[str, Sequence[str]], names: Sequence[str]) -> list[str]:
    """A warning when the URL names a dataset that is not among ``names`` (the first is then shown)."""
    values = raw.get(DATASET)
    if not values or values[-1] in names:
        return []
    return [f"Ignored URL parameter `{DATASET}={_shown(values[-1])}`: no such dataset (datasets: {', '.join(names)}); "
            f"showing '{names[0]}'."]


def dataset_params(name: str | None, names: Sequence[str]) -> dict[str, list[str]]:
    """The query parameter naming the shown dataset: none for the default (the first of ``names``) or
    without named datasets (``name`` None)."""
    return {DATASET: [name]} if name and names and name != names[0] else {}


def filters_from_widgets(
    dates: Sequence[dt.date],
    pairs: Sequence[str],
    either: bool,
    granularity: str | None,
    smoothing: int,
    kinds: Sequence[str],
    outlets: Sequence[str],
    min_count: int,
    domain: Domain,
) -> Filters:
    """Turn widget values into Filters (a half-entered date range is completed from the domain)."""
    start = dates[0] if dates else domain.first
    end = dates[1] if len(dates) > 1 else domain.last
    return Filters(
        start=start,
        end=end,
        pairs=tuple(p for p in map(parse_pair, pairs) if p is not None),
        either=either,
        granularity=granularity or DEFAULT_GRANULARITY,
        smoothing=int(smoothing),
        kinds=tuple(kinds),
        outlets=tuple(outlets),
        min_count=int(min_count),
    )


def share_url(base: str, params: Mapping[str, Sequence[str] | str]) -> str:
    """The full shareable URL: ``base`` plus the query string (repeated keys for lists)."""
    query = urlencode([(k, v) for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs)])
    return f"{base}?{query}" if query else base


def filters_to_params(filters: Filters, domain: Domain, point: str = "", raw: bool = False) -> dict[str, list[str]]:
    """The query parameters that reproduce ``filters`` (the selected point, and the raw figures when
    ``raw``); defaults are left out, as Streamlit does for bound widgets."""
    params: dict[str, list[str]] = {}
    if (filters.start, filters.end) != (domain.first, domain.last):
        params[DATES] = [filters.start.isoformat(), filters.end.isoformat()]
    if filters.pairs:
        params[PAIRS] = [str(pair) for pair in filters.pairs]
    if filters.either:
        params[EITHER] = ["true"]
    if filters.granularity != DEFAULT_GRANULARITY:
        params[GRANULARITY] = [filters.granularity]
    if filters.smoothing != DEFAULT_SMOOTHING:
        params[SMOOTHING] = [str(filters.smoothing)]
    if set(filters.kinds) != set(DYAD_KINDS):
        params[KINDS] = list(filters.kinds)
    if filters.outlets:
        params[OUTLETS] = list(filters.outlets)
    if filters.min_count != DEFAULT_MIN_COUNT:
        params[MIN_COUNT] = [str(filters.min_count)]
    if point:
        params[POINT] = [point]
    if raw:
        params[RAW] = ["true"]
    return params


def label_codes(label: str) -> list[str]:
    """The two actor codes of a line label (``RUS>USA`` or ``RUS<>USA``)."""
    return label.split("<>") if "<>" in label else label.split(">")


def label_name(label: str, names: Mapping[str, str]) -> str:
    """``RUS>USA · Russia → United States`` (``↔`` for either direction); codes without a name stay codes."""
    source, target = label_codes(label)
    arrow = "↔" if "<>" in label else "→"
    return f"{label} · {names.get(source, source)} {arrow} {names.get(target, target)}"


def clicked_customdata(selection: Mapping) -> list | None:
    """The customdata of the first clicked point of a plotly selection payload (Streamlit
    delivers it as a dict keyed "0", "1", …), or None when nothing with customdata was clicked."""
    for clicked in selection.get("points", []):
        custom = clicked.get("customdata")
        values = list(custom.values()) if isinstance(custom, Mapping) else custom
        if values:
            return list(values)
    return None


def point_from_selection(selection: Mapping) -> str | None:
    """The point string (``RUS>USA@2025-03-01``) of a click on a trend chart, whose customdata
    is [line label, period start, …]; None when the click carries no valid point."""
    values = clicked_customdata(selection)
    if not values or len(values) < 2:
        return None
    point = parse_point(f"{values[0]}@{str(values[1])[:10]}")
    return str(point) if point else None


PAGE_DEFAULTS: dict[str, object] = {SEARCH: "", PAIR: None, EVENTS: True, SENSITIVITY: DEFAULT_SENSITIVITY}
"""Defaults of the page-level parameters (a value equal to its default stays out of the URL)."""


def page_params(values: Mapping[str, object]) -> dict[str, list[str]]:
    """Query parameters for page-level widget values (``True`` → ``"true"``), defaults left out."""
    params = {}
    for name, value in values.items():
        if value is None or value == PAGE_DEFAULTS.get(name):
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if text:
            params[name] = [text]
    return params
