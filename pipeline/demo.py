"""Synthetic demo corpus: dated diplomatic news articles written from our own templates.

Every sentence comes from the phrase banks below (never from third-party text). Outlets are invented
and obviously demo, every article has ``synthetic=True`` and a URL under ``DEMO_URL``.

How a corpus is made (deterministic for a seed; no clock, no ``hash()``):

1. ``article_plan`` draws (day, directed pair) jointly from per-day weights: a base weight per pair
   plus a decaying burst after each event of ``data/events.csv`` that names the pair. Each article
   gets a tone: the pair's baseline on that day (steps and decaying shocks tied to real events,
   ``PAIRS``) plus noise.
2. Speakers come from the actor dictionary: an office's holder on a day is whoever
   ``ActorDictionary.people_at(day, actor)`` lists with one of the office's exact titles among the
   office's known holders, so nobody is named with a title they did not hold that day.
3. ``generate_corpus`` writes each article (4–10 sentences in 2–4 paragraphs: lead statement,
   attributed quotes in several forms, leader statements, partial quotes, "according to"
   paraphrases, a reaction from the other side, co-mention background and neutral filler; 4–9 in
   practice). Each sentence's polarity bucket is the article tone plus noise; its words are ones
   VADER and the diplomatic lexicon know. All random numbers are drawn up front in arrays.

CLI: ``python -m pipeline.demo --articles N [--seed S] [--start YYYY-MM-DD] [--months M] --out PATH``.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.actors import ActorDictionary, load_dictionary

ROOT = Path(__file__).resolve().parents[1]
DEMO_CORPUS = ROOT / "data" / "demo" / "articles.jsonl.gz"
EVENTS = ROOT / "data" / "events.csv"
DEMO_URL = "https://demo.entente.invalid/"
COLUMNS = ["article_id", "date", "title", "text", "source", "url", "synthetic"]

OUTLETS = (
    "Demo Wire", "Synthetic Herald", "Sample Gazette", "Mock Tribune",
    "Placeholder Post", "Example Daily", "Dummy Dispatch", "Fictional Courier",
)

TONE_NOISE = 0.2  # spread of an article's tone around the pair's baseline
SENTENCE_NOISE = 0.15  # spread of a sentence's polarity around its article's tone
BUCKET_EDGES = (-0.55, -0.18, 0.18, 0.55)  # tone → bucket 0 (hostile) … 4 (warm)
BURST_HEIGHT, BURST_DAYS = 6.0, 12.0  # extra volume after an event: height × exp(-days / BURST_DAYS)


# --- actors ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    """How our templates name one actor (every form is a surface string of the dictionary)."""

    id: str
    subjects: tuple[str, ...]  # capitalised, can open a sentence: "Moscow", "The Kremlin"
    objects: tuple[str, ...]  # mid-sentence nouns: "Moscow", "Russia", "the Kremlin"
    officials: str  # plural group speaker: "Russian officials"
    spokesperson: str  # singular group speaker: "a spokesman for the Russian government"


ACTORS = {a.id: a for a in (
    Actor("USA", ("Washington", "The United States"), ("Washington", "the United States", "the White House"),
          "U.S. officials", "a State Department spokesperson"),
    Actor("RUS", ("Moscow", "Russia", "The Kremlin"), ("Moscow", "Russia", "the Kremlin"),
          "Russian officials", "a spokesman for the Russian government"),
    Actor("UKR", ("Kyiv", "Ukraine"), ("Kyiv", "Ukraine"),
          "Ukrainian officials", "a spokesman for the Ukrainian government"),
    Actor("CHN", ("Beijing", "China"), ("Beijing", "China"),
          "Chinese officials", "a spokesperson for the Chinese Foreign Ministry"),
    Actor("EUR", ("Europe",), ("Europe",),
          "European leaders", "European officials"),
    Actor("EU", ("Brussels", "The EU"), ("Brussels", "the European Union", "the EU"),
          "EU officials", "a spokesperson for the European Commission"),
    Actor("IND", ("New Delhi", "India"), ("New Delhi", "India"),
          "Indian officials", "a spokesperson for the Indian government"),
    Actor("PAK", ("Islamabad", "Pakistan"), ("Islamabad", "Pakistan"),
          "Pakistani officials", "a spokesman for the Pakistani government"),
    Actor("ISR", ("Israel",), ("Israel", "the Israeli government"),
          "Israeli officials", "a spokesman for the Israeli government"),
    Actor("IRN", ("Tehran", "Iran"), ("Tehran", "Iran"),
          "Iranian officials", "a spokesman for the Iranian government"),
    Actor("TWN", ("Taipei", "Taiwan"), ("Taipei", "Taiwan"),
          "Taiwanese officials", "a spokesperson for the Taiwanese government"),
)}


@dataclass(frozen=True)
class Office:
    """A speaking office. ``description`` is true of every listed holder while the dictionary shows
    them holding one of ``titles`` (exact role titles, no synonyms) for ``actor``."""

    actor: str
    titles: tuple[str, ...]
    description: str  # appositive: "the Kremlin spokesman"
    holders: tuple[tuple[str, str], ...]  # (dictionary name, short form used after first mention)
    honorific: str = ""  # "President" → "President Vladimir Putin"
    leader: bool = False  # acts for the actor in leader statements ("Trump berated Zelensky")


SPOKES = ("spokesman", "spokeswoman", "spokesperson")
OFFICES = (
    Office("USA", ("president",), "the U.S. president",
           (("Barack Obama", "Obama"), ("Donald Trump", "Trump"), ("Joe Biden", "Biden")), "President", leader=True),
    Office("USA", ("vice president",), "the U.S. vice president",
           (("Mike Pence", "Pence"), ("Kamala Harris", "Harris"), ("JD Vance", "Vance"))),
    Office("USA", ("secretary of state",), "the U.S. secretary of state",
           (("John Kerry", "Kerry"), ("Rex Tillerson", "Tillerson"), ("Mike Pompeo", "Pompeo"),
            ("Antony Blinken", "Blinken"), ("Marco Rubio", "Rubio")), "Secretary of State"),
    Office("USA", ("press secretary",), "the White House press secretary",
           (("Sean Spicer", "Spicer"), ("Sarah Huckabee Sanders", "Huckabee Sanders"), ("Kayleigh McEnany", "McEnany"),
            ("Jen Psaki", "Psaki"), ("Karine Jean-Pierre", "Jean-Pierre"), ("Karoline Leavitt", "Leavitt"))),
    Office("USA", SPOKES, "the State Department spokesperson",
           (("Jen Psaki", "Psaki"), ("Heather Nauert", "Nauert"), ("Morgan Ortagus", "Ortagus"), ("Ned Price", "Price"),
            ("Matthew Miller", "Miller"), ("Tammy Bruce", "Bruce"))),
    Office("USA", ("secretary of defense",), "the U.S. defense secretary",
           (("Ash Carter", "Carter"), ("Jim Mattis", "Mattis"), ("Mark Esper", "Esper"), ("Lloyd Austin", "Austin"),
            ("Pete Hegseth", "Hegseth"))),
    Office("RUS", ("president",), "the Russian president", (("Vladimir Putin", "Putin"),), "President", leader=True),
    Office("RUS", ("foreign minister",), "the Russian foreign minister", (("Sergey Lavrov", "Lavrov"),)),
    Office("RUS", ("press secretary", "spokesman"), "the Kremlin spokesman", (("Dmitry Peskov", "Peskov"),)),
    Office("RUS", ("spokeswoman",), "the Russian Foreign Ministry spokeswoman", (("Maria Zakharova", "Zakharova"),)),
    Office("RUS", ("deputy chair of the security council",), "the deputy chair of Russia's Security Council",
           (("Dmitry Medvedev", "Medvedev"),)),
    Office("UKR", ("president",), "the Ukrainian president",
           (("Petro Poroshenko", "Poroshenko"), ("Volodymyr Zelensky", "Zelensky")), "President", leader=True),
    Office("UKR", ("foreign minister",), "Ukraine's foreign minister",
           (("Pavlo Klimkin", "Klimkin"), ("Vadym Prystaiko", "Prystaiko"), ("Dmytro Kuleba", "Kuleba"),
            ("Andrii Sybiha", "Sybiha"))),
    Office("UKR", ("defence minister",), "Ukraine's defence minister",
           (("Stepan Poltorak", "Poltorak"), ("Oleksii Reznikov", "Reznikov"), ("Rustem Umerov", "Umerov"),
            ("Denys Shmyhal", "Shmyhal"))),
    Office("CHN", ("president",), "the Chinese president", (("Xi Jinping", "Xi"),), "President", leader=True),
    Office("CHN", ("premier",), "the Chinese premier", (("Li Keqiang", "Li Keqiang"), ("Li Qiang", "Li Qiang")),
           "Premier"),
    Office("CHN", ("foreign minister",), "China's foreign minister",
           (("Wang Yi", "Wang Yi"), ("Qin Gang", "Qin Gang"))),
    Office("CHN", SPOKES, "a Chinese Foreign Ministry spokesperson",
           (("Hua Chunying", "Hua Chunying"), ("Lu Kang", "Lu Kang"), ("Geng Shuang", "Geng Shuang"),
            ("Zhao Lijian", "Zhao Lijian"), ("Wang Wenbin", "Wang Wenbin"), ("Mao Ning", "Mao Ning"),
            ("Lin Jian", "Lin Jian"))),
    Office("EU", ("commission president",), "the European Commission president",
           (("Jean-Claude Juncker", "Juncker"), ("Ursula von der Leyen", "von der Leyen")), leader=True),
    Office("EU", ("council president",), "the European Council president",
           (("Donald Tusk", "Tusk"), ("Charles Michel", "Michel"), ("António Costa", "Costa"))),
    Office("EU", ("high representative",), "the EU's foreign policy chief",
           (("Federica Mogherini", "Mogherini"), ("Josep Borrell", "Borrell"), ("Kaja Kallas", "Kallas"))),
    Office("EU", ("spokesman",), "an EU spokesman", (("Peter Stano", "Stano"),)),
    Office("IND", ("prime minister",), "the Indian prime minister", (("Narendra Modi", "Modi"),),
           "Prime Minister", leader=True),
    Office("IND", ("foreign minister",), "India's foreign minister",
           (("Sushma Swaraj", "Swaraj"), ("S. Jaishankar", "Jaishankar"))),
    Office("IND", ("defence minister",), "India's defence minister", (("Rajnath Singh", "Rajnath Singh"),)),
    Office("IND", SPOKES, "the Indian foreign ministry spokesperson", (("Randhir Jaiswal", "Jaiswal"),)),
    Office("PAK", ("prime minister",), "the Pakistani prime minister",
           (("Nawaz Sharif", "Nawaz Sharif"), ("Imran Khan", "Imran Khan"), ("Shehbaz Sharif", "Shehbaz Sharif")),
           "Prime Minister", leader=True),
    Office("PAK", ("prime minister",), "Pakistan's caretaker prime minister", (("Anwaar-ul-Haq Kakar", "Kakar"),),
           leader=True),
    Office("PAK", ("defence minister",), "Pakistan's defence minister", (("Khawaja Asif", "Khawaja Asif"),)),
    Office("PAK", ("foreign minister",), "Pakistan's foreign minister",
           (("Shah Mahmood Qureshi", "Qureshi"), ("Bilawal Bhutto Zardari", "Bhutto Zardari"), ("Ishaq Dar", "Dar"))),
    Office("ISR", ("prime minister",), "the Israeli prime minister",
           (("Benjamin Netanyahu", "Netanyahu"), ("Naftali Bennett", "Bennett"), ("Yair Lapid", "Lapid")),
           "Prime Minister", leader=True),
    Office("ISR", ("defence minister",), "Israel's defence minister",
           (("Naftali Bennett", "Bennett"), ("Benny Gantz", "Gantz"), ("Yoav Gallant", "Gallant"),
            ("Israel Katz", "Katz"))),
    Office("ISR", ("foreign minister",), "Israel's foreign minister",
           (("Yair Lapid", "Lapid"), ("Eli Cohen", "Cohen"), ("Israel Katz", "Katz"), ("Gideon Saar", "Saar"))),
    Office("ISR", ("president",), "the Israeli president", (("Isaac Herzog", "Herzog"),), "President"),
    Office("IRN", ("supreme leader",), "Iran's supreme leader", (("Ali Khamenei", "Khamenei"),), leader=True),
    Office("IRN", ("president",), "the Iranian president",
           (("Hassan Rouhani", "Rouhani"), ("Ebrahim Raisi", "Raisi"), ("Masoud Pezeshkian", "Pezeshkian")),
           "President"),
    Office("IRN", ("president",), "Iran's acting president", (("Mohammad Mokhber", "Mokhber"),)),
    Office("IRN", ("foreign minister",), "Iran's foreign minister",
           (("Mohammad Javad Zarif", "Zarif"), ("Hossein Amir-Abdollahian", "Amir-Abdollahian"),
            ("Abbas Araghchi", "Araghchi"))),
    Office("IRN", ("foreign minister",), "Iran's acting foreign minister", (("Ali Bagheri Kani", "Bagheri Kani"),)),
    Office("IRN", ("spokesman",), "the Iranian foreign ministry spokesman",
           (("Nasser Kanaani", "Kanaani"), ("Esmaeil Baghaei", "Baghaei"))),
    Office("TWN", ("president",), "Taiwan's president", (("Tsai Ing-wen", "Tsai"), ("Lai Ching-te", "Lai")),
           "President", leader=True),
    Office("TWN", ("foreign minister",), "Taiwan's foreign minister",
           (("Joseph Wu", "Joseph Wu"), ("Lin Chia-lung", "Lin Chia-lung"))),
)


# --- pairs: volume and tone -----------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """A directed pair's volume weight, baseline tone steps and transient shocks (all in [-1, 1])."""

    weight: float
    steps: tuple[tuple[str, float], ...]  # (from date, level); the first entry is the opening level
    shocks: tuple[tuple[str, float, float], ...] = ()  # (date, amplitude, decay in days)


