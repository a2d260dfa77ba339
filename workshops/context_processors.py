from django.utils.functional import SimpleLazyObject

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

    def last_organisation():
        # Read through the same queryset the switcher lists, so it costs no second query.
        found = list(memberships)
        last = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
        chosen = next((m for m in found if m.organisation_id == last), found[0] if found else None)
        return chosen.organisation if chosen else None

    return {"my_memberships": memberships, "nav_organisation": SimpleLazyObject(last_organisation)}
