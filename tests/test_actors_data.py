"""Sanity checks of the actor dictionary data (`data/actors.yaml`), read with plain PyYAML."""

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml

DICTIONARY = Path(__file__).resolve().parents[1] / "data" / "actors.yaml"
ACTOR_LISTS = ("aliases", "demonyms", "capitals", "institutions")

REQUIRED_PEOPLE = """
Donald Trump, Joe Biden, JD Vance, Kamala Harris, Antony Blinken, Marco Rubio, Mike Pompeo,
Rex Tillerson, John Kerry, Lloyd Austin, Pete Hegseth, Karine Jean-Pierre, Karoline Leavitt,
Matthew Miller, Tammy Bruce, Vladimir Putin, Dmitry Peskov, Sergey Lavrov, Maria Zakharova,
Dmitry Medvedev, Sergei Shoigu, Andrei Belousov, Volodymyr Zelensky, Dmytro Kuleba, Andrii Sybiha,
Denys Shmyhal, Rustem Umerov, Oleksii Reznikov, Xi Jinping, Li Qiang, Wang Yi, Qin Gang, Mao Ning,
Lin Jian, Wang Wenbin, Zhao Lijian, Keir Starmer, Rishi Sunak, Boris Johnson, Liz Truss,
David Lammy, David Cameron, Emmanuel Macron, Jean-Noël Barrot, Olaf Scholz, Friedrich Merz,
Annalena Baerbock, Johann Wadephul, Giorgia Meloni, Narendra Modi, S. Jaishankar, Shehbaz Sharif,
Recep Tayyip Erdogan, Hakan Fidan, Benjamin Netanyahu, Ali Khamenei, Masoud Pezeshkian,
Ebrahim Raisi, Abbas Araghchi, Mohammed bin Salman, Kim Jong Un, Yoon Suk Yeol, Lee Jae-myung,
Fumio Kishida, Shigeru Ishiba, Donald Tusk, Andrzej Duda, Viktor Orbán, Ursula von der Leyen,
Kaja Kallas, Josep Borrell, Mark Rutte, Jens Stoltenberg, Antonio Guterres,
Luiz Inácio Lula da Silva, Cyril Ramaphosa, Justin Trudeau, Mark Carney, Abdel Fattah el-Sisi,
Sheikh Tamim bin Hamad Al Thani, Charles Michel, António Costa
"""
REQUIRED_TITLES = """
president, vice president, prime minister, premier, chancellor, king, emir, crown prince,
supreme leader, foreign minister, foreign secretary, minister of foreign affairs, secretary of state,
defence minister, defense minister, defence secretary, defense secretary, secretary of defense,
minister of defence, spokesman, spokeswoman, spokesperson, press secretary, ambassador, envoy,
diplomat, official, senior official, minister, leader, government,
deputy chair of the security council, national security adviser, commission president,
secretary-general
"""
REQUIRED_BLOCS = "EU NATO UN AU ASEAN G7 G20 BRICS OPEC SCO GCC ARAB_LEAGUE OSCE IAEA WHO ECOWAS CSTO QUAD AUKUS EUR"
# G20 members and other countries the brief requires government institutions for.
COUNTRIES_WITH_INSTITUTIONS = """
ARG AUS BRA CAN CHN FRA DEU IND IDN ITA JPN KOR MEX RUS SAU ZAF TUR GBR USA
UKR ISR IRN PRK PSE SYR POL BLR KAZ PAK SRB HUN QAT EGY
"""
# Offices with one holder at a time for a given actor.
SINGLE_HOLDER_TITLES = {
    "president", "vice president", "prime minister", "premier", "chancellor", "king", "queen", "emir",
    "supreme leader", "foreign minister", "foreign secretary", "secretary of state", "defence minister",
    "secretary of defense", "armed forces minister", "defence secretary", "press secretary",
    "national security adviser", "commission president", "council president", "high representative",
    "secretary-general", "chief cabinet secretary", "speaker of the house", "crown prince", "first lady",
    "senate majority leader", "senate minority leader", "chairman of the joint chiefs of staff", "attorney general",
}


