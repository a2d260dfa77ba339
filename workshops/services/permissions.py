from django.core.exceptions import PermissionDenied
from django.db.models import Model

from workshops.models import Membership
from workshops.rules import role_allows
from workshops.scope import organisation_id_of


def require(actor: Membership | None, action: str, target: Model) -> None:
    """Refuse a write by someone whose membership does not allow ``action`` in the organisation
    ``target`` belongs to (any object with a scope: an organisation, a section, a round...).

    Views check the same table first; this keeps the rule true for every other caller too
    (commands, tasks, the live room).
    """
    if (
        actor is None
        or actor.removed_at is not None
        or actor.organisation_id != organisation_id_of(target)
        or not role_allows(actor.role, action)
    ):
        raise PermissionDenied
