"""Structural rules: who acts on whom in one parsed sentence.

Each actor mention gets roles toward predicates (verbs and event nouns) by walking up the
dependency tree from its head token:

* ``subject`` / ``passive-subject`` / ``object`` — nsubj, nsubjpass, dobj of a verb;
* ``passive-agent`` — "… was condemned by France";
* ``excluded-from`` — "X barred from Y": Y is the agent of a passive exclusion verb;
* ``nominal-agent`` — a possessive, adjectival or compound actor of an event noun ("Russia's
  invasion", "Turkish strikes", "EU sanctions");
* ``prep-object`` — the object of a preposition the event word takes ("sanctions on Belarus",
  "invasion of Ukraine", "talks with Seoul"; "aid from X" makes X the agent);
* ``between`` — "talks between X and Y": both are participants;
* coordination ("X and Y") gives each conjunct the role of the first; an actor that describes a
  state body ("Russian troops", "China's foreign ministry") takes the role of that body.

A predicate without an agent inherits one from the verb that governs it ("Russia vowed to strike
Kyiv", "the EU imposed sanctions on Belarus", "US in talks with Seoul"); an event noun that is
the object of a predicate hands its agents over as patients ("France condemned Turkish strikes").
Verbs such as "lift", "refuse", "end" invert the polarity of the event they govern, and a negation
("did not recognise") reverses a positive event and voids a negative one.

Relations then follow the event word's direction in the event lexicon: forward (agent → patient),
reverse ("receive aid from"), or symmetric (every participant toward every other). A verb of
speech ("X said …", "X warned …") relates its subject to the actors of its clause.
"""

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from pipeline.relations.events import EventLexicon, EventWord

SPEECH_VERBS = frozenset(
    "say said says saying tell told tells telling add added adds state stated states claim claimed claims "
    "insist insisted insists argue argued argues announce announced announces declare declared declares "
    "note noted notes stress stressed stresses suggest suggested suggests tweet tweeted tweets write wrote "
    "writes believe believes believed think thinks thought".split())
INVERTERS = frozenset(
    "lift lifted lifts lifting ease eased eases easing end ended ends ending halt halted halts halting stop "
    "stopped stops stopping suspend suspended suspends suspending cancel cancelled canceled cancels scrap "
    "scrapped scraps drop dropped drops refuse refused refuses refusing reject rejected rejects rejecting "
    "block blocked blocks blocking veto vetoed vetoes postpone postponed postpones delay delayed delays "
    "withhold withheld withholds oppose opposed opposes opposing quit quits abandon abandoned abandons "
    "freeze froze frozen freezes pause paused pauses deny denied denies fail failed fails ration rations rationed "
    "rationing".split())
STATE_BODIES = frozenset(
    "troops troop forces force army armies military militaries navy jet jets fighter fighters warplane warplanes "
    "warship warships ship ships vessels drone drones bomber bombers aircraft plane planes helicopter helicopters "
    "submarine submarines tank tanks artillery unit units soldier "
    "missiles missile rockets balloon spy spies diplomats diplomat embassy embassies ambassador envoy envoys "
    "officials official leaders leader government governments regime authorities ministry ministries "
    "parliament lawmakers legislators mps president minister ministers delegation delegations soldiers "
    "police guard guards intelligence hackers administration cabinet officers commanders generals navy's "
    "coast spokesman spokeswoman spokesperson foreign defence defense counterpart counterparts chief chiefs "
    "negotiators side senate congress court courts prosecutors state targets positions bases facilities "
    "nationals citizens hostages prisoners detainees pilots servicemen sailors marines militants allies "
    "cities city towns villages territory territories land lands border borders infrastructure ports tunnels "
    "depots depot airfield airfields refinery refineries".split())
NATIONAL_GOODS = frozenset(
    "oil gas crude coal grain wheat steel aluminium aluminum diamonds gold fertiliser fertilizer goods products "
    "imports exports assets reserves".split())
"""A country's trade and wealth stand for it as a target ("lifts sanctions on Venezuelan oil", "freezes Russian
assets"), like the bodies that act for it."""
_STANDS_FOR_STATE = STATE_BODIES | NATIONAL_GOODS
OFFICE_TITLES = frozenset(
    "president minister leader spokesman spokeswoman spokesperson ambassador envoy chief counterpart diplomat "
    "official pm premier chancellor secretary king queen prince emir sheikh ayatollah sultan speaker general "
    "commander".split())
"""Nouns of an office that a person's name may follow: the name heads the phrase ("Australian PM Albanese")."""
TARGET_NOUNS = frozenset(
    "targets positions bases facilities cities city towns villages territory infrastructure ports tunnels "
    "depots depot airfield airfields refinery refineries".split())
"""Places and things hit in an attack: "Hamas bases struck overnight" is a headline's passive."""
WARS = frozenset("war wars invasion conflict fighting battle clashes hostilities".split())
"""Hostile events whose hyphen-joined actors fight each other ("the Israel-Hamas war"); a joined pair of
any other forward event acts together ("the US-UK oil ban")."""
LOCATIVE_CONFLICTS = frozenset(
    "war wars invasion conflict crisis offensive counteroffensive counter-offensive front fighting battle".split())
"""Conflict nouns whose compounded country is where they happen ("the Ukraine war"), not who wages them."""
NON_STATE_TARGETS = frozenset(
    "businesses business companies company firms firm individuals entities banks bank oligarchs oligarch "
    "billionaire billionaires executives exporters property properties assets apartment vessel tanker".split())