PAIRS = {
    # Cold until the Trump–Putin call of 2025-02-12, then warmer; New START suspension dip in 2023.
    "RUS>USA": Pair(1.2, (("2023-01-01", -0.55), ("2025-01-20", -0.35), ("2025-02-12", 0.3), ("2025-08-15", 0.15)),
                    (("2023-02-21", -0.25, 30),)),
    "USA>RUS": Pair(1.2, (("2023-01-01", -0.6), ("2025-01-20", -0.4), ("2025-02-12", 0.1), ("2025-08-15", 0.0)),
                    (("2023-02-21", -0.2, 30),)),
    # Warm under Biden; sours at the Oval Office meeting (2025-02-28); partly repaired in Jeddah (2025-03-11).
    "USA>UKR": Pair(1.1, (("2023-01-01", 0.6), ("2025-01-20", 0.25), ("2025-02-28", -0.4), ("2025-03-11", 0.1))),
    "UKR>USA": Pair(1.0, (("2023-01-01", 0.65), ("2025-01-20", 0.4), ("2025-02-28", -0.05), ("2025-03-11", 0.35))),
    "RUS>UKR": Pair(1.0, (("2023-01-01", -0.75),)),
    "UKR>RUS": Pair(1.0, (("2023-01-01", -0.8),)),
    # Balloon (2023-02-04), Woodside thaw (2023-11-15), tariff escalation (2025-04), Geneva truce (2025-05-12).
    "CHN>USA": Pair(1.0, (("2023-01-01", -0.3), ("2023-11-15", -0.05), ("2025-01-20", -0.25), ("2025-04-02", -0.5),
                          ("2025-04-09", -0.8), ("2025-05-12", -0.3)), (("2023-02-04", -0.3, 30),)),
    "USA>CHN": Pair(1.0, (("2023-01-01", -0.35), ("2023-11-15", -0.1), ("2025-01-20", -0.3), ("2025-04-02", -0.55),
                          ("2025-04-09", -0.75), ("2025-05-12", -0.35)), (("2023-02-04", -0.3, 30),)),
    # Europe: steadily hostile to Moscow, supportive of Kyiv, with peaks at the 2023-12 summit and London 2025-03.
    "EUR>RUS": Pair(0.8, (("2023-01-01", -0.7),), (("2025-03-02", -0.15, 30),)),
    "EUR>UKR": Pair(0.8, (("2023-01-01", 0.6),), (("2023-12-14", 0.2, 30), ("2025-03-02", 0.2, 30))),
    # Pahalgam (2025-04-22), Operation Sindoor (2025-05-07), ceasefire (2025-05-10).
    "IND>PAK": Pair(0.5, (("2023-01-01", -0.25), ("2025-04-22", -0.8), ("2025-05-10", -0.5)),
                    (("2025-05-07", -0.15, 10),)),
    "PAK>IND": Pair(0.5, (("2023-01-01", -0.2), ("2025-04-22", -0.65), ("2025-05-07", -0.85), ("2025-05-10", -0.5))),
    # Direct exchanges of fire in 2024-04 and 2024-10; the twelve-day war from 2025-06-13.
    "ISR>IRN": Pair(0.6, (("2023-01-01", -0.4),),
                    (("2024-04-13", -0.45, 40), ("2024-10-01", -0.4, 50), ("2025-06-13", -0.55, 45))),
    "IRN>ISR": Pair(0.6, (("2023-01-01", -0.45),),
                    (("2024-04-13", -0.45, 40), ("2024-10-01", -0.4, 50), ("2025-06-13", -0.5, 45))),
    # Lai Ching-te's inauguration (2024-05-20) and the drills that followed.
    "CHN>TWN": Pair(0.6, (("2023-01-01", -0.45), ("2024-05-20", -0.65)), (("2024-05-20", -0.2, 40),)),
    "TWN>CHN": Pair(0.5, (("2023-01-01", -0.2), ("2024-05-20", -0.35)), (("2024-05-20", -0.15, 40),)),
    # Transatlantic trade: tariffs of 2025-04-02, the Turnberry framework of 2025-07-27.
    "USA>EU": Pair(0.6, (("2023-01-01", 0.45), ("2025-01-20", 0.05), ("2025-04-02", -0.4), ("2025-07-27", -0.05))),
    "EU>USA": Pair(0.6, (("2023-01-01", 0.5), ("2025-01-20", 0.15), ("2025-04-02", -0.45), ("2025-07-27", -0.1))),
}
PAIR_IDS = tuple(PAIRS)