def split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.load(DICTIONARY.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.fixture(scope="module")
def actors(data) -> dict[str, dict]:
    return {actor["id"]: actor for actor in data["countries"] + data["blocs"]}


@pytest.fixture(scope="module")
def surface_owners(data) -> dict[str, set[str]]:
    """Every country/bloc surface string -> the ids it names."""
    owners = defaultdict(set)
    for actor in data["countries"] + data["blocs"]:
        for surface in [actor["name"], *(s for key in ACTOR_LISTS for s in actor.get(key, []))]:
            owners[surface].add(actor["id"])
    return owners


@pytest.fixture(scope="module")
def people(data) -> dict[str, dict]:
    return {person["name"]: person for person in data["people"]}


def holders(people: dict[str, dict], actor: str, title: str, day: date) -> list[str]:
    return sorted(
        person["name"] for person in people.values() for role in person["roles"]
        if role["actor"] == actor and role["title"] == title and as_date(role["start"]) <= day
        and ("end" not in role or day < as_date(role["end"]))
    )


def test_top_level_keys_and_version(data):
    assert set(data) == {"version", "countries", "blocs", "people", "titles", "national_titles", "not_actors"}
    assert isinstance(data["version"], str) and re.fullmatch(r"\d{4}\.\d{2}\.\d{2}(\.\d+)?", data["version"])


def test_countries_are_un_members_plus_four_with_unique_iso_ids(data):
    ids = [country["id"] for country in data["countries"]]
    assert len(ids) == len(set(ids)) == 193 + 4
    assert all(re.fullmatch(r"[A-Z]{3}", country_id) for country_id in ids)
    assert {"TWN", "XKX", "PSE", "VAT"} <= set(ids)


def test_required_blocs_exist_with_unique_ids(data, actors):
    bloc_ids = [bloc["id"] for bloc in data["blocs"]]
    assert len(bloc_ids) == len(set(bloc_ids))
    assert set(REQUIRED_BLOCS.split()) <= set(bloc_ids)
    assert len(actors) == len(data["countries"]) + len(data["blocs"])


def test_every_actor_has_the_schema_fields(data):
    for actor in data["countries"] + data["blocs"]:
        assert set(actor) == {"id", "name", *ACTOR_LISTS}, actor["id"]
        for key in ACTOR_LISTS:
            values = actor[key]
            assert all(isinstance(v, str) and v and v.strip() == v for v in values), (actor["id"], key)
            assert len(values) == len(set(values)), (actor["id"], key)


def test_no_surface_names_two_actors(surface_owners):
    clashes = {surface: ids for surface, ids in surface_owners.items() if len(ids) > 1}
    assert clashes == {}


@pytest.mark.parametrize("surface, actor_id", [
    ("U.S.", "USA"), ("US", "USA"), ("USA", "USA"), ("United States", "USA"), ("America", "USA"),
    ("UK", "GBR"), ("U.K.", "GBR"), ("Britain", "GBR"), ("Great Britain", "GBR"),
    ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"),
    ("Czechia", "CZE"), ("Czech Republic", "CZE"), ("North Korea", "PRK"), ("DPRK", "PRK"),
    ("South Korea", "KOR"), ("ROK", "KOR"), ("the Kremlin", "RUS"), ("Kremlin", "RUS"),
    ("Russian government", "RUS"), ("Russian Security Council", "RUS"), ("Russian Foreign Ministry", "RUS"),
    ("Russian Defence Ministry", "RUS"), ("Russian Defense Ministry", "RUS"), ("Chinese government", "CHN"),
    ("Chinese foreign ministry", "CHN"), ("Zhongnanhai", "CHN"), ("White House", "USA"),
    ("State Department", "USA"), ("Pentagon", "USA"), ("U.S. government", "USA"), ("US government", "USA"),
    ("Downing Street", "GBR"), ("Foreign Office", "GBR"),
    ("Foreign, Commonwealth and Development Office", "GBR"), ("Whitehall", "GBR"), ("Élysée", "FRA"),
    ("Elysee Palace", "FRA"), ("Quai d'Orsay", "FRA"), ("Bankova", "UKR"), ("Knesset", "ISR"),
    ("Bundestag", "DEU"), ("Washington", "USA"), ("Moscow", "RUS"), ("Kyiv", "UKR"), ("Kiev", "UKR"),
    ("Saudi Arabia", "SAU"), ("Europe", "EUR"), ("European leaders", "EUR"), ("European allies", "EUR"),
    ("European Commission", "EU"), ("NATO", "NATO"), ("Brussels", "EU"), ("Russians", "RUS"),
    ("Germany", "DEU"), ("Switzerland", "CHE"), ("Kosovo", "XKX"), ("Palestine", "PSE"), ("Holy See", "VAT"),
    ("Taiwan", "TWN"), ("Eswatini", "SWZ"), ("Timor-Leste", "TLS"), ("Myanmar", "MMR"), ("DRC", "COD"),
    ("Republic of the Congo", "COG"), ("Montenegro", "MNE"), ("Moldova", "MDA"), ("Madagascar", "MDG"),
    ("Chad", "TCD"), ("Guinea-Bissau", "GNB"), ("Equatorial Guinea", "GNQ"), ("Niger", "NER"), ("Nigeria", "NGA"),
    ("Hamas", "PSE"), ("Gaza", "PSE"), ("Gazans", "PSE"), ("West Bank", "PSE"), ("Hezbollah", "LBN"),
    ("Houthis", "YEM"), ("Taliban", "AFG"), ("Northern Ireland", "GBR"), ("MI6", "GBR"), ("CIA", "USA"),
])
def test_common_surfaces_name_the_right_actor(surface_owners, surface, actor_id):
    assert surface_owners[surface] == {actor_id}


def test_countries_the_brief_names_have_institutions(actors):
    bare = [country_id for country_id in COUNTRIES_WITH_INSTITUTIONS.split() if not actors[country_id]["institutions"]]
    assert bare == []


def test_national_titles_are_listed_titles_of_known_actors(data, actors):
    national = data["national_titles"]
    assert set(national) <= set(data["titles"])
    assert set(national.values()) <= set(actors)
    assert national["senate majority leader"] == "USA" and national["taoiseach"] == "IRL"


def test_titles_are_unique_lower_case_and_cover_the_required_ones(data):
    titles = data["titles"]
    assert len(titles) == len(set(titles))
    assert all(title == title.lower() for title in titles)
    assert set(split(REQUIRED_TITLES)) <= set(titles)


def test_people_count_names_and_fields(data, people):
    assert len(data["people"]) == len(people) >= 170
    assert set(split(REQUIRED_PEOPLE)) - set(people) == set()
    for person in data["people"]:
        assert set(person) <= {"name", "variants", "gender", "roles"}, person["name"]
        assert person["gender"] in ("m", "f"), person["name"]
        assert person["roles"], person["name"]
        assert person["name"] not in person.get("variants", []), person["name"]


def test_every_role_names_a_known_actor_and_title_with_ordered_dates(data, actors):
    titles = set(data["titles"])
    for person in data["people"]:
        for role in person["roles"]:
            assert set(role) <= {"actor", "title", "start", "end"}, person["name"]
            assert role["actor"] in actors, (person["name"], role)
            assert role["title"] in titles, (person["name"], role)
            start = as_date(role["start"])
            assert date(1950, 1, 1) <= start <= date(2026, 11, 30), (person["name"], role)
            if "end" in role:
                assert start < as_date(role["end"]) <= date(2026, 12, 31), (person["name"], role)


def test_every_straight_apostrophe_form_has_a_typographic_twin(data, surface_owners):
    """News text writes "People’s" as often as "People's"; the matcher compares strings exactly."""
    forms = set(surface_owners) | set(data["not_actors"]) | {
        s for p in data["people"] for s in [p["name"], *p.get("variants", [])]}
    assert sorted(f for f in forms if "'" in f and f.replace("'", "’") not in forms) == []


def test_single_holder_offices_never_overlap(people):
    tenures = defaultdict(list)
    for person in people.values():
        for role in person["roles"]:
            if role["title"] in SINGLE_HOLDER_TITLES:
                end = as_date(role["end"]) if "end" in role else date.max
                tenures[role["actor"], role["title"]].append((as_date(role["start"]), end, person["name"]))
    overlaps = []
    for office, spans in tenures.items():
        spans.sort()
        overlaps += [(office, a[2], b[2]) for a, b in zip(spans, spans[1:]) if b[0] < a[1] and a[2] != b[2]]
    assert overlaps == []


def test_person_variants_do_not_shadow_actors_or_other_people(data, surface_owners, people):
    """No person form is an actor form; forms shared by two people are titled, never a bare surname
    ("Premier Li"), and name people never in office on the same day, so the date decides."""
    owners = defaultdict(set)
    for person in data["people"]:
        for surface in [person["name"], *person.get("variants", [])]:
            owners[surface].add(person["name"])
    assert {surface for surface in owners if surface in surface_owners} == set()
    shared = {surface: sorted(names) for surface, names in owners.items() if len(names) > 1}
    assert [surface for surface in shared if " " not in surface] == []
    for surface, names in shared.items():
        spans = [(as_date(role["start"]), as_date(role["end"]) if "end" in role else date.max, name)
                 for name in names for role in people[name]["roles"]]
        clashes = [(a, b) for a in spans for b in spans if a[2] < b[2] and a[0] < b[1] and b[0] < a[1]]
        assert clashes == [], surface


def test_no_bare_surname_variant_is_another_listed_persons_surname(data):
    """Two listed Kims: "Kim" alone stays out and the matcher resolves it per article instead. A
    head of state's spouse does not count: "Biden" alone is the president, not the first lady."""
    suffixes = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "VI", "XIV"}
    bearers = defaultdict(set)
    for person in data["people"]:
        if all(role["title"] == "first lady" for role in person["roles"]):
            continue
        bearers[[word for word in person["name"].split() if word not in suffixes][-1]].add(person["name"])
    clashes = [(person["name"], variant) for person in data["people"] for variant in person.get("variants", [])
               if " " not in variant and bearers.get(variant, set()) - {person["name"]}]
    assert clashes == []


