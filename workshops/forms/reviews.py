"""Forms for review rounds: opening, deciding, commenting, comparing versions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    DecisionKind,
)

from .base import CleanTextMixin, CrispyForm


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
        help_text=_("Co-trainers and leads can sign off. Reviewers and observers can comment."),
    )
    due_date = forms.DateField(
        label=_("Please review by (optional)"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
        help_text=_("Reviewers get a reminder the day before."),
    )
    message = forms.CharField(
        label=_("Message to reviewers (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {m.pk: m for m in candidates}
        self.fields["reviewers"].choices = [
            (m.pk, f"{m.user.full_name} — {m.get_role_display()}, {m.perspective_label}")
            for m in candidates
        ]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("The due date has passed. Choose today or later."))
        return due

    def clean_reviewers(self):
        return [self.candidates[pk] for pk in self.cleaned_data["reviewers"]]


class DecisionForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Your decision"), choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("What should change? (needed if you ask for changes)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )
    # The hash of the version the reviewer read; the service refuses any other.
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CommentForm(CleanTextMixin, forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=10000, widget=forms.Textarea({"rows": 3}))
    quote = forms.CharField(
        label=_("Quote the words you mean (optional)"), required=False, max_length=2000
    )
    section_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
