"""Hostile and malformed input to the workshop, module and section forms, the move buttons,
the markdown preview and the restore form: a 4xx with the error beside the field, never a 500.
The cases' shape and the checks are in tests/forms/hostile.py."""

import pytest
from django.urls import reverse

from tests.factories import ModuleFactory, SectionFactory
from tests.forms.hostile import (
    CONFLICT,
    CONTROL,
    HUGE_BODY,
    HUGE_TITLE,
    REQUIRED,
    Case,
    bad_choice,
    check_hostile_case,
    too_long,
)
from tests.helpers import form_values
from workshops.models import ContributionEntry, Section, Workshop


def _workshop_url(w):
    return reverse("workshop_edit", kwargs={"pk": w.workshop.pk})


def _workshop_new(w):
    return reverse("workshop_create", kwargs={"org_id": w.organisation.pk})


def _module_url(w):
    return reverse("module_edit", kwargs={"pk": w.module.pk})


def _module_new(w):
    return reverse("module_create", kwargs={"pk": w.workshop.pk})


def _section_url(w):
    return reverse("section_edit", kwargs={"pk": w.section.pk})


def _section_new(w):
    return reverse("section_create", kwargs={"pk": w.module.pk})


def _section(w, **changes):
    return {
        "title": "Heading",
        "kind": "explanation",
        "audience": "everyone",
        "body": "Some words.",
        "based_on_version": w.section.version,
        **changes,
    }


def _module(**changes):
    return {"title": "Module", "learning_outcomes": "", "planned_minutes": "30", **changes}


CASES = {}
for _name, _url in (("workshop_create", _workshop_new), ("workshop_edit", _workshop_url)):
    CASES |= {
        f"{_name}-empty": Case(_url, lambda w: {}, 400, {"title": [REQUIRED]}),
        f"{_name}-blank-title": Case(_url, lambda w: {"title": "   "}, 400, {"title": [REQUIRED]}),
        f"{_name}-control-only-title": Case(
            _url, lambda w: {"title": CONTROL}, 400, {"title": [REQUIRED]}
        ),
        f"{_name}-huge-title": Case(
            _url, lambda w: {"title": HUGE_TITLE}, 400, {"title": [too_long(200, 10_000)]}
        ),
        f"{_name}-huge-audience": Case(
            _url,
            lambda w: {"title": "T", "audience": HUGE_TITLE},
            400,
            {"audience": [too_long(300, 10_000)]},
        ),
        f"{_name}-huge-description": Case(
            _url,
            lambda w: {"title": "T", "description": HUGE_BODY},
            400,
            {"description": [too_long(5000, 700_000)]},
        ),
    }

for _name, _url in (("module_create", _module_new), ("module_edit", _module_url)):
    CASES |= {
        f"{_name}-empty": Case(
            _url, lambda w: {}, 400, {"title": [REQUIRED], "planned_minutes": [REQUIRED]}
        ),
        f"{_name}-huge-title": Case(
            _url, lambda w: _module(title=HUGE_TITLE), 400, {"title": [too_long(200, 10_000)]}
        ),
        f"{_name}-huge-outcomes": Case(
            _url,
            lambda w: _module(learning_outcomes=HUGE_BODY),
            400,
            {"learning_outcomes": [too_long(5000, 700_000)]},
        ),
        f"{_name}-minutes-text": Case(
            _url,
            lambda w: _module(planned_minutes="half an hour"),
            400,
            {"planned_minutes": ["Enter a whole number."]},
        ),
        f"{_name}-minutes-float": Case(
            _url,
            lambda w: _module(planned_minutes="1e3"),
            400,
            {"planned_minutes": ["Enter a whole number."]},
        ),
        f"{_name}-minutes-negative": Case(
            _url,
            lambda w: _module(planned_minutes="-5"),
            400,
            {"planned_minutes": ["Ensure this value is greater than or equal to 0."]},
        ),
        f"{_name}-minutes-huge": Case(
            _url,
            lambda w: _module(planned_minutes="9" * 30),
            400,
            {"planned_minutes": ["Ensure this value is less than or equal to 600."]},
        ),
        f"{_name}-minutes-nul": Case(
            _url,
            lambda w: _module(planned_minutes="\x00"),
            400,
            {"planned_minutes": [REQUIRED]},
        ),
    }

