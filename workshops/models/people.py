from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # Addresses are stored in lower case; people type them however they like.
        return self.get(email__iexact=(username or "").strip())

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; belongs to organisations through memberships."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    first_name = models.CharField(
        _("first name"),
        max_length=75,
        help_text=_("Used where you choose to be credited by first name."),
    )
    email_notifications = models.BooleanField(
        _("send me emails about reviews"),
        default=True,
        help_text=_(
            "Emails when a review round opens, a decision or comment arrives, "
            "or a module is agreed."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Raised by "sign out everywhere": every session signed in before it stops working.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    def get_session_auth_hash(self):
        """What each signed-in session keeps and Django checks on every request (and the live
        rooms on their checks): it changes with the password, as Django's own does, and with
        ``session_generation``, so raising that ends every session at once."""
        return salted_hmac(
            "coprod.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "first_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name or self.full_name
