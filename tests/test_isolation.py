"""Another organisation's objects answer 404, for every URL of the app and every role.

``ROUTES`` is the table: for each URL name, how to build its kwargs (and POST data) from one
organisation's objects, which methods the view accepts, and what a member of a *different*
organisation must get. ``test_every_url_pattern_has_an_isolation_entry`` walks the URL
configuration and fails when a URL has no entry, so a new URL cannot skip these tests.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from workshops.enums import PackState, Role
from workshops.models import (
    ContributionEntry,
    Expense,
    FundingPot,
    Membership,
    Organisation,
    Pack,
    PayMonthClose,
    PayRate,
    TimeEntry,
)
from workshops.services import pay as pay_services

# Not the app's own pages: Django's admin site and Django's sign-in / password views.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


# Every kind of object, review rounds and packs included, so every URL has something to ask for.
@pytest.fixture
def packs_root(settings, tmp_path):
    settings.PACKS_ROOT = tmp_path
    return tmp_path


def _with_ready_pack(world):
    """The world's pack made ready, with its file on disk, so a download would succeed."""
    Pack.objects.filter(pk=world.pack.pk).update(state=PackState.READY, file_name="pack.pdf")
    world.pack.refresh_from_db()
    world.session.refresh_from_db()
    world.pack.path.write_bytes(b"%PDF-1.7 test pack")
    return world


def _with_pay(world):
    """The co-trainer's expense in an open month, and an earlier month closed for payments."""
    world.expense = pay_services.expense_add(
        membership=world.co_trainer,
        date=date(2025, 5, 1),
        kind="parking",
        amount_pence=450,
        receipt_note="receipt kept by me",
        actor=world.co_trainer,
    )
    world.month_close = pay_services.pay_month_close(
        organisation=world.organisation, month=date(2025, 4, 1), actor=world.lead
    )
    return world


@pytest.fixture
def world(make_world, packs_root):
    return _with_pay(_with_ready_pack(make_world(complete=True)))


@pytest.fixture
def other_world(make_world, packs_root):
    return _with_pay(_with_ready_pack(make_world(complete=True)))


def _no_kwargs(world):
    return {}


def _section_data(world):
    return {
        "title": "Taken over",
        "kind": "explanation",
        "body": "Text written by someone who must not be able to save it.",
        "audience": "everyone",
        "based_on_version": world.section.version,
    }


@dataclass(frozen=True)
class Route:
    """How to ask for one organisation's object at a URL, and what an outsider gets.

    ``denied`` is the status an active member of another organisation gets; ``None`` means the
    URL names no organisation's object, and ``check`` says what must hold instead.
    ``login_required`` is False only for pages a person without an account must reach.
    ``own_get`` is what the organisation's own lead gets from a GET: the proof that the kwargs
    name a real object, so an outsider's 404 means "not yours", not "not there".
    """

    kwargs: Any
    methods: tuple = ("GET",)
    post_data: Any = field(default=lambda world: {})
    denied: int | None = 404
    login_required: bool = True
    check: Any = None
    own_get: int = 200


def _home_opens_own_organisation(response, own, other):
    # What needs the person comes from their own organisation only, never the other's.
    assert response.status_code == 200
    context, html = response.context, response.content.decode()
    assert context["organisation"] == own.organisation
    assert [w.pk for w in context["workshops"]] == [own.workshop.pk]
    assert [s.pk for s in context["coming_sessions"]] == [own.session.pk]
    rounds = context["reviews_waiting"] + context["open_items"]
    assert {r.module.workshop.organisation_id for r in rounds} <= {own.organisation.pk}
    assert {c.module.workshop.organisation_id for c in context["comments_on_my_words"]} <= {
        own.organisation.pk
    }
    for url in (other.workshop.get_absolute_url(), other.review_round.get_absolute_url()):
        assert f'href="{url}"' not in html
    assert f'href="{other.session.get_absolute_url()}"' not in html


def _preview_renders_only_the_posted_text(response, own, other):
    assert response.status_code == 200
    assert response.content.decode().strip() == "<p>hello</p>"


