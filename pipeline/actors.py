"""Stage 3 — find international actors in sentences (``MENTIONS``).

One Aho-Corasick automaton holds every surface string of the actor dictionary (names, aliases,
demonyms, capitals, institutions, people's names, variants and unlisted surnames, role titles and
look-alikes) and a few sports words. Each sentence is scanned once; hits are kept when
word-bounded, dropped when they overlap a look-alike, and the longest wins. Small context rules
then reject person-like uses of ambiguous country names ("Chad Smith", "Michael Jordan", Georgia
the US state) and actor words that name no actor there (a past office: "a former US ambassador";
a company's seat: "US-based"; a capital that is only a venue: "the summit in Madrid"; a demonym
of a company, outlet or school: "Russian state TV"; a national team: "Germany 2-0 Austria").
Persons absorb the titles in front of them ("Ukrainian President Volodymyr Zelensky"), titles
next to an actor become role phrases ("the Russian president", "a spokesman for the Russian
government"), national titles name their country alone ("the Senate majority leader") and, per
article, bare surnames and he/she pronouns are resolved to people named earlier. People resolve
to the actor they represented on the article's date; a past office's holder speaks for nobody.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import pandas as pd
import yaml

from pipeline.schema import MENTIONS

DEFAULT_DICTIONARY = Path(__file__).resolve().parents[1] / "data" / "actors.yaml"

_REQUIRED_TOP_KEYS = {"version", "countries"}
_OPTIONAL_TOP_KEYS = {"blocs", "people", "titles", "national_titles", "not_actors"}  # absent = empty
_ACTOR_LISTS = ("aliases", "demonyms", "capitals", "institutions")
_COUNTRY_ID = re.compile(r"[A-Z]{3}")
_BLOC_ID = re.compile(r"[A-Z][A-Z0-9_]*")
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 4x faster, same marks

# Titles that name the same office; a role phrase with one finds holders listed under another.
_TITLE_SYNONYMS = (
    frozenset({"foreign minister", "minister of foreign affairs", "foreign secretary", "top diplomat"}),
    frozenset({"defence minister", "defense minister", "minister of defence", "minister of defense",
               "defence secretary", "defense secretary", "secretary of defense"}),
    frozenset({"spokesman", "spokeswoman", "spokesperson", "press secretary"}),
    frozenset({"prime minister", "premier", "taoiseach"}),
    frozenset({"speaker of the house", "house speaker"}),
)
# Upper-case abbreviations of listed titles (title forms are derived from lower case): surface ->
# (title, kind).
_TITLE_ABBREVIATIONS = {
    "PM": ("prime minister", "title"), "FM": ("foreign minister", "title"),
    "MP": ("member of parliament", "title"), "MPs": ("member of parliament", "titles"),
}
_SMALL_WORDS = {"of", "for", "the", "and", "on", "to", "in"}
_NAME_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III"}

# Country names that are also first names or surnames, and the words that make them a US state or
# a US politician (Rep. Jim Jordan).
_PERSON_LIKE_PLACES = frozenset({"Jordan", "Chad", "Georgia", "Turkey", "Washington"})
_LOOK_ALIKE_CONTEXT = {
    "Georgia": re.compile(
        r"\b(?:Atlanta|Savannah|Augusta|Macon|Athens, Georgia|Fulton|Peach State|Bulldogs|[Gg]overnor"
        r"|Gov\.|[Cc]ount(?:y|ies)|Senate (?:race|seat|runoff)|runoff|state legislature|battleground"
        r"|[Ee]lection workers|grand jury|[Dd]istrict [Aa]ttorney|Raffensperger|Kemp\b|Fani Willis"
        r"|Georgia (?:Secretary of State|Attorney General|Lt\. Gov)"
        r"|Georgia['’]s (?:Republican|Democrat)|Georgia (?:Republican|Democrat)s?)"),
    "Washington": re.compile(r"\b(?:Washington [Ss]tate|Seattle|Spokane|Tacoma|Olympia|Puget Sound)"),
    "Jordan": re.compile(r"\b(?:Jim Jordan|Rep\. Jordan|Chairman Jordan|Judiciary|R-Ohio|[Ss]peakership"
                         r"|[Ss]ubpoena|[Ii]mpeach|Garland)"),
}
# Capitalised words that are no first name when they stand before a place name or a surname.
_NOT_FIRST_NAMES = frozenset("""
    The A An In At On To From For With Without By Of And But Or Nor As Like Near Into Across Against
    Between Both Neither Either Unlike Including Via Visiting Neighbouring Neighboring Northern
    Southern Eastern Western Central North South East West Upper Lower Greater Lake Mount River
    If When While Since After Before During Unless Although Though Because Where Why How What Who
    Despite Former Then Ex Team Meanwhile However Yet Still Now That This These Those Says Said
    Does Did Do Is Was Has Had Have Will Would Can Could Should May Might Must Let Only Even Also
    Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    Senator Governor General Lord Sir Dame Lady Mayor Judge Justice Professor Colonel Admiral Marshal
    Sheikh Emir King Queen Pope Comrade Secretary Minister Chairman Chairwoman Commissioner Ambassador
    Director Premier Chancellor President Leader Speaker Representative Congressman Congresswoman
