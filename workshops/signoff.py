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
