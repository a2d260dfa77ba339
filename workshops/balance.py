"""The balance between lived and learned experience in a body of text. Pure: no ORM."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from workshops.enums import Perspective


@dataclass
class Balance:
    words_by_perspective: dict = field(default_factory=dict)
    words_by_person: dict = field(default_factory=dict)  # membership id -> words
    contributions_by_perspective: dict = field(default_factory=dict)
    threshold_percent: int = 20

    @property
    def total_words(self):
        return sum(self.words_by_perspective.values())

    def percent(self, perspective):
        if not self.total_words:
            return 0
        return round(100 * self.words_by_perspective.get(perspective, 0) / self.total_words)

    @property
    def family_carer_percent(self):
        return self.percent(Perspective.FAMILY_CARER)

    @property
    def professional_percent(self):
        return self.percent(Perspective.PROFESSIONAL)

    @property
    def warning(self):
        """A plain sentence when one perspective holds less than the threshold, else ""."""
        if not self.total_words:
            return ""
        carers, professionals = self.family_carer_percent, self.professional_percent
        if carers < self.threshold_percent:
            return _("Mostly professional: %(percent)s%% of the words") % {"percent": professionals}
        if professionals < self.threshold_percent:
            return _("Mostly family carers: %(percent)s%% of the words") % {"percent": carers}
        return ""

    def people(self, memberships_by_id):
        """(membership, words, percent) for each person, most words first."""
        total = self.total_words or 1
        rows = [
            (memberships_by_id[pk], count, round(100 * count / total))
            for pk, count in self.words_by_person.items()
            if pk in memberships_by_id
        ]
        return sorted(rows, key=lambda row: (-row[1], row[0].user.full_name))


def balance_of(word_totals, perspective_of, contribution_counts=None, threshold_percent=20):
    """A Balance from words per membership id and each membership's perspective."""
    balance = Balance(threshold_percent=threshold_percent)
    for membership_id, count in word_totals.items():
        perspective = perspective_of.get(membership_id)
        if perspective is None or not count:
            continue
        balance.words_by_person[membership_id] = (
            balance.words_by_person.get(membership_id, 0) + count
        )
        balance.words_by_perspective[perspective] = (
            balance.words_by_perspective.get(perspective, 0) + count
        )
    balance.contributions_by_perspective = dict(contribution_counts or {})
    return balance


def _words_of(balance) -> tuple[int, int]:
    """(family carers' words, professionals' words)."""
    by = balance.words_by_perspective
    return by.get(Perspective.FAMILY_CARER, 0), by.get(Perspective.PROFESSIONAL, 0)


def written_together(balance) -> bool:
    """Whether each perspective wrote at least the threshold share of the words: exact shares,
    not the rounded percentages shown, so 19.6% is not "at least 20%"."""
    total = balance.total_words
    least = balance.threshold_percent * total
    carers, professionals = _words_of(balance)
    return bool(total) and 100 * carers >= least and 100 * professionals >= least


def authorship_claim(balance):
    """What a pack or page may say about who wrote it, from its balance of words.

    "Written together" only when each perspective wrote at least the threshold share; otherwise
    the perspective that wrote most (or all) of it; nothing when it has no words.
    """
    if not balance.total_words:
        return ""
    if written_together(balance):
        return _("Written together by family carers and professionals.")
    carers, professionals = _words_of(balance)
    if carers > professionals:
        return _("Written by family carers.")
    return _("Written by professionals.")


def credit_line(balance, delivered_with=frozenset()) -> str:
    """What a workshop's page may say about who made it: who wrote it (``authorship_claim``) and,
    when one perspective wrote most of it, whether the other has led deliveries of it, from the
    perspectives on its delivery teams so far."""
    claim = authorship_claim(balance)
    if not claim or written_together(balance):
        return claim
    carers, professionals = _words_of(balance)
    if carers > professionals and Perspective.PROFESSIONAL in delivered_with:
        return _("Written by family carers; delivered with professionals.")
    if professionals >= carers and Perspective.FAMILY_CARER in delivered_with:
        return _("Written by professionals; delivered with family carers.")
    return claim