""".split())
_NOT_SURNAMES = frozenset("""
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December And But Or If As The This That These Those
""".split())
# Capitalised words after a surname that still leave it the leader's ("the Biden Administration").
_NOT_NAME_AFTER_SURNAME = frozenset("Administration Government Cabinet Regime Era Doctrine Campaign".split())
_WORD = re.compile(r"[^\W_][\w'’-]*")
_TITLE_CASE_SMALL_WORDS = frozenset(
    "a an the and but or nor for so yet on at to by of in with as vs via from up per into over off".split())
# A capitalised word right before the place, inside the sentence: at its start ("Despite
# Washington's", "Noting Turkey's") a capital says nothing.
_FIRST_NAME = re.compile(r"(?<=[\w,.])[ \t]+([A-Z][a-z]+)[ \t]$")
_SURNAME = re.compile(r"\s([A-Z][a-z]+)")
_HEADLINE_BREAK = re.compile(r"[!?\n]")  # not ".": the sentence holds abbreviations ("U.S.")

# Words that make an office, or an actor word, a past one ("former", "ex-", "Ret."); an ordinal
# does so for an office only ("the 43rd President", but "the 28th UN summit").
_FORMER_WORDS = frozenset({"former", "Former", "retired", "Retired", "Ret.", "onetime", "Onetime", "one-time",
                           "One-time"})
_FORMER = "(?:" + "|".join(map(re.escape, sorted(_FORMER_WORDS))) + "|[Ee]x-)"
_PAST_MARKS = ("ormer", "etired", "Ret.", "x-", "netime", "ne-time")  # in every _FORMER word
_PAST_OFFICE = rf"(?:{_FORMER}|\d+(?:st|nd|rd|th))"
_AFTER_MODIFIER = r"(?:\s+|(?<=-))"  # "ex-" joins the next word without a space
_ROLE_MODIFIERS = rf"(?:senior|top|chief|deputy|first deputy|vice|acting|high-ranking|outgoing|{_PAST_OFFICE})"
_ROLE_PREFIX = re.compile(rf"(?:\b(?:[Tt]he|[Aa]n?)\s+)?(?:\b{_ROLE_MODIFIERS}{_AFTER_MODIFIER})*$")
_NOT_THE_HOLDER = re.compile(r"\b(?:deputy|vice|outgoing)\b")
_PAST = re.compile(rf"\b{_PAST_OFFICE}")
_ACTOR_THEN_TITLE = re.compile(rf"(?:['’]s)?\s+(?:{_ROLE_MODIFIERS}{_AFTER_MODIFIER})*")
_TELLS = re.compile(r"\s+(?:informed|told|briefed|updated|notified|apprised)\s+")
_TOLD_ABOUT = re.compile(r"\s+(?:of|about|on|regarding)\s+")
_POSSESSIVE_GAP = re.compile(r"['’]s\s+")
_TITLE_THEN_ACTOR = re.compile(r"\s+(?:for|of|from|at|in)\s+(?:the\s+)?")
_PLACE_AFTER_TITLE = re.compile(r"\s+(?:at|in)\s+(?:the\s+)?")
_TITLE_THEN_PERSON = re.compile(r"[ \t]+")
_ACTOR_THEN_PERSON_TITLE = re.compile(r"(?:['’]s)?[ \t]+")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.?[ \t]+$")
_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr"})

# Actor words in a context that makes them no actor (LABEL_RULES of dyads_dev): a place that only
# locates a company or group ("a London-based fund", "a US-based NGO"), a capital that is only a
# venue ("talks in Madrid", "a Washington event"), a demonym naming a company, outlet, team or
# school ("German corporate giant", "Russian state TV", "Israeli universities") and a country
# name that is a national team in a sports sentence ("Germany 2-0 Austria", "Great Britain
# women", "US beats Canada", "victory over Austria").
_VENUE_BEFORE = re.compile(  # an event or a location before "in" ("the summit in Madrid"), not "power in Kiev"
    r"\b(?:talks|summit|meetings?|negotiations|conference|event|session|forum|rall(?:y|ies)|protests?"
    r"|demonstrations?|vigils?|ceremony|parade|exhibition|concert|festival|Games|Olympics|Cup|championships?"
    r"|tournament|hearing|trial|court|hospital|museum|office|embassy|consulate|headquarters|HQ|airport|hotel"
    r"|streets|strikes?|attacks?|blast|explosions?|fire|shelling|crash|shooting|stabbing|held|took place"
    r"|takes? place|taking place|signed|meet|met|gathered|died|passed away|born|lives?|living|based|located"
    r"|stationed|arrested|detained|killed|stabbed)\s+(?:in|near|outside)\s+$", re.IGNORECASE)
_VENUE_AFTER = re.compile(
    r"\s+(?:event|conference|forum|summit|hotel|venue|airport|suburb|district|street|metro|subway"
    r"|marathon|stadium|residents?|restaurant|concert|exhibition|hospital|museum|zoo)s?\b")
_PRIVATE_AFTER = re.compile(
    r"\s+(?:(?:state[- ])?(?:TV|television|media|broadcaster|news agency|newspaper|tabloid|outlet)"
    r"|(?:corporate|tech|energy|oil|steel|chip|car|mining|media)\s+giants?"
    r"|giants?|compan(?:y|ies)|firms?|conglomerates?|carmakers?|automakers?|airlines?|start-?ups?"
    r"|clubs?|teams?|squads?|(?:educational|academic)\s+institutions?|universit(?:y|ies))\b")
# Words that make a sentence a sports one; they join the automaton (as "sport" hits) so that the
# test costs nothing. None holds an actor surface.
_SPORT_WORDS = tuple(
    form
    for word in ("World Cup", "Olympics", "Olympic", "Paralympics", "championship", "championships", "semi-final",
                 "semi-finals", "quarter-final", "quarter-finals", "tournament", "football", "soccer", "rugby",
                 "cricket", "hockey", "tennis", "basketball", "volleyball", "medal", "medals", "Grand Prix",
                 "Six Nations", "Euro 2020", "Euro 2022", "Euro 2024", "Euro 2028")
    for form in dict.fromkeys((word, word[:1].upper() + word[1:]))
)
_TEAM_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:(?:women|men)(?:['’]s)?|(?:national\s+)?(?:team|squad|side)|(?:under|U)-?\d\d|\d+\s*[-–]\s*\d+"
    r"|vs?|beats?|thrash(?:es)?"
    r"|edges?|crash(?:es)? out|celebrate|book(?:ed)? their|reach(?:es)? the (?:semi|quarter|final)"
    r"|win the|draw with|lose to)\b")
_TEAM_VERBS_BEFORE = frozenset(
    "beat beats beating thrash thrashes thrashed edge edged stun stuns stunned v v. vs vs.".split())
_RESULTS = frozenset("victory win defeat loss draw triumph".split())  # "victory over Austria"
_SCORE = re.compile(r"\d+[-–]\d+")
_WORD_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ \t]$")
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+)(?:[ \t]+[A-Z]\.)?[ \t]+[A-Z][a-z]+")
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]im|[Hh]is|[Hh]er)\b")
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}

_ACTOR_KINDS = frozenset({"country", "demonym", "capital", "institution", "bloc"})


class DictionaryError(ValueError):
    """A problem in the actor dictionary, as one line: ``file:line: reason``."""


@dataclass(frozen=True)
class Actor:
    """A country or bloc and the surface strings that name it."""

    id: str
    name: str
    kind: str  # "country" | "bloc"
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    institutions: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    """An office held for an actor from ``start`` (inclusive) to ``end`` (exclusive, None = still)."""

    actor: str
    title: str
    start: date
    end: date | None

    def held_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Person:
    """A person of the dictionary: canonical name, other surface forms, gender and dated roles."""

    name: str
    variants: tuple[str, ...]
    gender: str
    roles: tuple[Role, ...]

    def role_on(self, day: date) -> Role | None:
        """The role held on ``day`` (the most recently started one if several), else None."""
        held = [role for role in self.roles if role.held_on(day)]
        return max(held, key=lambda role: role.start) if held else None

    @property
    def surname(self) -> str:
        words = [w for w in self.name.split() if w not in _NAME_SUFFIXES]
        return words[-1]


class Holding(NamedTuple):
    """A person and the role they held on some date."""

    person: Person
    role: Role


class Surface(NamedTuple):
    """What a surface string stands for: ``kind`` and the actor id, person names or title."""

    kind: str  # an actor kind, "person", "surname", "unlisted_surname", "title", "titles" (plural),
    #            "not_actor" or "sport"
    key: str | tuple[str, ...]


_SPORT = Surface("sport", "sport")  # what the automaton holds for _SPORT_WORDS


@dataclass(frozen=True, eq=False)
class ActorDictionary:
    """The parsed, checked actor dictionary with its compiled matcher."""

    version: str
    path: Path
    actors: dict[str, Actor]
    people: dict[str, Person]
    titles: tuple[str, ...]
    national_titles: dict[str, str]  # title of an office only one actor has -> that actor
    not_actors: tuple[str, ...]
    surfaces: dict[str, Surface]
    automaton: ahocorasick.Automaton
    tenures: dict[tuple[str, str], tuple[Holding, ...]]  # (actor, title) -> every holding ever

    def people_at(self, when, actor: str | None = None, title: str | None = None) -> list[Holding]:
        """Who held which role on ``when``, optionally only for ``actor`` and/or ``title``
        (a title also finds holders listed under a synonym: "minister of foreign affairs")."""
        day = _day(when)
        titles = _title_synonyms(title) if title else None
        return [
            holding
            for (held_actor, held_title), holdings in self.tenures.items()
            if (actor is None or held_actor == actor) and (titles is None or held_title in titles)
            for holding in holdings
            if holding.role.held_on(day)
        ]

    def holder(self, actor: str, title: str, day: date) -> str | None:
        """The one person who held ``title`` for ``actor`` on ``day`` (when nobody held it under
        that exact title, the one who held a synonym), else None."""
        for titles in ((title,), _title_synonyms(title)):
            names = {
                holding.person.name
                for each in titles
                for holding in self.tenures.get((actor, each), ())
                if holding.role.held_on(day)
            }
            if names:
                return names.pop() if len(names) == 1 else None
        return None


def actor_name(dictionary: ActorDictionary, actor_id: str) -> str:
    """Display name of ``actor_id`` (the id itself when the dictionary does not know it)."""
    actor = dictionary.actors.get(actor_id)
    return actor.name if actor else actor_id


def author_ids(dictionary: ActorDictionary) -> dict[str, str]:
    """Case-folded ways to write an author → actor id: the id ("rus"), the name ("russia") and each
    alias that names only one actor."""
    names: dict[str, set[str]] = {}
    for actor in dictionary.actors.values():
        for name in (actor.name, *actor.aliases):
            names.setdefault(name.casefold(), set()).add(actor.id)
    unique = {name: ids.pop() for name, ids in names.items() if len(ids) == 1}
    return unique | {actor_id.casefold(): actor_id for actor_id in dictionary.actors}


def resolve_person(dictionary: ActorDictionary, surface_or_name: str, when) -> tuple[str, str | None] | None:
    """``(person, actor on that date)`` for a name or variant ("Peskov", "President Donald Trump",
    "Putin's"), or None when it names no single dictionary person."""
    text = surface_or_name.strip()
    found = {
        (m.person, m.actor)
        for m in _sentence_mentions(dictionary, text, _day(when), [], set())
        if m.kind in ("person", "surname")
    }
    return found.pop() if len(found) == 1 else None


def load_dictionary(path: str | os.PathLike = DEFAULT_DICTIONARY) -> ActorDictionary:
    """Parse and check the actor dictionary at ``path``; cached per path and modification time.

    Raises ``DictionaryError`` with one line naming the file, line and reason."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as error:
        raise DictionaryError(f"{_shown(path)}: cannot read: {error.strerror}") from None
    return _load_cached(path.resolve(), mtime, _shown(path))


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime: int, shown: str) -> ActorDictionary:
    return _Parser(shown).parse(path)


