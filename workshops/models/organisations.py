import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.enums import CreditPreference, OrganisationKind, Perspective, Role


class Organisation(models.Model):
    """An NHS service, charity or local authority that co-produces workshops."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    family_carer_approvals_needed = models.PositiveSmallIntegerField(
        _("family-carer approvals needed"), default=1, validators=[MinValueValidator(1)]
    )
    professional_approvals_needed = models.PositiveSmallIntegerField(
        _("professional approvals needed"), default=1, validators=[MinValueValidator(1)]
    )
    # The co-delivery rule: who must lead every session of a delivery.
    delivery_family_carers_needed = models.PositiveSmallIntegerField(
        _("family carers leading each delivery session"), default=1
    )
    delivery_professionals_needed = models.PositiveSmallIntegerField(
        _("professionals leading each delivery session"), default=1
    )
    balance_threshold_percent = models.PositiveSmallIntegerField(
        _("balance warning below this share of words (%)"),
        default=20,
        validators=[MaxValueValidator(50)],
    )
    leads_need_two_step = models.BooleanField(
        _("Leads must use two-step sign-in"),
        default=False,
        help_text=_(
            "Each lead then signs in with a code from an app on their phone as well as their "
            "password. A lead who has not set it up is asked to, next time they use coprod."
        ),
    )
    # How long details are kept (services/retention.py, nightly). Empty: until deleted by hand.
    attendee_retention_days = models.PositiveIntegerField(
        _("days to keep attendees' details after their delivery's last session"),
        null=True,
        blank=True,
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
        help_text=_("Names, contact details and who came. Leave empty to keep them."),
    )
    answer_retention_days = models.PositiveIntegerField(
        _("days to keep evaluation answers"),
        null=True,
        blank=True,
        default=1095,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
        help_text=_("Counted from the day each answer was given. Leave empty to keep them."),
    )
    closed_account_retention_days = models.PositiveIntegerField(
        _("days to keep a closed account's name and contact"),
        null=True,
        blank=True,
        default=2190,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
        help_text=_(
            "Counted from when the person left the last organisation they belonged to; then "
            "they read “a former family carer” or “a former professional”, as after erasure. "
            "Six years (2190 days) keeps payment records whole for tax. Leave empty to keep them."
        ),
    )
    # Head of the contribution log's hash chain; its row is locked to serialise appends.
    log_head_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workshop_list", kwargs={"org_id": self.pk})


JOB_TITLE_HELP = _("For example: Peer support worker, Clinical psychologist")


class ActiveMembershipManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True, user__is_active=True)


class Membership(models.Model):
    """A person's place in one organisation: role, perspective and how to credit them.

    Removing a member sets ``removed_at`` instead of deleting the row, so their past work stays
    credited and the contribution log keeps pointing at them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective.choices)
    job_title = models.CharField(
        _("job title"),
        max_length=120,
        blank=True,
        help_text=JOB_TITLE_HELP,
    )
    is_external = models.BooleanField(
        _("external to the organisation"),
        default=False,
        help_text=_("For example a PBS practitioner from another service who supports this team."),
    )
    credit_preference = models.CharField(
        _("credit me as"),
        max_length=20,
        choices=CreditPreference.choices,
        default=CreditPreference.FULL_NAME,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()
    active = ActiveMembershipManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        ordering = ["organisation__name", "user__full_name"]

    def __str__(self):
        return f"{self.user} in {self.organisation}"

    @property
    def is_active(self):
        return self.removed_at is None and self.user.is_active

    @property
    def credit_name(self):
        """The name to show beside this person's work, following their credit preference."""
        return self.credit_name_as(self.perspective)

    def credit_name_as(self, perspective):
        """The credit name for work done with ``perspective`` (which may differ from today's)."""
        if self.credit_preference == CreditPreference.FULL_NAME:
            return self.user.full_name
        if self.credit_preference == CreditPreference.FIRST_NAME:
            return self.user.get_short_name()
        if perspective == Perspective.FAMILY_CARER:
            return str(_("a family carer"))
        return str(_("a professional"))

    @property
    def perspective_label(self):
        return perspective_label(self.perspective)


def perspective_label(perspective):
    return _("family carer") if perspective == Perspective.FAMILY_CARER else _("professional")


def new_invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An emailed link that lets a person join an organisation with a set role and perspective."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    perspective = models.CharField(_("perspective"), max_length=20, choices=Perspective.choices)
    # What the person will be called and do, given by whoever invites them: the name fills in
    # the form they join with, the job title becomes their membership's.
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(
        _("job title"), max_length=120, blank=True, help_text=JOB_TITLE_HELP
    )
    is_external = models.BooleanField(_("external to the organisation"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    # Empty for a new organisation's first lead, invited by the site's operator, who is not a
    # member of it.
    invited_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organisation}"

    def get_absolute_url(self):
        return reverse("invitation_accept", kwargs={"token": self.token})

    @property
    def link(self):
        """The whole address to give the person, on the site's own address as emails use."""
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()

    @property
    def is_expired(self):
        age = timezone.now() - self.created_at
        return age.days >= settings.INVITATION_VALID_DAYS

    @property
    def is_usable(self):
        return self.accepted_at is None and not self.is_expired
