"""Every form refuses, beside the field, what its column could not hold: no field allows more
characters than the column stores, a plain form's numbers and choices fit theirs, and ModelForms
take their limits from the model. A form field no one has placed here fails the test."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse

import workshops.forms
from tests.helpers import field_errors, page_heading
from workshops.forms.consent import ConsentWithdrawForm, StoryConsentForm
from workshops.forms.content import MoveForm, PreviewForm, QuestionForm, RestoreForm, SectionForm
from workshops.forms.contributions import ContributionLogFilterForm
from workshops.forms.deliveries import (
    DeliveryCreateForm,
    DeliveryDetailsForm,
    DeliverySessionForm,
    RegisterForm,
)
from workshops.forms.evaluation import (
    AnswerForm,
    AnswersOpenForm,
    FeedbackActionForm,
    FeedbackDoneForm,
)
from workshops.forms.members import (
    AcceptInvitationForm,
    CreditPreferenceForm,
    EraseForm,
    InvitationForm,
    MemberEraseForm,
    MembershipForm,
    NotificationPreferenceForm,
    OrganisationCreateForm,
)
from workshops.forms.packs import PackRequestForm
from workshops.forms.pay import (
    ExpenseForm,
    FundingPotForm,
    MonthCloseForm,
    PaymentChoiceForm,
    PayRateForm,
)
from workshops.forms.reviews import CommentForm, CompareForm, DecisionForm, ReviewRoundOpenForm
from workshops.forms.sessions import ConfirmSessionTimeForm, SessionForm
from workshops.forms.time import TimeEntryForm
from workshops.forms.two_factor import AppCodeForm, CodeForm
from workshops.models import (
    CoDesignSession,
    Comment,
    Decision,
    Delivery,
    DeliverySession,
    EvaluationResponse,
    Expense,
    FeedbackAction,
    FundingPot,
    Invitation,
    Membership,
    Organisation,
    Pack,
    PayMonthClose,
    PayRate,
    ReviewRound,
    Section,
    StoryConsent,
    TimeEntry,
    User,
)

# Where each field of a plain form ends up: (model, field), or why what is typed is not stored.
# A ModelForm's fields come from its model; only the fields it adds itself are listed.
ID_LOOKED_UP = "an id chosen from a list, looked up (refused if unknown) before anything is kept"
FILTER = "a filter for the page; nothing is kept"
STORED_AS = {
    CodeForm: {"code": "a two-step code, checked against the person's devices; never kept"},
    AppCodeForm: {"code": "a two-step code, checked against the key being set up; never kept"},
    SectionForm: {
        "based_on_version": "the version the person started from, compared with the current one",
        "names_confirmed": "the person's say-so to save names a story's consent keeps out",
    },
    QuestionForm: {
        "based_on_version": "the version the person started from, compared with the current one",
        "names_confirmed": "the person's say-so to save names a story's consent keeps out",
        "question_type": "kept in the section's question settings, one of the question types",
        "question_stage": "kept in the section's question settings, one of the stages",
        "question_choices": "kept in the section's question settings: 2 to 10 lines, each "
        "under 100 characters",
    },
    AnswerForm: {"code": (EvaluationResponse, "code")},
    FeedbackActionForm: {
        "text": (FeedbackAction, "text"),
        "module": ID_LOOKED_UP,
        "section": ID_LOOKED_UP,
        "meeting": ID_LOOKED_UP,
    },
    FeedbackDoneForm: {"changed_section": ID_LOOKED_UP},
    AnswersOpenForm: {"is_open": (Delivery, "answers_open")},
    StoryConsentForm: {
        "teller": ID_LOOKED_UP,
        "teller_outside": (StoryConsent, "teller_outside"),
        "audience": (StoryConsent, "audience"),
        "naming": (StoryConsent, "naming"),
        "expires_on": (StoryConsent, "expires_on"),
        "method": (StoryConsent, "method"),
        "witness": ID_LOOKED_UP,
        "names_to_keep_out": (StoryConsent, "names_to_keep_out"),
    },
    ConsentWithdrawForm: {"keep_text": "the person's choice to keep or erase the words; not kept"},
    EraseForm: {
        "keep_words": "the person's choice to keep or take out their words; not kept",
        "confirm": "the person's say-so to be erased; not kept",
    },
    MemberEraseForm: {
        "keep_words": "the person's choice, told to the lead, for their words; not kept",
        "confirm": "the lead's say-so that the person asked; not kept",
    },
    PreviewForm: {"body": (Section, "body")},
    MoveForm: {"direction": "which way to move; the positions are renumbered"},
    RestoreForm: {"based_on_version": "the version to go back to, compared with the current one"},
    ContributionLogFilterForm: {
        "person": FILTER,
        "module": FILTER,
        "action": FILTER,
        "date_from": FILTER,
        "date_to": FILTER,
    },
    InvitationForm: {
        "email": (Invitation, "email"),
        "role": (Invitation, "role"),
        "perspective": (Invitation, "perspective"),
        "job_title": (Invitation, "job_title"),
        "is_external": (Invitation, "is_external"),
    },
    MembershipForm: {
        "role": (Membership, "role"),
        "perspective": (Membership, "perspective"),
        "job_title": (Membership, "job_title"),
        "is_external": (Membership, "is_external"),
    },
    OrganisationCreateForm: {
        "name": (Organisation, "name"),
        "lead_name": (Invitation, "full_name"),
        "lead_email": (Invitation, "email"),
        "lead_perspective": (Invitation, "perspective"),
    },
    CreditPreferenceForm: {"credit_preference": (Membership, "credit_preference")},
    AcceptInvitationForm: {
        "full_name": (User, "full_name"),
        "first_name": (User, "first_name"),
        "password1": "only its hash is kept, whose length does not depend on the password",
        "password2": "the password typed again, compared with the first",
    },
    NotificationPreferenceForm: {"email_notifications": (User, "email_notifications")},
    PackRequestForm: {
        "kind": (Pack, "kind"),
        "module": ID_LOOKED_UP,
        "print_size": (Pack, "print_size"),
    },
    CompareForm: {"old": "a version to show; nothing is kept", "new": "a version to show"},
    ReviewRoundOpenForm: {
        "reviewers": ID_LOOKED_UP,
        "due_date": (ReviewRound, "due_date"),
        "message": (ReviewRound, "message"),
    },
    DecisionForm: {
        "kind": (Decision, "kind"),
        "reason": (Decision, "reason"),
        "content_hash": (Decision, "content_hash"),
    },
    CommentForm: {
        "body": (Comment, "body"),
        "quote": (Comment, "quote"),
        "section_id": ID_LOOKED_UP,
        "parent_id": ID_LOOKED_UP,
    },
    SessionForm: {
        "title": (CoDesignSession, "title"),
        "starts_at": (CoDesignSession, "starts_at"),
        "agenda": ID_LOOKED_UP,
        "facilitator": ID_LOOKED_UP,
    },
    DeliveryDetailsForm: {
        "title": (Delivery, "title"),
        "place": (Delivery, "place"),
        "is_online": (Delivery, "is_online"),
        "places_available": (Delivery, "places_available"),
        "pack": ID_LOOKED_UP,
    },
    DeliveryCreateForm: {
        "title": (Delivery, "title"),
        "place": (Delivery, "place"),
        "is_online": (Delivery, "is_online"),
        "places_available": (Delivery, "places_available"),
        "pack": ID_LOOKED_UP,
        "first_session_at": (DeliverySession, "starts_at"),
        "session_count": "how many sessions to make, one row each",
        "weeks_apart": "spaces the sessions' dates; not kept",
        "minutes": (DeliverySession, "minutes"),
        "team": ID_LOOKED_UP,
        "accept_shortfall": "the person's acknowledgement of the co-delivery rule; not kept",
    },
    DeliverySessionForm: {
        "starts_at": (DeliverySession, "starts_at"),
        "minutes": (DeliverySession, "minutes"),
        "team": ID_LOOKED_UP,
        "accept_shortfall": "the person's acknowledgement of the co-delivery rule; not kept",
    },
    RegisterForm: {"present": ID_LOOKED_UP},
    ConfirmSessionTimeForm: {
        "minutes": (TimeEntry, "minutes"),
        "payment": (TimeEntry, "payment"),
    },
    PayRateForm: {
        "activity": (PayRate, "activity"),
        "unit": (PayRate, "unit"),
        "amount": "pounds and pence up to £1,000,000, kept as whole pence in amount_pence",
        "starts_on": (PayRate, "starts_on"),
    },
    PaymentChoiceForm: {
        "entry": ID_LOOKED_UP,
        "payment": (TimeEntry, "payment"),
        "reduced": "pounds and pence, kept as whole pence in reduced_pence, never above the "
        "entry's full amount",
    },
    MonthCloseForm: {"month": (PayMonthClose, "month")},
    ExpenseForm: {
        "date": (Expense, "date"),
        "kind": (Expense, "kind"),
        "amount": "pounds and pence up to £1,000,000, kept as whole pence in amount_pence",
        "miles": (Expense, "miles"),
        "receipt_note": (Expense, "receipt_note"),
    },
    FundingPotForm: {
        "name": (FundingPot, "name"),
        "amount": "pounds and pence up to £1,000,000, kept as whole pence in amount_pence",
    },
    TimeEntryForm: {
        "date": (TimeEntry, "date"),
        "minutes": (TimeEntry, "minutes"),
        "activity": (TimeEntry, "activity"),
        "payment": (TimeEntry, "payment"),
        "note": (TimeEntry, "note"),
    },
}


def _form_classes():
    """Every form class defined in workshops/forms/, found by walking the package."""
    found = []
    for module_info in pkgutil.iter_modules(workshops.forms.__path__):
        module = importlib.import_module(f"workshops.forms.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


FORM_CLASSES = _form_classes()


def _model_of(form_class):
    meta = getattr(form_class, "_meta", None)
    return getattr(meta, "model", None)


def _place_of(form_class, name):
    """Where a form field is kept: a (model, field name), a reason it is not kept, or None when
    no one has said."""
    model = _model_of(form_class)
    if model is not None and name in form_class._meta.fields:
        return (model, name)
    return STORED_AS.get(form_class, {}).get(name)


def _stored_fields(wanted):
    """pytest params (form class, name, form field, model field) for the stored fields that
    ``wanted(form_class, form_field, model_field)`` picks."""
    pairs = []
    for form_class in FORM_CLASSES:
        for name, form_field in form_class.base_fields.items():
            place = _place_of(form_class, name)
            if not isinstance(place, tuple):
                continue
            model, field_name = place
            model_field = model._meta.get_field(field_name)
            if wanted(form_class, form_field, model_field):
                pairs.append(
                    pytest.param(
                        form_class,
                        name,
                        form_field,
                        model_field,
                        id=f"{form_class.__name__}.{name}",
                    )
                )
    return pairs


def _text_with_a_column_limit(form_class, form_field, model_field):
    return isinstance(form_field, forms.CharField) and model_field.max_length is not None


# A ModelForm runs its model's validation on save; a plain form must refuse what the column would.
def _plain_form_number(form_class, form_field, model_field):
    return _model_of(form_class) is None and isinstance(form_field, forms.IntegerField)


def _plain_form_choice(form_class, form_field, model_field):
    return (
        _model_of(form_class) is None
        and isinstance(form_field, forms.ChoiceField)
        and bool(model_field.choices)
    )


def _bounds(validators):
    """The narrowest (lowest, highest) the validators allow; None where they set no bound."""
    lows = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
    return max(lows, default=None), min(highs, default=None)


def test_limits_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORM_CLASSES}

    assert {"InvitationForm", "SectionForm", "TimeEntryForm", "CommentForm"} <= names
    assert len(FORM_CLASSES) >= 20


def test_limits_every_form_field_is_placed():
    """A new field needs an entry in STORED_AS (or to come from its ModelForm's model)."""
    unplaced = [
        f"{form_class.__name__}.{name}"
        for form_class in FORM_CLASSES
        for name in form_class.base_fields
        if not _place_of(form_class, name)
    ]

    assert unplaced == [], "say which column each is stored in, or why it is not stored"


def test_limits_mapping_names_only_fields_that_exist():
    for form_class, places in STORED_AS.items():
        assert set(places) <= set(form_class.base_fields), form_class.__name__
        for place in places.values():
            if isinstance(place, tuple):
                model, field_name = place
                model._meta.get_field(field_name)  # raises FieldDoesNotExist


FIELD_PARAMS = ("form_class", "name", "form_field", "model_field")


@pytest.mark.parametrize(FIELD_PARAMS, _stored_fields(_text_with_a_column_limit))
def test_limits_form_allows_no_more_characters_than_the_column(
    form_class, name, form_field, model_field
):
    assert form_field.max_length is not None, f"{form_class.__name__}.{name} has no max_length"
    assert form_field.max_length <= model_field.max_length
    # The page says the same as the validator, so a browser stops the typing there.
    assert form_field.widget_attrs(form_field.widget).get("maxlength") in (
        None,  # a hidden field
        str(form_field.max_length),
    )


@pytest.mark.parametrize(FIELD_PARAMS, _stored_fields(_plain_form_number))
def test_limits_plain_form_numbers_fit_the_column(form_class, name, form_field, model_field):
    low, high = _bounds(model_field.validators)
    form_low, form_high = _bounds(form_field.validators)

    assert low is None or (form_low is not None and form_low >= low)
    assert high is None or (form_high is not None and form_high <= high)


@pytest.mark.parametrize(FIELD_PARAMS, _stored_fields(_plain_form_choice))
def test_limits_plain_form_choices_fit_the_column(form_class, name, form_field, model_field):
    allowed = {str(value) for value, _ in model_field.flatchoices}

    assert {str(value) for value, _ in form_field.choices} <= allowed


def test_limits_each_check_has_fields_to_check():
    """The walk finds what each check is for, so none passes by checking nothing."""
    counts = [
        len(_stored_fields(wanted))
        for wanted in (_text_with_a_column_limit, _plain_form_number, _plain_form_choice)
    ]

    assert min(counts) >= 2, counts


def test_limits_model_forms_take_their_limits_from_the_model():
    checked = 0
    for form_class in FORM_CLASSES:
        model = _model_of(form_class)
        if model is None:
            continue
        for name, form_field in form_class.base_fields.items():
            if name in form_class.declared_fields or name not in form_class._meta.fields:
                continue
            model_field = model._meta.get_field(name)
            if model_field.max_length is not None and isinstance(form_field, forms.CharField):
                assert form_field.max_length == model_field.max_length, f"{model.__name__}.{name}"
                checked += 1

    assert checked >= 8


def test_limits_emails_are_254_characters_everywhere():
    assert InvitationForm.base_fields["email"].max_length == 254
    assert Invitation._meta.get_field("email").max_length == 254
    assert User._meta.get_field("email").max_length == 254
    # Django's own forms behind the sign-in and password-reset pages.
    assert AuthenticationForm().fields["username"].max_length == 254
    assert PasswordResetForm.base_fields["email"].max_length == 254


# The invite page, with an address longer than the column


def _long_email(length):
    domain = "@example.org"
    return "j" * (length - len(domain)) + domain


def _invite(client, organisation, email):
    return client.post(
        reverse("member_invite", kwargs={"org_id": organisation.pk}),
        {"email": email, "role": "co_trainer", "perspective": "family_carer"},
    )


def test_invite_300_character_email_comes_back_with_error_beside_the_field(client_for, world):
    email = _long_email(300)

    response = _invite(client_for(world.lead), world.organisation, email)

    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html)["email"] == [
        "Ensure this value has at most 254 characters (it has 300)."
    ]
    assert f'value="{email}"' in html
    assert not Invitation.objects.filter(email=email).exists()


def test_invite_254_character_email_is_stored(client_for, world):
    email = _long_email(254)

    response = _invite(client_for(world.lead), world.organisation, email)

    assert response.status_code == 302, page_heading(response)
    assert Invitation.objects.filter(email=email).count() == 1
