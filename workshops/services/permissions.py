from django.core.exceptions import PermissionDenied

from workshops.rules import role_allows


def require(actor, action, organisation_id):
    """Refuse a write by someone whose membership does not allow it in that organisation.

    Views check the same table first; this keeps the rule true for every other caller too
    (commands, tasks, the live room).
    """
    if (
        actor is None
        or actor.removed_at is not None
        or actor.organisation_id != organisation_id
        or not role_allows(actor.role, action)
    ):
        raise PermissionDenied
