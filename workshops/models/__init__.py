from .content import Module, Section, Workshop
from .contributions import ContributionEntry
from .organisations import Invitation, Membership, Organisation
from .packs import Pack, PackKind, PackState
from .people import User
from .reviews import Comment, Decision, ModuleVersion, Reviewer, ReviewRound
from .revisions import SectionRevision
from .sessions import Attendance, CoDesignSession, LiveDocument
from .time import Payment, TimeActivity, TimeEntry

__all__ = [
    "Attendance",
    "CoDesignSession",
    "LiveDocument",
    "Payment",
    "TimeActivity",
    "TimeEntry",
    "Comment",
    "ContributionEntry",
    "Decision",
    "Invitation",
    "Membership",
    "Module",
    "ModuleVersion",
    "Organisation",
    "Pack",
    "PackKind",
    "PackState",
    "ReviewRound",
    "Reviewer",
    "Section",
    "SectionRevision",
    "User",
    "Workshop",
]