def _health_names_no_organisation(response, own, other):
    # About the service, not about anyone's organisation: the same four answers for everyone.
    assert response.status_code in (200, 503)
    assert sorted(response.json()) == ["database", "disk", "redis", "worker"]


def _favicon_is_the_static_file(response, own, other):
    assert response.status_code == 302
    assert response.url == static("favicon.svg")


def _glossary_names_no_organisation(response, own, other):
    # The same words for everyone, signed in or not.
    assert response.status_code == 200
    assert other.organisation.name not in response.content.decode()


def _answer_page_reaches_nothing_else(response, own, other):
    # Anyone with the link answers; the page names the workshop and links to no page of its
    # organisation. A POST of a code keeps the answers and thanks them.
    html = response.content.decode()
    if response.request["REQUEST_METHOD"] == "POST":
        assert response.status_code == 302
        assert response.url == reverse("answer_thanks", kwargs={"key": other.delivery.answer_key})
        return
    assert response.status_code == 200
    assert other.workshop.title in html
    for url in (
        other.workshop.get_absolute_url(),
        other.delivery.get_absolute_url(),
        other.module.get_absolute_url(),
        reverse("workshop_list", kwargs={"org_id": other.organisation.pk}),
    ):
        assert f'href="{url}' not in html


def _own_erasure_page(response, own, other):
    assert response.status_code in (200, 400)
    assert other.organisation.name not in response.content.decode()


def _own_data_only(response, own, other):
    # The signed-in person's own copy: nothing of the other organisation is in it.
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert other.organisation.name.encode() not in response.content


def _own_account_page(response, own, other):
    # About the signed-in person only: no organisation's object is named or shown. A GET shows
    # the form; a POST saves the person's own choice and comes back to it.
    assert response.status_code in (200, 302)
    method = response.request["REQUEST_METHOD"]
    if method == "GET":
        assert response.status_code == 200
    else:
        assert method == "POST"
        assert response.status_code == 302
        assert response.url == reverse("notification_preferences")


def _own_sign_in_page(response, own, other):
    # About the signed-in person's own sessions only; a POST ends them and goes to sign-in.
    if response.request["REQUEST_METHOD"] == "GET":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url == reverse("login")


def _own_two_step_page(response, own, other):
    # About the signed-in person's own sign-in only (they have no two-step sign-in here): a page
    # or a form for them, a refused code for them, or back to their own pages. Nothing names an
    # organisation, so there is nothing of another one to refuse.
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        assert urlparse(response.url).path in {
            reverse("home"),
            reverse("two_factor_manage"),
            reverse("two_factor_recovery_codes"),
        }


def _operator_page_not_there(response, own, other):
    # Only for the site's operators (Django staff): to a member of any organisation, whatever
    # their role, the page is not there, and a POST makes nothing.
    assert response.status_code == 404
    assert not Organisation.objects.filter(name="Planted organisation").exists()


def _two_step_route(methods=("GET",), post_data=lambda w: {}):
    return Route(
        _no_kwargs, methods=methods, post_data=post_data, denied=None, check=_own_two_step_page
    )


