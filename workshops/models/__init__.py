from .consent import StoryConsent
from .content import Module, Section, Workshop
from .contributions import ContributionEntry
from .deliveries import Attendee, Delivery, DeliverySession
from .evaluation import EvaluationResponse, FeedbackAction
from .organisations import Invitation, Membership, Organisation
from .outbox import OutboxJob
from .packs import Pack
from .pay import Expense, FundingPot, PayMonthClose, PayRate
from .people import User
from .reviews import Comment, Decision, ModuleVersion, Reviewer, ReviewRound
from .revisions import SectionRevision
from .sessions import Attendance, CoDesignSession, LiveDocument, LiveUpdate
from .throttle import ThrottleCount
from .time import TimeEntry

__all__ = [
    "Attendee",
    "Delivery",
    "DeliverySession",
    "EvaluationResponse",
    "FeedbackAction",
    "Expense",
    "FundingPot",
    "PayMonthClose",
    "PayRate",
    "Attendance",
    "CoDesignSession",
    "LiveDocument",
    "LiveUpdate",
    "TimeEntry",
    "Comment",
    "ContributionEntry",
    "Decision",
    "Invitation",
    "Membership",
    "Module",
    "ModuleVersion",
    "Organisation",
    "OutboxJob",
    "Pack",
    "ReviewRound",
    "Reviewer",
    "Section",
    "SectionRevision",
    "StoryConsent",
    "ThrottleCount",
    "User",
    "Workshop",
]
