"""Actor matching: dictionary checks, case and context rules, dated people, roles, coreference."""

import json
import random
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.actors import (
    DEFAULT_DICTIONARY,
    DictionaryError,
    actor_name,
    find_mentions,
    load_dictionary,
    resolve_person,
)
from pipeline.schema import MENTION_TYPES, MENTIONS
from pipeline.segment import split_sentences

MINI = Path(__file__).resolve().parent / "fixtures" / "actors_mini.yaml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def mini():
    return load_dictionary(MINI)


def mentions_of(dictionary, text: str, day: str = "2025-03-04") -> pd.DataFrame:
    articles = pd.DataFrame({"article_id": ["a1"], "text": [text]})
    dates = pd.Series({"a1": pd.Timestamp(day, tz="UTC")})
    return find_mentions(split_sentences(articles), dates, dictionary)


def found(dictionary, text: str, day: str = "2025-03-04") -> list[tuple]:
    """(surface, actor, person, mention_type) of every mention, in text order."""
    frame = mentions_of(dictionary, text, day)
    return list(zip(frame["surface"], frame["actor"], frame["person"], frame["mention_type"]))


def actors_in(dictionary, text: str) -> list[tuple[str, str]]:
    return [(surface, actor) for surface, actor, _, _ in found(dictionary, text)]


# --- output contract ---------------------------------------------------------------------------

def test_columns_types_and_article_offsets(mini):
    text = "Talks opened.\nRussia and Ukraine met, and Riyadh hosted them.\n\nThe Kremlin said Putin's offer stands."
    frame = mentions_of(mini, text)
    assert list(frame.columns) == MENTIONS
    assert set(frame["mention_type"]) <= set(MENTION_TYPES)
    assert all(text[s:e] == surface for s, e, surface in zip(frame["start"], frame["end"], frame["surface"]))
    assert frame["sent_idx"].tolist() == [1, 1, 1, 2, 2]
    assert frame["actor"].tolist() == ["RUS", "UKR", "SAU", "RUS", "RUS"]
    assert frame["person"].tolist()[:4] == [None, None, None, None]


def test_empty_input_gives_empty_mentions(mini):
    sentences = split_sentences(pd.DataFrame({"article_id": [], "text": []}))
    frame = find_mentions(sentences, pd.Series(dtype="datetime64[ns, UTC]"), mini)
    assert list(frame.columns) == MENTIONS and frame.empty


def test_missing_date_is_a_clear_error(mini):
    sentences = split_sentences(pd.DataFrame({"article_id": ["x9"], "text": ["Russia spoke."]}))
    with pytest.raises(ValueError, match="article_id 'x9' has no date"):
        find_mentions(sentences, pd.Series({"other": pd.Timestamp("2025-01-01", tz="UTC")}), mini)


def test_bad_input_is_a_one_line_error(mini):
    dates = pd.Series({"a1": pd.Timestamp("2025-01-01", tz="UTC")})
    with pytest.raises(ValueError, match=r"sentences lack the columns \['start'\]"):
        find_mentions(pd.DataFrame({"article_id": ["a1"], "sent_idx": [0], "text": ["Russia"]}), dates, mini)
    sentences = pd.DataFrame({"article_id": ["a1"], "sent_idx": [3], "start": [0], "text": [None]})
    with pytest.raises(ValueError, match="article 'a1' sentence 3: text is not a string"):
        find_mentions(sentences, dates, mini)
    with pytest.raises(ValueError, match="not a date: 'soon'"):
        find_mentions(sentences, pd.Series({"a1": "soon"}), mini)


def test_mention_types_of_actor_surfaces(mini):
    text = ("Russians and the Kremlin told Moscow's critics that China, NATO and the European "
            "Commission must listen to the United States.")
    assert [(s, a, t) for s, a, _, t in found(mini, text)] == [
        ("Russians", "RUS", "demonym"), ("the Kremlin", "RUS", "institution"), ("Moscow", "RUS", "capital"),
        ("China", "CHN", "country"), ("NATO", "NATO", "bloc"), ("European Commission", "EU", "institution"),
        ("the United States", "USA", "country"),
    ]


# --- case, boundaries, longest match ------------------------------------------------------------

def test_case_sensitive_us_china_turkey(mini):
    assert actors_in(mini, "Let us hope the US keeps its word.") == [("US", "USA")]
    assert actors_in(mini, "She packed the china before flying to China.") == [("China", "CHN")]
    assert actors_in(mini, "They ate turkey while Turkey hosted the summit.") == [("Turkey", "TUR")]


def test_word_boundaries(mini):
    assert actors_in(mini, "USAID funds a Parisian chadian-style Russiagate show.") == []
    assert actors_in(mini, "The U.S.-led coalition and pro-Russian groups met.") == [
        ("U.S.", "USA"), ("Russian", "RUS")]