ROUTES = {
    "sign_in_security": Route(_no_kwargs, denied=None, check=_own_sign_in_page),
    "two_factor_manage": _two_step_route(),
    "two_factor_verify": _two_step_route(("GET", "POST"), lambda w: {"code": "123456"}),
    "two_factor_setup": _two_step_route(("GET", "POST"), lambda w: {"code": "123456"}),
    "two_factor_recovery_codes": _two_step_route(("GET", "POST")),
    "two_factor_recovery_codes_new": _two_step_route(("POST",)),
    "two_factor_recovery_codes_download": _two_step_route(),
    "two_factor_turn_off": _two_step_route(("GET", "POST"), lambda w: {"code": "123456"}),
    "organisation_two_step": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"leads_need_two_step": "on"},
    ),
    "home": Route(_no_kwargs, denied=None, check=_home_opens_own_organisation),
    "organisation_switch": Route(
        _no_kwargs, methods=("POST",), post_data=lambda w: {"org_id": w.organisation.pk}
    ),
    # The token is the credential: whoever holds another person's link is refused with 403.
    "invitation_accept": Route(
        lambda w: {"token": w.invitation.token},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "full_name": "Someone Else",
            "first_name": "Someone",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
        },
        denied=403,
        login_required=False,
    ),
    "markdown_preview": Route(
        _no_kwargs,
        methods=("POST",),
        post_data=lambda w: {"body": "hello"},
        denied=None,
        check=_preview_renders_only_the_posted_text,
    ),
    "workshop_list": Route(lambda w: {"org_id": w.organisation.pk}),
    "workshop_create": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"title": "Planted workshop"},
    ),
    "member_list": Route(lambda w: {"org_id": w.organisation.pk}),
    "member_invite": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "email": "intruder@example.org",
            "role": "lead",
            "perspective": "professional",
        },
    ),
    "member_edit": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.co_trainer.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"role": "observer", "perspective": "professional"},
    ),
    "member_remove": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.co_trainer.pk}, methods=("GET", "POST")
    ),
    "member_erase": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.co_trainer.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"keep_words": "keep", "confirm": "on"},
    ),
    "working_rules": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"family_carer_approvals_needed": "2"},
    ),
    "retention": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"attendee_retention_days": "30"},
    ),
    # A lead's copy of a member's data: 404 for anyone outside (the same as the member pages).
    "member_data": Route(lambda w: {"org_id": w.organisation.pk, "pk": w.co_trainer.pk}),
    "my_data": Route(_no_kwargs, denied=None, check=_own_data_only),
    # About the signed-in person only; an empty POST is refused beside its fields.
    "erase_account": Route(
        _no_kwargs, methods=("GET", "POST"), denied=None, check=_own_erasure_page
    ),
    "member_unlock": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.co_trainer.pk}, methods=("POST",)
    ),
    "credit_preference": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"credit_preference": "anonymous"},
    ),
    "workshop_detail": Route(lambda w: {"pk": w.workshop.pk}),
    "workshop_edit": Route(
        lambda w: {"pk": w.workshop.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"title": "Renamed by an outsider"},
    ),
    "module_create": Route(
        lambda w: {"pk": w.workshop.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"title": "Planted module", "planned_minutes": 30},
    ),
    "module_detail": Route(lambda w: {"pk": w.module.pk}),
    "module_edit": Route(
        lambda w: {"pk": w.module.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"title": "Renamed module", "planned_minutes": 10},
    ),
    "module_delete": Route(lambda w: {"pk": w.module.pk}, methods=("GET", "POST")),
    "module_move": Route(
        lambda w: {"pk": w.module.pk}, methods=("POST",), post_data=lambda w: {"direction": "up"}
    ),
    "section_create": Route(
        lambda w: {"pk": w.module.pk}, methods=("GET", "POST"), post_data=_section_data
    ),
    "section_edit": Route(
        lambda w: {"pk": w.section.pk}, methods=("GET", "POST"), post_data=_section_data
    ),
    "section_delete": Route(lambda w: {"pk": w.section.pk}, methods=("GET", "POST")),
    "section_move": Route(
        lambda w: {"pk": w.section.pk}, methods=("POST",), post_data=lambda w: {"direction": "up"}
    ),
    "section_history": Route(lambda w: {"pk": w.section.pk}),
    # Without ?old=&new= the compare form is incomplete: 400, but only after the section is found.
    "section_compare": Route(lambda w: {"pk": w.section.pk}, own_get=400),
    "section_authors": Route(lambda w: {"pk": w.section.pk}),
    "section_restore": Route(
        lambda w: {"pk": w.section.pk, "version": 1},
        methods=("GET", "POST"),
        post_data=lambda w: {"based_on_version": w.section.version},
    ),
    "deleted_sections": Route(lambda w: {"pk": w.module.pk}),
    "section_undelete": Route(lambda w: {"pk": w.deleted_section.pk}, methods=("POST",)),
    "contribution_log": Route(lambda w: {"org_id": w.organisation.pk}),
    "contribution_log_csv": Route(lambda w: {"org_id": w.organisation.pk}),
    "contribution_log_checkpoint": Route(lambda w: {"org_id": w.organisation.pk}),
    "contribution_summary": Route(lambda w: {"org_id": w.organisation.pk}),
    "notification_preferences": Route(
        _no_kwargs,
        methods=("GET", "POST"),
        post_data=lambda w: {"email_notifications": ""},
        denied=None,
        check=_own_account_page,
    ),
    "review_round_open": Route(
        lambda w: {"pk": w.module.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"reviewers": [w.co_trainer.pk]},
    ),
    "module_rounds": Route(lambda w: {"pk": w.module.pk}),
    "review_round_detail": Route(lambda w: {"pk": w.review_round.pk}),
    "review_decide": Route(
        lambda w: {"pk": w.review_round.pk},
        methods=("POST",),
        post_data=lambda w: {
            "kind": "approve",
            "content_hash": w.review_round.version.content_hash,
        },
    ),
    "review_withdraw": Route(lambda w: {"pk": w.review_round.pk}, methods=("GET", "POST")),
    "comment_add": Route(
        lambda w: {"pk": w.review_round.pk},
        methods=("POST",),
        post_data=lambda w: {"body": "A comment from outside"},
    ),
    "comment_resolve": Route(
        lambda w: {"pk": w.comment.pk}, methods=("POST",), post_data=lambda w: {"resolved": "1"}
    ),
    "workshop_packs": Route(lambda w: {"pk": w.workshop.pk}),
    "pack_request": Route(
        lambda w: {"pk": w.workshop.pk}, methods=("POST",), post_data=lambda w: {"kind": "attendee"}
    ),
    "pack_detail": Route(lambda w: {"pk": w.pack.pk}),
    "pack_retry": Route(lambda w: {"pk": w.pack.pk}, methods=("POST",)),
    "pack_download": Route(lambda w: {"pk": w.pack.pk}),
    "time_records": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "date": "2025-05-01",
            "minutes": "60",
            "activity": "preparation",
            "payment": "paid",
        },
    ),
    "time_records_csv": Route(lambda w: {"org_id": w.organisation.pk}),
    "pay_rates": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"unit": "hour", "amount": "99.00", "starts_on": "2025-05-01"},
    ),
    "pay_choices": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"entry": "1", "payment": "declined"},
    ),
    "pay_expenses": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "date": "2025-05-01",
            "kind": "parking",
            "amount": "4.50",
            "receipt_note": "receipt kept by me",
        },
    ),
    "pay_expense_edit": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.expense.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "date": "2025-05-02",
            "kind": "travel",
            "amount": "99.00",
            "receipt_note": "changed from outside",
        },
    ),
    "pay_expense_remove": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.expense.pk}, methods=("GET", "POST")
    ),
    "pay_months": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"month": "2025-05"},
    ),
    "pay_month_reopen": Route(
        lambda w: {"org_id": w.organisation.pk, "pk": w.month_close.pk}, methods=("GET", "POST")
    ),
    "pay_funding": Route(
        lambda w: {"org_id": w.organisation.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"name": "Planted fund", "amount": "1.00"},
    ),
    "pay_statement_csv": Route(lambda w: {"org_id": w.organisation.pk}),
    "pay_statement_pdf": Route(lambda w: {"org_id": w.organisation.pk}),
    "pay_payroll_csv": Route(lambda w: {"org_id": w.organisation.pk}),
    "workshop_sessions": Route(
        lambda w: {"pk": w.workshop.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "title": "Planted session",
            "starts_at": "2030-01-01T10:00",
            "agenda": [w.module.pk],
            "facilitator": w.lead.pk,
        },
    ),
    "session_detail": Route(lambda w: {"pk": w.session.pk}),
    "session_presence": Route(lambda w: {"pk": w.session.pk}),
    "session_record": Route(
        lambda w: {"pk": w.session.pk}, methods=("POST",), post_data=lambda w: {"notes": "Ours"}
    ),
    "session_end": Route(lambda w: {"pk": w.session.pk}, methods=("POST",)),
    "session_confirm_time": Route(
        lambda w: {"pk": w.session.pk},
        methods=("POST",),
        post_data=lambda w: {"minutes": "30", "payment": "paid"},
    ),
    "live_section": Route(lambda w: {"pk": w.session.pk, "section_id": w.section.pk}),
    "workshop_deliveries": Route(lambda w: {"pk": w.workshop.pk}),
    "delivery_create": Route(
        lambda w: {"pk": w.workshop.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "title": "Planted delivery",
            "places_available": "10",
            "first_session_at": "2030-01-01T18:00",
            "session_count": "2",
            "weeks_apart": "1",
            "minutes": "120",
            "team": [w.lead.pk, w.co_trainer.pk],
        },
    ),
    "delivery_detail": Route(lambda w: {"pk": w.delivery.pk}),
    "delivery_edit": Route(
        lambda w: {"pk": w.delivery.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"title": "Planted title", "places_available": "3"},
    ),
    "delivery_session_edit": Route(
        lambda w: {"pk": w.delivery_session.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"starts_at": "2030-01-01T18:00", "minutes": "60", "team": []},
    ),
    "attendee_create": Route(
        lambda w: {"pk": w.delivery.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"name": "Planted"},
    ),
    "attendee_edit": Route(
        lambda w: {"pk": w.attendee.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"name": "Planted"},
    ),
    "attendee_delete": Route(lambda w: {"pk": w.attendee.pk}, methods=("GET", "POST")),
    "delivery_register": Route(
        lambda w: {"pk": w.delivery_session.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"present": []},
    ),
    "delivery_sign_in_sheet": Route(lambda w: {"pk": w.delivery_session.pk}),
    # The answer pages: the delivery's answer key is the credential, and anyone holding the link
    # may answer. They show that workshop's name and its agreed questions, and reach nothing else.
    "answer_start": Route(
        lambda w: {"key": w.delivery.answer_key},
        denied=None,
        login_required=False,
        check=_answer_page_reaches_nothing_else,
    ),
    "answer_form": Route(
        lambda w: {"key": w.delivery.answer_key, "stage": "before"},
        methods=("GET", "POST"),
        post_data=lambda w: {"code": "anyone1"},
        denied=None,
        login_required=False,
        check=_answer_page_reaches_nothing_else,
    ),
    "answer_thanks": Route(
        lambda w: {"key": w.delivery.answer_key},
        denied=None,
        login_required=False,
        check=_answer_page_reaches_nothing_else,
    ),
    "story_consent": Route(
        lambda w: {"pk": w.story.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {
            "teller_outside": "A planted family",
            "audience": "everyone",
            "naming": "anonymous",
            "expires_on": "2099-01-01",
            "method": "written",
        },
    ),
    "story_consent_withdraw": Route(
        lambda w: {"pk": w.story.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"keep_text": "erase"},
    ),
    "evaluation_create": Route(lambda w: {"pk": w.workshop.pk}, methods=("GET", "POST")),
    "workshop_results": Route(lambda w: {"pk": w.workshop.pk}),
    "workshop_results_csv": Route(lambda w: {"pk": w.workshop.pk}),
    "delivery_results": Route(lambda w: {"pk": w.delivery.pk}),
    "delivery_results_csv": Route(lambda w: {"pk": w.delivery.pk}),
    "delivery_answer_sheet": Route(lambda w: {"pk": w.delivery.pk}),
    "paper_answers": Route(
        lambda w: {"pk": w.delivery.pk, "stage": "after"},
        methods=("GET", "POST"),
        post_data=lambda w: {"code": "planted1"},
    ),
    "answers_open": Route(lambda w: {"pk": w.delivery.pk}, methods=("POST",)),
    "feedback_action_create": Route(
        lambda w: {"pk": w.delivery.pk},
        methods=("GET", "POST"),
        post_data=lambda w: {"text": "Planted action", "module": w.module.pk},
    ),
    "feedback_action_done": Route(lambda w: {"pk": w.feedback_action.pk}, methods=("GET", "POST")),
    "healthz": Route(
        _no_kwargs, denied=None, login_required=False, check=_health_names_no_organisation
    ),
    "favicon": Route(
        _no_kwargs, denied=None, login_required=False, check=_favicon_is_the_static_file
    ),
    "glossary": Route(
        _no_kwargs, denied=None, login_required=False, check=_glossary_names_no_organisation
    ),
    "operator_organisation_create": Route(
        _no_kwargs,
        methods=("GET", "POST"),
        post_data=lambda w: {
            "name": "Planted organisation",
            "lead_name": "Someone Else",
            "lead_email": "someone@example.org",
            "lead_perspective": "professional",
        },
        denied=None,
        check=_operator_page_not_there,
    ),
}