for _name, _url in (("section_create", _section_new), ("section_edit", _section_url)):
    CASES |= {
        f"{_name}-empty": Case(
            _url,
            lambda w: {},
            400,
            {"title": [REQUIRED], "kind": [REQUIRED], "audience": [REQUIRED]},
        ),
        f"{_name}-huge-body": Case(
            _url,
            lambda w: _section(w, body=HUGE_BODY),
            400,
            {"body": [too_long(600_000, 700_000)]},
        ),
        f"{_name}-huge-body-preview": Case(
            _url,
            lambda w: _section(w, body=HUGE_BODY, preview=""),
            400,
            {"body": [too_long(600_000, 700_000)]},
        ),
        f"{_name}-huge-title": Case(
            _url, lambda w: _section(w, title=HUGE_TITLE), 400, {"title": [too_long(200, 10_000)]}
        ),
        f"{_name}-huge-content-note": Case(
            _url,
            lambda w: _section(w, content_note=HUGE_TITLE),
            400,
            {"content_note": [too_long(300, 10_000)]},
        ),
        f"{_name}-unknown-kind": Case(
            _url, lambda w: _section(w, kind="poem"), 400, {"kind": [bad_choice("poem")]}
        ),
        f"{_name}-unknown-audience": Case(
            _url, lambda w: _section(w, audience="all"), 400, {"audience": [bad_choice("all")]}
        ),
        f"{_name}-unknown-source": Case(
            _url,
            lambda w: _section(w, source_tags=["research_evidence", "gossip"]),
            400,
            {"source_tags": [bad_choice("gossip")]},
        ),
    }

CASES |= {
    # based_on_version is a hidden field: its error is in the form, with the general alert.
    "section_edit-version-text": Case(
        _section_url, lambda w: _section(w, based_on_version="latest"), 409
    ),
    "section_edit-version-zero": Case(
        _section_url, lambda w: _section(w, based_on_version="0"), 409
    ),
    "section_edit-version-negative": Case(
        _section_url, lambda w: _section(w, based_on_version="-1"), 409
    ),
    "section_edit-version-huge": Case(
        _section_url, lambda w: _section(w, based_on_version="9" * 30), 409
    ),
    "section_edit-version-list": Case(
        _section_url, lambda w: _section(w, based_on_version=["1", "x"]), 409
    ),
    "section-edit-nonexistent": Case(
        lambda w: reverse("section_edit", kwargs={"pk": 999_999_999}), lambda w: _section(w), 404
    ),
    "section-edit-huge-id": Case(
        lambda w: f"/sections/{'9' * 30}/edit/", lambda w: _section(w), 404
    ),
    "module-edit-nonexistent": Case(
        lambda w: reverse("module_edit", kwargs={"pk": 999_999_999}), lambda w: _module(), 404
    ),
    "workshop-edit-nonexistent": Case(
        lambda w: reverse("workshop_edit", kwargs={"pk": 999_999_999}),
        lambda w: {"title": "x"},
        404,
    ),
    "workshop-create-nonexistent-org": Case(
        lambda w: reverse("workshop_create", kwargs={"org_id": 999_999_999}),
        lambda w: {"title": "x"},
        404,
    ),
    # Move
    "module_move-nonexistent": Case(
        lambda w: reverse("module_move", kwargs={"pk": 999_999_999}),
        lambda w: {"direction": "up"},
        404,
    ),
    "section_move-nonexistent": Case(
        lambda w: reverse("section_move", kwargs={"pk": 999_999_999}),
        lambda w: {"direction": "up"},
        404,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_hostile_input_answered_without_500(world, name):
    check_hostile_case(world, CASES[name])


def test_section_edit_garbled_version_is_a_conflict_that_keeps_the_text(client_for, world):
    response = client_for(world.lead).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}),
        _section(world, based_on_version="latest"),
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html
    assert form_values(html, "body")["body"] == "Some words."
    # The person's text is still in the box, now based on the saved version, and nothing changed.
    assert response.context["form"]["body"].value() == "Some words."
    assert response.context["form"]["based_on_version"].value() == str(world.section.version)
    assert Section.objects.get(pk=world.section.pk).version == world.section.version


