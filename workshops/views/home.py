"""The home page: what needs the signed-in person, across their organisations."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from workshops.rules import VIEW_LOG, role_allows
from workshops.selectors.home import current_membership, home_page

from .base import CURRENT_ORGANISATION_SESSION_KEY


@login_required
def home(request):
    """Reviews waiting, comments on the person's words, open items and coming sessions; the
    header's links are those of the organisation they chose last, else their first."""
    page = home_page(user=request.user)
    if not page["memberships"]:
        return render(request, "workshops/no_organisation.html")
    membership = current_membership(
        memberships=page["memberships"],
        organisation_id=request.session.get(CURRENT_ORGANISATION_SESSION_KEY),
    )
    organisation = membership.organisation
    context = {
        **page,
        "organisation": organisation,
        "membership": membership,
        "can_view_log": role_allows(membership.role, VIEW_LOG),
    }
    return render(request, "workshops/home.html", context)
