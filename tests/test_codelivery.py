"""The co-delivery rule on its own: who must lead a delivery session."""

from workshops.codelivery import co_delivery_shortfall
from workshops.enums import Perspective

CARER, PROFESSIONAL = Perspective.FAMILY_CARER, Perspective.PROFESSIONAL


def test_one_carer_and_one_professional_meet_the_default_rule():
    assert (
        co_delivery_shortfall([CARER, PROFESSIONAL], family_carers_needed=1, professionals_needed=1)
        == ""
    )


def test_only_professionals_need_a_family_carer():
    shortfall = co_delivery_shortfall(
        [PROFESSIONAL, PROFESSIONAL], family_carers_needed=1, professionals_needed=1
    )

    assert "1 more family carer" in shortfall
    assert "professional" not in shortfall


def test_an_organisation_may_ask_for_two_professionals():
    team = [CARER, PROFESSIONAL]

    assert co_delivery_shortfall(team, family_carers_needed=1, professionals_needed=2) == (
        "Not co-delivered: this session needs 1 more professional to lead it."
    )
    assert (
        co_delivery_shortfall([*team, PROFESSIONAL], family_carers_needed=1, professionals_needed=2)
        == ""
    )


def test_an_empty_team_lacks_both():
    assert co_delivery_shortfall([], family_carers_needed=1, professionals_needed=2) == (
        "Not co-delivered: this session needs 1 more family carer and 2 more professionals "
        "to lead it."
    )