"""Objects that make a hostile act aimed at someone other than a state (no implied state target)."""
PERSONAL_ACTS = frozenset(
    "arrest arrests arrested detain detains detained jail jails jailed imprison imprisons imprisoned sentence "
    "sentences sentenced convict convicts convicted charge charges charged indict indicts indicted".split())
"""Acts done to persons: with an object of their own ("Spain arrested a suspect"), aimed at it, not at a state."""
APPEALS = frozenset(
    "call calls called calling urge urges urged urging push pushes pushed pushing demand demands demanded "
    "demanding seek seeks sought seeking propose proposes proposed proposing want wants wanted hope hopes "
    "hoped appeal appeals appealed plea".split())
COLLECTIVE_HEADS = frozenset(
    "group groups delegation delegations coalition team panel majority number dozens hundreds members".split())
"""Nouns whose "of" phrase names who they are ("a cross-party group of British MPs"): the phrase's actor heads it."""
RELATIONSHIP_NOUNS = frozenset({"relations", "ties", "relationship"})
"""A standing relationship is a topic: "thaw China-US relations" states no act between the two."""
_SUBJECTS = {"nsubj": "subject", "csubj": "subject"}
_OBJECTS = {"dobj", "dative", "attr", "oprd", "obj"}
_DESCRIPTORS = {"compound", "amod", "nmod", "nummod"}
_CLIMB_TO_VERB = {"xcomp", "conj", "advcl", "ccomp", "relcl", "acl", "pcomp", "prep", "pobj", "dobj", "appos", "acomp"}
_RELATIVE_PRONOUNS = {"which", "who", "that", "whom"}
_EXCLUSION_WORDS = frozenset({"bar", "ban", "exclude", "expel", "suspend", "kick", "block", "oust", "remove"})
_GENERIC_TARGET_PREPS = frozenset({"on", "against", "to", "toward", "towards", "at", "with", "over", "into"})
_RULE = frozenset("rule rules ruled ruling".split())
_TAKE = frozenset("take takes took taken taking".split())
_TAKEN_PLACES = frozenset(
    "city cities town towns village villages territory territories region regions land capital port airport".split())
TRIGGERS = SPEECH_VERBS | _TAKE | INVERTERS
"""Words outside the event lexicon that make a sentence worth parsing (an inverter announces an event: "fail to
reach a deal")."""
_THANKS = frozenset("thank thanks thanked thanking".split())
_ACCUSES = frozenset("accuse accuses accused accusing blame blames blamed blaming".split())
_MAX_CLIMB = 6
_COLLECTIVE_POSSESSIVES = frozenset({"its", "their"})
_SIGNED = 0.15  # an event polarity at least this far from 0 carries a sign
_ANSWERED_POLARITY = 0.5
"""How strongly a response ("sanctions", "condemned", "praised") must be signed to say whose act it answers."""
_BACKGROUND_PREPOSITIONS = frozenset({"amid", "in", "over", "during", "since", "despite", "throughout"})
_CONFLICT_POLARITY = -0.5
"""An event at least this hostile takes the place it happens in as its target ("Russian strikes in Ukraine")."""

WARNINGS = frozenset("warn warns warned warning caution cautions cautioned cautioning deter deters deterred "
                     "deterring dissuade dissuades dissuaded".split())
_OBLIGATIONS = frozenset({"must", "should", "ought"})
_ENTITLEMENTS = frozenset("join get receive become be have win gain enter keep govern run lead".split())
"""What a reported clause may say an actor should do without demanding anything of it ("should join the EU",
"should govern Gaza"); denied ("should not run Gaza"), it is a demand again."""
DEMAND_POLARITY = -0.4

AGENT, PATIENT, PARTICIPANT = "agent", "patient", "participant"
_DIRECT_PATIENTS = {"object", "passive-subject", "prep-object"}
"""Patients of a symmetric predicate that take part in it ("X met Y"), unlike handed-over ones."""


@dataclass(frozen=True)
class Role:
    """A mention's part in the predicate at token ``predicate``, and the rule that said so."""

    predicate: int
    part: str
    rule: str


@dataclass(frozen=True)
class Relation:
    """A directed relation between two mentions (indices into the mention list)."""

    source: int
    target: int
    event: str
    polarity: float | None
    rule: str
    confidence: float


@dataclass
class _Predicate:
    agents: dict[int, str] = field(default_factory=dict)  # mention index → rule
    patients: dict[int, str] = field(default_factory=dict)
    participants: dict[int, str] = field(default_factory=dict)


def mention_heads(doc: Doc, spans: list[tuple[int, int]]) -> list[Token | None]:
    """The syntactic head token of each character span (None when no token lies in it)."""
    heads = []
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        head = span.root if span is not None and len(span) else None
        while head is not None and head.dep_ == "pobj" and head.head.text.lower() == "of" and (
                head.head.head.text.lower() in COLLECTIVE_HEADS):
            head = head.head.head  # "a group of German MPs" acts as the MPs
        heads.append(head)
    return heads


def _event(token: Token, events: EventLexicon) -> EventWord | None:
    """The event word at ``token``; a verb with its particle or preposition first ("call for", "rule out")."""
    word = token.text.lower()
    if token.tag_.startswith(("VB", "NN")):  # "called for talks", "Michel's call for contact"
        for child in token.children:
            if child.dep_ in ("prt", "prep") and child.i > token.i:
                found = events.phrases([word, child.text.lower()])
                if found and found[0][:2] == (0, 2):
                    return found[0][2]
    if token.tag_.startswith("VB"):
        if word in _TAKE and any(c.dep_ in _OBJECTS and c.text.lower() in _TAKEN_PLACES for c in token.children):
            return events.lookup("capture", "verb")  # "taking a Ukrainian city"
        found = events.lookup(word, "verb")
        if found is not None and found.direction == "symmetric" and any(c.dep_ == "oprd" for c in token.children):
            return None  # "calls Putin a war criminal": naming, not a phone call; the words judge
        return found
    if token.tag_.startswith("NN"):
        return events.lookup(word, "noun")
    return events.lookup(word)