@pytest.mark.parametrize("actor, title, day, expected", [
    ("USA", "president", date(2016, 6, 1), "Barack Obama"),
    ("USA", "president", date(2019, 6, 1), "Donald Trump"),
    ("USA", "president", date(2021, 1, 19), "Donald Trump"),
    ("USA", "president", date(2021, 1, 20), "Joe Biden"),
    ("USA", "president", date(2025, 1, 20), "Donald Trump"),
    ("USA", "vice president", date(2025, 3, 4), "JD Vance"),
    ("USA", "secretary of state", date(2025, 3, 4), "Marco Rubio"),
    ("RUS", "deputy chair of the security council", date(2025, 3, 4), "Dmitry Medvedev"),
    ("RUS", "prime minister", date(2019, 1, 1), "Dmitry Medvedev"),
    ("RUS", "defence minister", date(2024, 6, 1), "Andrei Belousov"),
    ("UKR", "foreign minister", date(2024, 10, 1), "Andrii Sybiha"),
    ("GBR", "prime minister", date(2022, 10, 1), "Liz Truss"),
    ("JPN", "prime minister", date(2025, 11, 1), "Sanae Takaichi"),
    ("DEU", "chancellor", date(2025, 6, 1), "Friedrich Merz"),
    ("CHN", "foreign minister", date(2023, 3, 1), "Qin Gang"),
    ("USA", "attorney general", date(2023, 6, 1), "Merrick Garland"),
    ("USA", "senate majority leader", date(2022, 6, 1), "Chuck Schumer"),
    ("USA", "first lady", date(2023, 6, 1), "Jill Biden"),
    ("UKR", "first lady", date(2023, 6, 1), "Olena Zelenska"),
    ("CHL", "foreign minister", date(2022, 6, 1), "Antonia Urrejola"),
    ("BLR", "foreign minister", date(2022, 6, 1), "Vladimir Makei"),
    ("UKR", "secretary of the security council", date(2022, 6, 1), "Oleksiy Danilov"),
    ("IRN", "secretary of the security council", date(2023, 1, 1), "Ali Shamkhani"),
    ("ISR", "army chief", date(2023, 11, 1), "Herzi Halevi"),
    ("LBN", "leader", date(2023, 11, 3), "Hassan Nasrallah"),
    ("EST", "foreign minister", date(2023, 1, 1), "Urmas Reinsalu"),
])
def test_office_holders_on_known_dates(people, actor, title, day, expected):
    assert holders(people, actor, title, day) == [expected]


