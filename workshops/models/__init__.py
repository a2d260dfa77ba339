from .content import Module, Section, Workshop
from .contributions import ContributionEntry
from .organisations import Invitation, Membership, Organisation
from .people import User
from .revisions import SectionRevision

__all__ = [
    "ContributionEntry",
    "Invitation",
    "Membership",
    "Module",
    "Organisation",
    "Section",
    "SectionRevision",
    "User",
    "Workshop",
]