def _joined(token: Token, actor_heads: set[int]) -> bool:
    """True when another actor is hyphenated or compounded onto ``token`` ("Russia-Ukraine", "US-China")."""
    return any(child.i in actor_heads and child.dep_ in _DESCRIPTORS | {"npadvmod"} for child in token.children)


def _is_passive(verb: Token) -> bool:
    return any(child.dep_ in ("auxpass", "nsubjpass") for child in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ in ("acl", "ROOT", "advcl", "conj") and not any(
            child.dep_ == "aux" for child in verb.children))


def role_of(token: Token, events: EventLexicon, actor_heads: set[int]) -> Role | None:
    """The role of the noun phrase headed by ``token`` toward the predicate it belongs to.

    ``actor_heads`` holds the head tokens of the sentence's actor mentions: an actor joined to
    another ("Israel-Hamas war", "Armenian-Turkish relations") shares its role like a conjunct.
    """
    climbed = []
    paired = _joined(token, actor_heads)
    while True:
        dep, parent = token.dep_, token.head
        if parent is token:
            return None
        joined = dep in _DESCRIPTORS | {"npadvmod", "punct"} and parent.i in actor_heads
        if (dep in ("conj", "appos") or joined) and parent.i not in climbed:
            paired = paired or joined
            climbed.append(parent.i)
            token = parent
            continue
        if dep == "poss" or (dep in _DESCRIPTORS and parent.tag_.startswith("NN")):
            event = _event(parent, events)
            if event is not None:
                if paired and event.direction == "forward" and event.term not in WARS:
                    return Role(parent.i, AGENT, "joined-agents")  # "the US-UK oil ban": a joint act
                if paired and event.term in RELATIONSHIP_NOUNS:  # "normalising Armenian-Turkish relations"
                    verb = parent.head
                    return Role(verb.i, PATIENT, "joined-topic") if parent.dep_ in _OBJECTS else None
                if paired and parent.dep_ == "pobj" and parent.head.text.lower() in _BACKGROUND_PREPOSITIONS:
                    return None  # "protests amid the Israel-Hamas war": the war is background, not news
                if paired:
                    return Role(parent.i, PARTICIPANT, "joined-pair")  # "the Israel-Hamas war", "Egypt-Hamas talks"
                if dep != "poss" and any(c.dep_ == "poss" for c in parent.children):
                    return Role(parent.i, PATIENT, "nominal-patient")  # "Sweden's NATO bid"
                if dep == "compound" and token.tag_ == "NNP" and parent.text.lower() in LOCATIVE_CONFLICTS:
                    return Role(parent.i, PATIENT, "nominal-location")  # "the Ukraine war"
                return Role(parent.i, AGENT, "nominal-agent")
            if dep == "poss" or parent.text.lower() in _STANDS_FOR_STATE or (
                    parent.tag_ == "NNP" and token.text.lower() in OFFICE_TITLES):  # "Australian PM Albanese"
                token = parent
                continue
            return None
        if dep in _SUBJECTS:
            if token.text.lower() in TARGET_NOUNS and _hit_in_headline(parent, events):
                return Role(parent.i, PATIENT, "passive-subject")
            if parent.tag_ in ("VBD", "VBN") and any(c.dep_ == "agent" for c in parent.children):
                return Role(parent.i, PATIENT, "passive-subject")  # "Israel criticised by UN chief": a headline's
                # passive without its auxiliary, read as a past tense that takes a by-agent
            return Role(parent.i, AGENT, "subject")
        if dep == "nsubjpass":
            return Role(parent.i, PATIENT, "passive-subject")
        if dep in _OBJECTS:
            return Role(parent.i, PATIENT, "object")
        if dep == "pobj" and parent.dep_ in ("prep", "agent", "dative"):
            governor = parent.head
            if (parent.text.lower() == "of" and governor.text.lower() == "hands" and governor.dep_ == "pobj"
                    and governor.head.text.lower() == "at"):  # "battered at the hands of Russian forces"
                return Role(governor.head.head.i, AGENT, "passive-agent")
            if (parent.text.lower() == "of" and governor.tag_.startswith("NN") and governor.i not in climbed
                    and _event(governor, events) is None):  # "the president of France", "forces of Russia"
                climbed.append(governor.i)
                token = governor
                continue
            return _prep_role(parent, events)
        return None


def _hit_in_headline(verb: Token, events: EventLexicon) -> bool:
    """"Gaza tunnels and Hamas bases struck overnight": a hostile past form without an object."""
    event = _event(verb, events)
    return (verb.tag_ in ("VBD", "VBN") and event is not None and event.polarity <= _CONFLICT_POLARITY
            and not any(child.dep_ in _OBJECTS for child in verb.children))


