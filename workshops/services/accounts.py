"""A person's own settings. Not contributions to any organisation's work, so not logged."""

from django.db import transaction

from workshops.models import User


@transaction.atomic
def user_set_email_notifications(*, user: User, email_notifications: bool) -> User:
    user.email_notifications = email_notifications
    user.save(update_fields=["email_notifications"])
    return user
