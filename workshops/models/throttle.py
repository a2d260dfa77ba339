from django.db import models


class ThrottleCount(models.Model):
    """How many tries one address or one typed email made on a page anyone can reach, in one
    window of time (workshops/throttle.py). Kept in the database so every server process counts
    together; rows of past windows are deleted as new ones start."""

    key = models.CharField(max_length=300, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
