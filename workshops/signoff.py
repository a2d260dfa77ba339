"""The two-key sign-off rule. Pure: no ORM.

A frozen version is agreed when the approvals that name its hash include at least the policy's
number of family carers and of professionals, and no request for changes stands.
"""

from dataclasses import dataclass

from workshops.enums import DecisionKind, Perspective


@dataclass(frozen=True)
class SignOffState:
    family_carer_approvals: int
    professional_approvals: int
    family_carer_needed: int
    professional_needed: int
    changes_requested: int

    @property
    def agreed(self):
        return (
            self.changes_requested == 0
            and self.family_carer_approvals >= self.family_carer_needed
            and self.professional_approvals >= self.professional_needed
        )


def sign_off_state(decisions, *, content_hash, family_carer_needed, professional_needed):
    """The state of a round from its decisions: (kind, perspective, hash) triples.

    Only approvals naming ``content_hash`` count; a request for changes always counts.
    """
    approvals = {Perspective.FAMILY_CARER: 0, Perspective.PROFESSIONAL: 0}
    changes = 0
    for kind, perspective, decision_hash in decisions:
        if kind == DecisionKind.REQUEST_CHANGES:
            changes += 1
        elif kind == DecisionKind.APPROVE and decision_hash == content_hash:
            approvals[perspective] = approvals.get(perspective, 0) + 1
    return SignOffState(
        family_carer_approvals=approvals[Perspective.FAMILY_CARER],
        professional_approvals=approvals[Perspective.PROFESSIONAL],
        family_carer_needed=family_carer_needed,
        professional_needed=professional_needed,
        changes_requested=changes,
    )


@dataclass(frozen=True)
class Shortfall:
    """How many more approvals of each perspective a set of possible approvers lacks."""

    family_carers: int
    professionals: int

    def __bool__(self):
        return self.family_carers > 0 or self.professionals > 0


def sign_off_shortfall(perspectives, *, family_carer_needed, professional_needed):
    """What the rule still lacks if every one of ``perspectives`` approved: one perspective
    per possible approval (a reviewer who may sign off, or an approval already given).

    An empty (falsy) shortfall means the rule can still be met.
    """
    perspectives = list(perspectives)
    family_carers = perspectives.count(Perspective.FAMILY_CARER)
    professionals = perspectives.count(Perspective.PROFESSIONAL)
    return Shortfall(
        family_carers=max(family_carer_needed - family_carers, 0),
        professionals=max(professional_needed - professionals, 0),
    )