# Pages about one organisation's objects: the ones a removed member must lose.
ORGANISATION_ROUTES = sorted(
    name for name, route in ROUTES.items() if route.denied == 404 and route.login_required
)


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def app_url_names():
    return set(_url_names(get_resolver().url_patterns)) - SKIPPED_NAMES


# Last, as it signs the client out.
ROUTES["sign_out_everywhere"] = Route(
    _no_kwargs, methods=("POST",), denied=None, check=_own_sign_in_page
)


def _cases():
    return [(name, method) for name, route in ROUTES.items() for method in route.methods]


def _request(client, method, name, world):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world))
    if method == "POST":
        return client.post(url, route.post_data(world))
    return client.get(url)


def _snapshot(world):
    """What a refused request must leave exactly as it was in the other organisation."""
    world.section.refresh_from_db()
    world.module.refresh_from_db()
    world.workshop.refresh_from_db()
    world.co_trainer.refresh_from_db()
    world.invitation.refresh_from_db()
    world.deleted_section.refresh_from_db()
    world.review_round.refresh_from_db()
    world.comment.refresh_from_db()
    world.pack.refresh_from_db()
    world.session.refresh_from_db()
    world.delivery.refresh_from_db()
    world.attendee.refresh_from_db()
    world.story.refresh_from_db()
    world.story.consent.refresh_from_db()
    return {
        "log": ContributionEntry.objects.filter(organisation=world.organisation).count(),
        "workshop": (world.workshop.title, world.workshop.organisation.workshops.count()),
        "module": (world.module.title, world.module.position, world.module.deleted_at),
        "section": (world.section.title, world.section.version, world.section.deleted_at),
        "deleted_section": world.deleted_section.deleted_at,
        "co_trainer": (world.co_trainer.role, world.co_trainer.removed_at),
        "invitation": world.invitation.accepted_at,
        "members": Membership.objects.filter(organisation=world.organisation).count(),
        "round": (world.review_round.status, world.review_round.decisions.count()),
        "comments": (world.module.comments.count(), world.comment.resolved_at),
        "packs": (world.workshop.packs.count(), world.pack.state, world.pack.attempts),
        "sessions": (world.workshop.sessions.count(), world.session.notes, world.session.ended_at),
        "deliveries": (
            world.workshop.deliveries.count(),
            world.delivery.title,
            world.delivery.places_available,
            world.delivery_session.team.count(),
            world.delivery_session.attended.count(),
        ),
        "attendees": (world.delivery.attendees.count(), world.attendee.name),
        "story": (
            world.story.body,
            world.story.consent.teller_outside,
            world.story.consent.withdrawn_at,
        ),
        # Answers typed in by the team (anyone with the link may answer online).
        "evaluation": (
            world.delivery.answers_open,
            world.delivery.responses.filter(typed_by__isnull=False).count(),
            world.workshop.modules.filter(is_evaluation=True).count(),
            [(a.text, a.done_at) for a in world.module.feedback_actions.order_by("pk")],
        ),
        "time": TimeEntry.objects.filter(membership__organisation=world.organisation).count(),
        "pay": (
            PayRate.objects.filter(organisation=world.organisation).count(),
            PayMonthClose.objects.filter(organisation=world.organisation).count(),
            list(
                Expense.objects.filter(membership__organisation=world.organisation)
                .order_by("pk")
                .values_list("date", "kind", "amount_pence", "receipt_note")
            ),
            list(
                FundingPot.objects.filter(organisation=world.organisation).values_list(
                    "year", "name", "amount_pence"
                )
            ),
            list(
                TimeEntry.objects.filter(membership__organisation=world.organisation)
                .order_by("pk")
                .values_list("payment", "reduced_pence", "amount_pence")
            ),
        ),
    }


