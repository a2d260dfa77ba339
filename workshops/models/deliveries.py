import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import TimestampedModel


def new_answer_key():
    return secrets.token_urlsafe(12)


class Delivery(TimestampedModel):
    """One run of a workshop for a group of attendees: its sessions, its place and the agreed
    pack it uses. The pack's contents are fixed by its content key, so a delivery is bound to
    the versions it was given."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="deliveries"
    )
    title = models.CharField(
        _("name of this run"),
        max_length=200,
        help_text=_("For example: Autumn 2026, Tuesday evenings"),
    )
    place = models.CharField(
        _("where"),
        max_length=300,
        blank=True,
        help_text=_("An address, or how to join if it is online."),
    )
    is_online = models.BooleanField(_("online"), default=False)
    places_available = models.PositiveSmallIntegerField(_("places available"), default=12)
    pack = models.ForeignKey(
        "workshops.Pack",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("pack it uses"),
    )

    # The unguessable part of the link attendees answer the evaluation at, with or without an
    # account; the team can turn answering off.
    answer_key = models.CharField(
        max_length=32, unique=True, default=new_answer_key, editable=False
    )
    answers_open = models.BooleanField(_("Attendees can answer the evaluation"), default=True)

    scope_parents = ("workshop",)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("delivery_detail", kwargs={"pk": self.pk})


class DeliverySession(models.Model):
    """One meeting of a delivery (for example the third of six weekly evenings), with the
    people who lead it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("date and time"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=120)
    team = models.ManyToManyField(
        "workshops.Membership", blank=True, related_name="delivery_sessions"
    )
    attended = models.ManyToManyField("workshops.Attendee", blank=True, related_name="sessions")

    scope_parents = ("delivery",)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.delivery}, {self.starts_at:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("delivery_detail", kwargs={"pk": self.delivery_id}) + f"#session-{self.pk}"


class Attendee(TimestampedModel):
    """Someone coming to a delivery. No account, and as little about them as will do: deleting
    one removes them and their register marks for good."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(
        _("first name or initials"),
        max_length=60,
        help_text=_("Only what the team needs to greet them and keep the register."),
    )
    contact = models.CharField(_("phone or email (optional)"), max_length=200, blank=True)
    may_contact = models.BooleanField(
        _("They agree to be contacted about this workshop"), default=False
    )
    # The Accessible Information Standard: identify, record, flag. Flagged on the register.
    needs_large_print = models.BooleanField(_("Large print"), default=False)
    needs_easy_read = models.BooleanField(_("Easy read"), default=False)
    needs_interpreter = models.BooleanField(_("An interpreter"), default=False)
    other_needs = models.CharField(
        _("Other needs"),
        max_length=300,
        blank=True,
        help_text=_("For example: a language, a hearing loop, step-free access."),
    )

    scope_parents = ("delivery",)
    # What a person may type about an attendee: the form's fields and what the services set.
    DETAILS = (
        "name",
        "contact",
        "may_contact",
        "needs_large_print",
        "needs_easy_read",
        "needs_interpreter",
        "other_needs",
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def access_needs(self):
        needs = []
        if self.needs_large_print:
            needs.append(_("Large print"))
        if self.needs_easy_read:
            needs.append(_("Easy read"))
        if self.needs_interpreter:
            needs.append(_("Interpreter"))
        if self.other_needs:
            needs.append(self.other_needs)
        return needs
