"""The data the analysis depends on, travelling together: actor dictionary, sentiment lexicon,
event lexicon and the learned direction model. Their combined hash is the analysis version: a
change to any of them means re-analysis.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from pipeline.actors import ActorDictionary, load_dictionary
from pipeline.relations.events import EventLexicon, load_event_lexicon
from pipeline.relations.model import RelationModel, load_model
from pipeline.score import Lexicon, default_lexicon


@dataclass(frozen=True)
class Resources:
    dictionary: ActorDictionary
    lexicon: Lexicon
    events: EventLexicon
    model: RelationModel | None

    def versions(self) -> dict[str, str]:
        """Each component's version, as recorded in the store manifest."""
        return {"dictionary": str(self.dictionary.version), "lexicon": str(self.lexicon.version),
                "events": str(self.events.version), "model": self.model.version if self.model else "none"}

    @property
    def version(self) -> str:
        """``sha256:`` + 12 hex digits over every component's version."""
        joined = "\n".join(f"{name}={value}" for name, value in sorted(self.versions().items()))
        return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()[:12]


@cache
def default_resources() -> Resources:
    """The project's shipped dictionary, lexicons and model (loaded once per process)."""
    return Resources(load_dictionary(), default_lexicon(), load_event_lexicon(), load_model())
