"""Choices shared by models, forms, rules and templates."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    NHS_SERVICE = "nhs_service", _("NHS service")
    CHARITY = "charity", _("Charity")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    LEAD = "lead", _("Organisation lead")
    CO_TRAINER = "co_trainer", _("Co-trainer")
    OBSERVER = "observer", _("Reviewer / observer")
    EXTERNAL_SUPPORTER = "external_supporter", _("External supporter")
    STAFF = "staff", _("Staff member")


class Perspective(models.TextChoices):
    FAMILY_CARER = "family_carer", _("Family carer (lived experience)")
    PROFESSIONAL = "professional", _("Professional (learned experience)")


class CreditPreference(models.TextChoices):
    FULL_NAME = "full_name", _("Full name")
    FIRST_NAME = "first_name", _("First name only")
    ANONYMOUS = "anonymous", _("Anonymous (“a family carer” or “a professional”)")


class SectionKind(models.TextChoices):
    KEY_MESSAGES = "key_messages", _("Key messages")
    EXPLANATION = "explanation", _("Explanation")
    ACTIVITY = "activity", _("Activity")
    LIVED_EXPERIENCE_STORY = "story", _("Lived-experience story")
    FACILITATOR_NOTES = "facilitator_notes", _("Facilitator notes")
    HANDOUT_TEXT = "handout", _("Handout text")
    REFERENCES = "references", _("References")
    QUESTION = "question", _("Evaluation question")


class SectionAudience(models.TextChoices):
    EVERYONE = "everyone", _("Attendees and facilitators")
    FACILITATORS = "facilitators", _("Facilitators only")


class SourceTag(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
    PROFESSIONAL_PRACTICE = "professional_practice", _("Professional practice")
    RESEARCH_EVIDENCE = "research_evidence", _("Research evidence")
    NATIONAL_CHARITY = "national_charity", _("National charity")
    ATTENDEE_FEEDBACK = "attendee_feedback", _("Attendee feedback")


class Action(models.TextChoices):
    """What a contribution log entry records. Stored as text, so new actions need no migration."""

    WORKSHOP_CREATE = "workshop.create", _("Workshop created")
    WORKSHOP_EDIT = "workshop.edit", _("Workshop edited")
    MODULE_CREATE = "module.create", _("Module created")
    MODULE_EDIT = "module.edit", _("Module edited")
    MODULE_MOVE = "module.move", _("Module moved")
    MODULE_DELETE = "module.delete", _("Module deleted")
    SECTION_CREATE = "section.create", _("Section created")
    SECTION_EDIT = "section.edit", _("Section edited")
    SECTION_MOVE = "section.move", _("Section moved")
    SECTION_DELETE = "section.delete", _("Section deleted")
    SECTION_UNDELETE = "section.undelete", _("Deleted section brought back")
    SECTION_RESTORE = "section.restore", _("Earlier version restored")
    MEMBER_INVITE = "member.invite", _("Person invited")
    MEMBER_JOIN = "member.join", _("Person joined")
    MEMBER_CHANGE = "member.change", _("Role or perspective changed")
    MEMBER_REMOVE = "member.remove", _("Person removed")
    MEMBER_UNLOCK = "member.unlock", _("Person let in again after too many wrong passwords")
    ORGANISATION_RULES = "organisation.rules", _("Organisation's sign-in rule changed")
    ORGANISATION_RETENTION = "organisation.retention", _("How long details are kept changed")
    ORGANISATION_WORKING_RULES = (
        "organisation.working_rules",
        _("Sign-off, co-delivery or balance rules changed"),
    )
    REVIEW_OPEN = "review.open", _("Review round opened")
    REVIEW_WITHDRAW = "review.withdraw", _("Review round withdrawn")
    REVIEW_CLOSE = "review.close", _("Review round closed with changes requested")
    REVIEW_COMMENT = "review.comment", _("Review comment")
    REVIEW_RESOLVE = "review.resolve", _("Review comment resolved")
    REVIEW_REOPEN = "review.reopen", _("Review comment reopened")
    REVIEW_APPROVE = "review.approve", _("Approved")
    REVIEW_REQUEST_CHANGES = "review.request_changes", _("Changes requested")
    REVIEW_AGREED = "review.agreed", _("Module agreed")
    PACK_REQUEST = "pack.request", _("Printable pack requested")
    PACK_RETRY = "pack.retry", _("Printable pack tried again")
    SESSION_CREATE = "session.create", _("Co-design session scheduled")
    SESSION_EDIT = "session.edit", _("Co-design session record edited")
    SESSION_END = "session.end", _("Co-design session ended")
    SESSION_ATTEND = "session.attend", _("Attended a co-design session")
    SECTION_LIVE_EDIT = "section.live_edit", _("Section written live")
    TIME_LOG = "time.log", _("Time recorded")
    DELIVERY_CREATE = "delivery.create", _("Delivery scheduled")
    DELIVERY_EDIT = "delivery.edit", _("Delivery edited")
    DELIVERY_SESSION_EDIT = "delivery.session_edit", _("Delivery session or its team changed")
    ATTENDEE_ADD = "attendee.add", _("Attendee added")
    ATTENDEE_EDIT = "attendee.edit", _("Attendee's details changed")
    ATTENDEE_DELETE = "attendee.delete", _("Attendee deleted")
    REGISTER_UPDATE = "delivery.register", _("Register kept")
    EVALUATION_CREATE = "evaluation.create", _("Evaluation questions started")
    EVALUATION_ANSWERS_TYPED = "evaluation.paper", _("Paper answers typed in")
    EVALUATION_OPEN = "evaluation.open", _("Answer link turned on or off")
    FEEDBACK_ACTION_ADD = "feedback.action", _("Action from attendee feedback")
    FEEDBACK_ACTION_DONE = "feedback.done", _("Action from attendee feedback done")
    CONSENT_RECORD = "consent.record", _("Consent for a story recorded")
    CONSENT_WITHDRAW = "consent.withdraw", _("Consent for a story withdrawn")
    DATA_EXPORT = "member.data_export", _("A person's data exported for them by a lead")
    MEMBER_ERASE = "member.erase", _("A person erased, at their request")
    CLOSED_ACCOUNT_CLEAR = (
        "member.closed_clear",
        _("A closed account's name and contact cleared when its time was up"),
    )
    PAY_RATE_ADD = "pay.rate_add", _("Rate card row added")
    PAYMENT_CHOICE = "pay.choice", _("Payment choice changed")
    PAY_MONTH_CLOSE = "pay.month_close", _("Month closed for payments")
    EXPENSE_ADD = "pay.expense_add", _("Expense claimed")
    EXPENSE_EDIT = "pay.expense_edit", _("Expense changed")
    EXPENSE_REMOVE = "pay.expense_remove", _("Expense removed")
    PAY_MONTH_REOPEN = "pay.month_reopen", _("Month reopened for payments")
    FUNDING_POT_SET = "pay.funding_pot", _("Funding pot set")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    AGREED = "agreed", _("Agreed")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SectionChange(models.TextChoices):
    """How a section differs between two frozen versions of its module."""

    ADDED = "added", _("New section")
    CHANGED = "changed", _("Changed")
    REMOVED = "removed", _("Section removed")


class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")


class PackKind(models.TextChoices):
    MODULE_HANDOUT = "module_handout", _("Attendee handout for one module")
    ATTENDEE = "attendee", _("Attendee pack")
    FACILITATOR = "facilitator", _("Facilitator pack")


class PrintSize(models.TextChoices):
    STANDARD = "standard", _("Standard print")
    # UKAAF large print: 18 pt body text and the clear-print rules (static/packs/pack-large.css).
    LARGE = "large", _("Large print")


class PackState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RENDERING = "rendering", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class TimeActivity(models.TextChoices):
    CO_DESIGN = "co_design", _("Co-design session")
    PREPARATION = "preparation", _("Preparation")
    REVIEW = "review", _("Review")
    DELIVERY = "delivery", _("Delivery")
    TRAVEL = "travel", _("Travel")


class Payment(models.TextChoices):
    PAID = "paid", _("To be paid")
    VOLUNTEERED = "volunteered", _("Volunteered")
    DECLINED = "declined", _("Payment declined")
    REDUCED = "reduced", _("Reduced")
    DONATED = "donated", _("Donated to the organisation")


class RateUnit(models.TextChoices):
    """What a rate card row's amount pays for (see ``workshops.pay`` for how each is applied)."""

    HOUR = "hour", _("Per hour")
    HALF_DAY = "half_day", _("Per half day")
    DAY = "day", _("Per day")
    MILE = "mile", _("Per mile (mileage expenses)")


class ExpenseKind(models.TextChoices):
    TRAVEL = "travel", _("Travel (fares)")
    MILEAGE = "mileage", _("Mileage")
    PARKING = "parking", _("Parking")
    CARE = "care", _("Childcare or replacement care")
    OTHER = "other", _("Other")


class QuestionType(models.TextChoices):
    SCALE = "scale", _("A scale from 1 to 5")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("A choice from a list")
    TEXT = "text", _("Their own words")


class QuestionStage(models.TextChoices):
    BEFORE = "before", _("Before the workshop")
    AFTER = "after", _("After the workshop")
    BOTH = "both", _("Before and after")


class AnswerStage(models.TextChoices):
    BEFORE = "before", _("Before the workshop")
    AFTER = "after", _("After the workshop")


class ConsentAudience(models.TextChoices):
    EVERYONE = "everyone", _("Attendees and facilitators")
    FACILITATORS = "facilitators", _("Facilitators only")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    SPOKEN = "spoken", _("Spoken, with a witness")
