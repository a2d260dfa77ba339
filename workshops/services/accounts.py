"""A person's own settings. Not contributions to any organisation's work, so not logged."""

from django.db import transaction
from django.db.models import F

from workshops.live.groups import live_access_changed
from workshops.models import User


@transaction.atomic
def user_set_email_notifications(*, user: User, email_notifications: bool) -> User:
    user.email_notifications = email_notifications
    user.save(update_fields=["email_notifications"])
    return user


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> User:
    """End every session the person has signed in with, on every device, and close their open
    live rooms. The session this was asked from ends too: they sign in again."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    transaction.on_commit(lambda: live_access_changed(user_ids=[user.pk]))
    return user