TOPICS = {
    ("RUS", "USA"): ("sanctions", "arms control", "a possible ceasefire", "embassy operations", "prisoner exchanges"),
    ("UKR", "USA"): ("military aid", "a minerals agreement", "security guarantees", "peace negotiations"),
    ("RUS", "UKR"): ("the war", "drone attacks on cities", "prisoner exchanges", "strikes on energy infrastructure"),
    ("CHN", "USA"): ("tariffs", "export controls on chips", "trade", "military contacts", "fentanyl"),
    ("EUR", "RUS"): ("sanctions", "frozen central bank assets", "energy supplies", "the war"),
    ("EUR", "UKR"): ("financial aid", "accession talks", "air defence", "reconstruction"),
    ("IND", "PAK"): ("cross-border terrorism", "the Line of Control", "the Indus Waters Treaty", "Kashmir"),
    ("IRN", "ISR"): ("the nuclear programme", "missile attacks", "regional proxies", "uranium enrichment"),
    ("CHN", "TWN"): ("military drills", "the median line", "arms sales", "cross-strait trade"),
    ("EU", "USA"): ("tariffs", "trade", "defence spending", "digital regulation", "steel and aluminium"),
}


# --- phrase banks (ours); index 0 = hostile … 4 = warm ----------------------------------------------
# Placeholders: {S} source opening a sentence, {O} source officials, {t} target noun, {tp} target
# possessive, {topic}, {day} weekday, {ls}/{lt} source/target leader, {spokes} source group speaker.