def _shown(path: Path) -> str:
    """``path`` as written in messages: relative to the working directory when under it."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _day(when) -> date:
    """The UTC calendar day of a date, datetime, Timestamp or ISO string."""
    try:
        stamp = pd.Timestamp(when)
    except (TypeError, ValueError):
        raise ValueError(f"not a date: {when!r}") from None
    if pd.isna(stamp):
        raise ValueError(f"not a date: {when!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.date()


def _title_synonyms(title: str) -> frozenset[str]:
    return next((group for group in _TITLE_SYNONYMS if title in group), frozenset({title}))


class _Parser:
    """Builds an ``ActorDictionary`` from YAML nodes, failing with ``file:line: reason``."""

    def __init__(self, shown: str):
        self.shown = shown
        self.surfaces: dict[str, tuple[Surface, int]] = {}

    def fail(self, node: yaml.Node, reason: str):
        raise DictionaryError(f"{self.shown}:{node.start_mark.line + 1}: {reason}")

    def parse(self, path: Path) -> ActorDictionary:
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except OSError as error:
            raise DictionaryError(f"{self.shown}: cannot read: {error.strerror}") from None
        except UnicodeDecodeError as error:
            raise DictionaryError(f"{self.shown}: not UTF-8 text ({error.reason})") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise DictionaryError(f"{self.shown}{line}: invalid YAML: {getattr(error, 'problem', error)}") from None
        if root is None:
            raise DictionaryError(f"{self.shown}:1: the file is empty")
        top = self.mapping(root, "the file", required=_REQUIRED_TOP_KEYS, optional=_OPTIONAL_TOP_KEYS)
        empty = yaml.SequenceNode("tag:yaml.org,2002:seq", [], root.start_mark, root.end_mark)
        top = {key: top.get(key, empty) for key in _REQUIRED_TOP_KEYS | _OPTIONAL_TOP_KEYS}
        version = self.string(top["version"], "version")
        titles = self.titles(top["titles"])
        actors = {}
        for kind, key in (("country", "countries"), ("bloc", "blocs")):
            for index, node in enumerate(self.sequence(top[key], key)):
                actor = self.actor(node, f"{key}[{index}]", kind)
                if actor.id in actors:
                    self.fail(node, f"{key}[{index}].id '{actor.id}' is not unique")
                actors[actor.id] = actor
        people = {}
        for index, node in enumerate(self.sequence(top["people"], "people")):
            person = self.person(node, f"people[{index}]", actors, titles)
            if person.name in people:
                self.fail(node, f"people[{index}].name '{person.name}' is not unique")
            people[person.name] = person
        national_titles = self.national_titles(top["national_titles"], titles, actors)
        not_actors = self.strings(top["not_actors"], "not_actors", Surface("not_actor", "not_actor"))
        surfaces = {surface: meaning for surface, (meaning, _) in self.surfaces.items()}
        surfaces.update(_office_heads(titles, surfaces))
        surfaces.update(_unlisted_surnames(people, surfaces))
        tenures: dict[tuple[str, str], list[Holding]] = {}
        for person in people.values():
            for role in person.roles:
                tenures.setdefault((role.actor, role.title), []).append(Holding(person, role))
        return ActorDictionary(version, path, actors, people, titles, national_titles, not_actors, surfaces,
                               _compile(surfaces), {key: tuple(value) for key, value in tenures.items()})

    def mapping(self, node, what: str, required: set[str], optional: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in out:
                self.fail(key_node, f"{what}: duplicate key '{key}'")
            if key not in required | optional:
                self.fail(key_node, f"{what}: unknown key '{key}'")
            out[key] = value_node
        missing = sorted(required - out.keys())
        if missing:
            self.fail(node, f"{what}: missing key '{missing[0]}'")
        return out

    def sequence(self, node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list")
        return node.value

    def string(self, node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR_TAG or not node.value.strip():
            self.fail(node, f"{what} must be a non-empty string")
        return node.value

    def strings(self, node, what: str, meaning: Surface | None = None) -> tuple[str, ...]:
        values = []
        for index, item in enumerate(self.sequence(node, what)):
            value = self.string(item, f"{what}[{index}]")
            if meaning:
                self.register(item, f"{what}[{index}]", value, meaning)
            values.append(value)
        return tuple(values)

    def day(self, node, what: str) -> date:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(node.value)
        except ValueError:
            self.fail(node, f"{what} '{node.value}' is not a valid date (YYYY-MM-DD)")

    def register(self, node, what: str, surface: str, meaning: Surface):
        """Record that ``surface`` stands for ``meaning``; a clash with another actor is an error."""
        known = self.surfaces.get(surface)
        if known is None:
            self.surfaces[surface] = (meaning, node.start_mark.line + 1)
            return
        seen, line = known
        if seen == meaning:
            return
        if seen.kind in ("person", "surname") and meaning.kind in ("person", "surname"):
            names = tuple(dict.fromkeys(seen.key + meaning.key))
            self.surfaces[surface] = (Surface(seen.kind, names), line)
            return
        if seen.kind in _ACTOR_KINDS and meaning.kind in _ACTOR_KINDS and seen.key == meaning.key:
            return
        self.fail(node, f"{what} '{surface}' already stands for {_describe(seen)} (line {line})")

    def titles(self, node) -> tuple[str, ...]:
        titles = self.strings(node, "titles")
        for index, (title, item) in enumerate(zip(titles, node.value)):
            if title != title.lower():
                self.fail(item, f"titles[{index}] '{title}' must be lower case")
            if title in titles[:index]:
                self.fail(item, f"titles[{index}] '{title}' is not unique")
            for form, kind in _title_forms(title):
                self.register(item, f"titles[{index}]", form, Surface(kind, title))
            for abbreviation, (full, kind) in _TITLE_ABBREVIATIONS.items():
                if full == title:
                    self.register(item, f"titles[{index}]", abbreviation, Surface(kind, title))
        return titles

    def national_titles(self, node, titles: tuple[str, ...], actors: dict[str, Actor]) -> dict[str, str]:
        """``title: actor`` pairs: offices that name their actor without a country word ("the
        Senate majority leader" is the US's)."""
        if isinstance(node, yaml.SequenceNode) and not node.value:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "national_titles must be a mapping of title: actor")
        out = {}
        for key_node, value_node in node.value:
            title = self.string(key_node, "national_titles key")
            if title not in titles:
                self.fail(key_node, f"national_titles '{title}' is not listed in titles")
            if title in out:
                self.fail(key_node, f"national_titles: duplicate key '{title}'")
            actor = self.string(value_node, f"national_titles.{title}")
            if actor not in actors:
                self.fail(value_node, f"national_titles.{title} '{actor}' is not a known country or bloc")
            out[title] = actor
        return out

    def actor(self, node, what: str, kind: str) -> Actor:
        fields = self.mapping(node, what, required={"id", "name"}, optional=set(_ACTOR_LISTS))
        actor_id = self.string(fields["id"], f"{what}.id")
        pattern, rule = (_COUNTRY_ID, "3 upper-case letters (ISO 3166-1 alpha-3)") if kind == "country" \
            else (_BLOC_ID, "upper-case letters, digits or _")
        if not pattern.fullmatch(actor_id):
            self.fail(fields["id"], f"{what}.id '{actor_id}' must be {rule}")
        name_kind = "country" if kind == "country" else "bloc"
        name = self.string(fields["name"], f"{what}.name")
        self.register(fields["name"], f"{what}.name", name, Surface(name_kind, actor_id))
        lists = {}
        for key, surface_kind in zip(_ACTOR_LISTS, (name_kind, "demonym", "capital", "institution")):
            lists[key] = self.strings(fields[key], f"{what}.{key}", Surface(surface_kind, actor_id)) \
                if key in fields else ()
        return Actor(actor_id, name, kind, **lists)

    def person(self, node, what: str, actors: dict[str, Actor], titles: tuple[str, ...]) -> Person:
        fields = self.mapping(node, what, required={"name", "gender", "roles"}, optional={"variants"})
        name = self.string(fields["name"], f"{what}.name")
        self.register(fields["name"], f"{what}.name", name, Surface("person", (name,)))
        variants = ()
        if "variants" in fields:
            variants = self.strings(fields["variants"], f"{what}.variants")
            for index, (variant, item) in enumerate(zip(variants, fields["variants"].value)):
                kind = "person" if " " in variant else "surname"
                self.register(item, f"{what}.variants[{index}]", variant, Surface(kind, (name,)))
        gender = self.string(fields["gender"], f"{what}.gender")
        if gender not in ("m", "f"):
            self.fail(fields["gender"], f"{what}.gender '{gender}' must be m or f")
        roles = tuple(
            self.role(item, f"{what}.roles[{index}]", actors, titles)
            for index, item in enumerate(self.sequence(fields["roles"], f"{what}.roles"))
        )
        return Person(name, variants, gender, roles)

    def role(self, node, what: str, actors: dict[str, Actor], titles: tuple[str, ...]) -> Role:
        fields = self.mapping(node, what, required={"actor", "title", "start"}, optional={"end"})
        actor = self.string(fields["actor"], f"{what}.actor")
        if actor not in actors:
            self.fail(fields["actor"], f"{what}.actor '{actor}' is not a known country or bloc")
        title = self.string(fields["title"], f"{what}.title")
        if title not in titles:
            self.fail(fields["title"], f"{what}.title '{title}' is not listed in titles")
        start = self.day(fields["start"], f"{what}.start")
        end = self.day(fields["end"], f"{what}.end") if "end" in fields else None
        if end is not None and not start < end:
            self.fail(fields["end"], f"{what}.end {end} is not after start {start}")
        return Role(actor, title, start, end)


