"""People's data rights: a copy of everything held about them."""

from django.db import transaction

from workshops.data_export import export_zip
from workshops.enums import Action
from workshops.models import Membership, User
from workshops.rules import MANAGE_MEMBERS
from workshops.selectors.data_export import person_data

from .contributions import contribution_record
from .permissions import require


def own_data_export(*, user: User) -> bytes:
    """A person's own copy of everything coprod holds about them, in every organisation. Not
    logged: it is theirs, and nobody else sees it."""
    return export_zip(person_data(user=user), person=user.full_name)


@transaction.atomic
def member_data_export(*, member: Membership, actor: Membership) -> bytes:
    """A lead's copy, on a person's request, of what this organisation holds about them (and
    nothing from any other organisation they belong to). Logged, so the request shows."""
    require(actor, MANAGE_MEMBERS, member)
    data = person_data(user=member.user, organisations=[member.organisation])
    contribution_record(actor=actor, action=Action.DATA_EXPORT, target=member)
    return export_zip(data, person=member.user.full_name)
