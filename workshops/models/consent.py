from django.db import models
from django.utils.translation import gettext_lazy as _

from workshops.enums import ConsentAudience, ConsentMethod, CreditPreference


class StoryConsent(models.Model):
    """The consent behind one lived-experience story: whose it is, who may read it, how they are
    named, until when, and how it was given. Explicit, specific and withdrawable: without a
    valid consent for an audience, the story reaches no pack for that audience and cannot be
    agreed for it."""

    section = models.OneToOneField(
        "workshops.Section", on_delete=models.CASCADE, related_name="consent"
    )
    # Whose story: a member, or a family outside the app (then only how the team refers to it).
    teller = models.ForeignKey(
        "workshops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="story_consents",
        verbose_name=_("whose story (a member)"),
    )
    teller_outside = models.CharField(
        _("or: whose story (a family outside coprod)"),
        max_length=200,
        blank=True,
        help_text=_("How the team refers to them, for example: “the family Sam met at school”."),
    )
    audience = models.CharField(
        _("who may read it"), max_length=20, choices=ConsentAudience.choices
    )
    naming = models.CharField(
        _("how they are named"), max_length=20, choices=CreditPreference.choices
    )
    expires_on = models.DateField(_("consent ends on"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    witness = models.ForeignKey(
        "workshops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witness (for spoken consent)"),
    )
    names_to_keep_out = models.TextField(
        _("names to keep out, one per line"),
        blank=True,
        max_length=2000,
        help_text=_("For example the child’s name: every save of the story checks for them."),
    )
    recorded_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "workshops.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the story was withdrawn and its words erased at the person's wish: versions frozen
    # before then keep the words they were signed on (their hash depends on them), but no page
    # shows them any more. Kept if consent is given again, for the new words only.
    text_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the leads and the teller were told the consent ends soon, and that it has ended
    # (notifications.consent_endings_notify, daily); cleared when consent is given again.
    ending_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    scope_parents = ("section",)

    def __str__(self):
        return f"Consent for {self.section}"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def names_to_keep_out_list(self):
        return [line.strip() for line in self.names_to_keep_out.splitlines() if line.strip()]
