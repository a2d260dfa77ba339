"""Checking the contribution log's hash chains."""

from dataclasses import dataclass

from workshops.models import ContributionEntry, Organisation


@dataclass
class ChainBreak:
    organisation_id: int
    entry_id: int | None
    reason: str


def chain_verify(organisation) -> ChainBreak | None:
    """The first place where the organisation's chain is broken, or None if it is whole.

    Each entry must name the previous entry's hash and hash to its own stored hash, and the
    organisation's head must be the last entry's hash.
    """
    previous_hash = ""
    entries = (
        ContributionEntry.objects.filter(organisation=organisation).order_by("pk").iterator(2000)
    )
    for entry in entries:
        if entry.previous_hash != previous_hash:
            return ChainBreak(organisation.pk, entry.pk, "it does not follow the entry before it")
        if entry.compute_hash() != entry.entry_hash:
            return ChainBreak(organisation.pk, entry.pk, "its content does not match its hash")
        previous_hash = entry.entry_hash
    if organisation.log_head_hash != previous_hash:
        return ChainBreak(organisation.pk, None, "the last entry is missing or was removed")
    return None


def chains_verify():
    """(organisations checked, the first break in each broken chain)."""
    organisations = list(Organisation.objects.order_by("pk"))
    breaks = [b for b in (chain_verify(o) for o in organisations) if b is not None]
    return len(organisations), breaks
