from django.utils.functional import SimpleLazyObject

from workshops.rules import VIEW_LOG, role_allows
from workshops.selectors.members import memberships_for_user
from workshops.views.base import CURRENT_ORGANISATION_SESSION_KEY


def current_membership(request):
    """The signed-in person's organisations, for the switcher in the page header, and the one
    the header's links lead to: the one they were last in (every page about an organisation
    makes it that one, in ScopedView.dispatch), else their first."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = memberships_for_user(user)

    def last_membership():
        # Read through the same queryset the switcher lists, so it costs no second query.
        found = list(memberships)
        last = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
        return next((m for m in found if m.organisation_id == last), found[0] if found else None)

    chosen = SimpleLazyObject(last_membership)
    return {
        "my_memberships": memberships,
        "nav_organisation": SimpleLazyObject(lambda: chosen.organisation if chosen else None),
        # Pages about an organisation say this themselves (ScopedView); the account's pages don't.
        "can_view_log": SimpleLazyObject(
            lambda: bool(chosen) and role_allows(chosen.role, VIEW_LOG)
        ),
    }
