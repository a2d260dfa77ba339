"""The consent behind a lived-experience story: recording it, and withdrawing it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshops.forms.consent import ConsentWithdrawForm, StoryConsentForm
from workshops.rules import EDIT_CONTENT, VIEW, can
from workshops.selectors.consent import consent_form_choices, consent_of, story_get
from workshops.selectors.content import section_get
from workshops.services import consent as consent_services

from .base import ScopedFormView


class StoryConsentView(ScopedFormView):
    permission = EDIT_CONTENT
    scope = staticmethod(section_get)
    form_class = StoryConsentForm
    template_name = "workshops/story_consent.html"
    submit_label = gettext_lazy("Save the consent")
    success_message = gettext_lazy("Consent saved.")

    def load_related_objects(self):
        story_get(section=self.object)
        self.consent = consent_of(section=self.object)

    def get_title(self):
        return _("Consent for “%(title)s”") % {"title": self.object.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **consent_form_choices(section=self.object)}

    def get_initial(self):
        c = self.consent
        if c is None:
            return {}
        return {
            "teller": c.teller_id,
            "teller_outside": c.teller_outside,
            "audience": c.audience,
            "naming": c.naming,
            "expires_on": c.expires_on,
            "method": c.method,
            "witness": c.witness_id,
            "names_to_keep_out": c.names_to_keep_out,
        }

    def save(self, form):
        return consent_services.consent_record(
            section=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.object, consent=self.consent, back=self.object, **kwargs
        )


class StoryConsentWithdrawView(ScopedFormView):
    """Whose story it is may withdraw consent for it, as may anyone who edits the material."""

    permission = VIEW
    scope = staticmethod(section_get)
    form_class = ConsentWithdrawForm
    submit_label = gettext_lazy("Withdraw the consent")
    success_message = gettext_lazy(
        "Consent withdrawn. No new pack holds the story, and packs that hold it can no longer "
        "be downloaded. The leads have been told."
    )

    def load_related_objects(self):
        story_get(section=self.object)
        self.consent = consent_of(section=self.object)
        if self.consent is None or self.consent.is_withdrawn:
            raise Http404
        is_teller = self.membership.pk == self.consent.teller_id
        if not is_teller and not can(self.request.user, EDIT_CONTENT, self.organisation):
            raise PermissionDenied

    def get_title(self):
        return _("Withdraw consent for “%(title)s”") % {"title": self.object.title}

    def save(self, form):
        return consent_services.consent_withdraw(
            consent=self.consent, keep_text=form.cleaned_data["keep_text"], actor=self.membership
        )

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back=self.object,
            intro=_(
                "From now on no new pack will hold this story, and packs that hold it can no "
                "longer be downloaded. Printed copies already handed out cannot be called back: "
                "the leads will be told, so they can stop using them."
            ),
            **kwargs,
        )