def test_not_actors_are_unique_and_never_inside_an_actor_or_person_surface(data, surface_owners):
    not_actors = data["not_actors"]
    assert len(not_actors) == len(set(not_actors)) >= 60
    protected = set(surface_owners) | {s for p in data["people"] for s in [p["name"], *p.get("variants", [])]}
    assert set(not_actors) & protected == set()
    look_alike = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, not_actors)) + r")(?!\w)")
    assert sorted(surface for surface in protected if look_alike.search(surface)) == []


def test_brief_look_alikes_are_listed(data):
    required = {"Washington Post", "New York Times", "Moscow Times", "China Daily", "Jerusalem Post",
                "Kyiv Independent", "Russia Today", "Voice of America", "Turkish Airlines", "New Mexico",
                "Paris Hilton", "Michael Jordan", "Chad Smith", "World War II", "World War III",
                "Atlanta, Georgia", "Georgia Tech", "Oval Office", "Russian roulette", "Indian Ocean"}
    assert required - set(data["not_actors"]) == set()


def test_seed_article_gold_is_covered(shared_dir, data, surface_owners, people):
    """Every actor mention of the hand-annotated seed article resolves to its gold actor."""
    gold = json.loads((shared_dir / "seed" / "gold.json").read_text(encoding="utf-8"))
    day = date.fromisoformat(gold["article"]["date"])
    for mention in gold["mentions"]:
        if mention.get("person"):
            person = people[mention["person"]]
            acting_for = {role["actor"] for role in person["roles"] if as_date(role["start"]) <= day
                          and ("end" not in role or day < as_date(role["end"]))}
            assert acting_for == {mention["actor"]}, mention
        else:
            surface = mention["surface"]
            assert surface_owners.get(surface) == {mention["actor"]} or \
                surface_owners.get(surface.removeprefix("the ")) == {mention["actor"]}, mention
    assert {item["surface"] for item in gold["not_actors"]} <= set(data["not_actors"])
    medvedev = holders(people, "RUS", "deputy chair of the security council", day)
    assert medvedev == ["Dmitry Medvedev"]