def test_every_url_pattern_has_an_isolation_entry():
    names = app_url_names()
    assert sorted(names - set(ROUTES)) == []
    assert sorted(set(ROUTES) - names) == []


def test_url_walk_skips_only_admin_and_auth_urls():
    every_name = set(_url_names(get_resolver().url_patterns))
    assert every_name & SKIPPED_NAMES == SKIPPED_NAMES
    assert every_name & {"home"} == {"home"}
    assert not any(name.startswith("admin:") for name in every_name)


def _outcomes(client, world, other_world, cases):
    """{(url name, method): what went wrong} for requests about other_world's objects.

    other_world is compared before and after every POST (a GET is covered by the next check).
    """
    wrong = {}
    before = _snapshot(other_world)
    for name, method in cases:
        route = ROUTES[name]
        response = _request(client, method, name, other_world)
        if route.denied is None:
            try:
                route.check(response, world, other_world)
            except AssertionError as error:
                wrong[(name, method)] = f"check failed: {error}"
        elif response.status_code != route.denied:
            wrong[(name, method)] = response.status_code
        if method == "POST":
            after = _snapshot(other_world)
            if after != before:
                wrong[(name, method, "changed")] = after
            before = after
    if _snapshot(other_world) != before:
        wrong["changed by a GET"] = True
    return wrong


