"""Forms for review rounds: opening, deciding, commenting, comparing versions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workshops.enums import (
    DecisionKind,
)

from .base import CleanTextMixin, CrispyForm, date_input


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v, str(v)) for v in sorted(versions, reverse=True)]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class ReviewRoundOpenForm(CrispyForm):
    reviewers = forms.TypedMultipleChoiceField(
        label=_("Who should review"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reviewer.")},
    )
    due_date = forms.DateField(
        label=_("Please review by (optional)"),
        required=False,
        widget=date_input(),
        help_text=_("Reviewers get a reminder the day before."),
    )
    message = forms.CharField(
        label=_("Message to reviewers (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args, candidates=(), organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {m.pk: m for m in candidates}
        self.fields["reviewers"].choices = [(m.pk, _candidate_label(m)) for m in candidates]
        self.fields["reviewers"].help_text = _sign_off_rule_help(organisation)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("The due date has passed. Choose today or later."))
        return due

    def clean_reviewers(self):
        return [self.candidates[pk] for pk in self.cleaned_data["reviewers"]]


def _candidate_label(member):
    can = _("can sign off") if getattr(member, "may_sign_off", False) else _("can comment")
    role = member.get_role_display()
    return f"{member.user.full_name} — {role}, {member.perspective_label} ({can})"


def _sign_off_rule_help(organisation):
    """The organisation's sign-off rule in words, so the choice can be right the first time."""
    if organisation is None:
        return ""
    carers = organisation.family_carer_approvals_needed
    professionals = organisation.professional_approvals_needed
    rule = _(
        "To agree the module, at least %(carers)s and %(professionals)s who can sign off "
        "must approve it. Reviewers, observers and external supporters can comment."
    )
    return rule % {
        "carers": ngettext("%(n)d family carer", "%(n)d family carers", carers) % {"n": carers},
        "professionals": ngettext("%(n)d professional", "%(n)d professionals", professionals)
        % {"n": professionals},
    }


# A short plain explanation under each choice; a kind with none is shown with its label only.
DECISION_EXPLANATIONS = {
    DecisionKind.APPROVE: _(
        "You have read the text and are happy for it to be used as it is. "
        "Your approval is for exactly these words."
    ),
    DecisionKind.REQUEST_CHANGES: _(
        "Something should change before it is agreed. Say what below: the writers will see it."
    ),
}


class DecisionForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Your decision"),
        choices=DecisionKind.choices,
        widget=forms.RadioSelect({"class": "choice-card-input"}),
        error_messages={"required": _("Choose whether to approve or request changes.")},
    )
    reason = forms.CharField(
        label=_("What should change? (needed if you ask for changes)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )
    # The hash of the version the reviewer read; the service refuses any other.
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def kind_cards(self):
        """Each choice of decision with its explanation, for the large choice cards."""
        return [
            {"choice": choice, "explanation": DECISION_EXPLANATIONS.get(choice.data["value"], "")}
            for choice in self["kind"]
        ]


class CommentForm(CleanTextMixin, forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=10000, widget=forms.Textarea({"rows": 3}))
    quote = forms.CharField(
        label=_("Quote the words you mean (optional)"), required=False, max_length=2000
    )
    section_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