def test_longest_match_wins(mini):
    assert actors_in(mini, "The Russian Security Council met the United States of America delegation.") == [
        ("Russian Security Council", "RUS"), ("United States of America", "USA")]
    assert [t for *_, t in found(mini, "The Russian government objected.")] == ["institution"]


def test_possessives_still_match(mini):
    assert found(mini, "Russia's army and Putin’s aides met China’s envoy.") == [
        ("Russia", "RUS", None, "country"), ("Putin", "RUS", "Vladimir Putin", "surname"),
        ("China", "CHN", None, "country")]


# --- ambiguous names and look-alikes ------------------------------------------------------------

def test_chad_country_and_chad_smith(mini):
    assert actors_in(mini, "Troops left Chad on Monday.") == [("Chad", "TCD")]
    assert actors_in(mini, "Drummer Chad Smith played on Monday.") == []


def test_jordan_country_and_michael_jordan(mini):
    assert actors_in(mini, "Refugees crossed into Jordan last year.") == [("Jordan", "JOR")]
    assert actors_in(mini, "Fans cheered Michael Jordan as Paris watched.") == [("Paris", "FRA")]
    assert actors_in(mini, "In Jordan, the talks resumed.") == [("Jordan", "JOR")]
    assert actors_in(mini, "Despite Washington's warnings, talks went on. Noting Turkey's veto, they left.") == [
        ("Washington", "USA"), ("Turkey", "TUR")]


def test_turkey_followed_by_a_surname_is_a_person(mini):
    assert actors_in(mini, "Coach Turkey Stearnes was honoured.") == []
    assert actors_in(mini, "Turkey and Georgia signed a pipeline deal.") == [("Turkey", "TUR"), ("Georgia", "GEO")]


@pytest.mark.parametrize("text", [
    "Voters in Atlanta, Georgia, queued for hours.",
    "The governor of Georgia signed the bill.",
    "Georgia's Republican senators backed the measure.",
    "Turnout in Fulton County, Georgia, was high.",
    "The Georgia Senate race tightened.",
    "The Georgia Bulldogs won again.",
])
def test_georgia_the_us_state_is_not_geo(mini, text):
    assert actors_in(mini, text) == []


def test_title_case_headlines_keep_country_names(mini):
    assert actors_in(mini, "Turkey Hosts Talks to Extend Grain Deal") == [("Turkey", "TUR")]
    assert actors_in(mini, "Chad Expels French Ambassador After Row") == [("Chad", "TCD"), ("French", "FRA")]
    assert actors_in(mini, "Biden Scraps Plans to Visit Jordan After Summit") == [("Biden", None), ("Jordan", "JOR")]


def test_georgia_secretary_of_state_is_the_us_state(mini):
    assert found(mini, "Georgia Secretary of State Brad Raffensperger testified.") == []


def test_georgia_the_country(mini):
    assert actors_in(mini, "Russia invaded Georgia in 2008 and Tbilisi protested.") == [
        ("Russia", "RUS"), ("Georgia", "GEO"), ("Tbilisi", "GEO")]


@pytest.mark.parametrize("text", [
    "The Washington Post reported it first.",
    "She flew to New York for the week.",
    "Paris Hilton attended the gala.",
    "The memorial honours the dead of World War II.",
])
def test_look_alikes_suppress_actor_matches(mini, text):
    assert actors_in(mini, text) == []


def test_washington_as_metonym_is_usa(mini):
    assert actors_in(mini, "Washington and Moscow could engage in trade, the Washington Post said.") == [
        ("Washington", "USA"), ("Moscow", "RUS")]
    assert actors_in(mini, "A statue of George Washington was unveiled.") == []


# --- people by date -----------------------------------------------------------------------------

@pytest.mark.parametrize("day, actor", [("2019-06-01", "USA"), ("2023-06-01", None), ("2025-03-04", "USA")])
def test_trump_resolves_by_date(mini, day, actor):
    assert found(mini, "Donald Trump spoke.", day) == [("Donald Trump", actor, "Donald Trump", "person")]


@pytest.mark.parametrize("day, actor", [("2022-06-01", "USA"), ("2026-06-01", None)])
def test_biden_resolves_by_date(mini, day, actor):
    assert found(mini, "Biden spoke.", day) == [("Biden", actor, "Joe Biden", "surname")]