def test_section_edit_huge_body_keeps_text_in_form(client_for, world):
    response = client_for(world.lead).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}), _section(world, body=HUGE_BODY)
    )

    assert response.status_code == 400
    assert response.context["form"]["body"].value() == HUGE_BODY
    world.section.refresh_from_db()
    assert world.section.version == 1


def test_section_edit_control_characters_removed_and_saved(client_for, world):
    response = client_for(world.co_trainer).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}),
        _section(world, title=f"Calm{CONTROL} down", body="Pasted\x00 from\x0c Word\ttext\r\nend"),
    )

    assert response.status_code == 302
    section = Section.objects.get(pk=world.section.pk)
    assert (section.title, section.body) == ("Calm down", "Pasted from Word\ttext\nend")


def test_section_edit_line_breaks_from_a_browser_are_stored_as_the_live_room_has_them(
    client_for, world
):
    response = client_for(world.co_trainer).post(
        reverse("section_edit", kwargs={"pk": world.section.pk}),
        _section(world, body="First.\r\n\r\nSecond.\rThird."),
    )

    assert response.status_code == 302
    assert Section.objects.get(pk=world.section.pk).body == "First.\n\nSecond.\nThird."


def test_section_create_nul_in_body_saved_without_it(client_for, world):
    response = client_for(world.lead).post(
        reverse("section_create", kwargs={"pk": world.module.pk}),
        _section(world, title="New", body="a\x00b"),
    )

    assert response.status_code == 302
    assert Section.objects.get(module=world.module, title="New").body == "ab"


def test_workshop_create_control_characters_removed(client_for, world):
    response = client_for(world.lead).post(
        reverse("workshop_create", kwargs={"org_id": world.organisation.pk}),
        {"title": f"Understanding{CONTROL} behaviour", "description": "x\x00y"},
    )

    assert response.status_code == 302
    workshop = Workshop.objects.get(title="Understanding behaviour")
    assert workshop.description == "xy"


def test_module_move_unknown_direction_changes_nothing(client_for, world):
    # The move buttons send "up" or "down"; anything else is ignored and the page reloads.
    second = ModuleFactory(workshop=world.workshop, actor=world.lead)
    client = client_for(world.lead)
    log_before = ContributionEntry.objects.count()

    response = client.post(
        reverse("module_move", kwargs={"pk": second.pk}), {"direction": "sideways"}
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.position == 1
    assert ContributionEntry.objects.count() == log_before


def _section_order(module):
    """[(pk, position)] of all the module's sections (deleted ones too), in order."""
    return list(
        Section.objects.filter(module=module)
        .order_by("position", "pk")
        .values_list("pk", "position")
    )


def test_section_move_missing_direction_changes_nothing(client_for, world):
    # Two more live sections, so the one moved has a neighbour on each side: a move either way
    # would show in the order.
    middle = SectionFactory(module=world.module, actor=world.lead)
    SectionFactory(module=world.module, actor=world.lead)
    order_before = _section_order(world.module)
    client = client_for(world.lead)
    log_before = ContributionEntry.objects.count()

    response = client.post(reverse("section_move", kwargs={"pk": middle.pk}), {})

    assert response.status_code == 302
    assert _section_order(world.module) == order_before
    assert ContributionEntry.objects.count() == log_before


def test_markdown_preview_huge_body_renders_nothing(client_for, world):
    response = client_for(world.lead).post(reverse("markdown_preview"), {"body": HUGE_BODY})

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_markdown_preview_control_characters_removed(client_for, world):
    response = client_for(world.lead).post(reverse("markdown_preview"), {"body": "**a\x00b**"})

    assert response.status_code == 200
    assert response.content.decode().strip() == "<p><strong>ab</strong></p>"


def test_markdown_preview_get_not_allowed(client_for, world):
    assert client_for(world.lead).get(reverse("markdown_preview")).status_code == 405


def test_section_restore_bad_version_field_restores_nothing(client_for, world):
    client = client_for(world.lead)
    url = reverse("section_restore", kwargs={"pk": world.section.pk, "version": 1})

    response = client.post(url, {"based_on_version": "\x00"})

    assert response.status_code == 302
    assert Section.objects.get(pk=world.section.pk).version == 1
