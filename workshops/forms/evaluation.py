"""Forms for a workshop's evaluation: answering it (online or typed in from paper) and the
actions agreed after reading the results together."""

from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from workshops.enums import QuestionType
from workshops.evaluation import CODE_MAX_LENGTH, NO, SCALE, TEXT_ANSWER_MAX_LENGTH, YES

from .base import CrispyForm


def question_field_name(question: dict) -> str:
    return f"q{question['id']}"


def _field_for(question: dict) -> forms.Field:
    kind = question["question"]["type"]
    label = strip_tags(question["body_html"]).strip() or question["title"]
    if kind == QuestionType.TEXT:
        return forms.CharField(
            label=label,
            required=False,
            max_length=TEXT_ANSWER_MAX_LENGTH,
            widget=forms.Textarea({"rows": 4}),
        )
    if kind == QuestionType.SCALE:
        choices = [(str(n), str(n)) for n in SCALE]
    elif kind == QuestionType.YES_NO:
        choices = [(YES, _("Yes")), (NO, _("No"))]
    else:
        choices = [(choice, choice) for choice in question["question"]["choices"]]
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.RadioSelect({"class": "form-check-input"}),
    )


class AnswerForm(CrispyForm):
    """One stage's questions; every question may be left out, only the code is needed."""

    code = forms.CharField(
        label=_("Your code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_(
            "Make up a code you will remember, such as a colour and a number: blue7. Use the "
            "same code before and after, so your answers can be compared without your name."
        ),
        widget=forms.TextInput({"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question_field_name(question)] = _field_for(question)

    @property
    def question_fields(self):
        return [(question, self[question_field_name(question)]) for question in self.questions]

    def answers(self) -> dict:
        """The answers by question id, as the service takes them."""
        return {
            str(question["id"]): self.cleaned_data.get(question_field_name(question), "")
            for question in self.questions
        }


class FeedbackActionForm(CrispyForm):
    text = forms.CharField(
        label=_("What we will change"),
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("For example: “Two people found the diary hard to use: make it simpler.”"),
    )
    module = forms.TypedChoiceField(label=_("In which module"), coerce=int)
    section = forms.TypedChoiceField(
        label=_("Which section (optional)"), coerce=int, required=False, empty_value=None
    )
    meeting = forms.TypedChoiceField(
        label=_("Agreed at (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The co-design session where you read the results together."),
    )

    def __init__(self, *args, modules, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.sections = {s.pk: s for m in modules for s in m.sections.all()}
        self.meetings = {m.pk: m for m in meetings}
        self.fields["module"].choices = [(m.pk, m.title) for m in modules]
        self.fields["section"].choices = [("", _("The whole module"))] + [
            (s.pk, f"{self.modules[s.module_id].title}: {s.title}") for s in self.sections.values()
        ]
        self.fields["meeting"].choices = [("", _("Not in a session"))] + [
            (m.pk, f"{m.title} ({m.starts_at:%d %B %Y})") for m in meetings
        ]

    def clean(self):
        cleaned = super().clean()
        for name, known in (
            ("module", self.modules),
            ("section", self.sections),
            ("meeting", self.meetings),
        ):
            if cleaned.get(name) is not None:
                cleaned[name] = known[cleaned[name]]
        return cleaned


class FeedbackDoneForm(CrispyForm):
    changed_section = forms.TypedChoiceField(
        label=_("The section changed for it (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("It will be marked as coming from attendee feedback."),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {s.pk: s for s in sections}
        self.fields["changed_section"].choices = [("", _("None"))] + [
            (s.pk, s.title) for s in sections
        ]

    def clean_changed_section(self):
        pk = self.cleaned_data["changed_section"]
        return None if pk is None else self.sections[pk]


class AnswersOpenForm(CrispyForm):
    is_open = forms.BooleanField(required=False, widget=forms.HiddenInput)