def test_same_name_in_two_articles_of_different_dates(mini):
    articles = pd.DataFrame({"article_id": ["old", "new"], "text": ["Trump met Putin.", "Trump met Putin."]})
    dates = pd.Series({"old": pd.Timestamp("2023-01-01", tz="UTC"), "new": pd.Timestamp("2025-06-01", tz="UTC")})
    frame = find_mentions(split_sentences(articles), dates, mini)
    by_article = frame.groupby("article_id")["actor"].apply(list).to_dict()
    assert by_article == {"old": [None, "RUS"], "new": ["USA", "RUS"]}


@pytest.mark.parametrize("text, surface, actor, person", [
    ("President Donald Trump arrived.", "President Donald Trump", "USA", "Donald Trump"),
    ("Secretary of State Marco Rubio arrived.", "Secretary of State Marco Rubio", "USA", "Marco Rubio"),
    ("Vice President JD Vance arrived.", "Vice President JD Vance", "USA", "JD Vance"),
    ("Ukrainian President Volodymyr Zelensky arrived.", "Ukrainian President Volodymyr Zelensky", "UKR",
     "Volodymyr Zelensky"),
    ("Russia's Foreign Minister Sergey Lavrov arrived.", "Russia's Foreign Minister Sergey Lavrov", "RUS",
     "Sergey Lavrov"),
    ("Then Mr. Peskov arrived.", "Mr. Peskov", "RUS", "Dmitry Peskov"),
])
def test_titles_in_front_are_part_of_the_person_mention(mini, text, surface, actor, person):
    assert found(mini, text) == [(surface, actor, person, "person" if " " in surface.replace("Mr. ", "")
                                  else "surname")]


# --- role phrases -------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, actor, person", [
    ("the Russian president", "RUS", "Vladimir Putin"),
    ("Russia's foreign minister", "RUS", "Sergey Lavrov"),
    ("the US secretary of state", "USA", "Marco Rubio"),
    ("the minister of foreign affairs for Russia", "RUS", "Sergey Lavrov"),
    ("China's top diplomat", "CHN", "Wang Yi"),
    ("a spokesman for the Russian government", "RUS", "Dmitry Peskov"),
    ("the press secretary for the Russian government", "RUS", "Dmitry Peskov"),
    ("a senior Kremlin official", "RUS", None),
    ("the deputy chair of the Russian Security Council", "RUS", "Dmitry Medvedev"),
    ("Chinese officials", "CHN", None),
    ("Ukrainian officials", "UKR", None),
])
def test_role_phrases(mini, phrase, actor, person):
    assert found(mini, f"Later {phrase} said nothing.") == [(phrase, actor, person, "role")]


def test_title_naming_a_body_matches_with_the_actor_inside(tmp_path):
    titles = "titles: [president, deputy chair of the security council]"
    institutions = "    institutions: [Russian Security Council, State Duma]\n"
    text = GOOD.replace("titles: [president]", titles).replace(
        "    demonyms: [Russian]\n", "    demonyms: [Russian]\n" + institutions
    ).replace("people:\n", """people:
  - name: Dmitry Medvedev
    gender: m
    roles: [{actor: RUS, title: deputy chair of the security council, start: 2020-01-16}]
""")
    dictionary = load_dictionary(write(tmp_path, text))
    assert found(dictionary, "Then the deputy chair of the Russian Security Council spoke.") == [
        ("the deputy chair of the Russian Security Council", "RUS", "Dmitry Medvedev", "role")]
    assert found(dictionary, "Then the deputy chair of the State Duma spoke.") == [
        ("the deputy chair of the State Duma", "RUS", None, "role")]


def test_role_holder_depends_on_date(mini):
    assert found(mini, "The Russian president spoke.", "2010-01-01") == [
        ("The Russian president", "RUS", "Dmitry Medvedev", "role")]
    assert found(mini, "The Chinese foreign minister spoke.", "2023-03-01") == [
        ("The Chinese foreign minister", "CHN", None, "role")]


def test_role_phrase_before_a_name_joins_the_person_mention(mini):
    assert found(mini, "Talks with the President of Russia Vladimir Putin ended.") == [
        ("the President of Russia Vladimir Putin", "RUS", "Vladimir Putin", "person")]
    assert found(mini, "The spokesman for the Kremlin, Dmitry Peskov, agreed.") == [
        ("The spokesman for the Kremlin", "RUS", "Dmitry Peskov", "role"),
        ("Dmitry Peskov", "RUS", "Dmitry Peskov", "person")]


def test_a_title_without_an_actor_is_no_mention(mini):
    assert found(mini, "The president said the spokesman was wrong.") == []


@pytest.mark.parametrize("text", [
    "Later the former Russian president said nothing.",
    "Later Russia's former president said nothing.",
    "A former US official and an ex-president of Ukraine spoke.",
    "The 43rd President of the United States praised the deal.",
    "Ret. US general Smith and a retired Russian official disagreed.",
])
def test_past_offices_speak_for_nobody(mini, text):
    assert found(mini, text) == []