def _describe(meaning: Surface) -> str:
    if meaning.kind in ("person", "surname"):
        return "person " + " / ".join(meaning.key)
    if meaning.kind in ("title", "titles"):
        return f"title '{meaning.key}'"
    if meaning.kind == "not_actor":
        return "a look-alike (not_actors)"
    return f"{meaning.kind} of {meaning.key}"


def _plural(title: str) -> str:
    """'foreign minister' -> 'foreign ministers', 'secretary of state' -> 'secretaries of state'."""
    head, of, rest = title.partition(" of ")
    words = head.split()
    last = words[-1]
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        last += "es"
    else:
        last += "s"
    return " ".join(words[:-1] + [last]) + (of + rest if of else "")


def _title_forms(title: str) -> list[tuple[str, str]]:
    """Surface forms of a title (lower, Sentence and Title case; singular and plural) with kinds."""
    forms = {}
    for text, kind in ((title, "title"), (_plural(title), "titles")):
        words = text.split()
        capitalised = " ".join(w if w in _SMALL_WORDS and i else w[:1].upper() + w[1:]
                               for i, w in enumerate(words))
        for form in (text, text[:1].upper() + text[1:], capitalised):
            forms.setdefault(form, kind)
    return list(forms.items())


def _office_heads(titles: tuple[str, ...], surfaces: dict[str, Surface]) -> dict[str, Surface]:
    """Heads of titles that name a body ("deputy chair" of "deputy chair of the security
    council"), standing for the whole title, so that "the deputy chair of the Russian Security
    Council" finds its holder. One-word heads, heads shared by two titles and heads that are
    already surface strings are left out."""
    owners: dict[str, list[str]] = {}
    for title in titles:
        head, of_the, _ = title.partition(" of the ")
        if of_the and " " in head:
            owners.setdefault(head, []).append(title)
    return {
        form: Surface(kind, titles_of_head[0])
        for head, titles_of_head in owners.items() if len(titles_of_head) == 1
        for form, kind in _title_forms(head) if form not in surfaces
    }


