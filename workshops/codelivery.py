"""The co-delivery rule: who must lead each session of a delivery. Pure: no ORM.

By default every session is led by at least one family carer and one professional, as E-PAtS
is; an organisation may ask for more of either. The rule is checked and shown, never silently
broken: a team that falls short is saved only when the person says so, and the session then
says it is not co-delivered.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workshops.enums import Perspective


def co_delivery_shortfall(perspectives, *, family_carers_needed, professionals_needed) -> str:
    """What a team with these perspectives lacks under the rule, in plain words; "" if nothing."""
    carers = sum(1 for p in perspectives if p == Perspective.FAMILY_CARER)
    professionals = sum(1 for p in perspectives if p == Perspective.PROFESSIONAL)
    missing = []
    if carers < family_carers_needed:
        count = family_carers_needed - carers
        missing.append(
            ngettext("%(count)s more family carer", "%(count)s more family carers", count)
            % {"count": count}
        )
    if professionals < professionals_needed:
        count = professionals_needed - professionals
        missing.append(
            ngettext("%(count)s more professional", "%(count)s more professionals", count)
            % {"count": count}
        )
    if not missing:
        return ""
    return _("Not co-delivered: this session needs %(missing)s to lead it.") % {
        "missing": _(" and ").join(missing)
    }


def organisation_shortfall(organisation, perspectives) -> str:
    return co_delivery_shortfall(
        perspectives,
        family_carers_needed=organisation.delivery_family_carers_needed,
        professionals_needed=organisation.delivery_professionals_needed,
    )
