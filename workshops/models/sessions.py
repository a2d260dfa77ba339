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
    """The shared CRDT document of a section written live, as of its last write-back.

    Made once, the first time anyone opens the section's live room, and only ever changed by the
    one write-back running at a time (which holds this row's lock): every server process and
    every browser then shares the same document, so a browser that reconnects to a restarted or
    different process merges its copy without doubling any text. ``state``'s text is always the
    section's text at ``base_version``; what was typed since is in the section's ``LiveUpdate``
    rows until the next write-back folds them in.
    """

    section = models.OneToOneField(
        "workshops.Section", on_delete=models.CASCADE, related_name="live_document"
    )
    state = models.BinaryField()
    base_version = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    scope_parents = ("section",)

    def __str__(self):
        return f"Live document of {self.section}"


class LiveUpdate(models.Model):
    """One change a browser sent to a section's live room, stored as it arrived, before anyone
    else receives it: a server killed at any moment loses nothing that was acknowledged.

    The next write-back applies these to the ``LiveDocument`` in order, credits each to its
    author, saves the text as a section version and deletes the rows it applied.
    """

    section = models.ForeignKey(
        "workshops.Section", on_delete=models.CASCADE, related_name="live_updates"
    )
    author = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="live_updates"
    )
    update = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    scope_parents = ("section",)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Live update {self.pk} of {self.section}"
