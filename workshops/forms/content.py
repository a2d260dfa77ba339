"""Forms for workshops, modules and sections."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from workshops.enums import SourceTag
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


class PreviewForm(CleanTextMixin, forms.Form):
    body = forms.CharField(required=False, max_length=settings.SECTION_BODY_MAX_CHARS)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class RestoreForm(forms.Form):
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
