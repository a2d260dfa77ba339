"""Forms for invitations, memberships and a person's own settings."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    CreditPreference,
    Perspective,
    Role,
)
from workshops.models import Invitation, Membership, Organisation

from .base import CrispyForm, CrispyModelForm


def _job_title_field():
    column = Membership._meta.get_field("job_title")
    return forms.CharField(
        label=_("Job title"),
        max_length=column.max_length,
        required=False,
        help_text=column.help_text,
    )


class InvitationForm(CrispyForm):
    # The column's length (254), not the form's default of 320: a longer address is refused here.
    email = forms.EmailField(
        label=_("Email address"), max_length=Invitation._meta.get_field("email").max_length
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CO_TRAINER)
    perspective = forms.ChoiceField(
        label=_("Perspective"), choices=Perspective.choices, widget=forms.RadioSelect
    )
    job_title = _job_title_field()
    is_external = forms.BooleanField(
        label=_("External to the organisation"),
        required=False,
        help_text=_("For example a PBS practitioner from another service."),
    )


class MembershipForm(CrispyForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    perspective = forms.ChoiceField(
        label=_("Perspective"), choices=Perspective.choices, widget=forms.RadioSelect
    )
    job_title = _job_title_field()
    is_external = forms.BooleanField(label=_("External to the organisation"), required=False)


class OrganisationCreateForm(CrispyForm):
    """A new organisation and who will lead it (the operator's page)."""

    name = forms.CharField(
        label=_("Organisation’s name"),
        max_length=Organisation._meta.get_field("name").max_length,
        help_text=_("As people in it would say it, for example: Riverside Family Support."),
    )
    lead_name = forms.CharField(
        label=_("Lead’s full name"), max_length=Invitation._meta.get_field("full_name").max_length
    )
    lead_email = forms.EmailField(
        label=_("Lead’s email address"),
        max_length=Invitation._meta.get_field("email").max_length,
        help_text=_("They join with this address, from the link you give them."),
    )
    lead_perspective = forms.ChoiceField(
        label=_("The lead’s perspective"), choices=Perspective.choices, widget=forms.RadioSelect
    )


class CreditPreferenceForm(CrispyForm):
    credit_preference = forms.ChoiceField(
        label=_("How should we credit your work?"),
        choices=CreditPreference.choices,
        widget=forms.RadioSelect,
    )


class AcceptInvitationForm(CrispyForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    first_name = forms.CharField(
        label=_("What should we call you?"),
        max_length=75,
        help_text=_("Used when you choose to be credited by first name."),
    )
    password1 = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput
    )
    password2 = forms.CharField(
        label=_("Type the password again"), strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NotificationPreferenceForm(CrispyForm):
    email_notifications = forms.BooleanField(
        label=_("Send me emails about reviews"),
        required=False,
        help_text=_(
            "When a round opens for you, a decision or comment arrives on your work, "
            "or a module you worked on is agreed."
        ),
    )


class EraseForm(CrispyForm):
    keep_words = forms.TypedChoiceField(
        label=_("What happens to the words you wrote in sections still being worked on"),
        choices=[
            (
                "keep",
                _("Keep them, credited to “a former family carer” or “a former professional”"),
            ),
            ("remove", _("Take them out")),
        ],
        coerce=lambda value: value == "keep",
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and this cannot be undone"),
    )


class MemberEraseForm(EraseForm):
    """A lead erases a person at their request: the person's own choice about their words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep_words"].label = _(
            "What they asked for the words they wrote in sections still being worked on"
        )
        self.fields["confirm"].label = _(
            "They asked for this, and I understand it cannot be undone"
        )


class RetentionForm(CrispyModelForm):
    class Meta:
        model = Organisation
        fields = [
            "attendee_retention_days",
            "answer_retention_days",
            "closed_account_retention_days",
        ]


class WorkingRulesForm(CrispyModelForm):
    class Meta:
        model = Organisation
        fields = [
            "family_carer_approvals_needed",
            "professional_approvals_needed",
            "delivery_family_carers_needed",
            "delivery_professionals_needed",
            "balance_threshold_percent",
        ]