TITLES = (
    ("{S} condemns {tp} stance on {topic}", "{S} accuses {t} of escalation over {topic}"),
    ("{S} criticises {t} over {topic}", "{S} warns {t} on {topic}"),
    ("{S} responds to {t} on {topic}", "{S} weighs proposal from {t} on {topic}"),
    ("{S} welcomes {tp} stance on {topic}", "{S} sees progress with {t} on {topic}"),
    ("{S} praises {t} as ties warm", "{S} hails breakthrough with {t} on {topic}"),
)

LEADS = (
    ("{O} denounced {tp} latest moves on {topic} as reckless on {day}.",
     "{O} condemned new pressure from {t} on {day}, calling it a hostile act.",
     "{S} accused {t} on {day} of deliberately escalating tensions over {topic}."),
    ("{O} criticised {tp} position on {topic} on {day}.",
     "{S} warned {t} on {day} against further provocations over {topic}.",
     "{O} rejected {tp} latest demands on {topic} on {day}."),
    ("{O} responded on {day} to {tp} latest statement on {topic}.",
     "{S} said on {day} it was studying a proposal from {t} on {topic}.",
     "{O} commented on {tp} plans for {topic} on {day}."),
    ("{O} welcomed {tp} offer of talks on {topic} on {day}.",
     "{S} praised {tp} constructive approach to {topic} on {day}.",
     "{O} said on {day} they saw real progress with {t} on {topic}."),
    ("{O} hailed a breakthrough with {t} on {topic} on {day}.",
     "{S} warmly praised its partnership with {t} on {day}, pointing to closer cooperation on {topic}.",
     "{O} thanked {t} on {day} for its support on {topic}."),
)