def test_a_past_office_keeps_the_place_after_it_and_its_holder_the_date(mini):
    assert actors_in(mini, "A former official in Moscow was detained.") == [("Moscow", "RUS")]
    assert found(mini, "Former President Donald Trump spoke.", "2023-06-01") == [
        ("President Donald Trump", None, "Donald Trump", "person")]


@pytest.mark.parametrize("text, expected", [
    ("The talks in Riyadh ended late.", []),
    ("A summit in Brussels and a rally near Paris were held.", []),
    ("Fans gathered at a Washington event.", []),
    ("Officials in Moscow said no.", [("Officials in Moscow", "RUS")]),
    ("Rubio arrived in Riyadh.", [("Riyadh", "SAU")]),
    ("Those who hold power in Kiev must stop.", [("Kiev", "UKR")]),
    ("The talks in Moscow's view failed.", [("Moscow", "RUS")]),
])
def test_capitals_that_are_only_venues_are_no_actors(mini, text, expected):
    assert actors_in(mini, text) == expected


def test_a_place_that_locates_a_company_is_no_actor(mini):
    assert actors_in(mini, "A US-based charity sued a Moscow-based bank in Russia.") == [("Russia", "RUS")]


@pytest.mark.parametrize("text, expected", [
    ("Russian state TV mocked the plan.", []),
    ("A Chinese tech giant and two French companies left.", []),
    ("Students at American universities protested.", []),
    ("Russian troops and Chinese diplomats moved.", [("Russian", "RUS"), ("Chinese", "CHN")]),
])
def test_demonyms_of_companies_outlets_and_schools_are_no_actors(mini, text, expected):
    assert actors_in(mini, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("France 2-0 Turkey: France reach the semi-finals.", []),
    ("The US beats Russia in men's ice hockey at the Olympics.", []),
    ("Turkey women crash out of the tournament after a defeat to China.", []),
    ("Ukraine may boycott the Olympics if Russians take part.", [("Ukraine", "UKR"), ("Russians", "RUS")]),
    ("Russia beat back an attack, Ukraine said.", [("Russia", "RUS"), ("Ukraine", "UKR")]),
])
def test_national_teams_in_sports_sentences_are_no_actors(mini, text, expected):
    assert actors_in(mini, text) == expected


def test_a_headline_run_into_its_lead_keeps_country_names(mini):
    text = "Turkey Agrees to Back the Deal in Boost to the Alliance Turkey agreed to stop blocking it."
    assert actors_in(mini, text) == [("Turkey", "TUR"), ("Turkey", "TUR")]
    assert found(mini, "The Briefing: Zelensky Demands Help From the EU World leaders met.")[0] == (
        "Zelensky", "UKR", "Volodymyr Zelensky", "surname")
    assert actors_in(mini, "Lauren Hemp and Jordan Andrade met fans.") == []


def test_honorific_before_a_surname_is_no_first_name(mini):
    assert found(mini, "Mr Putin said Mrs Harris had left.", "2022-05-01") == [
        ("Mr Putin", "RUS", "Vladimir Putin", "surname"), ("Mrs Harris", "USA", "Kamala Harris", "surname")]


def test_a_surname_seen_as_someone_elses_stays_theirs_in_the_article(mini):
    text = "Anna Lavrov, a painter, opened a show. Lavrov said the colours mattered."
    assert found(mini, text) == []
    text = "Sergey Lavrov spoke. Anna Lavrov, a painter, opened a show. Lavrov said the talks mattered."
    assert [person for _, _, person, _ in found(mini, text)] == ["Sergey Lavrov", "Sergey Lavrov"]


def test_jordan_in_us_politics_is_the_congressman(mini):
    assert actors_in(mini, "Jordan demands that Garland hand over the memo.") == []
    assert actors_in(mini, "Jordan hosted talks on Gaza aid.") == [("Jordan", "JOR")]


# --- the real dictionary: classes of actors found in real news --------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Hamas fighters crossed from Gaza as the Israel-Hamas war widened.",
     [("Hamas", "PSE"), ("Gaza", "PSE"), ("Israel", "ISR"), ("Hamas", "PSE")]),
    ("Hezbollah and the Houthis fired at ships.", [("Hezbollah", "LBN"), ("Houthis", "YEM")]),
    ("Police in Northern Ireland were attacked.", [("Northern Ireland", "GBR")]),
    ("The MI6 chief spoke about the Taliban.", [("MI6", "GBR"), ("Taliban", "AFG")]),
    ("The UN health agency warned hospitals.", [("UN health agency", "WHO")]),
])
def test_armed_groups_territories_and_agencies(text, expected):
    assert actors_in(real_dictionary(), text) == expected


