"""URL state: parsing, validation warnings, defaults and round trips."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline.dashboard import urlstate as url
from pipeline.schema import DYAD_KINDS

DOMAIN = url.Domain(
    first=dt.date(2025, 1, 1),
    last=dt.date(2025, 6, 30),
    pairs=("RUS>USA", "USA>RUS", "CHN>USA"),
    outlets=("Daily Planet", "Globe & Wire"),
)


def test_pairs_and_points_parse_and_print_back():
    assert url.parse_pair("RUS>USA") == url.Pair("RUS", "USA")
    assert str(url.parse_pair(" CHN>USA ")) == "CHN>USA"
    assert url.parse_pair("EU>G7") == url.Pair("EU", "G7")
    for bad in ("RUS>RUS", "rus>usa", "RUS-USA", "R>USA", "RUS>USA>CHN", ""):
        assert url.parse_pair(bad) is None
    assert url.parse_point("RUS>USA@2025-03-01") == url.Point("RUS>USA", dt.date(2025, 3, 1))
    assert str(url.parse_point("RUS<>USA@2025-03-01")) == "RUS<>USA@2025-03-01"
    for bad in ("USA<>RUS@2025-03-01", "RUS>USA", "RUS>USA@2025-13-01", "X@2025-01-01"):
        assert url.parse_point(bad) is None


def test_valid_params_give_no_warning():
    raw = {
        url.DATES: ["2025-02-01", "2025-03-01"],
        url.PAIRS: ["RUS>USA", "CHN>USA"],
        url.EITHER: ["True"],
        url.GRANULARITY: ["week"],
        url.SMOOTHING: ["3"],
        url.KINDS: ["quote"],
        url.OUTLETS: ["Globe & Wire"],
        url.MIN_COUNT: ["10"],
        url.POINT: ["RUS>USA@2025-02-03"],
    }
    assert url.check_params(raw, DOMAIN) == []


@pytest.mark.parametrize(
    ("name", "values", "reason"),
    [
        (url.DATES, ["2025-02-30"], "expected one or two dates"),
        (url.DATES, ["2024-01-01", "2025-03-01"], "outside the data"),
        (url.DATES, ["2025-03-01", "2025-02-01"], "outside the data"),
        (url.PAIRS, ["RUS>USA", "RUS>CHN"], "not a pair in the data"),
        (url.PAIRS, ["<script>"], "not a pair in the data"),
        (url.EITHER, ["maybe"], "expected true or false"),
        (url.GRANULARITY, ["decade"], "expected one of day, week, month, quarter, year"),
        (url.SMOOTHING, ["0"], "expected a whole number"),
        (url.SMOOTHING, ["2.5"], "expected a whole number"),
        (url.KINDS, ["quote", "rumour"], "expected quote"),
        (url.OUTLETS, ["Nowhere Times"], "not an outlet"),
        (url.MIN_COUNT, ["abc"], "expected a whole number"),
        (url.POINT, ["RUS>USA@soon"], "expected PAIR@YYYY-MM-DD"),
        (url.POINT, ["RUS>USA@2030-01-01"], "outside the data"),
        (url.PAIR, ["USA>CHN"], "not a pair in the data"),
        (url.EVENTS, ["yes"], "expected true or false"),
        (url.SENSITIVITY, ["0.7"], "in steps of 0.5"),
        (url.SENSITIVITY, ["11"], "in steps of 0.5"),
        (url.SENSITIVITY, ["high"], "in steps of 0.5"),
    ],
)
def test_each_invalid_param_gets_one_warning_naming_it(name, values, reason):
    warnings = url.check_params({name: values}, DOMAIN)
    assert len(warnings) == 1
    assert f"`{name}=" in warnings[0] and reason in warnings[0] and "default" in warnings[0]


def test_shown_values_cannot_break_out_of_their_code_span():
    [warning] = url.check_params({url.GRANULARITY: ["`[x](http://evil)` " + "y" * 200]}, DOMAIN)
    assert warning.count("`") == 2 and len(warning) < 200


def test_page_params_leave_defaults_out():
    values = {url.SEARCH: "", url.EVENTS: True, url.SENSITIVITY: url.DEFAULT_SENSITIVITY, url.PAIR: None}
    assert url.page_params(values) == {}
    changed = {url.SEARCH: "sanctions", url.EVENTS: False, url.SENSITIVITY: 1.5, url.PAIR: "RUS>USA"}
    assert url.page_params(changed) == {
        url.SEARCH: ["sanctions"],
        url.EVENTS: ["false"],
        url.SENSITIVITY: ["1.5"],
        url.PAIR: ["RUS>USA"],
    }
    assert url.check_params(url.page_params(changed), DOMAIN) == []


def test_filters_round_trip_through_params():
    filters = url.Filters(
        start=dt.date(2025, 2, 1),
        end=dt.date(2025, 4, 30),
        pairs=(url.Pair("RUS", "USA"),),
        either=True,
        granularity="quarter",
        smoothing=4,
        kinds=("quote", "statement"),
        outlets=("Globe & Wire",),
        min_count=7,
    )
    params = url.filters_to_params(filters, DOMAIN, point="RUS<>USA@2025-01-01")
    assert url.check_params(params, DOMAIN) == []
    rebuilt = url.filters_from_widgets(
        [dt.date.fromisoformat(day) for day in params[url.DATES]],
        params[url.PAIRS],
        params[url.EITHER] == ["true"],
        params[url.GRANULARITY][0],
        int(params[url.SMOOTHING][0]),
        params[url.KINDS],
        params[url.OUTLETS],
        int(params[url.MIN_COUNT][0]),
        DOMAIN,
    )
    assert rebuilt == filters


def test_defaults_stay_out_of_the_url_and_share_url_encodes_everything():
    defaults = url.Filters(start=DOMAIN.first, end=DOMAIN.last)
    assert url.filters_to_params(defaults, DOMAIN) == {}
    assert url.share_url("http://host/trends", {}) == "http://host/trends"
    params = url.filters_to_params(
        url.Filters(
            DOMAIN.first, DOMAIN.last, pairs=(url.Pair("RUS", "USA"), url.Pair("CHN", "USA")), outlets=("Globe & Wire",)
        ),
        DOMAIN,
    )
    link = url.share_url("http://host/trends", params)
    assert parse_qs(urlsplit(link).query) == {url.PAIRS: ["RUS>USA", "CHN>USA"], url.OUTLETS: ["Globe & Wire"]}


def test_half_entered_date_range_is_completed_from_the_domain():
    filters = url.filters_from_widgets(
        [dt.date(2025, 3, 1)],
        [],
        False,
        None,
        1,
        list(DYAD_KINDS),
        [],
        3,
        DOMAIN,
    )
    assert (filters.start, filters.end, filters.granularity) == (
        dt.date(2025, 3, 1),
        DOMAIN.last,
        url.DEFAULT_GRANULARITY,
    )


def test_point_from_plotly_selection_payload():
    clicked = {
        "points": [{"curve_number": 1, "point_index": 4, "customdata": {"0": "RUS>USA", "1": "2025-03-01", "2": 12}}]
    }
    assert url.point_from_selection(clicked) == "RUS>USA@2025-03-01"
    as_list = {"points": [{"customdata": ["RUS<>USA", "2025-03-01T00:00:00", 3]}]}
    assert url.point_from_selection(as_list) == "RUS<>USA@2025-03-01"
    assert url.point_from_selection({"points": []}) is None
    assert url.point_from_selection({"points": [{"customdata": {"0": "nonsense", "1": "x"}}]}) is None


def test_label_names():
    names = {"RUS": "Russia", "USA": "United States"}
    assert url.label_name("RUS>USA", names) == "RUS>USA · Russia → United States"
    assert url.label_name("RUS<>UKR", names) == "RUS<>UKR · Russia ↔ UKR"


def test_the_author_kind_is_kept_apart_from_statements_in_the_url():
    assert url.check_params({url.KINDS: ["author"]}, DOMAIN) == []
    only_author = url.Filters(DOMAIN.first, DOMAIN.last, kinds=("author",))
    assert url.filters_to_params(only_author, DOMAIN) == {url.KINDS: ["author"]}
    news = url.Filters(DOMAIN.first, DOMAIN.last, kinds=("quote", "statement", "comention"))
    assert url.filters_to_params(news, DOMAIN) == {url.KINDS: ["quote", "statement", "comention"]}
    assert url.filters_to_params(url.Filters(DOMAIN.first, DOMAIN.last), DOMAIN) == {}
    assert url.KIND_LABELS["author"] != url.KIND_LABELS["statement"] and set(url.KIND_LABELS) == set(DYAD_KINDS)


def test_an_old_link_without_the_author_kind_still_selects_its_kinds():
    old = {url.KINDS: ["quote", "statement"]}
    assert url.check_params(old, DOMAIN) == []
    filters = url.filters_from_widgets([], [], False, None, 1, old[url.KINDS], [], 3, DOMAIN)
    assert filters.kinds == ("quote", "statement")


def test_yearly_granularity_and_a_point_at_the_start_of_the_first_year():
    speeches = url.Domain(dt.date(2005, 9, 15), dt.date(2015, 9, 15), ("RUS>USA",), ())
    raw = {url.GRANULARITY: ["year"], url.POINT: ["RUS>USA@2005-01-01"]}
    assert url.check_params(raw, speeches) == []
    assert url.check_params({url.POINT: ["RUS>USA@2004-01-01"]}, speeches)[0].startswith("Ignored URL parameter `point")


DATASETS = ["demo", "gulf", "ukraine-desk"]


def test_the_dataset_round_trips_through_a_shared_link_beside_the_filters():
    filters = url.Filters(start=dt.date(2025, 2, 1), end=dt.date(2025, 4, 30), pairs=(url.Pair("RUS", "USA"),))
    params = url.dataset_params("ukraine-desk", DATASETS) | url.filters_to_params(filters, DOMAIN)
    link = url.share_url("http://host/pair", params)
    raw = parse_qs(urlsplit(link).query)
    assert raw[url.DATASET] == ["ukraine-desk"] and raw[url.PAIRS] == ["RUS>USA"]
    assert url.check_dataset(raw, DATASETS) == [] and url.check_params(raw, DOMAIN) == []


def test_the_default_dataset_and_a_single_store_stay_out_of_the_url():
    assert url.dataset_params("demo", DATASETS) == {}
    assert url.dataset_params(None, []) == {}
    assert url.check_dataset({}, DATASETS) == []


@pytest.mark.parametrize("value", ["ukraine", "../demo", "Gulf", "gulf`\n**x**"])
def test_an_unknown_dataset_is_one_warning_naming_the_default(value):
    [warning] = url.check_dataset({url.DATASET: [value]}, DATASETS)
    assert warning.startswith(f"Ignored URL parameter `{url.DATASET}=") and "showing 'demo'" in warning
    assert "\n" not in warning and warning.count("`") == 2