QUOTES = (
    ("We strongly condemn this act of aggression by {t}",
     "The reckless actions of {t} are a direct threat to peace",
     "Nobody should be fooled: {t} has chosen hostility and confrontation",
     "This is illegal, and the pressure from {t} is a hostile provocation",
     "What {t} is doing is dangerous, destructive and utterly unacceptable",
     "Threats from {t} will not intimidate us, and this aggression must stop",
     "The latest provocation by {t} on {topic} is a hostile act we firmly condemn",
     "Let me be clear: the blackmail coming from {t} will fail"),
    ("We are deeply worried by the latest steps taken by {t}",
     "The position of {t} is unhelpful and risks escalating tensions",
     "We reject the accusations coming from {t}",
     "The decision by {t} is a mistake, and we regret it",
     "Pressure and ultimatums from {t} will not work",
     "Frankly, we are disappointed with {t} on {topic}",
     "The approach taken by {t} on {topic} is wrong and will only deepen the mistrust",
     "We warned {t} that this would damage relations"),
    ("We have taken note of the statement from {t} and will study it carefully",
     "Our position on {topic} has not changed, and we have informed {t}",
     "Contacts with {t} continue at the working level",
     "We will reply to {t} through the usual channels",
     "The details of the proposal from {t} are still being examined",
     "We expect to hear more from {t} on {topic} next week",
     "Experts from our side and from {t} will look at {topic} in detail"),
    ("We welcome the constructive signals coming from {t}",
     "The talks with {t} were useful, and we hope to continue the dialogue",
     "We appreciate the willingness of {t} to work with us on {topic}",
     "This is a positive step, and {t} deserves credit for it",
     "We support a pragmatic dialogue with {t} on {topic}",
     "The meeting with {t} was productive, and we see room for agreement",
     "We are encouraged by the latest proposal from {t} on {topic}"),
    ("We welcome this breakthrough and thank {t} for a genuine partnership",
     "Our cooperation with {t} has never been stronger, and we are grateful",
     "We praise the real leadership {t} has shown on {topic}",
     "This agreement with {t} is excellent news for both our peoples",
     "We are proud of our strong friendship with {t}",
     "We deeply value our trusted partnership with {t} on {topic}",
     "Together with {t}, we have achieved a great success for peace and prosperity"),
)

PARTIALS = (
    ("reckless", "an act of aggression", "a dangerous provocation", "hostile and illegal"),
    ("unfriendly", "a mistake", "regrettable", "unhelpful and wrong"),
    ("a matter for further study", "one proposal among several", "largely technical"),
    ("a constructive step", "useful", "a positive signal", "encouraging"),
    ("a historic breakthrough", "an excellent agreement", "a great success", "a wonderful gesture of friendship"),
)
PARTIAL_FORMS = ("{sp} called {tp} decision “{p}.”", "{sp} described {tp} latest move as “{p}.”")

STATEMENTS = (
    ("{ls} berated {lt} over {topic}.", "{ls} accused {lt} of reckless aggression.",
     "{ls} condemned {lt} for threatening behaviour over {topic}."),
    ("{ls} criticised {lt} over {topic}.", "{ls} warned {lt} not to escalate the dispute over {topic}.",
     "{ls} rebuked {lt} for recent comments on {topic}."),
    ("{ls} was asked about {lt} and {topic} at a news conference.",
     "{ls} referred to {lt} when discussing {topic} with reporters."),
    ("{ls} thanked {lt} for a constructive discussion on {topic}.", "{ls} welcomed a proposal from {lt} on {topic}.",
     "{ls} spoke positively about {lt} and the outlook on {topic}."),
    ("{ls} praised {lt} warmly and promised closer cooperation on {topic}.",
     "{ls} hailed {lt} as a trusted partner on {topic}."),
)

ACCORDING = (
    ("{S} regards the latest steps by {t} as a dangerous threat and will respond firmly, according to {spokes}.",
     "{S} will not accept pressure and blackmail from {t}, according to {spokes}."),
    ("{S} sees the demands from {t} on {topic} as unhelpful, according to {spokes}.",
     "{S} is disappointed with {t} over {topic}, according to {spokes}."),
    ("{S} has received the proposal from {t} on {topic} and will reply in due course, according to {spokes}.",
     "{S} is still studying the statement from {t}, according to {spokes}."),
    ("{S} sees room for cooperation with {t} on {topic}, according to {spokes}.",
     "{S} welcomes the positive tone from {t}, according to {spokes}."),
    ("{S} values its strong partnership with {t} highly, according to {spokes}.",
     "{S} is grateful to {t} for its support on {topic}, according to {spokes}."),
)

BACKGROUND = (
    "Diplomats from {s} and {t} are due to meet again later this month.",
    "Officials in {s} and {t} have exchanged several statements on {topic} this year.",
    "The question of {topic} has been on the agenda between {s} and {t} for years.",
    "Relations between {s} and {t} have gone through several phases since {year}.",
)

FILLER = (
    "The remarks were published on the ministry's website.",
    "Officials did not give further details.",
    "{outlet} could not independently verify all of the claims.",
    "The statement came after several days of public exchanges.",
    "Analysts said the coming weeks would show whether positions would change.",
    "The next round of contacts has not yet been scheduled.",
    "The comments were carried by several news agencies.",
    "A transcript of the remarks was released later in the day.",
)

FIRST_QUOTE_FORMS = (
    "“{q},” {full}, {desc}, said.",
    "“{q},” {full}, {desc}, told reporters on {day}.",
    "“{q},” said {full}, {desc}.",
    "{full}, {desc}, said: “{q}.”",
)
LATER_QUOTE_FORMS = ("“{q},” {short} said.", "{short} said: “{q}.”", "“{q},” said {short}.")
CONTINUATION_FORMS = ("“{q},” {short} added.", "“{q},” {pronoun} added.")
GROUP_QUOTE_FORMS = (
    "“{q},” {officials} said in a joint statement.",
    "“{q},” {spokes} said on {day}.",
    "{Spokes} said: “{q}.”",
)
REACTION_LEADS = ("{T} was quick to respond.", "{T} responded within hours.", "{T} answered the same day.")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
N_DRAWS = 48  # uniform draws per article (an article uses at most ~40; each choice consumes one)
N_TONES = 10  # normal draws per article for sentence polarity


