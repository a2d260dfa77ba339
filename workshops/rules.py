"""The one role × action permission table.

Every view names one of these permissions and checks it against the organisation that owns the
object. A person who is not an active member of that organisation never reaches this check: the
selectors answer 404 first. An inactive account is allowed nothing.
"""

import rules

from workshops.enums import Role
from workshops.scope import organisation_of

VIEW = "view"  # read workshops, modules, sections and their history
EDIT_CONTENT = "edit_content"  # create, edit, move and delete workshops, modules, sections
MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove members
COMMENT = "comment"  # comment in review rounds
SIGN_OFF = "sign_off"  # approve or request changes in review rounds
VIEW_LOG = "view_log"  # read and export the contribution log
RUN_DELIVERIES = "run_deliveries"  # schedule deliveries, choose teams, keep attendees and registers
DELIVER = "deliver"  # be on a delivery session's team

ACTIONS = (VIEW, EDIT_CONTENT, MANAGE_MEMBERS, COMMENT, SIGN_OFF, VIEW_LOG, RUN_DELIVERIES, DELIVER)

PERMISSION_TABLE = {
    Role.LEAD: {
        VIEW,
        EDIT_CONTENT,
        MANAGE_MEMBERS,
        COMMENT,
        SIGN_OFF,
        VIEW_LOG,
        RUN_DELIVERIES,
        DELIVER,
    },
    Role.CO_TRAINER: {VIEW, EDIT_CONTENT, COMMENT, SIGN_OFF, VIEW_LOG, RUN_DELIVERIES, DELIVER},
    Role.EXTERNAL_SUPPORTER: {VIEW, EDIT_CONTENT, COMMENT, VIEW_LOG, DELIVER},
    Role.OBSERVER: {VIEW, COMMENT},
    # Internal staff who support the work without training: they read, comment, log their own
    # time (which needs only VIEW), organise deliveries and may be on a delivery team, but never
    # sign off or change the material.
    Role.STAFF: {VIEW, COMMENT, RUN_DELIVERIES, DELIVER},
}


def role_allows(role, action):
    return action in PERMISSION_TABLE.get(role, set())


def membership_of(user, organisation):
    """The user's active membership of the organisation, or None. Cached on the user object."""
    if organisation is None or not user.is_authenticated or not user.is_active:
        return None
    cache = user.__dict__.setdefault("_membership_cache", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = user.memberships.filter(
            organisation=organisation, removed_at__isnull=True
        ).first()
    return cache[organisation.pk]


def _predicate_for(action):
    @rules.predicate(name=f"can_{action}")
    def predicate(user, obj):
        membership = membership_of(user, organisation_of(obj))
        return membership is not None and role_allows(membership.role, action)

    return predicate


for _action in ACTIONS:
    rules.add_perm(f"workshops.{_action}", _predicate_for(_action))


def can(user, action, obj):
    """Whether the table lets the user do the action on the object.

    Asks the rule set directly rather than ``user.has_perm``, which lets superusers do anything:
    inside an organisation a superuser is only as powerful as their role.
    """
    return rules.has_perm(f"workshops.{action}", user, obj)


def can_write_live(user, session, section):
    """Whether the user may type in the section's live room: only while the session runs."""
    return session.ended_at is None and can(user, EDIT_CONTENT, section)
