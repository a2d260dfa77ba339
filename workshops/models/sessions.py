from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CoDesignSession(models.Model):
    """A scheduled time when co-trainers write a workshop's modules together, live."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    agenda = models.ManyToManyField(
        "workshops.Module",
        blank=True,
        related_name="sessions",
        verbose_name=_("modules to work on"),
    )
    facilitator = models.ForeignKey(
        "workshops.Membership",
        on_delete=models.PROTECT,
        related_name="facilitated_sessions",
        verbose_name=_("facilitator"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=20000)
    decisions = models.TextField(_("decisions"), blank=True, max_length=20000)
    actions = models.TextField(_("actions"), blank=True, max_length=20000)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_parents = ("workshop",)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("session_detail", kwargs={"pk": self.pk})

    @property
    def is_ended(self):
        return self.ended_at is not None


class Attendance(models.Model):
    """One stay of one person in a session's live room: from joining to leaving."""

    session = models.ForeignKey(
        CoDesignSession, on_delete=models.CASCADE, related_name="attendance"
    )
    membership = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="attendance"
    )
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    scope_parents = ("session",)

    class Meta:
        ordering = ["joined_at"]

    def __str__(self):
        return f"{self.membership} in {self.session}"


class LiveDocument(models.Model):
    """The shared CRDT state of a section being written live, so a room can stop and start again
    (and a browser that was offline can rejoin) without duplicating or losing anyone's words.

    ``base_version`` and ``base_state`` are the section version and document state at the last
    write-back; a form save after that is merged into the live text, never overwritten.
    """

    section = models.OneToOneField(
        "workshops.Section", on_delete=models.CASCADE, related_name="live_document"
    )
    state = models.BinaryField()
    base_state = models.BinaryField()
    base_version = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    scope_parents = ("section",)

    def __str__(self):
        return f"Live document of {self.section}"