@pytest.mark.parametrize("text, owner", [
    ("Ilham Aliyev informed Vladimir Putin of his talks in Brussels.", "AZE"),  # the one who tells
    ("Ilham Aliyev briefed Vladimir Putin on his visit to Paris.", "AZE"),
    ("Ilham Aliyev thanked Vladimir Putin for his hospitality.", "RUS"),  # otherwise the latest
])
def test_a_possessive_pronoun_after_a_verb_of_telling_is_the_teller(text, owner):
    pronouns = [actor for surface, actor, _, kind in found(real_dictionary(), text, "2023-05-25") if kind == "pronoun"]
    assert pronouns == [owner]


def test_a_possessive_country_owns_a_title_whose_compounded_country_is_its_portfolio():
    assert actors_in(real_dictionary(), "China's Ukraine envoy urged talks.") == [
        ("China", "CHN"), ("Ukraine", "UKR"), ("envoy", "CHN")]


@pytest.mark.parametrize("text, expected", [
    ("Chile's foreign minister said the deal was fair.",
     ("Chile's foreign minister", "CHL", "Alberto van Klaveren", "role")),
    ("The deal was fair, the Senate majority leader said.",
     ("the Senate majority leader", "USA", "Chuck Schumer", "role")),
    ("The Taoiseach said the deal was fair.", ("The Taoiseach", "IRL", "Leo Varadkar", "role")),
    ("A cross-party group of British MPs said the deal was fair.", ("British MPs", "GBR", None, "role")),
    ("The US first lady said the deal was fair.", ("The US first lady", "USA", "Jill Biden", "role")),
    ("Merrick Garland said the deal was fair.", ("Merrick Garland", "USA", "Merrick Garland", "person")),
])
def test_speakers_by_office_resolve_to_their_country(text, expected):
    assert found(real_dictionary(), text, "2023-05-01") == [expected]


def test_national_titles_need_no_qualifier_before_or_name_after():
    dictionary = real_dictionary()
    assert found(dictionary, "The Texas Senate majority leader spoke.", "2023-05-01") == []
    assert found(dictionary, "Pope Karius saved a penalty.", "2023-05-01") == []
    assert actors_in(dictionary, "The Speaker of the House of Commons spoke.") == []


def test_a_head_of_states_spouse_on_an_official_visit():
    found_here = found(real_dictionary(), "Olena Zelenska arrived in Tokyo, where she met students.", "2023-05-01")
    assert found_here == [("Olena Zelenska", "UKR", "Olena Zelenska", "person"), ("Tokyo", "JPN", None, "capital"),
                          ("she", "UKR", "Olena Zelenska", "pronoun")]


def test_ex_pm_and_former_ministers_of_the_real_dictionary_speak_for_nobody():
    text = "The ex-PM and a former British defence secretary criticised the Israeli government."
    assert actors_in(real_dictionary(), text) == [("Israeli government", "ISR")]
    assert found(real_dictionary(), "The former Senate majority leader said no.", "2023-05-01") == []


def test_sports_words_hold_no_actor_surface():
    from pipeline.actors import _SPORT_WORDS

    dictionary = real_dictionary()
    assert [word for word in _SPORT_WORDS if actors_in(dictionary, f"Then {word} began.")] == []


# --- coreference --------------------------------------------------------------------------------

def test_surname_after_full_name_resolves_in_the_same_article_only(mini):
    text = "Rubio was absent. Marco Rubio later arrived in Riyadh.\nRubio spoke to Saudi officials."
    assert found(mini, text) == [
        ("Marco Rubio", "USA", "Marco Rubio", "person"), ("Riyadh", "SAU", None, "capital"),
        ("Rubio", "USA", "Marco Rubio", "surname"), ("Saudi officials", "SAU", None, "role")]


def test_surname_after_another_first_name_is_someone_else(mini):
    assert found(mini, "Hunter Biden met Marco Rubio. Jane Rubio and Putin spoke.", "2022-01-01") == [
        ("Marco Rubio", None, "Marco Rubio", "person"), ("Putin", "RUS", "Vladimir Putin", "surname")]
    assert found(mini, "Senator Rubio and Ambassador Blinken met.", "2022-01-01") == [
        ("Blinken", "USA", "Antony Blinken", "surname")]  # Rubio is no listed variant and was never named in full
    assert found(mini, "When Biden spoke, Kremlin Putin aides listened.", "2022-01-01") == [
        ("Biden", "USA", "Joe Biden", "surname"), ("Kremlin", "RUS", None, "institution"),
        ("Putin", "RUS", "Vladimir Putin", "surname")]


