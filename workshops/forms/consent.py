"""Forms for the consent behind a lived-experience story."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.enums import ConsentAudience, ConsentMethod, CreditPreference

from .base import CrispyForm, date_input


class StoryConsentForm(CrispyForm):
    teller = forms.TypedChoiceField(
        label=_("Whose story is it? (a member)"), coerce=int, required=False, empty_value=None
    )
    teller_outside = forms.CharField(
        label=_("Or, a family outside coprod"),
        max_length=200,
        required=False,
        help_text=_("How the team refers to them, for example: “the family Sam met at school”."),
    )
    audience = forms.ChoiceField(
        label=_("Who may read it"), choices=ConsentAudience.choices, widget=forms.RadioSelect
    )
    naming = forms.ChoiceField(
        label=_("How they are named"), choices=CreditPreference.choices, widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label=_("Consent ends on"),
        widget=date_input(),
        help_text=_("Ask again before then. After it, no pack holds the story."),
    )
    method = forms.ChoiceField(
        label=_("How it was given"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    witness = forms.TypedChoiceField(
        label=_("Witness (for spoken consent)"), coerce=int, required=False, empty_value=None
    )
    names_to_keep_out = forms.CharField(
        label=_("Names to keep out, one per line"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("For example the child’s name. Every save of the story checks for them."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        people = [(m.pk, m.user.full_name) for m in members]
        self.fields["teller"].choices = [("", _("Not a member"))] + people
        self.fields["witness"].choices = [("", _("No witness"))] + people

    def clean(self):
        cleaned = super().clean()
        for name in ("teller", "witness"):
            if cleaned.get(name) is not None:
                cleaned[name] = self.members[cleaned[name]]
        return cleaned


class ConsentWithdrawForm(CrispyForm):
    keep_text = forms.TypedChoiceField(
        label=_("What happens to the story’s words"),
        choices=[
            ("keep", _("Keep the words in the section (no pack will print them)")),
            ("erase", _("Erase the words from the section and its history")),
        ],
        coerce=lambda value: value == "keep",
        widget=forms.RadioSelect,
    )