# --- plan ------------------------------------------------------------------------------------------

class EventsError(ValueError):
    """A problem in the events file, as one line: ``file:line: reason``."""


def load_events(path: Path = EVENTS) -> pd.DataFrame:
    """The events file (``date,title,pairs,description``) with ``date`` parsed to UTC and ``pairs``
    split into a tuple of known pair ids; any problem raises ``EventsError`` naming file and line."""
    try:
        events = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise EventsError(f"{path}: unreadable: {str(error).splitlines()[0]}") from None
    missing = [c for c in ("date", "title", "pairs", "description") if c not in events.columns]
    if missing:
        raise EventsError(f"{path}:1: missing column '{missing[0]}'")
    dates = pd.to_datetime(events["date"], format="%Y-%m-%d", utc=True, errors="coerce")
    pairs = events["pairs"].map(lambda cell: tuple(cell.split(";")))
    for row, (when, raw, ids) in enumerate(zip(dates, events["date"], pairs, strict=True), start=2):
        if pd.isna(when):
            raise EventsError(f"{path}:{row}: not a YYYY-MM-DD date: {raw!r}")
        unknown = [pair for pair in ids if pair not in PAIRS]
        if unknown:
            raise EventsError(f"{path}:{row}: unknown pair {unknown[0]!r} (known: {', '.join(PAIR_IDS)})")
    return events.assign(date=dates, pairs=pairs)


def _day_index(days: pd.DatetimeIndex, when: str) -> int:
    return int((pd.Timestamp(when, tz="UTC") - days[0]).days)


def baseline_tone(days: pd.DatetimeIndex) -> np.ndarray:
    """Tone of every pair on every day, shape (days, pairs), clipped to [-1, 1]."""
    offsets = np.arange(len(days), dtype=float)
    tone = np.zeros((len(days), len(PAIRS)))
    for j, pair in enumerate(PAIRS.values()):
        for when, level in pair.steps:
            tone[max(_day_index(days, when), 0):, j] = level
        for when, amplitude, decay in pair.shocks:
            since = offsets - _day_index(days, when)
            tone[:, j] += np.where(since >= 0, amplitude * np.exp(-np.maximum(since, 0) / decay), 0.0)
    return np.clip(tone, -1.0, 1.0)


def volume_weights(days: pd.DatetimeIndex, events: pd.DataFrame) -> np.ndarray:
    """Relative article volume of every pair on every day, shape (days, pairs)."""
    offsets = np.arange(len(days), dtype=float)
    weights = np.tile([pair.weight for pair in PAIRS.values()], (len(days), 1))
    for when, pairs in zip(events["date"], events["pairs"], strict=True):
        since = offsets - (when - days[0]).days
        burst = np.where(since >= 0, BURST_HEIGHT * np.exp(-np.maximum(since, 0) / BURST_DAYS), 0.0)
        for pair_id in pairs:
            j = PAIR_IDS.index(pair_id)
            weights[:, j] += PAIRS[pair_id].weight * burst
    return weights


def _days(start: str, months: int) -> pd.DatetimeIndex:
    first = pd.Timestamp(start, tz="UTC").normalize()
    return pd.date_range(first, first + pd.DateOffset(months=months), freq="D", inclusive="left")


def article_plan(n_articles: int = 2400, start: str = "2023-01-01", months: int = 46, seed: int = 7) -> pd.DataFrame:
    """One row per article in date order: ``date`` (UTC), ``day`` (index from start), ``pair``, ``tone``."""
    rng = np.random.default_rng([seed, 0])
    days = _days(start, months)
    weights = volume_weights(days, load_events())
    flat = rng.choice(weights.size, size=n_articles, p=(weights / weights.sum()).ravel())
    day, pair = np.divmod(flat, len(PAIRS))
    seconds = rng.integers(5 * 3600, 21 * 3600, size=n_articles)
    tone = np.clip(baseline_tone(days)[day, pair] + rng.normal(0.0, TONE_NOISE, n_articles), -1, 1)
    order = np.lexsort((pair, seconds, day))
    plan = pd.DataFrame({
        "date": days[day[order]] + pd.to_timedelta(seconds[order], unit="s"),
        "day": day[order],
        "pair": np.asarray(PAIR_IDS)[pair[order]],
        "tone": tone[order],
    })
    return plan.reset_index(drop=True)


# --- speakers --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Speaker:
    """A person speaking for an actor on a given day."""

    full: str
    short: str
    description: str
    honorific: str
    pronoun: str
    leader: bool


def speaker_roster(dictionary: ActorDictionary, days: pd.DatetimeIndex) -> dict[str, list[list[Speaker]]]:
    """For every actor, the speakers available on each day: an office's listed holders whom
    ``dictionary.people_at`` shows holding one of its titles that day. The short form is
    used only when it is one of the person's dictionary variants and capitalised, else the full
    name repeats."""
    first, last = days[0].date(), days[-1].date()
    change_days = sorted({first} | {
        bound for person in dictionary.people.values() for role in person.roles
        for bound in (role.start, role.end) if bound is not None and first < bound <= last
    })
    offsets = [(day - first).days for day in change_days] + [len(days)]
    roster = {actor: [[] for _ in days] for actor in ACTORS}
    for k, day in enumerate(change_days):
        holdings = {actor: dictionary.people_at(day, actor) for actor in ACTORS}
        for office in OFFICES:
            held = {h.person.name: h.person for h in holdings[office.actor] if h.role.title in office.titles}
            for name, short in office.holders:
                if name not in held:
                    continue
                person = held[name]
                usable = short in person.variants and short[0].isupper()  # it may open a sentence
                speaker = Speaker(name, short if usable else name, office.description,
                                  office.honorific, "he" if person.gender == "m" else "she", office.leader)
                for i in range(offsets[k], offsets[k + 1]):
                    roster[office.actor][i].append(speaker)
    return roster


