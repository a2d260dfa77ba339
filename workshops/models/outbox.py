from django.db import models


class OutboxJob(models.Model):
    """Background work that a write asked for, stored in the write's own transaction.

    It exists exactly when the write does; the dispatcher hands it to Celery after commit, and a
    sweep hands it over again if the broker was down or lost the message. A task claims its job
    before doing anything, so a job handed over twice still runs once.
    """

    # The name of a task in workshops.tasks, and its keyword arguments: ids, or for the one job
    # about someone who may have no account, the email typed (blanked once the job is done).
    job = models.CharField(max_length=100)
    arguments = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the broker; None while it waits for one.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When a worker took it on; None until then.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["dispatched_at"],
                condition=models.Q(claimed_at__isnull=True),
                name="outbox_job_unclaimed",
            )
        ]

    def __str__(self):
        return f"{self.job} {self.arguments}"
