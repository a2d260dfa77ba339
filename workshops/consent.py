"""When a lived-experience story may be read, and by whom, from its consent. Pure: no ORM."""

import re
from datetime import date

from workshops.enums import ConsentAudience, PackKind, SectionKind

ATTENDEES, FACILITATORS = "attendees", "facilitators"


def readers_of(pack_kind: str) -> str:
    """Who reads a pack: a facilitator pack is for facilitators, every other pack for attendees."""
    return FACILITATORS if pack_kind == PackKind.FACILITATOR else ATTENDEES


def is_story(section: dict) -> bool:
    return section["kind"] == SectionKind.LIVED_EXPERIENCE_STORY


def consent_allows(consent, readers: str, today: date) -> bool:
    """Whether ``consent`` (a StoryConsent, or None) lets ``readers`` read the story today: it
    exists, is not withdrawn, has not ended, and covers them (consent for attendees covers
    facilitators too)."""
    return (
        consent is not None
        and consent.withdrawn_at is None
        and consent.expires_on >= today
        and (readers == FACILITATORS or consent.audience == ConsentAudience.EVERYONE)
    )


def names_found(text: str, names: list[str]) -> list[str]:
    """The names to keep out that appear in ``text`` as whole words, whatever their capitals."""
    return [
        name
        for name in names
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE)
    ]