def _prep_role(prep: Token, events: EventLexicon) -> Role | None:
    word, governor = prep.text.lower(), prep.head
    if prep.dep_ == "agent" or (word == "by" and governor.tag_ in ("VBN", "NN", "NNS")):
        return Role(governor.i, AGENT, "passive-agent")
    if word in ("between", "among"):
        return Role(governor.i, PARTICIPANT, "between")
    event = _event(governor, events)
    if word == "of" and event is not None and governor.tag_.startswith("NN") and "of" not in event.target_preps:
        return Role(governor.i, AGENT, "genitive-agent")  # "the support of the United Kingdom"
    if word == "from" and event is None and governor.dep_ == "pobj":  # "an incursion into Belgorod from X"
        outer = governor.head.head
        outer_event = _event(outer, events)
        if outer_event is not None and outer_event.polarity <= _CONFLICT_POLARITY and outer.tag_.startswith("NN"):
            return Role(outer.i, AGENT, "launched-from")
    if word == "from":
        if event is not None and event.term.split()[0] in _EXCLUSION_WORDS and _is_passive(governor):
            return Role(governor.i, AGENT, "excluded-from")
        if event is not None and event.polarity <= _CONFLICT_POLARITY and (
                _is_passive(governor) or governor.tag_.startswith("NN")):
            return Role(governor.i, AGENT, "launched-from")  # "rockets fired from Syria", "an incursion from X"
        if event is not None and event.direction == "reverse" or governor.text.lower() in ("aid", "support",
                                                                                             "help", "assistance"):
            return Role(governor.i, AGENT, "given-from")
        return None
    if event is not None and word == "with" and (event.direction == "symmetric" or event.polarity < 0):
        return Role(governor.i, PARTICIPANT, "with-partner")  # "talks with Seoul", "its war with Russia"
    if event is not None and word == "in" and event.polarity <= _CONFLICT_POLARITY:
        return Role(governor.i, PATIENT, "conflict-in")
    if word == "in" and governor.tag_.startswith("VB"):  # "intensified airstrikes in Gaza"
        hostile = [c for c in governor.children if c.dep_ in _OBJECTS and (e := _event(c, events)) is not None
                   and e.polarity <= _CONFLICT_POLARITY]
        if hostile:
            return Role(hostile[0].i, PATIENT, "conflict-in")
    if event is not None and (word in event.target_preps or word in _GENERIC_TARGET_PREPS):
        return Role(governor.i, PATIENT, "prep-object")
    if governor.tag_.startswith("VB") and word in _GENERIC_TARGET_PREPS:
        return Role(governor.i, PATIENT, "prep-object")
    return None


