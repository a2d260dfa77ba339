from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.enums import PackKind, PackState, PrintSize


class Pack(models.Model):
    """A printable PDF made from agreed module versions: a cached artefact keyed by its inputs.

    ``content_key`` hashes the agreed versions it contains, its print size, the pack template's
    version and the WeasyPrint version, so asking again for an unchanged pack finds this row and
    its file.
    """

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="packs"
    )
    module = models.ForeignKey(
        "workshops.Module", on_delete=models.CASCADE, null=True, blank=True, related_name="packs"
    )
    kind = models.CharField(max_length=20, choices=PackKind.choices)
    print_size = models.CharField(
        _("print size"),
        max_length=20,
        choices=PrintSize.choices,
        default=PrintSize.STANDARD,
        help_text=_("18 point text, for anyone who finds small print hard to read."),
    )
    content_key = models.CharField(max_length=64, unique=True)
    # {"versions": [{"module_id", "title", "version", "content_hash", ...}] in order, "stories":
    # the ids of the lived-experience stories printed (their consent allowed it)}.
    contents = models.JSONField(default=list)
    state = models.CharField(max_length=20, choices=PackState.choices, default=PackState.QUEUED)
    file_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Beaten by the worker while it renders: a render whose heartbeat stops has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_parents = ("module", "workshop")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        size = self.get_print_size_display()
        return f"{self.get_kind_display()} of {self.workshop}, {size} ({self.state})"

    def get_absolute_url(self):
        return reverse("pack_detail", kwargs={"pk": self.pk})

    @property
    def path(self):
        return settings.PACKS_ROOT / f"{self.content_key}.pdf"

    @property
    def is_large_print(self):
        return self.print_size == PrintSize.LARGE

    @property
    def is_ready(self):
        return self.state == PackState.READY

    @property
    def is_queued(self):
        return self.state == PackState.QUEUED

    @property
    def is_failed(self):
        return self.state == PackState.FAILED

    def is_stuck_at(self, now):
        """Being made, but its worker gave no sign of life (a heartbeat, or the start for a render
        that never beat) for PACK_HEARTBEAT_TIMEOUT seconds before ``now``: the worker is lost."""
        if self.state != PackState.RENDERING:
            return False
        alive = self.heartbeat_at or self.started_at
        limit = timedelta(seconds=settings.PACK_HEARTBEAT_TIMEOUT)
        return alive is not None and now - alive > limit

    @property
    def is_stuck(self):
        """Its worker is lost; the sweeper queues it again (``pack_requeue_lost``)."""
        return self.is_stuck_at(timezone.now())

    @property
    def was_interrupted(self):
        """Its last render stopped before it finished (the worker was lost), and it is being
        queued, or has been queued, to be made again."""
        started_never_finished = (
            self.state == PackState.QUEUED
            and self.started_at is not None
            and self.finished_at is None
        )
        return started_never_finished or self.is_stuck

    @property
    def can_retry(self):
        # Asking again is always safe: a pack already on its way is not queued twice.
        return not self.is_ready

    @property
    def is_working(self):
        """Waiting for a worker, or being made (a lost render is taken up again by itself)."""
        return self.state in (PackState.QUEUED, PackState.RENDERING)
