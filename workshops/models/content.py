from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workshops.enums import QuestionStage, QuestionType, SectionAudience, SectionKind, SourceTag

from .base import SoftDeleteModel, TimestampedModel


def learning_outcome_lines(text: str) -> list[str]:
    """Learning outcomes are written one per line, perhaps as a markdown list: the outcomes."""
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip()]


class Workshop(TimestampedModel):
    organisation = models.ForeignKey(
        "workshops.Organisation", on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(
        _("who it is for"),
        max_length=300,
        blank=True,
        help_text=_("For example: family carers of children with a learning disability."),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshop_detail", kwargs={"pk": self.pk})


class Module(TimestampedModel, SoftDeleteModel):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    learning_outcomes = models.TextField(
        _("learning outcomes"),
        blank=True,
        max_length=5000,
        help_text=_("What attendees will know or be able to do afterwards, one per line."),
    )
    planned_minutes = models.PositiveSmallIntegerField(
        _("planned minutes"), default=30, validators=[MaxValueValidator(600)]
    )
    # A workshop's evaluation: its sections are the questions attendees answer, written, credited
    # and signed off like any module's, but never printed in a pack.
    is_evaluation = models.BooleanField(default=False, editable=False)
    # The latest version both perspectives signed off; set only by the sign-off service.
    agreed_version = models.ForeignKey(
        "workshops.ModuleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    scope_parents = ("workshop",)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop"],
                condition=models.Q(is_evaluation=True, deleted_at__isnull=True),
                name="one_evaluation_per_workshop",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("module_detail", kwargs={"pk": self.pk})

    @property
    def learning_outcome_list(self):
        return learning_outcome_lines(self.learning_outcomes)


class Section(TimestampedModel, SoftDeleteModel):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("heading"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=30, choices=SectionKind.choices, default=SectionKind.EXPLANATION
    )
    body = models.TextField(_("text"), blank=True, max_length=settings.SECTION_BODY_MAX_CHARS)
    # The body rendered from markdown and sanitised once, at save; pages and PDFs use only this.
    body_html = models.TextField(blank=True, editable=False)
    audience = models.CharField(
        _("who sees it"),
        max_length=20,
        choices=SectionAudience.choices,
        default=SectionAudience.EVERYONE,
    )
    content_note = models.CharField(
        _("content note"),
        max_length=300,
        blank=True,
        help_text=_(
            "A gentle warning shown before distressing material, for example: "
            "“This story describes a hospital admission.”"
        ),
    )
    source_tags = models.JSONField(_("sources"), default=list, blank=True)
    # For an evaluation question: {"type": QuestionType, "stage": QuestionStage, "choices": [...]}.
    # Empty for every other section, and then left out of the frozen snapshot.
    question = models.JSONField(default=dict, blank=True, editable=False)
    # Who wrote each word of ``body``: runs of [membership id, word count]; see attribution.py.
    attribution = models.JSONField(default=list, blank=True, editable=False)
    # Optimistic lock: every save names the version it was based on; see section_update.
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_parents = ("module",)

    class Meta(SoftDeleteModel.Meta):
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("module_detail", kwargs={"pk": self.module_id}) + f"#section-{self.pk}"

    @property
    def is_facilitator_only(self):
        return self.audience == SectionAudience.FACILITATORS

    @property
    def question_summary(self):
        """How a question is answered and when, in words; empty for other sections."""
        if not self.question:
            return []
        summary = [
            dict(QuestionType.choices)[self.question["type"]],
            dict(QuestionStage.choices)[self.question["stage"]],
        ]
        if self.question.get("choices"):
            summary.append(
                _("Choices: %(choices)s") % {"choices": "; ".join(self.question["choices"])}
            )
        return summary

    def get_source_tags_display(self):
        labels = dict(SourceTag.choices)
        return [labels[tag] for tag in self.source_tags if tag in labels]