class SentenceRelations:
    """Relations between the actor mentions of one parsed sentence."""

    def __init__(self, doc: Doc, spans: list[tuple[int, int]], actors: list[str], events: EventLexicon,
                 organisations: frozenset[str] = frozenset(), places: frozenset[int] = frozenset()):
        """``organisations``: the actors that are organisations (no hostile act is implied to aim at them);
        ``places``: the mentions (indices) named by a capital."""
        self.doc, self.actors, self.events, self.organisations = doc, actors, events, organisations
        self.heads = mention_heads(doc, spans)
        self.predicates: dict[int, _Predicate] = {}
        actor_heads = {head.i for head in self.heads if head is not None}
        for index, head in enumerate(self.heads):
            role = role_of(head, events, actor_heads) if head is not None else None
            if role is not None and index in places and role.rule == "nominal-agent" and head.dep_ == "compound" \
                    and self._hostile(role.predicate):
                role = Role(role.predicate, PATIENT, "nominal-location")  # "the Jerusalem attack": where, not who
            if role is not None:
                self._add(role.predicate, role.part, index, role.rule)
        self._reduced_passives()
        self._reattached_targets()
        self._inherit_agents()
        self._acts_of_the_object()
        self._acts_answered()
        self._hand_over_nominal_agents()

    def _add(self, predicate: int, part: str, mention: int, rule: str) -> None:
        slot = self.predicates.setdefault(predicate, _Predicate())
        getattr(slot, part + "s").setdefault(mention, rule)

    def _reduced_passives(self) -> None:
        """"12 Thai nationals released by Hamas", "Russian diplomats expelled by Poland": the noun a passive
        participle modifies is its patient."""
        for verb in self.doc:
            if verb.dep_ != "acl" or verb.tag_ != "VBN":
                continue
            noun = verb.head
            for index, head in enumerate(self.heads):
                if head is not None and (head.i == noun.i or (head.head.i == noun.i and head.dep_ in _DESCRIPTORS
                                                               | {"poss"})):
                    self._add(verb.i, PATIENT, index, "passive-subject")

    def _reattached_targets(self) -> None:
        """"Hungary blocks EU aid to Ukraine": the parser hangs "to Ukraine" on the verb, but it names the target
        of the verb's event object ("aid to"), unless the verb itself takes that preposition."""
        heads = {h.i: index for index, h in enumerate(self.heads) if h is not None}
        for verb in self.doc:
            if not verb.tag_.startswith("VB"):
                continue
            verb_event = _event(verb, self.events)
            nouns = [(c, e) for c in verb.children if c.dep_ in _OBJECTS
                     and (e := _event(c, self.events)) is not None and c.tag_.startswith("NN")]
            for prep in verb.children:
                word = prep.text.lower()
                if prep.dep_ != "prep" or (verb_event is not None and word in verb_event.target_preps):
                    continue
                for noun, event in nouns:
                    if noun.i < prep.i and word in event.target_preps:
                        for target in (c for c in prep.children if c.dep_ == "pobj" and c.i in heads):
                            self._add(noun.i, PATIENT, heads[target.i], "prep-object")

    def _acts_of_the_object(self) -> None:
        """The act that one thanks or accuses an actor for, when it names no actor of its own, is that actor's:
        "Britain thanked Norway for (its) gas supplies" (done for the thanker), "Kyiv accused Moscow of shelling
        the plant" (a hostile act whose target the rules then imply)."""
        heads = {h.i: index for index, h in enumerate(self.heads) if h is not None}
        for verb in self.doc:
            slot = self.predicates.get(verb.i)
            thanks = verb.text.lower() in _THANKS
            if not (thanks or verb.text.lower() in _ACCUSES) or slot is None or not slot.agents:
                continue
            objects = [heads[c.i] for c in verb.children if c.dep_ in _OBJECTS and c.i in heads]
            acts = [token for prep in verb.children if prep.dep_ == "prep" and prep.text.lower() in ("for", "of")
                    for act in prep.children if act.dep_ in ("pobj", "pcomp") for token in (act, *act.conjuncts)]
            acts += [c for act in acts if _event(act, self.events) is None for c in act.children
                     if c.dep_ == "compound"]  # "for the new aid package"
            for act in acts:
                if not objects or act.i in self.predicates or _event(act, self.events) is None or any(
                        c.dep_ == "poss" and c.i in heads for c in act.children):
                    continue
                for mention in objects:
                    self._add(act.i, AGENT, mention, "thanked-object" if thanks else "object-control")
                for mention in slot.agents if thanks else ():
                    self._add(act.i, PATIENT, mention, "thanked-for")

    def _acts_answered(self) -> None:
        """The act that a signed response answers ("EU sanctions on Iran over drone supplies to Russia", "condemned
        Russia for the strike on Kyiv") was done by the one responded to, not by the responder: when the act names
        its own target but only inherited the responder as its agent, the response's targets become its agents."""
        for index, slot in list(self.predicates.items()):
            response = self.doc[index]
            event = _event(response, self.events)
            if (event is None or event.direction != "forward" or abs(event.polarity) < _ANSWERED_POLARITY
                    or not slot.agents or not slot.patients):
                continue
            acts = [token for prep in response.children if prep.dep_ == "prep" and prep.text.lower() in ("over", "for")
                    for act in prep.children if act.dep_ == "pobj" for token in (act, *act.conjuncts)]
            for act in acts:
                answered = self.predicates.get(act.i)
                if (answered is None or not answered.patients or _event(act, self.events) is None
                        or any(why != "inherited-agent" for why in answered.agents.values())):
                    continue
                answered.agents = {m: "answered-act" for m in slot.patients if m not in answered.patients}

    def _governing_agents(self, token: Token) -> dict[int, str]:
        """Agents of the nearest governing predicate ("Russia vowed to strike", "imposed sanctions on")."""
        for _ in range(_MAX_CLIMB):
            if token.dep_ == "relcl" and any(c.dep_ in ("nsubj", "nsubjpass") and c.text.lower() in _RELATIVE_PRONOUNS
                                             for c in token.children):  # the relative pronoun stands for the noun
                head = token.head  # the clause qualifies: an actor ("Iran, which armed Hamas") is the agent; the
                agents = {i: "relative-clause" for i, h in enumerate(self.heads) if h is not None and h.i == head.i}
                if agents or head.dep_ in _OBJECTS:  # object of another's act ("arrested a man who targeted …")
                    return agents  # is no agent; a noun further down a phrase takes its owner's ("Russia's
                # initiative on guarantees that would rule out …")
            if token.dep_ not in _CLIMB_TO_VERB or token.head is token:
                return {}
            if token.head.text.lower() in SPEECH_VERBS and not _noun_adjunct(token):
                return {}  # a speaker is not the agent of what is reported, only of "said during talks with X"
            heads = {h.i: index for index, h in enumerate(self.heads) if h is not None}
            verb = token.head.head if token.dep_ == "pcomp" and token.head.dep_ == "prep" else token.head
            if token.dep_ == "xcomp" or verb is not token.head:  # "urged China to speak with Ukraine", "thanked
                # Azerbaijan for agreeing to come": the one urged or thanked is the one to act
                controllers = [heads[c.i] for c in verb.children if c.dep_ in ("dobj", "obj") and c.i in heads]
                if controllers:
                    return {m: "object-control" for m in controllers}
            token = token.head
            if any(c.dep_ in ("nsubj", "nsubjpass") and c.text.lower() not in _RELATIVE_PRONOUNS
                   and not any(t.i in heads for t in c.subtree) for c in token.children):
                return {}  # "… as it looks to pry Russian forces from the east": the clause has its own subject
            if token.i in heads and token.dep_ in ("ROOT", "nsubj"):
                return {heads[token.i]: "headline-actor"}
            owners = [heads[c.i] for c in token.children if c.dep_ == "poss" and c.i in heads]
            if owners and token.tag_.startswith("NN"):  # "Russia's ability to spy in Europe", "Iran's plan to …"
                return {owners[0]: "possessive-agent"}
            slot = self.predicates.get(token.i)
            if slot is not None and (slot.agents or slot.participants):  # "talks with Seoul on deterring …"
                return {m: "inherited-agent" for m in {**slot.agents, **slot.participants}}
        return {}

    def _inherit_agents(self) -> None:
        for index in sorted(self.predicates, key=lambda i: sum(1 for _ in self.doc[i].ancestors)):
            slot = self.predicates[index]
            owners = [child for child in self.doc[index].children if child.dep_ == "poss"]
            if slot.agents or {"between", "joined-pair"} & set(slot.participants.values()):
                continue  # "the US hosts talks between X and Y", "China calls for a Russia-Ukraine ceasefire"
            if not owners:
                if not self._borrowed_war(self.doc[index]):
                    slot.agents.update(self._governing_agents(self.doc[index]))
            elif owners[0].text.lower() in _COLLECTIVE_POSSESSIVES:  # "Ukraine … its war with Russia"
                slot.agents.update(self._antecedent(owners[0]))

    def _hostile(self, index: int) -> bool:
        event = _event(self.doc[index], self.events)
        return event is not None and event.polarity <= _CONFLICT_POLARITY

    def _borrowed_war(self, token: Token) -> bool:
        """A hostile event noun only mentioned by another verb ("a strategy for the war in Ukraine", "mark
        a year of the invasion") is not waged by that verb's subject; one it takes as its object
        ("launched strikes on …") is."""
        event = _event(token, self.events)
        return (token.tag_.startswith("NN") and event is not None and event.polarity <= _CONFLICT_POLARITY
                and token.dep_ not in _OBJECTS)

    def _antecedent(self, pronoun: Token) -> dict[int, str]:
        """The actor mentioned last before ``pronoun`` ("its", "their"), outside its own predicate; one named
        as a place is passed over ("Russia's war in Ukraine and its invasion of Afghanistan")."""
        before = [(h.i, index) for index, h in enumerate(self.heads) if h is not None and h.i < pronoun.i]
        roles = {m for slot in self.predicates.values() for m in slot.participants}
        candidates = [index for _, index in sorted(before) if index not in roles]
        acting = [index for index in candidates if not self._named_as_place(self.heads[index])]
        chosen = acting or candidates
        return {chosen[-1]: "possessive-pronoun"} if chosen else {}

    @staticmethod
    def _named_as_place(head: Token) -> bool:
        return head.dep_ == "pobj" and head.head.text.lower() in ("in", "inside", "across", "throughout")

    def _hand_over_nominal_agents(self) -> None:
        """France condemned [Turkish strikes], China called for [a Russia-Ukraine ceasefire]: the agents
        of an event that is the object of a predicate become its patients."""
        for index, slot in list(self.predicates.items()):
            token = self.doc[index]
            while token.dep_ == "conj" and token.head is not token:  # "thanked for the aid and the support of X"
                token = token.head
            governor = token.head
            if token.dep_ == "pobj" and governor.dep_ == "prep" and (
                    governor.head.tag_.startswith("VB") or self._aimed_by(governor.head, governor)):
                governor = governor.head  # "imposed sanctions over [Russia's invasion]", "backing for [X's bid]"
            elif token.dep_ not in _OBJECTS | {"nsubjpass"}:
                continue
            if governor.i != index and slot.agents:
                if governor.i not in self.predicates and not governor.tag_.startswith("VB"):  # "backing for [X's
                    self.predicates[governor.i] = _Predicate(agents=self._governing_agents(governor))  # bid]"
                outer = self.predicates.setdefault(governor.i, _Predicate())
                for mention in slot.agents:
                    outer.patients.setdefault(mention, "object-event-agent")
                if governor.text.lower() in _THANKS and not slot.patients:  # the help went to the thanker
                    slot.patients.update({m: "thanked-for" for m in outer.agents if m not in slot.agents})

    def _aimed_by(self, noun: Token, prep: Token) -> bool:
        """Whether ``prep`` is one that names the target of the event noun ``noun`` ("support for")."""
        event = _event(noun, self.events) if noun.tag_.startswith("NN") else None
        return event is not None and prep.text.lower() in event.target_preps

    def _polarity(self, token: Token, event: EventWord | None) -> tuple[float | None, str]:
        """The event's polarity in context, and the words to show for it. An inverting verb ("lifted
        sanctions", "ending Russia's invasion") flips it only for the inverter's own agents: the
        invasion stays hostile from its agent."""
        if event is None:
            return None, token.text
        polarity = event.polarity
        governor = token.head
        slot = self.predicates.get(token.i)
        own_agents = slot is not None and any(why != "inherited-agent" for why in slot.agents.values())
        if (governor is not token and _inverts(governor) and not own_agents
                and (token.dep_ in _OBJECTS | {"xcomp"} or token.dep_ == "advcl" and token.tag_ == "VBG")):
            polarity = -polarity if abs(polarity) >= _SIGNED else -0.3  # "postponed a visit" is a snub
            return polarity, f"{governor.text} {token.text}"
        if any(child.dep_ == "neg" for child in token.children):
            return (-0.5 * polarity if polarity > 0 else 0.0), f"not {token.text}"
        governing = _event(governor, self.events) if token.dep_ in _OBJECTS else None
        if abs(polarity) < _SIGNED and governing is not None and abs(governing.polarity) >= _SIGNED:
            return governing.polarity, f"{governor.text} {token.text}"  # "restore relations", "cut ties"
        return polarity, token.text

    def relations(self) -> list[Relation]:
        """Every relation the rules find, at most one per (source, target, predicate)."""
        found = []
        for index, slot in self.predicates.items():
            token = self.doc[index]
            event = _event(token, self.events)
            polarity, shown = self._polarity(token, event)
            symmetric = event is not None and event.direction == "symmetric"
            mediator = self._mediator(token, slot)
            if mediator is not None:  # "Egypt mediated talks between X and Y": the talks keep their own sign
                polarity, shown = (event.polarity if event else None), token.text
                mediation = _event(mediator, self.events)
                found += self._pairs([(a, b, "mediator") for a in self.predicates[mediator.i].agents
                                      for b in slot.participants], f"{mediator.text} {token.text}",
                                     mediation.polarity, None, 0.75)
            if slot.participants or symmetric:
                members = {**slot.agents, **slot.participants}
                if symmetric:  # "X met Y", "Y was met by X": the object takes part like the subject
                    members.update({m: why for m, why in slot.patients.items() if why in _DIRECT_PATIENTS})
                if self._proposed(token, polarity):
                    members = dict(slot.agents)
                # "we agreed with the US and the UK": partners of the agent, not of each other; "the meeting
                # with Trudeau and Xi" has no agent: they meet each other
                pairs = [(a, b, _decisive(members[a], members[b])) for a in members for b in members
                         if a != b and not (slot.agents and members[a] == members[b] == "with-partner")]
                found += self._pairs(pairs, shown, polarity, None, 0.8 if event else 0.6)
                found += self._pairs([(a, b, slot.patients[b]) for a in slot.agents for b in slot.patients
                                      if b not in members], shown, polarity, None, 0.7)
                continue
            if _warned_against(token):
                continue  # "warned China against arming Russia": an act warned against is not done
            sources, targets = (slot.patients, slot.agents) if event and event.direction == "reverse" else (
                slot.agents, slot.patients)
            found += self._joint_symmetric(token, slot)
            if targets and "object-control" in sources.values() and self._proposed(token, polarity):
                continue  # "urged Xi to reach out to Ukraine": appealed for, not done
            if targets:
                confidence = 0.85 if event else 0.55
                found += self._pairs([(a, b, _decisive(sources[a], targets[b])) for a in sources for b in targets],
                                     shown, polarity, None, confidence)
            elif self._hostile(index) and sources and not _aims_at_non_state(token):
                found += self._implied_targets(sources, shown, polarity)
            elif token.text.lower() in SPEECH_VERBS or (event is not None and token.tag_.startswith("VB")
                                                          and not _aims_at_non_state(token)):
                found += self._speech(index, slot, shown, polarity)
        return _unique(found)

    def _mediator(self, token: Token, slot: _Predicate) -> Token | None:
        """The verb of mediation whose object is an event between the participants ("Egypt mediated talks between
        Israel and Hamas", "Qatar brokered a deal between …"), when it has an agent."""
        if "between" not in slot.participants.values() or token.dep_ not in _OBJECTS:
            return None
        verb = token.head
        mediation = _event(verb, self.events)
        agents = self.predicates.get(verb.i, _Predicate()).agents
        return verb if mediation is not None and "between" in mediation.target_preps and agents else None

    @staticmethod
    def _proposed(token: Token, polarity) -> bool:
        """"China calls for a Russia-Ukraine ceasefire", "Spain urged China to speak with Ukraine": a
        cooperative event or a meeting somebody appeals for is not yet one its parties hold."""
        governor = token.head.head if token.dep_ == "pobj" else token.head
        return ((polarity or 0) > 0 or token.dep_ == "xcomp") and token.dep_ in _OBJECTS | {"pobj", "xcomp"} \
            and governor.text.lower() in APPEALS

    def _pairs(self, pairs, shown: str, polarity, rule: str | None, confidence: float) -> list[Relation]:
        return [Relation(a, b, shown, polarity, rule or why, confidence)
                for a, b, why in pairs if self.actors[a] != self.actors[b]]

    def _joint_symmetric(self, token: Token, slot: _Predicate) -> list[Relation]:
        """"Brazil, India and South Africa pledge closer ties", "X and Y accused each other": joint agents
        of a predicate whose object is a symmetric event, or "each other", hold it toward each other."""
        if len({self.actors[m] for m in slot.agents}) < 2:
            return []
        objects = [c for c in token.children if c.dep_ in _OBJECTS] + [
            g for c in token.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        if any(obj.text.lower() in ("other", "another") and obj.nbor(-1).text.lower() in ("each", "one")
               for obj in objects if obj.i > 0):
            polarity, shown = self._polarity(token, _event(token, self.events))
            pairs = [(a, b, "reciprocal") for a in slot.agents for b in slot.agents if a != b]
            return self._pairs(pairs, shown, polarity, None, 0.8)
        for obj in objects:
            event = _event(obj, self.events)
            if event is not None and event.direction == "symmetric":
                polarity, shown = self._polarity(obj, event)
                verb = _event(token, self.events)
                if abs(polarity or 0) < 0.15 and verb is not None:  # "pledge closer ties": the verb signs it
                    polarity, shown = self._polarity(token, verb)[0], f"{token.text} {obj.text}"
                pairs = [(a, b, "joint-symmetric") for a in slot.agents for b in slot.agents if a != b]
                return self._pairs(pairs, shown, polarity, None, 0.75)
        return self._joint_symmetric_clause(token, slot)

    def _joint_symmetric_clause(self, token: Token, slot: _Predicate) -> list[Relation]:
        """"India, Brazil and South Africa vow to deepen cooperation", "Ethiopia, Egypt fail to reach a deal":
        joint agents of a verb whose own clause (no object of the verb takes it over, unlike "urge X to") holds a
        symmetric event hold it toward each other; the verb may invert it ("fail", "refuse")."""
        if any(child.dep_ in _OBJECTS for child in token.children):
            return []
        for clause in token.children:
            if clause.dep_ != "xcomp" or not clause.tag_.startswith("VB"):
                continue
            verb = _event(clause, self.events)
            nouns = [(c, e) for c in clause.children if c.dep_ in _OBJECTS
                     and (e := _event(c, self.events)) is not None and e.direction == "symmetric"]
            if not nouns and (verb is None or verb.direction != "symmetric"):
                continue
            polarity, shown = self._polarity(clause, verb)
            if nouns and abs(polarity or 0) < _SIGNED:  # "reach a deal": the noun signs it, the verb may invert it
                noun, event = nouns[0]
                polarity = event.polarity if not _inverts(token) else (
                    -event.polarity if abs(event.polarity) >= _SIGNED else -0.3)
                shown = f"{token.text} {clause.text} {noun.text}" if _inverts(token) else f"{clause.text} {noun.text}"
            pairs = [(a, b, "joint-symmetric") for a in slot.agents for b in slot.agents if a != b]
            return self._pairs(pairs, shown, polarity, None, 0.75)
        return []

    def _implied_targets(self, agents: dict[int, str], shown: str, polarity) -> list[Relation]:
        """A hostile act with no stated actor target ("Russian strikes killed 25 …, Kyiv says") is aimed at
        the sentence's other actors, unless it is aimed at a firm, a person or property; organisations are
        not implied targets."""
        agent_actors = {self.actors[a] for a in agents}
        others = [i for i, h in enumerate(self.heads) if h is not None and self.actors[i] not in agent_actors
                  and self.actors[i] not in self.organisations]
        return self._pairs([(a, b, "implied-target") for a in agents for b in others], shown, polarity, None, 0.45)

    def _agentless_passive(self, index: int) -> bool:
        """"Hamas bases struck overnight": a passive with no agent at all (not "… should it invade Ukraine")."""
        slot = self.predicates[index]
        return not slot.agents and "passive-subject" in slot.patients.values()

    def _speech(self, index: int, slot: _Predicate, shown: str, polarity) -> list[Relation]:
        """X said / warned …: the subject toward the actors that act or are acted on in the clause it
        governs; not toward those named only as a place or a modifier there, nor toward the victims of
        a hostile act it reports ("… killed in the invasion of Ukraine, the White House said") unless the
        act has no agent ("Hamas bases struck overnight, says Israel")."""
        clause = {t.i for child in self.doc[index].children if child.dep_ in ("ccomp", "xcomp", "advcl", "prep")
                  and child.text.lower() not in ("amid", "despite") for t in child.subtree}  # not the backdrop
        in_roles = {m for p, slot in self.predicates.items() if p in clause
                    for m in (*slot.agents, *slot.participants,
                              *([] if self._hostile(p) and not self._agentless_passive(p) else slot.patients))}
        targets = [i for i, h in enumerate(self.heads) if h is not None and h.i in clause and i in in_roles]
        demands = {} if polarity is not None and abs(polarity) >= _SIGNED else self._demands(clause)
        found = self._pairs([(a, b, "reported-clause") for a in slot.agents for b in targets if b not in demands],
                            shown, polarity, None, 0.6)
        for target, (words, demanded) in demands.items():
            found += self._pairs([(a, target, "reported-demand") for a in slot.agents], f"{shown}: {words}",
                                 demanded, None, 0.6)
        return found

    def _demands(self, clause: set[int]) -> dict[int, tuple[str, float]]:
        """The actors a reported clause says must or should act ("… said Turkey must respect the borders", "Japan
        should reflect on its past"): demanding, which analysts code as hostile, whatever the words. Not what an
        actor should gain ("Ukraine should join the EU") nor a passive ("must be held to account")."""
        demands = {}
        for index, slot in self.predicates.items():
            verb = self.doc[index]
            modal = next((c.text for c in verb.children if c.dep_ == "aux" and c.text.lower() in _OBLIGATIONS), None)
            denied = any(c.dep_ == "neg" for c in verb.children)
            if index not in clause or modal is None or (verb.text.lower() in _ENTITLEMENTS and not denied):
                continue
            for mention, rule in slot.agents.items():
                if rule == "subject":
                    demands[mention] = (f"{modal} {verb.text}", DEMAND_POLARITY)
        return demands


def _warned_against(token: Token) -> bool:
    """The act of "warned X against arming Y", "cautioned X against …": its clause hangs on "against" (or "from")
    under a verb of warning."""
    preposition = token.head
    return (token.dep_ in ("pcomp", "pobj") and preposition.text.lower() in ("against", "from")
            and preposition.head.text.lower() in WARNINGS)


def _inverts(verb: Token) -> bool:
    """"lifted", "refused", "postponed"; "rules out" (sending jets)."""
    word = verb.text.lower()
    return word in INVERTERS or (word in _RULE and any(c.dep_ == "prt" and c.text.lower() == "out"
                                                       for c in verb.children))


def _noun_adjunct(token: Token) -> bool:
    """A preposition with a noun phrase ("during the talks"), not a clause ("by refusing to …")."""
    return token.dep_ == "prep" and any(child.dep_ == "pobj" for child in token.children)


def _aims_at_non_state(token: Token) -> bool:
    """True when the predicate's object is a firm, a person or property ("sanctioned three businesses",
    "arrested a suspect")."""
    personal = token.text.lower() in PERSONAL_ACTS
    return any(child.dep_ in _OBJECTS and (personal or child.text.lower() in NON_STATE_TARGETS)
               for child in token.children)


def _decisive(agent_rule: str, patient_rule: str) -> str:
    """The rule to show for a relation: the agent's, unless it is a plain subject."""
    if agent_rule == patient_rule == "subject":
        return "joint-subjects"
    return patient_rule if agent_rule == "subject" else agent_rule


def _unique(relations: list[Relation]) -> list[Relation]:
    best: dict[tuple[int, int, str], Relation] = {}
    for relation in relations:
        key = (relation.source, relation.target, relation.event)
        if key not in best or relation.confidence > best[key].confidence:
            best[key] = relation
    return list(best.values())
