"""What a pack may claim about who wrote it: "together" only when the records show it."""

import pytest

from workshops.balance import Balance, authorship_claim, credit_line
from workshops.enums import Perspective

TOGETHER = "Written together by family carers and professionals."


def claim(carer_words, professional_words, threshold=20):
    return authorship_claim(
        Balance(
            words_by_perspective={
                Perspective.FAMILY_CARER: carer_words,
                Perspective.PROFESSIONAL: professional_words,
            },
            threshold_percent=threshold,
        )
    )


@pytest.mark.parametrize(
    ("carers", "professionals", "expected"),
    [
        (0, 500, "Written by professionals."),
        (500, 0, "Written by family carers."),
        (20, 80, TOGETHER),  # exactly at the threshold
        (80, 20, TOGETHER),
        (196, 804, "Written by professionals."),  # 19.6% shows as 20% but is under it
        (50, 50, TOGETHER),
        (1, 999, "Written by professionals."),
    ],
)
def test_claim_follows_the_share_each_perspective_wrote(carers, professionals, expected):
    assert claim(carers, professionals) == expected


def test_claim_follows_the_organisations_own_threshold():
    assert claim(30, 70, threshold=30) == TOGETHER
    assert claim(29, 71, threshold=30) == "Written by professionals."


def test_no_words_make_no_claim():
    assert claim(0, 0) == ""


def _balance(carer_words, professional_words):
    return Balance(
        words_by_perspective={
            Perspective.FAMILY_CARER: carer_words,
            Perspective.PROFESSIONAL: professional_words,
        }
    )


def test_credit_line_adds_who_delivered_it_when_one_perspective_wrote_most():
    carers = {Perspective.FAMILY_CARER}
    assert (
        credit_line(_balance(0, 100), carers)
        == "Written by professionals; delivered with family carers."
    )
    assert credit_line(_balance(0, 100), {Perspective.PROFESSIONAL}) == "Written by professionals."
    assert (
        credit_line(_balance(100, 0), {Perspective.PROFESSIONAL})
        == "Written by family carers; delivered with professionals."
    )
    assert credit_line(_balance(50, 50), carers) == TOGETHER
    assert credit_line(_balance(0, 0), carers) == ""
