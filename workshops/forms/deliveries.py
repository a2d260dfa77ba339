"""Forms for deliveries, their sessions, attendees and registers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workshops.models import Attendee

from .base import CrispyForm, CrispyModelForm

ACCEPT_SHORTFALL_LABEL = _(
    "I know this team does not meet the co-delivery rule; the session will say it is not "
    "co-delivered"
)


class TeamFieldsMixin:
    """The team checkboxes (members whose role includes delivering) and the explicit
    acknowledgement needed to save a team that breaks the co-delivery rule."""

    def set_team_choices(self, members):
        self.members = {m.pk: m for m in members}
        self.fields["team"].choices = [
            (m.pk, f"{m.user.full_name} ({m.perspective_label})") for m in members
        ]

    def clean_team(self):
        return [self.members[pk] for pk in self.cleaned_data["team"]]


def _team_field():
    return forms.TypedMultipleChoiceField(
        label=_("Who leads"),
        help_text=_(
            "Every session should be led by at least one family carer and one professional."
        ),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DeliveryDetailsForm(CrispyForm):
    title = forms.CharField(
        label=_("Name of this run"),
        max_length=200,
        help_text=_("For example: Autumn 2026, Tuesday evenings"),
    )
    place = forms.CharField(
        label=_("Where"),
        max_length=300,
        required=False,
        help_text=_("An address, or how to join if it is online."),
    )
    is_online = forms.BooleanField(label=_("Online"), required=False)
    places_available = forms.IntegerField(label=_("Places available"), min_value=1, max_value=500)
    pack = forms.TypedChoiceField(
        label=_("Pack it uses"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("An agreed pack that is ready. The delivery keeps the versions it holds."),
    )

    def __init__(self, *args, members=(), packs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.packs = {p.pk: p for p in packs}
        self.fields["pack"].choices = [("", _("None yet"))] + [
            (p.pk, f"{p.get_kind_display()}, {p.get_print_size_display()}, {p.created_at:%d %B %Y}")
            for p in packs
        ]
        if "team" in self.fields:
            self.set_team_choices(members)

    def clean_pack(self):
        pk = self.cleaned_data["pack"]
        return self.packs.get(pk) if pk is not None else None


class DeliveryCreateForm(TeamFieldsMixin, DeliveryDetailsForm):
    first_session_at = forms.DateTimeField(
        label=_("First session: date and time"),
        widget=forms.DateTimeInput({"type": "datetime-local"}),
    )
    session_count = forms.IntegerField(
        label=_("How many sessions"), min_value=1, max_value=52, initial=6
    )
    weeks_apart = forms.IntegerField(
        label=_("Weeks between sessions"), min_value=1, max_value=8, initial=1
    )
    minutes = forms.IntegerField(
        label=_("Length of each session in minutes"), min_value=15, max_value=600, initial=120
    )
    team = _team_field()
    accept_shortfall = forms.BooleanField(label=ACCEPT_SHORTFALL_LABEL, required=False)


class DeliverySessionForm(TeamFieldsMixin, CrispyForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=600)
    team = _team_field()
    accept_shortfall = forms.BooleanField(label=ACCEPT_SHORTFALL_LABEL, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_team_choices(members)


class AttendeeForm(CrispyModelForm):
    class Meta:
        model = Attendee
        fields = list(Attendee.DETAILS)


class RegisterForm(CrispyForm):
    present = forms.TypedMultipleChoiceField(
        label=_("Who came"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = {a.pk: a for a in attendees}
        self.fields["present"].choices = [
            (
                a.pk,
                a.name
                + (f" ({', '.join(str(n) for n in a.access_needs)})" if a.access_needs else ""),
            )
            for a in attendees
        ]

    def clean_present(self):
        return [self.attendees[pk] for pk in self.cleaned_data["present"]]
