"""Forms for workshops, modules and sections."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from workshops.enums import QuestionStage, QuestionType, SectionAudience, SectionKind, SourceTag
from workshops.models import Module, Section, Workshop

from .base import CleanTextMixin, CrispyModelForm


class WorkshopForm(CrispyModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "audience", "description"]
        widgets = {"description": forms.Textarea({"rows": 4})}


class ModuleForm(CrispyModelForm):
    # Declared for its max attribute in the page; the model's validator says the same.
    planned_minutes = forms.IntegerField(label=_("Planned minutes"), min_value=0, max_value=600)

    class Meta:
        model = Module
        fields = ["title", "learning_outcomes", "planned_minutes"]
        widgets = {"learning_outcomes": forms.Textarea({"rows": 4})}


class SectionForm(CrispyModelForm):
    source_tags = forms.MultipleChoiceField(
        label=_("Where this comes from"),
        choices=SourceTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The version the person started from; a save on an older version is a conflict.
    based_on_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Ticked to save a story that holds a name its consent asks to keep out (see views).
    names_confirmed = forms.BooleanField(
        label=_("These names are meant to be here: save anyway"), required=False
    )

    def clean_based_on_version(self):
        """A version number, or None when it is missing or garbled: the view then treats the
        save as a conflict, so the text is kept and nothing is overwritten unseen."""
        value = self.cleaned_data["based_on_version"].strip()
        if value.isascii() and value.isdigit() and 1 <= int(value) < 2**31:
            return int(value)
        return None

    class Meta:
        model = Section
        fields = ["title", "kind", "body", "audience", "content_note", "source_tags"]
        labels = {"kind": _("Kind of section"), "content_note": _("Content note (optional)")}
        widgets = {
            "body": forms.Textarea({"rows": 16, "spellcheck": "true"}),
            "audience": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            # Questions belong to a workshop's evaluation, and are written with QuestionForm.
            self.fields["kind"].choices = [
                choice for choice in SectionKind.choices if choice[0] != SectionKind.QUESTION
            ]
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

    def clean_body(self):
        # Browsers send a text box's line breaks as CRLF; stored text (and the live room's) has
        # LF only, so diffs and attribution compare like with like.
        return self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")


class QuestionForm(SectionForm):
    """A section of a workshop's evaluation: one question, its text written and credited like any
    section's, with how it is answered and when."""

    question_type = forms.ChoiceField(label=_("How it is answered"), choices=QuestionType.choices)
    question_stage = forms.ChoiceField(
        label=_("When it is asked"), choices=QuestionStage.choices, initial=QuestionStage.BOTH
    )
    question_choices = forms.CharField(
        label=_("The choices, one per line"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Only for “A choice from a list”: between 2 and 10 choices."),
    )

    class Meta(SectionForm.Meta):
        fields = ["title", "body", "content_note", "source_tags"]
        labels = {
            "title": _("Short name, shown with the results"),
            "body": _("The question, as attendees will read it"),
            "content_note": _("Content note (optional)"),
        }

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        if question:
            self.initial.setdefault("question_type", question.get("type"))
            self.initial.setdefault("question_stage", question.get("stage"))
            self.initial.setdefault("question_choices", "\n".join(question.get("choices", [])))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.pop("question_type", None)
        stage = cleaned.pop("question_stage", None)
        lines = cleaned.pop("question_choices", "") or ""
        choices = list(dict.fromkeys(line.strip() for line in lines.splitlines() if line.strip()))
        if kind == QuestionType.CHOICE and not 2 <= len(choices) <= 10:
            self.add_error("question_choices", _("Give between 2 and 10 choices, one per line."))
        if any(len(choice) > 100 for choice in choices):
            self.add_error("question_choices", _("Keep each choice under 100 characters."))
        cleaned["question"] = {
            "type": kind,
            "stage": stage,
            "choices": choices if kind == QuestionType.CHOICE else [],
        }
        cleaned["kind"] = SectionKind.QUESTION
        cleaned["audience"] = SectionAudience.EVERYONE
        return cleaned


class PreviewForm(CleanTextMixin, forms.Form):
    body = forms.CharField(required=False, max_length=settings.SECTION_BODY_MAX_CHARS)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class RestoreForm(forms.Form):
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
