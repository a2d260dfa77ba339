import re

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    Action,
    CreditPreference,
    DecisionKind,
    PackKind,
    Payment,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
    SourceTag,
    TimeActivity,
)

# Control characters other than tab and newlines: invisible, never meant, and some databases
# refuse them. Removed rather than refused so a paste from another program still saves.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_control_characters(data):
    if hasattr(data, "lists"):
        data = data.copy()
        for key, values in list(data.lists()):
            data.setlist(
                key, [_CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for v in values]
            )
        return data
    return {k: _CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for k, v in data.items()}


class CleanTextMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Removed before the fields validate, so a NUL is not refused ("Null characters are not
        # allowed") and a field of only control characters counts as empty.
        if self.is_bound:
            self.data = _without_control_characters(self.data)

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = _CONTROL_CHARACTERS.sub("", value)
        return cleaned


class CrispyForm(CleanTextMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class WorkshopForm(CrispyForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.CharField(
        label=_("Who it is for"),
        max_length=300,
        required=False,
        help_text=_("For example: family carers of children with a learning disability."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea({"rows": 4})
    )


class ModuleForm(CrispyForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    learning_outcomes = forms.CharField(
        label=_("Learning outcomes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("What attendees will know or be able to do afterwards, one per line."),
    )
    planned_minutes = forms.IntegerField(label=_("Planned minutes"), min_value=0, max_value=600)


class SectionForm(CrispyForm):
    title = forms.CharField(label=_("Heading"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of section"), choices=SectionKind.choices)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=settings.SECTION_BODY_MAX_CHARS,
        widget=forms.Textarea({"rows": 16, "class": "font-monospace", "spellcheck": "true"}),
    )
    audience = forms.ChoiceField(
        label=_("Who sees it"), choices=SectionAudience.choices, widget=forms.RadioSelect
    )
    content_note = forms.CharField(
        label=_("Content note (optional)"),
        max_length=300,
        required=False,
        help_text=_(
            "A gentle warning shown before distressing material, for example: "
            "“This story describes a hospital admission.”"
        ),
    )
    source_tags = forms.MultipleChoiceField(
        label=_("Where this comes from"),
        choices=SourceTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The version the person started from; a save on an older version is a conflict.
    based_on_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_based_on_version(self):
        """A version number, or None when it is missing or garbled: the view then treats the
        save as a conflict, so the text is kept and nothing is overwritten unseen."""
        value = self.cleaned_data["based_on_version"].strip()
        if value.isascii() and value.isdigit() and 1 <= int(value) < 2**31:
            return int(value)
        return None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With JavaScript, the preview follows the typing; without it, the Preview button does.
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": reverse_lazy("markdown_preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#preview",
                "hx-sync": "this:replace",
                "aria-describedby": "markdown-help",
            }
        )


class PreviewForm(CleanTextMixin, forms.Form):
    body = forms.CharField(required=False, max_length=settings.SECTION_BODY_MAX_CHARS)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class InvitationForm(CrispyForm):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CO_TRAINER)
    perspective = forms.ChoiceField(
        label=_("Perspective"), choices=Perspective.choices, widget=forms.RadioSelect
    )
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
    is_external = forms.BooleanField(label=_("External to the organisation"), required=False)


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


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v, str(v)) for v in sorted(versions, reverse=True)]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class RestoreForm(forms.Form):
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ContributionLogFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    module = forms.TypedChoiceField(label=_("Module"), coerce=int, required=False, empty_value=None)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args, memberships=(), modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Everyone"))]
        self.fields["person"].choices = everyone + [(m.pk, m.user.full_name) for m in memberships]
        self.fields["module"].choices = [("", _("All modules"))] + [
            (m.pk, f"{m.workshop.title} — {m.title}") for m in modules
        ]
        self.fields["action"].choices = [("", _("All actions"))] + list(Action.choices)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


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


class NotificationPreferenceForm(CrispyForm):
    email_notifications = forms.BooleanField(
        label=_("Send me emails about reviews"),
        required=False,
        help_text=_(
            "When a round opens for you, a decision or comment arrives on your work, "
            "or a module you worked on is agreed."
        ),
    )


class PackRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to print"),
        choices=PackKind.choices,
        widget=forms.Select({"class": "form-select"}),
    )
    module = forms.TypedChoiceField(
        label=_("Module (for a one-module handout)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.fields["module"].choices = [("", "—")] + [(m.pk, m.title) for m in modules]

    def clean(self):
        cleaned = super().clean()
        kind, module_id = cleaned.get("kind"), cleaned.get("module")
        if kind == PackKind.MODULE_HANDOUT:
            if module_id is None:
                self.add_error("module", _("Choose the module to print."))
            cleaned["module"] = self.modules.get(module_id)
        else:
            cleaned["module"] = None
        return cleaned


class SessionForm(CrispyForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    agenda = forms.TypedMultipleChoiceField(
        label=_("Modules to work on"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    facilitator = forms.TypedChoiceField(label=_("Facilitator"), coerce=int)

    def __init__(self, *args, modules=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.members = {m.pk: m for m in members}
        self.fields["agenda"].choices = [(m.pk, m.title) for m in modules]
        self.fields["facilitator"].choices = [(m.pk, m.user.full_name) for m in members]

    def clean_agenda(self):
        return [self.modules[pk] for pk in self.cleaned_data["agenda"]]

    def clean_facilitator(self):
        return self.members[self.cleaned_data["facilitator"]]


class SessionRecordForm(CrispyForm):
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=20000, widget=forms.Textarea({"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, max_length=20000, widget=forms.Textarea({"rows": 3})
    )
    actions = forms.CharField(
        label=_("Actions (who does what)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea({"rows": 3}),
    )


class TimeEntryForm(CrispyForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    activity = forms.ChoiceField(label=_("Activity"), choices=TimeActivity.choices)
    payment = forms.ChoiceField(
        label=_("Payment"),
        choices=Payment.choices,
        widget=forms.RadioSelect,
        help_text=_("You can decline payment, for example if it could affect your benefits."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)


class ConfirmSessionTimeForm(CleanTextMixin, forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    payment = forms.ChoiceField(label=_("Payment"), choices=Payment.choices)