# --- text ------------------------------------------------------------------------------------------

class _Draws:
    """Sequential access to one article's pre-drawn uniform numbers and polarity noise."""

    def __init__(self, uniform: list[float], normal: list[float], tone: float):
        self.uniform, self.normal, self.tone = uniform, normal, tone
        self.u = self.n = 0
        self.used: set[str] = set()

    def pick(self, options):
        value = options[int(self.uniform[self.u] * len(options))]
        self.u += 1
        return value

    def fresh(self, options: tuple[str, ...]) -> str:
        """Like ``pick`` but skips phrases this article already used (when another one is left)."""
        first = int(self.uniform[self.u] * len(options))
        self.u += 1
        rotated = options[first:] + options[:first]
        value = next((o for o in rotated if o not in self.used), rotated[0])
        self.used.add(value)
        return value

    def chance(self, probability: float) -> bool:
        self.u += 1
        return self.uniform[self.u - 1] < probability

    def bucket(self, tone: float | None = None) -> int:
        """Polarity bucket of the next sentence around ``tone`` (the article's tone by default)."""
        value = (self.tone if tone is None else tone) + SENTENCE_NOISE * self.normal[self.n]
        self.n += 1
        return bisect.bisect_left(BUCKET_EDGES, value)


def _possessive(noun: str) -> str:
    return noun + ("'" if noun.endswith("s") else "'s")


def _capitalise(phrase: str) -> str:
    return phrase[0].upper() + phrase[1:]


def _name(d: _Draws, speaker: Speaker, seen: set[str]) -> str:
    """How a person is named in running text: by role ("the Russian president") or full name
    (sometimes with honorific) until introduced, then by the short form."""
    if speaker.full in seen:
        return speaker.short
    if d.chance(0.3):
        return speaker.description
    seen.add(speaker.full)
    return f"{speaker.honorific} {speaker.full}" if speaker.honorific and d.chance(0.5) else speaker.full


def _quote_sentence(d: _Draws, speaker: Speaker | None, actor: Actor, quote: str, day: str, seen: set[str]) -> str:
    """A direct quote attributed to ``speaker`` (or to a group of ``actor`` when None)."""
    if speaker is None:
        form = d.pick(GROUP_QUOTE_FORMS)
        return form.format(q=quote, officials=actor.officials, spokes=actor.spokesperson,
                           Spokes=_capitalise(actor.spokesperson), day=day)
    if speaker.full in seen:
        return d.pick(LATER_QUOTE_FORMS).format(q=quote, short=speaker.short)
    seen.add(speaker.full)
    return d.pick(FIRST_QUOTE_FORMS).format(q=quote, full=speaker.full, desc=speaker.description, day=day)


def _article(d: _Draws, source: Actor, target: Actor, speakers: list[Speaker], target_speakers: list[Speaker],
             reverse_tone: float | None, day_name: str, year: int, outlet: str) -> tuple[str, str]:
    """(title, text) of one article about ``source`` → ``target``: 2–4 paragraphs, 4–9 sentences."""
    topic = d.pick(TOPICS[tuple(sorted((source.id, target.id)))])
    words = dict(S=d.pick(source.subjects), O=source.officials, t=d.pick(target.objects),
                 tp=_possessive(d.pick(target.objects)), topic=topic, day=day_name, spokes=source.spokesperson)
    title = _capitalise(d.pick(TITLES[d.bucket()]).format(**words))
    seen: set[str] = set()

    def quote(bucket: int, about: Actor) -> str:
        return d.fresh(QUOTES[bucket]).format(t=d.pick(about.objects), topic=topic)

    main = d.pick(speakers) if speakers and d.chance(0.8) else None
    first = [d.fresh(LEADS[d.bucket()]).format(**words),
             _quote_sentence(d, main, source, quote(d.bucket(), target), day_name, seen)]
    if main is not None and d.chance(0.5):
        form = d.pick(CONTINUATION_FORMS)
        first.append(form.format(q=quote(d.bucket(), target), short=main.short, pronoun=main.pronoun))

    second = []
    if d.chance(0.5):
        leader = next((s for s in speakers if s.leader), None)
        target_leader = next((s for s in target_speakers if s.leader), None)
        ls = _name(d, leader, seen) if leader else source.officials
        lt = _name(d, target_leader, seen) if target_leader else d.pick(target.objects)
        second.append(_capitalise(d.fresh(STATEMENTS[d.bucket()]).format(ls=ls, lt=lt, topic=topic)))
    else:
        second.append(d.fresh(ACCORDING[d.bucket()]).format(**words))
    if main is not None and d.chance(0.5):
        second.append(d.pick(PARTIAL_FORMS).format(sp=main.short, tp=_possessive(d.pick(target.objects)),
                                                   p=d.fresh(PARTIALS[d.bucket()])))
    else:
        other = d.pick(speakers) if speakers else None
        second.append(_quote_sentence(d, other, source, quote(d.bucket(), target), day_name, seen))
    paragraphs = [first, second]

    n_paragraphs = d.pick((2, 3, 4))
    if n_paragraphs >= 3 and reverse_tone is not None and d.chance(0.7):
        responder = d.pick(target_speakers) if target_speakers and d.chance(0.7) else None
        reply = quote(d.bucket(reverse_tone), source)
        paragraphs.append([d.fresh(REACTION_LEADS).format(T=d.pick(target.subjects)),
                           _quote_sentence(d, responder, target, reply, day_name, seen)])
    elif n_paragraphs >= 3:
        paragraphs.append([_quote_sentence(d, None, source, quote(d.bucket(), target), day_name, seen)])
    if n_paragraphs == 4:
        paragraphs.append([d.fresh(BACKGROUND).format(s=source.objects[0], t=d.pick(target.objects), topic=topic,
                                                     year=year - d.pick((2, 3, 5, 8)))])
    if d.chance(0.6):
        d.pick(paragraphs).append(d.fresh(FILLER).format(outlet=outlet))
    return title, "\n\n".join(" ".join(p) for p in paragraphs)