def test_surname_before_another_surname_is_a_first_name(mini):
    assert found(mini, "The envoy Trump Stearnes met Putin. Biden Administration aides left.", "2022-01-01") == [
        ("Putin", "RUS", "Vladimir Putin", "surname"), ("Biden", "USA", "Joe Biden", "surname")]
    assert found(mini, "Trump Signs Order on Tariffs After Talks", "2025-03-01") == [
        ("Trump", "USA", "Donald Trump", "surname")]


def test_listed_surname_resolves_directly(mini):
    assert found(mini, "Zelensky thanked allies.") == [("Zelensky", "UKR", "Volodymyr Zelensky", "surname")]


def test_pronouns_resolve_by_gender_to_the_latest_person(mini):
    text = "Kamala Harris met Antony Blinken. She praised him and his staff."
    assert found(mini, text, "2022-05-01") == [
        ("Kamala Harris", "USA", "Kamala Harris", "person"), ("Antony Blinken", "USA", "Antony Blinken", "person"),
        ("She", "USA", "Kamala Harris", "pronoun"), ("him", "USA", "Antony Blinken", "pronoun"),
        ("his", "USA", "Antony Blinken", "pronoun")]


def test_pronoun_after_an_unknown_name_is_omitted(mini):
    text = "Biden called Putin. US attorney David Weiss told him to wait."
    assert [(s, t) for s, _, _, t in found(mini, text, "2022-01-01")] == [
        ("Biden", "surname"), ("Putin", "surname"), ("US", "country")]


def test_pronoun_after_an_unnamed_official_is_omitted(mini):
    text = "Putin met a senior Kremlin official who said his team agreed. Then he left."
    assert [(s, t) for s, _, _, t in found(mini, text)] == [
        ("Putin", "surname"), ("a senior Kremlin official", "role")]


def test_pronouns_without_antecedent_are_omitted(mini):
    text = "Putin spoke. Markets fell. He left. She said Russia would wait."
    assert [(s, t) for s, _, _, t in found(mini, text)] == [("Putin", "surname"), ("Russia", "country")]


def test_pronoun_uses_the_same_sentence_before_the_previous_one(mini):
    text = "Putin spoke to Lavrov. Zelensky said he disagreed."
    assert found(mini, text)[-1] == ("he", "UKR", "Volodymyr Zelensky", "pronoun")


# --- API helpers --------------------------------------------------------------------------------

def test_people_at_actor_name_and_resolve_person(mini):
    assert {h.person.name for h in mini.people_at("2025-03-04", actor="USA")} == {
        "Donald Trump", "JD Vance", "Marco Rubio"}
    assert [h.person.name for h in mini.people_at("2010-01-01", actor="RUS", title="president")] == ["Dmitry Medvedev"]
    assert [h.person.name for h in mini.people_at("2025-03-04", title="minister of foreign affairs")] == [
        "Sergey Lavrov", "Wang Yi"]
    assert actor_name(mini, "GEO") == "Georgia" and actor_name(mini, "EUR") == "Europe (collective)"
    assert resolve_person(mini, "President Donald Trump", "2019-01-01") == ("Donald Trump", "USA")
    assert resolve_person(mini, "Trump", "2023-01-01") == ("Donald Trump", None)
    assert resolve_person(mini, "Peskov’s", pd.Timestamp("2025-03-04", tz="UTC")) == ("Dmitry Peskov", "RUS")
    assert resolve_person(mini, "Michael Jordan", "2025-01-01") is None


# --- dictionary loading and schema errors -------------------------------------------------------

