from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_migrate, post_save


def _account_saved(sender, instance, **kwargs):
    """An account switched off (in the admin, or anywhere else) leaves its open live rooms: the
    one change to access that has no service of ours to call the revocation path."""
    if not instance.is_active:
        from workshops.live.groups import live_access_changed

        transaction.on_commit(lambda: live_access_changed(user_ids=[instance.pk]))


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        # Registers the tasks that workshops.outbox.enqueue names, in every process (web
        # servers too, not only workers, which find them by autodiscovery).
        from workshops import tasks  # noqa: F401
        from workshops.models import User

        post_save.connect(_account_saved, sender=User, dispatch_uid="live-account-saved")

        from workshops.db_roles import grant_after_migrate

        # Sent after every app's migrations have run, so the grants cover every table.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="grant-app-role")