# One test per role, each asking for every URL with every method it accepts: building the two
# organisations once per role keeps this fast. The failure lists every URL that let them in.
@pytest.mark.parametrize("role", ROLES)
def test_other_organisation_object_denied_for_every_role(client_for, world, other_world, role):
    member = (
        world.lead
        if role == Role.LEAD
        else MembershipFactory(organisation=world.organisation, role=role)
    )

    assert _outcomes(client_for(member), world, other_world, _cases()) == {}


def _cases_requiring_login():
    return [(name, method) for name, method in _cases() if ROUTES[name].login_required]


def test_anonymous_redirected_to_login(client, other_world):
    wrong = {}
    before = _snapshot(other_world)
    for name, method in _cases_requiring_login():
        route = ROUTES[name]
        url = reverse(name, kwargs=route.kwargs(other_world))
        if method == "POST":
            response = client.post(url, route.post_data(other_world))
        else:
            response = client.get(url)
        target = urlparse(response.get("Location", ""))
        if (
            response.status_code != 302
            or target.path != reverse("login")
            or parse_qs(target.query) != {"next": [url]}
        ):
            wrong[(name, method)] = (response.status_code, response.get("Location"))

    assert wrong == {}
    assert _snapshot(other_world) == before


def test_anonymous_cases_cover_every_login_page():
    assert {name for name, _ in _cases_requiring_login()} == {
        name for name, route in ROUTES.items() if route.login_required
    }


