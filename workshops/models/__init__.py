from .content import Module, Section, Workshop
from .contributions import ContributionEntry
from .organisations import Invitation, Membership, Organisation
from .people import User
from .reviews import Comment, Decision, ModuleVersion, Reviewer, ReviewRound
from .revisions import SectionRevision

__all__ = [
    "Comment",
    "ContributionEntry",
    "Decision",
    "Invitation",
    "Membership",
    "Module",
    "ModuleVersion",
    "Organisation",
    "ReviewRound",
    "Reviewer",
    "Section",
    "SectionRevision",
    "User",
    "Workshop",
]