GOOD = """\
version: "t"
countries:
  - id: RUS
    name: Russia
    demonyms: [Russian]
  - id: UKR
    name: Ukraine
blocs:
  - id: EU
    name: European Union
    aliases: [EU]
people:
  - name: Vladimir Putin
    variants: [Putin]
    gender: m
    roles:
      - {actor: RUS, title: president, start: 2012-05-07}
titles: [president]
not_actors: [Russian Roulette]
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_dictionary_loads_with_version(tmp_path):
    dictionary = load_dictionary(write(tmp_path, GOOD))
    assert dictionary.version == "t" and set(dictionary.actors) == {"RUS", "UKR", "EU"}
    assert actors_in(dictionary, "Russian Roulette is a film; Russian troops moved.") == [("Russian", "RUS")]


@pytest.mark.parametrize("old, new, line, reason", [
    ("{actor: RUS,", "{actor: RUZ,", 17, "people[0].roles[0].actor 'RUZ' is not a known country or bloc"),
    ("  - id: UKR", "  - id: Ukr", 6, "countries[1].id 'Ukr' must be 3 upper-case letters"),
    ("  - id: UKR", "  - id: RUS", 6, "countries[1].id 'RUS' is not unique"),
    ("title: president, start", "title: tsar, start", 17, "people[0].roles[0].title 'tsar' is not listed in titles"),
    ("start: 2012-05-07}", "start: 2012-13-07}", 17, "people[0].roles[0].start '2012-13-07' is not a valid date"),
    ("start: 2012-05-07}", "start: 2012-05-07, end: 2012-05-07}", 17,
     "people[0].roles[0].end 2012-05-07 is not after start 2012-05-07"),
    ("gender: m", "gender: x", 15, "people[0].gender 'x' must be m or f"),
    ("variants: [Putin]", "variants: [Russian]", 14,
     "people[0].variants[0] 'Russian' already stands for demonym of RUS (line 5)"),
    ("    aliases: [EU]", "    aliases: [Ukraine]", 11,
     "blocs[0].aliases[0] 'Ukraine' already stands for country of UKR"),
    ("    name: Ukraine\n", "    demonyms: [Ukrainian]\n", 6, "countries[1]: missing key 'name'"),
    ("    name: Ukraine\n", "    name: Ukraine\n    capital: [Kyiv]\n", 8, "countries[1]: unknown key 'capital'"),
    ('version: "t"', "version: 2026.11", 1, "version must be a non-empty string"),
    ("gender: m", "gender: [m", 16, "invalid YAML: "),
    ("titles: [president]", "titles: president", 18, "titles must be a list"),
    ("titles: [president]", "titles: [president]\nnational_titles: {president: RUZ}", 19,
     "national_titles.president 'RUZ' is not a known country or bloc"),
    ("titles: [president]", "titles: [president]\nnational_titles: {tsar: RUS}", 19,
     "national_titles 'tsar' is not listed in titles"),
    ("titles: [president]", "titles: [president]\nnational_titles: [president]", 19,
     "national_titles must be a mapping of title: actor"),
])
def test_schema_errors_name_file_line_and_reason(tmp_path, old, new, line, reason):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DictionaryError) as error:
        load_dictionary(path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message


def test_missing_dictionary_file_is_a_one_line_error(tmp_path):
    with pytest.raises(DictionaryError, match=r"absent\.yaml: cannot read"):
        load_dictionary(tmp_path / "absent.yaml")


def test_loading_is_cached_until_the_file_changes(tmp_path):
    path = write(tmp_path, GOOD)
    first = load_dictionary(path)
    assert load_dictionary(path) is first
    time.sleep(0.01)
    path.write_text(GOOD.replace('version: "t"', 'version: "t2"'), encoding="utf-8")
    assert load_dictionary(path).version == "t2"


# --- the real dictionary and the seed article ---------------------------------------------------

def real_dictionary():
    if not DEFAULT_DICTIONARY.exists():
        pytest.skip(f"{DEFAULT_DICTIONARY} does not exist yet")
    return load_dictionary()


def test_real_dictionary_loads_and_knows_the_main_actors():
    dictionary = real_dictionary()
    assert {"USA", "RUS", "UKR", "CHN", "EU", "EUR"} <= set(dictionary.actors)
    assert actors_in(dictionary, "The US and China met; let us see.") == [("US", "USA"), ("China", "CHN")]


@pytest.fixture(scope="module")
def seed():
    if not (SHARED / "seed" / "gold.json").exists():
        pytest.skip(f"{SHARED} is absent: no seed article here")
    gold = json.loads((SHARED / "seed" / "gold.json").read_text(encoding="utf-8"))
    return (SHARED / "seed" / "article.txt").read_text(encoding="utf-8"), gold


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_seed_article_mentions_match_the_gold(seed, mini, which):
    text, gold = seed
    dictionary = mini if which == "fixture" else real_dictionary()
    missing = {m["person"] for m in gold["mentions"] if "person" in m} - set(dictionary.people)
    if missing:
        pytest.skip(f"the {which} dictionary lacks {sorted(missing)}")
    frame = mentions_of(dictionary, text, gold["article"]["date"])
    spans = list(zip(frame["start"], frame["end"], frame["actor"], frame["person"]))
    for expected in gold["mentions"]:
        occurrences = [i for i in range(len(text)) if text.startswith(expected["surface"], i)]
        assert occurrences, expected["surface"]
        assert any(
            start < i + len(expected["surface"]) and i < end and actor == expected["actor"]
            and person == expected.get("person", person)
            for i in occurrences for start, end, actor, person in spans
        ), expected
    for look_alike in gold["not_actors"]:
        if "tolerated" in look_alike["why"]:
            continue
        for i in (i for i in range(len(text)) if text.startswith(look_alike["surface"], i)):
            overlapping = [a for s, e, a, _ in spans if s < i + len(look_alike["surface"]) and i < e]
            assert overlapping == [], look_alike


def test_role_holder_prefers_the_exact_title_over_synonyms(tmp_path):
    text = GOOD.replace("titles: [president]", "titles: [president, spokesman, spokeswoman, foreign minister, "
                        "minister of foreign affairs]").replace("people:\n", """people:
  - name: Dmitry Peskov
    gender: m
    roles: [{actor: RUS, title: spokesman, start: 2012-05-22}]
  - name: Maria Zakharova
    gender: f
    roles: [{actor: RUS, title: spokeswoman, start: 2015-08-10}]
  - name: Sergey Lavrov
    gender: m
    roles: [{actor: RUS, title: foreign minister, start: 2004-03-09}]