def test_public_url_names_are_exactly():
    assert sorted(name for name, route in ROUTES.items() if not route.login_required) == [
        "answer_form",
        "answer_start",
        "answer_thanks",
        "favicon",
        "glossary",
        "healthz",
        "invitation_accept",
    ]


def test_removed_member_gets_404(client_for, world):
    removed = MembershipFactory(organisation=world.organisation, role=Role.LEAD)
    client = client_for(removed)
    workshops_url = reverse("workshop_list", kwargs={"org_id": world.organisation.pk})
    assert client.get(workshops_url).status_code == 200
    Membership.objects.filter(pk=removed.pk).update(removed_at="2025-01-01T00:00Z")
    cases = [(name, method) for name in ORGANISATION_ROUTES for method in ROUTES[name].methods]

    # The former organisation is now "another organisation" to them: every page answers 404.
    assert _outcomes(client, None, world, cases) == {}


def test_own_objects_reachable_by_own_lead(client_for, world):
    # The same kwargs, for the lead's own organisation, find the object: the table is sound.
    client = client_for(world.lead)
    names = [
        name for name, route in ROUTES.items() if route.denied == 404 and "GET" in route.methods
    ]

    statuses = {name: _request(client, "GET", name, world).status_code for name in names}

    assert statuses == {name: ROUTES[name].own_get for name in names}


