"""People's names: display names ("Jean-Paul van der Berg", "John Smith Jr.") split into family
and given names, and group names ("for the SURMOUNT-1 Investigators") told from persons.

OpenAlex and Semantic Scholar give one display string per author. Splitting it at the last space
made "van der Berg" into "Berg" and "Smith Jr." into "Jr.", and a correct printed author was then
reported missing. The family name starts at the first particle (van, von, de, da, del, der, …;
any case) after the first given name; trailing suffixes (Jr, Sr, II, III, IV) are not part of it.
`nameparser` does this but is LGPL-licensed; pybtex's "First von Last" rule knows lowercase
particles only, and no suffixes.
"""

from __future__ import annotations

import re

from claimcheck.model import Person

PARTICLES = frozenset(
    {
        "van", "von", "de", "der", "den", "del", "della", "dei", "degli", "di", "da", "das", "dos",
        "do", "du", "des", "la", "le", "lo", "ter", "ten", "te", "bin", "ibn", "al", "el", "zu", "af",
        "av", "st", "st.", "mac", "y",
    }
)
#: A name that names a group of people, not a person ("for the SURMOUNT-1 Investigators", "the
#: DPP Research Group", "on behalf of the X Consortium").
_GROUP_NAME = re.compile(
    r"^(?:for|on behalf of)\b|\b(?:investigators?|group|consortium|collaborat(?:ion|ors|ive)|committee|"
    r"trialists|network|task force|working party|study team)\b",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"^(?:jr|sr|jnr|snr|ii|iii|iv|2nd|3rd)\.?$", re.IGNORECASE)


def is_group_name(name: str) -> bool:
    return bool(_GROUP_NAME.search(name))


def person_from_display_name(name: str) -> Person:
    """A display name as a Person; one word, a name with no given part, or a group name stays a
    literal."""
    name = " ".join(str(name).split())
    if is_group_name(name):
        return Person(literal=name)
    if "," in name:  # "Family, Given" as some sources write it
        family, _, given = (part.strip() for part in name.partition(","))
        given = " ".join(t for t in given.split() if not _SUFFIX.match(t.strip(",")))
        if family and given:
            return Person(family=family, given=given)
        name = family or given
    tokens = [t.strip(",") for t in name.split()]
    while len(tokens) > 2 and _SUFFIX.match(tokens[-1]):
        tokens.pop()
    if len(tokens) < 2:
        return Person(literal=name)
    start = next(
        (i for i in range(1, len(tokens) - 1) if tokens[i].lower() in PARTICLES),
        len(tokens) - 1,
    )
    return Person(family=" ".join(tokens[start:]), given=" ".join(tokens[:start]))