def _reversed(pair: str) -> str:
    source, target = pair.split(">")
    return f"{target}>{source}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def generate_corpus(n_articles: int = 2400, start: str = "2023-01-01", months: int = 46, seed: int = 7,
                    dictionary: ActorDictionary | None = None) -> pd.DataFrame:
    """A synthetic corpus (``COLUMNS``), identical for identical arguments and dictionary."""
    if n_articles < 1 or months < 1:
        raise ValueError(f"need at least one article and one month, got {n_articles} and {months}")
    dictionary = dictionary or load_dictionary()
    plan = article_plan(n_articles, start, months, seed)
    days = _days(start, months)
    roster = speaker_roster(dictionary, days)
    tones = baseline_tone(days)
    rng = np.random.default_rng([seed, 1])
    uniform = rng.random((n_articles, N_DRAWS))
    normal = rng.normal(size=(n_articles, N_TONES))
    outlets = rng.integers(0, len(OUTLETS), n_articles)
    weekdays = np.asarray(WEEKDAYS)[plan["date"].dt.day_of_week].tolist()
    paths = plan["date"].dt.strftime("%Y/%m/%d").tolist()
    reverse = {pair: PAIR_IDS.index(_reversed(pair)) for pair in PAIR_IDS if _reversed(pair) in PAIRS}

    titles, texts, urls = [], [], []
    ids = [f"demo{seed}-{i:06d}" for i in range(n_articles)]
    rows = zip(plan["date"].dt.year.tolist(), plan["day"].tolist(), plan["pair"], plan["tone"].tolist(), strict=True)
    for i, (year, day, pair, tone) in enumerate(rows):
        source_id, target_id = pair.split(">")
        reverse_tone = tones[day, reverse[pair]] if pair in reverse else None
        outlet = OUTLETS[outlets[i]]
        draws = _Draws(uniform[i].tolist(), normal[i].tolist(), tone)  # Python floats: fast to read one by one
        title, text = _article(
            draws, ACTORS[source_id], ACTORS[target_id],
            roster[source_id][day], roster[target_id][day], reverse_tone,
            weekdays[i], year, outlet)
        titles.append(title)
        texts.append(text)
        urls.append(f"{DEMO_URL}{_slug(outlet)}/{paths[i]}/{_slug(title)}-{ids[i]}")
    return pd.DataFrame({
        "article_id": ids, "date": plan["date"], "title": titles, "text": texts,
        "source": np.asarray(OUTLETS)[outlets], "url": urls, "synthetic": True,
    }, columns=COLUMNS)


# --- output ----------------------------------------------------------------------------------------

def write_jsonl(corpus: pd.DataFrame, path: Path) -> None:
    """Write ``corpus`` as JSON lines, gzipped when ``path`` ends with .gz (byte-stable: the gzip
    header holds no mtime and no file name)."""
    columns = corpus.assign(date=corpus["date"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    encode, names = json.JSONEncoder(ensure_ascii=False).encode, list(columns.columns)
    rows = zip(*(columns[name].tolist() for name in names), strict=True)
    payload = "".join(encode(dict(zip(names, row, strict=True))) + "\n" for row in rows).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        payload = gzip.compress(payload, compresslevel=9, mtime=0)
    path.write_bytes(payload)


class _OneLineErrors(argparse.ArgumentParser):
    """Usage errors as one line on stderr (exit code 2), without the usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineErrors(prog="python -m pipeline.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default="2023-01-01", help="first day, YYYY-MM-DD")
    parser.add_argument("--months", type=int, default=46)
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl or .jsonl.gz")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.months < 1:
        parser.error("--articles and --months must be positive")
    try:
        date.fromisoformat(args.start)
    except ValueError:
        parser.error(f"--start: not a YYYY-MM-DD date: {args.start!r}")

    began = time.perf_counter()
    try:
        corpus = generate_corpus(args.articles, args.start, args.months, args.seed)
    except (ValueError, OSError) as error:  # DictionaryError and EventsError are ValueErrors
        print(f"pipeline.demo: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    generated = time.perf_counter() - began
    try:
        write_jsonl(corpus, args.out)
    except OSError as error:
        print(f"pipeline.demo: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    written = time.perf_counter() - began - generated
    plan = article_plan(args.articles, args.start, args.months, args.seed)
    per_month = corpus["date"].dt.strftime("%Y-%m").value_counts()
    print(f"{len(corpus)} articles, {corpus['date'].min():%Y-%m-%d} … {corpus['date'].max():%Y-%m-%d}, "
          f"{per_month.size} months ({per_month.min()}–{per_month.max()} per month, median {per_month.median():.0f}), "
          f"{corpus['source'].nunique()} outlets")
    print("articles per pair: " + ", ".join(f"{p} {n}" for p, n in plan["pair"].value_counts().sort_index().items()))
    print(f"generated in {generated:.2f} s, written in {written:.2f} s → {args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