def test_own_pack_download_is_the_file(client_for, world):
    response = client_for(world.lead).get(reverse("pack_download", kwargs={"pk": world.pack.pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test pack"


def test_removed_member_home_shows_no_organisation(client_for, world):
    removed = MembershipFactory(organisation=world.organisation, role=Role.CO_TRAINER)
    Membership.objects.filter(pk=removed.pk).update(removed_at="2025-01-01T00:00Z")

    response = client_for(removed).get(reverse("home"))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "workshops/no_organisation.html"


def test_lead_cannot_reach_other_organisation_member_through_own_organisation(
    client_for, world, other_world
):
    client = client_for(world.lead)
    for name in ("member_edit", "member_remove", "member_unlock"):
        url = reverse(
            name, kwargs={"org_id": world.organisation.pk, "pk": other_world.co_trainer.pk}
        )
        assert client.get(url).status_code == (405 if name == "member_unlock" else 404)
        assert (
            client.post(url, {"role": "observer", "perspective": "professional"}).status_code == 404
        )
    other_world.co_trainer.refresh_from_db()
    assert other_world.co_trainer.role == Role.CO_TRAINER
    assert other_world.co_trainer.removed_at is None


def test_member_of_two_organisations_sees_both(client_for, world, other_world):
    user = UserFactory()
    MembershipFactory(user=user, organisation=world.organisation, role=Role.CO_TRAINER)
    MembershipFactory(user=user, organisation=other_world.organisation, role=Role.OBSERVER)
    client = client_for(user)

    for each in (world, other_world):
        assert (
            client.get(
                reverse("workshop_list", kwargs={"org_id": each.organisation.pk})
            ).status_code
            == 200
        )
        assert (
            client.get(reverse("workshop_detail", kwargs={"pk": each.workshop.pk})).status_code
            == 200
        )
        assert (
            client.get(reverse("module_detail", kwargs={"pk": each.module.pk})).status_code == 200
        )
        assert (
            client.get(reverse("member_list", kwargs={"org_id": each.organisation.pk})).status_code
            == 200
        )
    # Each organisation still applies its own role: editor in one, observer in the other.
    assert client.get(reverse("section_edit", kwargs={"pk": world.section.pk})).status_code == 200
    assert (
        client.get(reverse("section_edit", kwargs={"pk": other_world.section.pk})).status_code
        == 403
    )


def test_member_of_two_organisations_workshop_list_shows_only_that_organisation(
    client_for, world, other_world
):
    user = UserFactory()
    MembershipFactory(user=user, organisation=world.organisation)
    MembershipFactory(user=user, organisation=other_world.organisation)
    WorkshopFactory(organisation=other_world.organisation, title="Only in the other one")

    response = client_for(user).get(
        reverse("workshop_list", kwargs={"org_id": world.organisation.pk})
    )

    assert [w.pk for w in response.context["workshops"]] == [world.workshop.pk]


def test_switching_to_other_organisation_as_member_of_both_redirects(
    client_for, world, other_world
):
    user = UserFactory()
    MembershipFactory(user=user, organisation=world.organisation)
    MembershipFactory(user=user, organisation=other_world.organisation)
    client = client_for(user)

    response = client.post(reverse("organisation_switch"), {"org_id": other_world.organisation.pk})

    assert response.status_code == 302
    assert response.url == reverse("workshop_list", kwargs={"org_id": other_world.organisation.pk})
    assert client.get(reverse("home")).context["organisation"] == other_world.organisation


def test_live_section_of_other_organisation_in_own_session_gets_404(client_for, world, other_world):
    url = reverse(
        "live_section", kwargs={"pk": world.session.pk, "section_id": other_world.section.pk}
    )

    assert client_for(world.lead).get(url).status_code == 404


def test_reply_to_other_organisation_comment_gets_404(client_for, world, other_world):
    client = client_for(world.co_trainer)
    url = reverse("comment_add", kwargs={"pk": world.review_round.pk})
    before = _snapshot(other_world)

    response = client.post(url, {"body": "A reply", "parent_id": other_world.comment.pk})

    assert response.status_code == 404
    assert world.module.comments.count() == 1
    assert _snapshot(other_world) == before