def _unlisted_surnames(people: dict[str, Person], surfaces: dict[str, Surface]) -> dict[str, Surface]:
    """Surnames that are no surface string ("Rubio" of "Marco Rubio"): they name a person only
    after that person was named in full in the same article. Two-letter ones ("Un") are left out."""
    owners: dict[str, list[str]] = {}
    for person in people.values():
        if person.surname not in surfaces and len(person.surname) > 2:
            owners.setdefault(person.surname, []).append(person.name)
    return {surname: Surface("unlisted_surname", tuple(names)) for surname, names in owners.items()}


def _compile(surfaces: dict[str, Surface]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in _SPORT_WORDS:
        automaton.add_word(word, (len(word), _SPORT))
    for surface, meaning in surfaces.items():
        automaton.add_word(surface, (len(surface), meaning))
    automaton.make_automaton()
    return automaton


class _Hit(NamedTuple):
    start: int
    end: int
    meaning: Surface


class _Mention(NamedTuple):
    start: int
    end: int
    actor: str | None
    person: str | None
    kind: str


def _hits(automaton: ahocorasick.Automaton, text: str) -> list[_Hit]:
    """Word-bounded automaton hits, look-alikes removed, longest first without overlaps, in order."""
    hits, size, apart, previous_end = [], len(text), True, 0
    for last, (length, meaning) in automaton.iter(text):
        start, end = last - length + 1, last + 1
        if (start and text[start - 1].isalnum()) or (end < size and text[end].isalnum()):
            continue
        hits.append(_Hit(start, end, meaning))
        apart = apart and start >= previous_end and meaning.kind != "not_actor"
        previous_end = end
    if apart:
        return hits  # no overlaps, no look-alikes, and in order (the automaton reports by end)
    blockers = [h for h in hits if h.meaning.kind == "not_actor"]
    hits = [h for h in hits if h.meaning.kind != "not_actor"]
    chosen = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if any(_overlaps(hit, other) for other in blockers):
            continue
        clashes = [index for index, other in enumerate(chosen) if _overlaps(hit, other)]
        if not clashes:
            chosen.append(hit)
        elif len(clashes) == 1 and _same_person(hit, chosen[clashes[0]]):
            other = chosen[clashes[0]]  # "President Xi" + "Xi Jinping" = "President Xi Jinping"
            chosen[clashes[0]] = _Hit(min(hit.start, other.start), max(hit.end, other.end),
                                      Surface("person", other.meaning.key))
    return sorted(chosen)


def _same_person(a: _Hit, b: _Hit) -> bool:
    return a.meaning.kind in ("person", "surname") and b.meaning.kind in ("person", "surname") \
        and a.meaning.key == b.meaning.key


def _overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _is_person_like_place(hit: _Hit, text: str, starts: set[int], ends: set[int]) -> bool:
    """A country/capital name used as a person's name or as a US state ("Chad Smith", "Michael
    Jordan", "Georgia Tech", "Atlanta, Georgia")."""
    name = text[hit.start:hit.end]
    if name not in _PERSON_LIKE_PLACES:
        return False
    context = _LOOK_ALIKE_CONTEXT.get(name)
    if context and context.search(text):
        return True
    following = _SURNAME.match(text, hit.end)
    preceding = _FIRST_NAME.search(text, max(0, hit.start - 30), hit.start)
    return bool(following and following.start(1) not in starts and following.group(1) not in _NOT_SURNAMES
                or preceding and preceding.end(1) not in ends and preceding.group(1) not in _NOT_FIRST_NAMES) \
        and not _in_headline(text, hit.start)


def _in_headline(text: str, start: int) -> bool:
    """Whether the word at ``start`` stands in a Title Case headline: a sentence all in capitalised
    words (small words aside) with at least four of them ("Turkey Hosts Talks to Extend Grain
    Deal"), or such a run of at least five that opens the sentence and runs on into its lead
    ("Turkey Agrees to Back Sweden's Bid in Boost to the Alliance Turkey agreed ..."). There
    capitalised neighbours say nothing about names."""
    content, previous_end, reached = 0, None, False
    for word in _WORD.finditer(text):
        if previous_end is not None and _HEADLINE_BREAK.search(text, previous_end, word.start()):
            return False
        token = word.group()
        if token.lower() not in _TITLE_CASE_SMALL_WORDS:
            if not (token[0].isupper() or token[0].isdigit()):
                return False
            content += 1
        reached = reached or word.end() > start
        if reached and content >= 5:
            return True
        previous_end = word.end()
    return reached and content >= 4


def _without_non_actors(text: str, hits: list[_Hit]) -> list[_Hit]:
    """``hits`` less the sports words and the actor words whose context makes them no actor: past
    ones ("former US official", "Ret. US Army Major"), places that locate a company ("US-based"),
    capitals that are only venues, demonyms of companies, outlets, teams or schools, and in a sports
    sentence national teams."""
    past = _has_past_mark(text)  # cheap tests first: most sentences have neither
    based = "-based" in text
    sport = False
    kept = []
    for hit in hits:
        kind = hit.meaning.kind
        if kind in _ACTOR_KINDS:
            if past and (_word_before(text, hit.start) in _FORMER_WORDS
                         or hit.start >= 3 and text.startswith(("ex-", "Ex-"), hit.start - 3)) \
                    or based and text.startswith("-based", hit.end):
                continue
            if kind == "capital" and _is_venue(text, hit):
                continue
            if kind == "demonym" and _PRIVATE_AFTER.match(text, hit.end):
                continue
        elif kind == "sport":
            sport = True
            continue
        kept.append(hit)
    return _without_national_teams(text, kept) if sport else kept


def _has_past_mark(text: str) -> bool:
    """Whether ``text`` may hold a _FORMER word (a plain loop: cheaper than a regex here)."""
    for mark in _PAST_MARKS:
        if mark in text:
            return True
    return False


def _without_national_teams(text: str, hits: list[_Hit]) -> list[_Hit]:
    """``hits`` of a sports sentence less the country names that are teams ("Germany 2-0 Austria",
    "Great Britain women", "US beats Canada", "victory over Austria"), all over the sentence
    ("Sweden 1-0 Belgium: Sweden left it late")."""
    teams = {hit.meaning.key for hit in hits if hit.meaning.kind == "country"
             and (_TEAM_AFTER.match(text, hit.end) or _team_before(text, hit.start))}
    return [hit for hit in hits if not (hit.meaning.kind == "country" and hit.meaning.key in teams)]


def _is_venue(text: str, hit: _Hit) -> bool:
    """Whether capital ``hit`` only says where something happens ("talks in Madrid", "a Washington
    event"); not before "'s", nor where no event or place is named ("power in Kiev", "arrived in
    Riyadh", "officials in Moscow")."""
    if _VENUE_AFTER.match(text, hit.end):
        return True
    return _word_before(text, hit.start) in ("in", "near", "outside") and not text.startswith(("'s", "’s"), hit.end) \
        and bool(_VENUE_BEFORE.search(text, max(0, hit.start - 30), hit.start))


def _team_before(text: str, start: int) -> bool:
    """Whether a sports result stands before ``start``: "2-0 Austria", "beat Canada", "victory over
    the US"."""
    word = _word_before(text, start)
    if word == "the":
        start -= 4
        word = _word_before(text, start)
    if word in _TEAM_VERBS_BEFORE or _SCORE.fullmatch(word):
        return True
    return word in ("over", "against", "to", "with") and _word_before(text, start - len(word) - 1) in _RESULTS


def _word_before(text: str, start: int) -> str:
    """The word that ends one space before ``start`` ("" when none)."""
    end = start - 1
    if end < 1 or text[end] != " ":
        return ""
    return text[text.rfind(" ", 0, end) + 1:end]


def _sentence_mentions(dictionary: ActorDictionary, text: str, day: date, named: list[str],
                       namesakes: set[str]) -> list[_Mention]:
    """Dictionary mentions of one sentence: actors, people (with titles) and role phrases. Unlisted
    surnames count for people in ``named`` (named in full earlier in the article); people named in
    full here are appended to it. Listed surnames in ``namesakes`` (seen as someone else's earlier in
    the article: "Gareth McConnell") name a listed person only after that person's full name."""
    hits = _hits(dictionary.automaton, text)
    if not hits:
        return []
    if any(text[h.start:h.end] in _PERSON_LIKE_PLACES for h in hits):
        starts, ends = {h.start for h in hits}, {h.end for h in hits}
        hits = [h for h in hits
                if not (h.meaning.kind in ("country", "capital") and _is_person_like_place(h, text, starts, ends))]
    hits = _without_non_actors(text, hits)
    used: set[int] = set()
    mentions = []
    for index, hit in enumerate(hits):
        if hit.meaning.kind in ("person", "surname", "unlisted_surname"):
            mention = _person_mention(dictionary, text, hits, index, used, day, named, namesakes)
            if mention:
                mentions.append(mention)
                if mention.kind == "person":
                    named.append(mention.person)
    for index, hit in enumerate(hits):
        if hit.meaning.kind in ("title", "titles") and index not in used:
            mention = _role_mention(dictionary, text, hits, index, used, day)
            if mention:
                mentions.append(mention)
    mentions.extend(
        _Mention(hit.start, hit.end, hit.meaning.key, None, hit.meaning.kind)
        for index, hit in enumerate(hits)
        if hit.meaning.kind in _ACTOR_KINDS and index not in used
    )
    joined = _join_roles_to_names(text, sorted(mentions, key=_by_start))
    return [m for m in joined if m.actor or m.person]  # a past office's role phrase speaks for nobody


def _join_roles_to_names(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """A role phrase right before a name is part of the person's mention: "President of Russia
    Vladimir Putin" is one mention of Putin, not a role and a name."""
    joined: list[_Mention] = []
    for mention in mentions:
        if joined and joined[-1].kind == "role" and mention.kind in ("person", "surname") \
                and _TITLE_THEN_PERSON.fullmatch(text, joined[-1].end, mention.start):
            mention = mention._replace(start=joined.pop().start, kind="person")
        joined.append(mention)
    return joined


def _by_start(mention: _Mention) -> int:
    return mention.start


def _by_end(mention: _Mention) -> int:
    return mention.end


def _person_at(dictionary: ActorDictionary, names: tuple[str, ...], day: date) -> Person | None:
    """The person a (possibly shared) surface names on ``day``: the only one, else the only one in office."""
    if len(names) == 1:
        return dictionary.people[names[0]]
    in_office = [dictionary.people[n] for n in names if dictionary.people[n].role_on(day)]
    return in_office[0] if len(in_office) == 1 else None


def _latest_named(dictionary: ActorDictionary, names: tuple[str, ...], named: list[str]) -> Person | None:
    """Of the people an unlisted surname may stand for, the one named in full most recently."""
    latest = next((name for name in reversed(named) if name in names), None)
    return dictionary.people[latest] if latest else None


def _actor_on(person: Person, day: date) -> str | None:
    role = person.role_on(day)
    return role.actor if role else None


def _person_mention(dictionary, text, hits, index, used, day, named, namesakes) -> _Mention | None:
    """A person hit with the title (and the actor before the title) directly in front of it."""
    hit = hits[index]
    if hit.meaning.kind == "unlisted_surname":
        person = _latest_named(dictionary, hit.meaning.key, named)
    else:
        person = _person_at(dictionary, hit.meaning.key, day)
    if person is None:
        return None
    start, kind = hit.start, hit.meaning.kind.removeprefix("unlisted_")
    title = hits[index - 1] if index else None
    actor_index = None
    if title and title.meaning.kind == "title" and _TITLE_THEN_PERSON.fullmatch(text, title.end, start):
        used.add(index - 1)
        start, kind, actor_index = title.start, "person", index - 2
    elif _starts_with_title(dictionary, text, hit):
        actor_index = index - 1
    elif kind == "surname" and _after_first_name(text, start, hits):
        namesakes.add(text[start:hit.end])  # "Gareth McConnell": later bare "McConnell"s are his too
        return None
    elif kind == "surname" and (_before_surname(text, start, hit.end, hits)
                                or text[start:hit.end] in namesakes and person.name not in named):
        return None
    else:
        honorific = _HONORIFIC.search(text, max(0, start - 6), start)
        start = honorific.start() if honorific else start
    actor = hits[actor_index] if actor_index is not None and actor_index >= 0 else None
    if actor and actor.meaning.kind in _ACTOR_KINDS and _ACTOR_THEN_PERSON_TITLE.fullmatch(text, actor.end, start):
        used.add(actor_index)
        start = actor.start
    used.add(index)
    return _Mention(start, hit.end, _actor_on(person, day), person.name, kind)


def _starts_with_title(dictionary: ActorDictionary, text: str, hit: _Hit) -> bool:
    """Whether a person's surface begins with a title word ("President Xi", "Chancellor Scholz")."""
    first_word = text[hit.start:hit.end].split(" ", 1)[0]
    meaning = dictionary.surfaces.get(first_word)
    return meaning is not None and meaning.kind == "title"


def _after_first_name(text: str, start: int, others: list) -> bool:
    """Whether the bare surname at ``start`` follows a first name ("Gareth McConnell"), outside
    Title Case headlines ("Xi Meets Putin"); words that end one of the ``others`` (hits, mentions)
    do not count."""
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return bool(before and before.group(1) not in _NOT_FIRST_NAMES and before.group(1) not in _HONORIFICS
                and all(o.end != before.end(1) for o in others) and not _in_headline(text, start))


def _before_surname(text: str, start: int, end: int, others: list) -> bool:
    """Whether the bare surname ``text[start:end]`` is a first name before a surname ("Petro
    Beshta", not "the Biden Administration"), outside Title Case headlines; words that start one of
    the ``others`` do not count."""
    after = _SURNAME.match(text, end)
    return bool(after and after.group(1) not in _NOT_SURNAMES and after.group(1) not in _NOT_NAME_AFTER_SURNAME
                and all(o.start != after.start(1) for o in others) and not _in_headline(text, start))


def _role_mention(dictionary, text, hits, index, used, day) -> _Mention | None:
    """A role phrase around title hit ``index``: "the Russian president", "Russia's foreign
    minister", "a spokesman for the Russian government", "the Senate majority leader" (a national
    title); None when no actor is attached. A past office ("the former Russian president", "the
    43rd President of the United States") gets no actor: its holder speaks for nobody."""
    title = hits[index]
    before = hits[index - 1] if index else None
    after = hits[index + 1] if index + 1 < len(hits) else None
    owner = hits[index - 2] if index >= 2 else None
    if before and before.meaning.kind in _ACTOR_KINDS and owner and owner.meaning.kind in _ACTOR_KINDS \
            and index - 2 not in used and _POSSESSIVE_GAP.fullmatch(text, owner.end, before.start) \
            and _ACTOR_THEN_TITLE.fullmatch(text, before.end, title.start):
        actor_hit, first, last = owner, title, title  # "China's Ukraine envoy": China's, for Ukraine (still named)
    elif before and before.meaning.kind in _ACTOR_KINDS and index - 1 not in used \
            and _ACTOR_THEN_TITLE.fullmatch(text, before.end, title.start):
        actor_hit, first, last = before, before, title
        used.add(index - 1)
    elif after and after.meaning.kind in _ACTOR_KINDS and index + 1 not in used \
            and _TITLE_THEN_ACTOR.fullmatch(text, title.end, after.start):
        actor_hit, first, last = after, title, after
        used.add(index + 1)
    elif title.meaning.key in dictionary.national_titles and _unqualified(text, title):
        actor_hit, first, last = None, title, title
    else:
        return None
    used.add(index)
    prefix = _ROLE_PREFIX.search(text, max(0, first.start - 40), first.start)
    start = prefix.start() if prefix else first.start
    if _PAST.search(text, start, title.start):
        if actor_hit is not None and actor_hit is after and _PLACE_AFTER_TITLE.fullmatch(text, title.end, after.start):
            used.discard(index + 1)  # "an ex-MP in Russia": Russia is where, not whose office
        return _Mention(start, last.end, None, None, "role")
    actor = actor_hit.meaning.key if actor_hit else dictionary.national_titles[title.meaning.key]
    person = None
    if title.meaning.kind == "title" and not _NOT_THE_HOLDER.search(text, start, title.start) \
            and (actor_hit is None or _names_the_body(text, title, actor_hit)):
        person = dictionary.holder(actor, title.meaning.key, day)
    return _Mention(start, last.end, actor, person, "role")


def _unqualified(text: str, title: _Hit) -> bool:
    """Whether a national title stands on its own: no capitalised qualifier before it ("Texas
    Senate Majority Leader"), no "of" ("Speaker of the House of Commons") and no unlisted name
    ("Pope Karius", "Pope Emeritus") after it."""
    before = _WORD_BEFORE.search(text, max(0, title.start - 30), title.start)
    return not (before and before.group(1) not in _NOT_FIRST_NAMES) and not text.startswith(" of ", title.end) \
        and not _SURNAME.match(text, title.end)


def _names_the_body(text: str, title: _Hit, actor_hit: _Hit) -> bool:
    """For a title's head ("deputy chair" of "deputy chair of the security council"): whether the
    actor after it is that body ("of the Russian Security Council"). True for whole titles."""
    _, of_the, body = title.meaning.key.partition(" of the ")
    if not of_the or " of the " in text[title.start:title.end].lower():
        return True
    return actor_hit.start > title.start and text[actor_hit.start:actor_hit.end].lower().endswith(body)


class _ArticleContext:
    """What earlier sentences of an article say about people: who was named in full (their bare
    surnames count from then on), which listed surnames belong to someone else here, and the
    pronoun antecedents of the previous sentence."""

    def __init__(self, dictionary: ActorDictionary, day: date):
        self.dictionary, self.day = dictionary, day
        self.named: list[str] = []  # people named in full so far, oldest first
        self.namesakes: set[str] = set()  # listed surnames seen as someone else's
        self.previous: list[_Mention] = []

    def mentions(self, text: str) -> list[_Mention]:
        """All mentions of the next sentence of the article, with surnames and pronouns resolved."""
        mentions = _sentence_mentions(self.dictionary, text, self.day, self.named, self.namesakes)
        pronouns = self._pronoun_mentions(text, mentions)
        if pronouns:
            mentions = sorted(mentions + pronouns, key=_by_start)
        self.previous = mentions
        return mentions

    def _pronoun_mentions(self, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """he/she/him/her/his resolved to the latest person of that gender before it in this
        sentence, else in the previous one; omitted when nobody fits or when someone the
        dictionary cannot name stands between them ("US attorney David Weiss told him", "a
        senior official said his")."""
        if not any(m.person for m in self.previous + mentions):
            return []
        found = []
        for match in _PRONOUN.finditer(text):
            if _overlaps_any(match.start(), match.end(), mentions):
                continue
            gender = _PRONOUN_GENDER[match.group().lower()]
            before = [m for m in mentions + found if m.end <= match.start()]
            antecedent = self._teller(text, before, match.start(), gender) or self._latest(before, gender)
            if antecedent:
                since, between = antecedent.end, [m for m in before if m.start >= antecedent.end]
            else:
                antecedent = self._latest(self.previous, gender)
                since, between = 0, before + [m for m in self.previous if antecedent and m.start >= antecedent.end]
            if antecedent is None or any(m.kind == "role" and m.person is None for m in between) \
                    or _unknown_name_between(text, since, match.start(), mentions):
                continue
            found.append(_Mention(match.start(), match.end(), antecedent.actor, antecedent.person, "pronoun"))
        return found

    def _teller(self, text: str, before: list[_Mention], at: int, gender: str) -> _Mention | None:
        """In "Aliyev informed Putin of his meeting", "his" is the one who tells, not the one told."""
        fits = sorted((m for m in before if m.person and self.dictionary.people[m.person].gender == gender),
                      key=_by_end)
        if len(fits) >= 2 and _TOLD_ABOUT.fullmatch(text, fits[-1].end, at) \
                and _TELLS.fullmatch(text, fits[-2].end, fits[-1].start):
            return fits[-2]
        return None

    def _latest(self, mentions: list[_Mention], gender: str) -> _Mention | None:
        """The last mention of a person of ``gender`` among ``mentions``."""
        fits = [m for m in mentions if m.person and self.dictionary.people[m.person].gender == gender]
        return max(fits, key=_by_end) if fits else None


def _overlaps_any(start: int, end: int, mentions: list[_Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


def _unknown_name_between(text: str, start: int, end: int, mentions: list[_Mention]) -> bool:
    """Whether ``text[start:end]`` holds a capitalised name pair outside every mention."""
    return any(
        pair.group(1) not in _NOT_FIRST_NAMES and not _overlaps_any(pair.start(), pair.end(), mentions)
        for pair in _NAME_PAIR.finditer(text, start, end)
    )


def find_mentions(sentences: pd.DataFrame, dates: pd.Series, dictionary: ActorDictionary) -> pd.DataFrame:
    """``MENTIONS`` of every sentence (``SENTENCES`` rows); ``dates`` maps article_id to its UTC
    date, which decides whom each person represents. Offsets index the article text.

    Raises ``ValueError`` (one line) for missing columns, an article without a date or a
    sentence whose text is not a string."""
    missing = [c for c in ("article_id", "sent_idx", "start", "text") if c not in sentences.columns]
    if missing:
        raise ValueError(f"find_mentions: sentences lack the columns {missing}")
    if not dates.index.is_unique:
        raise ValueError("find_mentions: dates has more than one date for an article_id")
    date_of = dict(zip(dates.index, dates))
    ordered = sentences.sort_values(["article_id", "sent_idx"], kind="stable")
    rows = []
    context, current = None, object()
    for article_id, sent_idx, offset, text in zip(
        ordered["article_id"].tolist(), ordered["sent_idx"].tolist(), ordered["start"].tolist(),
        ordered["text"].tolist(),
    ):
        if article_id != current:
            if article_id not in date_of:
                raise ValueError(f"find_mentions: article_id {article_id!r} has no date")
            context, current = _ArticleContext(dictionary, _day(date_of[article_id])), article_id
        if not isinstance(text, str):
            raise ValueError(f"find_mentions: article {article_id!r} sentence {sent_idx}: text is not a string")
        for m in context.mentions(text):
            rows.append((article_id, sent_idx, offset + m.start, offset + m.end, text[m.start:m.end],
                         m.actor, m.person, m.kind))
    columns = list(zip(*rows)) or [()] * len(MENTIONS)
    frame = pd.DataFrame({
        name: pd.Series(values, dtype=object if name in ("actor", "person") else None)
        for name, values in zip(MENTIONS, columns)
    })
    return frame.astype({"article_id": sentences["article_id"].dtype, "sent_idx": "int32", "start": "int64",
                         "end": "int64", "surface": "str", "mention_type": "str"})


def _generated_sentences(dictionary: ActorDictionary, count: int, seed: int = 7) -> list[str]:
    """Plausible news sentences: a third name actors and people, the rest plain filler."""
    rng = random.Random(seed)
    names = [s for s, m in dictionary.surfaces.items() if m.kind in _ACTOR_KINDS | {"person", "surname"}]
    fillers = [
        "The talks ran late into the evening and officials declined to comment on the details.",
        "Markets were little changed on Tuesday as investors waited for new inflation figures.",
        "The agreement still needs the approval of parliament before it can take effect next year.",
        "Analysts said the decision could shift the balance of power in the region for years.",
    ]
    out = []
    for i in range(count):
        if i % 3:
            out.append(rng.choice(fillers))
        else:
            a, b = rng.sample(names, 2)
            out.append(f"{a} said on Monday that talks with {b} had made progress, and the foreign "
                       f"minister of {rng.choice(names)} welcomed it.")
    return out


def _benchmark(argv: list[str] | None = None) -> None:
    """Print the matcher's throughput in sentences/s on generated news-like sentences (CPU time of
    this process, so that other work on the machine does not count)."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.actors", description=_benchmark.__doc__)
    parser.add_argument("--dictionary", default=str(DEFAULT_DICTIONARY))
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--compare-vader", action="store_true",
                        help="also time vaderSentiment on the same sentences, one core")
    args = parser.parse_args(argv)
    started = time.process_time()
    dictionary = load_dictionary(args.dictionary)
    loaded = time.process_time()
    texts = _generated_sentences(dictionary, args.sentences)
    frame = pd.DataFrame({"article_id": [f"a{i // 30}" for i in range(len(texts))],
                          "sent_idx": [i % 30 for i in range(len(texts))], "start": 0, "text": texts})
    dates = pd.Series(pd.Timestamp("2025-03-04", tz="UTC"), index=frame["article_id"].unique())
    begun = time.process_time()
    mentions = find_mentions(frame, dates, dictionary)
    elapsed = time.process_time() - begun
    megabytes = sum(map(len, texts)) / 1e6
    print(f"dictionary {dictionary.version}: {len(dictionary.surfaces)} surface strings, "
          f"loaded and compiled in {loaded - started:.3f} s")
    print(f"{len(texts)} sentences ({megabytes:.1f} MB), {len(mentions)} mentions in {elapsed:.2f} s: "
          f"{len(texts) / elapsed:,.0f} sentences/s, {megabytes / elapsed:.1f} MB/s")
    if args.compare_vader:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        begun = time.process_time()
        for text in texts:
            analyzer.polarity_scores(text)
        vader = time.process_time() - begun
        print(f"vaderSentiment on the same sentences: {len(texts) / vader:,.0f} sentences/s; "
              f"the matcher is {vader / elapsed:.1f}x as fast")


if __name__ == "__main__":
    _benchmark()
