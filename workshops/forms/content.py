"""Forms for workshops, modules and sections."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from workshops.enums import (
    SectionAudience,
    SectionKind,
    SourceTag,
)

from .base import CleanTextMixin, CrispyForm


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


class RestoreForm(forms.Form):
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
