"""Deliveries: schedule a run of a workshop, choose who leads each session, keep attendees,
the register and a printable sign-in sheet."""

from django.utils.translation import gettext_lazy as _

from workshops.forms.deliveries import (
    AttendeeForm,
    DeliveryCreateForm,
    DeliveryDetailsForm,
    DeliverySessionForm,
    RegisterForm,
)
from workshops.rules import DELIVER, RUN_DELIVERIES, VIEW, can
from workshops.selectors.content import workshop_get
from workshops.selectors.deliveries import (
    attendee_get,
    delivery_form_choices,
    delivery_get,
    delivery_page,
    delivery_session_get,
    delivery_session_team_ids,
    register_page,
    workshop_deliveries,
)
from workshops.services import deliveries as delivery_services

from .base import ScopedConfirmView, ScopedFormView, ScopedTemplateView


class DeliveryContextMixin:
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_run_deliveries=can(self.request.user, RUN_DELIVERIES, self.organisation),
            can_deliver=can(self.request.user, DELIVER, self.organisation),
            **kwargs,
        )


class WorkshopDeliveriesView(DeliveryContextMixin, ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(workshop_get)
    template_name = "workshops/deliveries.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.object, deliveries=workshop_deliveries(workshop=self.object), **kwargs
        )


class DeliveryCreateView(ScopedFormView):
    permission = RUN_DELIVERIES
    scope = staticmethod(workshop_get)
    form_class = DeliveryCreateForm
    title = _("Schedule a delivery")
    submit_label = _("Schedule the delivery")
    success_message = _("Delivery scheduled.")

    def get_initial(self):
        return {"places_available": 12, "session_count": 6, "weeks_apart": 1, "minutes": 120}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **delivery_form_choices(workshop=self.object)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)

    def save(self, form):
        return delivery_services.delivery_create(
            workshop=self.object, actor=self.membership, **form.cleaned_data
        )


class DeliveryDetailView(DeliveryContextMixin, ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(delivery_get)
    template_name = "workshops/delivery_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            delivery=self.object, **delivery_page(delivery=self.object), **kwargs
        )


class DeliveryEditView(ScopedFormView):
    permission = RUN_DELIVERIES
    scope = staticmethod(delivery_get)
    form_class = DeliveryDetailsForm
    title = _("Change the delivery’s details")
    submit_label = _("Save the delivery")
    success_message = _("Delivery saved.")

    def get_initial(self):
        d = self.object
        return {
            "title": d.title,
            "place": d.place,
            "is_online": d.is_online,
            "places_available": d.places_available,
            "pack": d.pack_id,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **delivery_form_choices(workshop=self.object.workshop)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)

    def save(self, form):
        return delivery_services.delivery_update(
            delivery=self.object, actor=self.membership, **form.cleaned_data
        )


class DeliverySessionEditView(ScopedFormView):
    permission = RUN_DELIVERIES
    scope = staticmethod(delivery_session_get)
    form_class = DeliverySessionForm
    title = _("Change a session and who leads it")
    submit_label = _("Save the session")
    success_message = _("Session saved.")

    def get_initial(self):
        return {
            "starts_at": self.object.starts_at,
            "minutes": self.object.minutes,
            "team": delivery_session_team_ids(session=self.object),
        }

    def get_form_kwargs(self):
        choices = delivery_form_choices(workshop=self.object.delivery.workshop)
        return {**super().get_form_kwargs(), "members": choices["members"]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.object.get_absolute_url(), **kwargs)

    def save(self, form):
        return delivery_services.delivery_session_update(
            session=self.object, actor=self.membership, **form.cleaned_data
        )


class AttendeeCreateView(ScopedFormView):
    permission = RUN_DELIVERIES
    scope = staticmethod(delivery_get)
    form_class = AttendeeForm
    title = _("Add an attendee")
    submit_label = _("Add the attendee")
    success_message = _("Attendee added.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)

    def save(self, form):
        delivery_services.attendee_add(
            delivery=self.object, actor=self.membership, **form.cleaned_data
        )
        return self.object


class AttendeeEditView(ScopedFormView):
    permission = RUN_DELIVERIES
    scope = staticmethod(attendee_get)
    form_class = AttendeeForm
    title = _("Change an attendee’s details")
    submit_label = _("Save the attendee")
    success_message = _("Attendee saved.")

    def get_initial(self):
        return {name: getattr(self.object, name) for name in AttendeeForm.Meta.fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object.delivery, **kwargs)

    def save(self, form):
        delivery_services.attendee_update(
            attendee=self.object, actor=self.membership, **form.cleaned_data
        )
        return self.object.delivery


class AttendeeDeleteView(ScopedConfirmView):
    permission = RUN_DELIVERIES
    scope = staticmethod(attendee_get)
    template_name = "workshops/attendee_delete.html"
    success_message = _("Attendee deleted, with their register marks.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(attendee=self.object, back=self.object.delivery, **kwargs)

    def save(self, form):
        delivery = self.object.delivery
        delivery_services.attendee_delete(attendee=self.object, actor=self.membership)
        return delivery


class RegisterView(ScopedFormView):
    """The register of one session in the browser: tick who came."""

    permission = RUN_DELIVERIES
    scope = staticmethod(delivery_session_get)
    form_class = RegisterForm
    template_name = "workshops/delivery_register.html"
    submit_label = _("Save the register")
    success_message = _("Register saved.")

    def load_related_objects(self):
        self.page = register_page(session=self.object)

    def get_initial(self):
        return {"present": sorted(self.page["present_ids"])}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "attendees": self.page["attendees"]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.object, delivery=self.object.delivery, **self.page, **kwargs
        )

    def save(self, form):
        return delivery_services.register_update(
            session=self.object, actor=self.membership, present=form.cleaned_data["present"]
        )


class SignInSheetView(ScopedTemplateView):
    """A sign-in sheet to print for one session: names, access needs flagged, a box to sign."""

    permission = DELIVER
    scope = staticmethod(delivery_session_get)
    template_name = "workshops/delivery_sign_in_sheet.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.object,
            delivery=self.object.delivery,
            **register_page(session=self.object),
            **kwargs,
        )
