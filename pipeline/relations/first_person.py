"""The first person as an actor: "we", "my Government", "our state" stand for whoever speaks.

Inside an attributed quote (a transcript line included) the speaker's actor speaks. In an authored
text — a speech, a press release, a ministry readout, whose ``author_actor`` the input names — the
author speaks outside quotes (its unqualified "the President" is a role mention of the author:
``pipeline.authors``). A pronoun becomes a mention of that actor, so the structural rules read "we
condemn the strikes on Kyiv" like "France condemns …"; possessives take the role of the body they
own ("my Government welcomes …"). "This Assembly" or "the Council" is never the speaker.
"""

import re

from pipeline.relations.quoted import Mention

_FIRST_PERSON = re.compile(r"(?<![\w.'’-])(?:I|[Ww]e|WE|us|[Oo]ur|OUR|[Mm]y|me|myself|ourselves)(?![\w'’-])")
_ROMAN_NUMERAL_BEFORE = re.compile(r"\b(?:War|Phase|Part|Chapter|Title|Act|Article|Protocol)\s$")
""""World War I", "Phase I": a numeral, not a speaker."""


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in taken)


def self_mentions(text: str, start: int, end: int, actor: str, person: str | None,
                  taken: list[tuple[int, int]]) -> list[Mention]:
    """Mentions of ``actor`` for the first-person words of ``text[start:end]``, skipping spans that overlap
    the ``taken`` mentions."""
    found = []
    for match in _FIRST_PERSON.finditer(text, start, end):
        if match.group() == "I" and _ROMAN_NUMERAL_BEFORE.search(text, max(0, match.start() - 10), match.start()):
            continue
        found.append(match)
    return sorted((Mention(m.start(), m.end(), actor, m.group(), person, True) for m in found
                   if not _overlaps(m.start(), m.end(), taken)), key=lambda m: m.start)