""")
    dictionary = load_dictionary(write(tmp_path, text))
    assert dictionary.holder("RUS", "spokesman", pd.Timestamp("2025-01-01").date()) == "Dmitry Peskov"
    assert dictionary.holder("RUS", "spokeswoman", pd.Timestamp("2025-01-01").date()) == "Maria Zakharova"
    assert dictionary.holder("RUS", "minister of foreign affairs", pd.Timestamp("2025-01-01").date()) == "Sergey Lavrov"
    assert dictionary.holder("RUS", "spokesman", pd.Timestamp("2010-01-01").date()) is None


def test_overlapping_variants_of_one_person_merge(tmp_path):
    china = "  - id: CHN\n    name: China\n    demonyms: [Chinese]\n"
    text = GOOD.replace("  - id: UKR\n", china + "  - id: UKR\n").replace("people:\n", """people:
  - name: Xi Jinping
    variants: [Xi, President Xi]
    gender: m
    roles: [{actor: CHN, title: president, start: 2013-03-14}]
""")
    dictionary = load_dictionary(write(tmp_path, text))
    assert found(dictionary, "Chinese President Xi Jinping met them. Xi left.") == [
        ("Chinese President Xi Jinping", "CHN", "Xi Jinping", "person"), ("Xi", "CHN", "Xi Jinping", "surname")]
    assert found(dictionary, "The Chinese President Xi spoke.") == [
        ("Chinese President Xi", "CHN", "Xi Jinping", "person")]


def test_invariants_hold_on_random_text(mini):
    """Shuffled dictionary surfaces, titles, pronouns and filler: offsets, overlaps and fields stay sound."""
    rng = random.Random(11)
    pieces = list(mini.surfaces) + ["he", "She", "his", "the", "of the", "for", "'s", "’s", ",", ".", "\n",
                                    "said", "Smith", "Michael", "officials", "a senior", "former"]
    texts = [" ".join(rng.choice(pieces) for _ in range(rng.randint(5, 60))) for _ in range(300)]
    articles = pd.DataFrame({"article_id": [f"r{i}" for i in range(len(texts))], "text": texts})
    dates = pd.Series([pd.Timestamp("2008-01-01", tz="UTC") + pd.Timedelta(days=rng.randint(0, 7000))
                       for _ in texts], index=articles["article_id"])
    frame = find_mentions(split_sentences(articles), dates, mini)
    assert set(frame["mention_type"]) == set(MENTION_TYPES)
    by_id = dict(zip(articles["article_id"], texts))
    for row in frame.itertuples():
        assert by_id[row.article_id][row.start:row.end] == row.surface
        assert row.actor is None or row.actor in mini.actors
        assert row.person is None or row.person in mini.people
        if row.mention_type in ("person", "surname", "pronoun"):
            assert row.person is not None
        else:
            assert row.actor is not None and (row.mention_type == "role" or row.person is None)
    for _, spans in frame.groupby("article_id"):
        ordered = sorted(zip(spans["start"], spans["end"]))
        assert all(end <= next_start for (_, end), (next_start, _) in zip(ordered, ordered[1:]))


def test_a_variant_shared_by_two_people_resolves_to_the_one_in_office(tmp_path):
    text = GOOD.replace("  - id: UKR\n", "  - id: PRK\n    name: North Korea\n  - id: UKR\n").replace(
        "people:\n", """people:
  - name: Kim Jong Il
    variants: [Chairman Kim]
    gender: m
    roles: [{actor: PRK, title: president, start: 1994-07-08, end: 2011-12-17}]
  - name: Kim Jong Un
    variants: [Chairman Kim]
    gender: m
    roles: [{actor: PRK, title: president, start: 2011-12-17}]
""")
    dictionary = load_dictionary(write(tmp_path, text))
    assert resolve_person(dictionary, "Chairman Kim", "2005-01-01") == ("Kim Jong Il", "PRK")
    assert resolve_person(dictionary, "Chairman Kim", "2020-01-01") == ("Kim Jong Un", "PRK")
    assert resolve_person(dictionary, "Chairman Kim", "1990-01-01") is None
