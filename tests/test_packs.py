"""Printable packs, read the way a person reads them: the text pypdf extracts from the real PDF.

Everything here goes through the services (sections written, review rounds opened and signed off
by a family carer and a professional) and the real renderer (WeasyPrint); nothing is mocked. Each
section body carries one unusual marker word, so the tests can find where (and whether) it was
printed.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone
from pypdf import PdfReader

from tests.factories import MembershipFactory, ModuleFactory, OrganisationFactory, WorkshopFactory
from tests.helpers import agree_module
from workshops.enums import (
    CreditPreference,
    PackKind,
    PackState,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
)
from workshops.models import Membership, Module, Organisation, Pack, Workshop
from workshops.services import content as content_services
from workshops.services import packs as pack_services
from workshops.services import reviews as review_services

ANONYMOUS_FULL_NAME = "Zenobia Quillfeather"


@dataclass
class Team:
    """One organisation with four credited people and a workshop of three modules: the first two
    agreed, the third frozen in an open round but never agreed."""

    organisation: Organisation
    carer: Membership  # family carer, credited by full name
    professional: Membership  # lead, professional, credited by full name
    anonymous_carer: Membership  # family carer, credited as "a family carer"
    first_name_professional: Membership  # professional, credited by first name only
    workshop: Workshop
    understanding: Module
    routines: Module
    safety: Module


def section(module, *, actor, title, body, kind=SectionKind.EXPLANATION, **extra):
    return content_services.section_create(
        module=module,
        title=title,
        body=body,
        kind=kind,
        audience=extra.pop("audience", SectionAudience.EVERYONE),
        actor=actor,
        **extra,
    )


def make_team(name="Hillside Carers Together"):
    organisation = OrganisationFactory(name=name)
    professional = MembershipFactory(
        organisation=organisation,
        role=Role.LEAD,
        perspective=Perspective.PROFESSIONAL,
        user__full_name=f"Priya Lakeside {organisation.pk}",
        user__first_name="Priya",
    )
    carer = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        user__full_name=f"Marion Hartwell {organisation.pk}",
        user__first_name="Marion",
    )
    anonymous_carer = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
        credit_preference=CreditPreference.ANONYMOUS,
        user__full_name=ANONYMOUS_FULL_NAME,
        user__first_name="Zenobia",
    )
    first_name_professional = MembershipFactory(
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.PROFESSIONAL,
        credit_preference=CreditPreference.FIRST_NAME,
        user__full_name="Rupert Oakhampton",
        user__first_name="Rupert",
    )
    workshop = WorkshopFactory(organisation=organisation, title="Calm days at home", actor=carer)
    understanding = ModuleFactory(
        workshop=workshop,
        title="Understanding behaviour",
        learning_outcomes="- Notice patterns\n- Keep a simple diary",
        planned_minutes=45,
        actor=carer,
    )
    section(
        understanding,
        actor=carer,
        title="Key messages",
        kind=SectionKind.KEY_MESSAGES,
        body="Marigold: behaviour is a way of **telling us** something.",
    )
    section(
        understanding,
        actor=anonymous_carer,
        title="What my son was telling us",
        kind=SectionKind.LIVED_EXPERIENCE_STORY,
        content_note="Mentions a night in hospital.",
        body="Juniper was the first word he learned to sign.",
    )
    section(
        understanding,
        actor=professional,
        title="Setting up the room",
        kind=SectionKind.FACILITATOR_NOTES,
        audience=SectionAudience.FACILITATORS,
        body="Tamarind: arrive early and put the chairs in a circle.",
    )
    section(
        understanding,
        actor=first_name_professional,
        title="A good day",
        kind=SectionKind.ACTIVITY,
        body="Saffron activity: draw what a good day looks like.",
    )
    routines = ModuleFactory(
        workshop=workshop, title="Everyday routines", planned_minutes=30, actor=professional
    )
    section(routines, actor=professional, title="Why routines help", body="Hazelnut routines.")
    section(
        routines,
        actor=carer,
        title="A picture timetable",
        kind=SectionKind.HANDOUT_TEXT,
        body="Cardamom: a picture timetable on the fridge.",
    )
    safety = ModuleFactory(workshop=workshop, title="Staying safe", actor=carer)
    section(safety, actor=carer, title="Draft", body="Wolfsbane: words still being written.")

    agree_module(understanding, reviewers=[carer, professional], actor=professional)
    agree_module(routines, reviewers=[anonymous_carer, first_name_professional], actor=professional)
    # A frozen draft in an open round: not agreed, so its words must never be printed.
    review_services.review_round_open(module=safety, reviewers=[carer, professional], actor=carer)
    return Team(
        organisation,
        carer,
        professional,
        anonymous_carer,
        first_name_professional,
        workshop,
        understanding,
        routines,
        safety,
    )


@pytest.fixture
def packs_root(settings, tmp_path):
    settings.PACKS_ROOT = tmp_path / "packs"
    return settings.PACKS_ROOT


@pytest.fixture
def team(db):
    return make_team()


@pytest.fixture
def request_pack(django_capture_on_commit_callbacks, packs_root):
    """Ask for a pack as a member would; the render task (eager in tests) runs on commit."""

    def request(team, kind=PackKind.ATTENDEE, module=None, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            pack = pack_services.pack_request(
                workshop=team.workshop, kind=kind, module=module, actor=actor or team.carer
            )
        pack.refresh_from_db()
        return pack

    return request


def pdf_text(source):
    """All the text of a PDF, in reading order, whitespace collapsed (list bullets dropped)."""
    reader = PdfReader(source if isinstance(source, io.IOBase) else str(source))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("•", " ").split())


def positions(text, *needles):
    return [text.index(needle) for needle in needles]


def stamp_date(module):
    return dateformat.format(timezone.localtime(module.agreed_version.agreed_at), "j F Y")


def download(client, pack):
    response = client.get(reverse("pack_download", args=[pack.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    response.close()
    return response, body


# What a pack says


def test_attendee_pack_prints_sections_in_order_then_trainers_credits_and_notes(team, request_pack):
    pack = request_pack(team)

    assert pack.state == PackState.READY
    text = pdf_text(pack.path)
    body_order = positions(text, "Marigold", "Juniper", "Saffron", "Hazelnut", "Cardamom")
    assert body_order == sorted(body_order)
    after_modules = body_order[-1]
    trainers = text.index("Your trainers", after_modules)
    credits = text.index("Who made this", trainers)
    assert text.index("Notes", credits) > credits
    # The contents page lists the same parts first, in the same order.
    assert positions(text, "Contents", "Understanding behaviour", "Everyday routines") == sorted(
        positions(text, "Contents", "Understanding behaviour", "Everyday routines")
    )


def test_attendee_pack_prints_each_modules_sign_off_stamp(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    carer, professional = team.carer.user.full_name, team.professional.user.full_name
    assert (
        f"Agreed version 1 — signed off on {stamp_date(team.understanding)} by "
        f"{carer} (family carer) and {professional} (professional)"
    ) in text
    # Signatories are credited as they chose, in the stamp as everywhere else.
    assert (
        f"Agreed version 1 — signed off on {stamp_date(team.routines)} by "
        "a family carer and Rupert (professional)"
    ) in text


def test_attendee_pack_lists_agreed_versions_and_modules_not_yet_agreed(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    assert "Understanding behaviour: agreed version 1" in text
    assert "Everyday routines: agreed version 1" in text
    assert "Staying safe: not yet agreed, so not included" in text
    assert pack.contents["not_agreed"] == ["Staying safe"]


def test_attendee_pack_credits_people_by_their_credit_preference(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    carer, professional = team.carer.user.full_name, team.professional.user.full_name
    credits = text[text.index("Who made this", text.index("Cardamom")) :]
    assert (
        f"Written by family carers {carer} a family carer "
        f"Written by professionals {professional} Rupert"
    ) in credits
    trainers = text[text.index("Your trainers", text.index("Cardamom")) :]
    assert f"Family carers {carer} a family carer Professionals {professional} Rupert" in trainers


def test_attendee_pack_never_prints_an_anonymous_contributors_name(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    assert "Juniper" in text  # their words are printed...
    assert "Zenobia" not in text  # ...but not their name, anywhere
    assert "Quillfeather" not in text
    assert "Oakhampton" not in text  # first name only, as Rupert chose
    author = PdfReader(str(pack.path)).metadata.author
    assert "Zenobia" not in author
    assert "Oakhampton" not in author
    assert b"Quillfeather" not in pack.path.read_bytes()


def test_attendee_pack_leaves_out_facilitator_only_sections_and_planned_minutes(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    assert "Tamarind" not in text
    assert "Setting up the room" not in text
    assert "Facilitators only" not in text
    assert "Planned time" not in text


def test_attendee_pack_prints_agreed_words_not_words_edited_after_agreement(team, request_pack):
    key_messages = team.understanding.sections.get(title="Key messages")
    content_services.section_update(
        section=key_messages,
        based_on_version=key_messages.version,
        title="Key messages",
        body="Buttercup: words written after the sign-off.",
        kind=key_messages.kind,
        audience=key_messages.audience,
        actor=team.carer,
    )

    pack = request_pack(team)

    text = pdf_text(pack.path)
    assert "Marigold" in text
    assert "Buttercup" not in text


def test_attendee_pack_leaves_out_a_module_never_agreed(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    # Only its title, in the list of what the pack contains: not its words, not a page of its own.
    assert "Wolfsbane" not in text
    assert text.count("Staying safe") == 1


def test_attendee_pack_prints_the_agreed_version_not_a_newer_draft_under_review(team, request_pack):
    key_messages = team.understanding.sections.get(title="Key messages")
    content_services.section_update(
        section=key_messages,
        based_on_version=key_messages.version,
        title="Key messages",
        body="Foxglove: version 2, still under review.",
        kind=key_messages.kind,
        audience=key_messages.audience,
        actor=team.carer,
    )
    review_services.review_round_open(
        module=team.understanding, reviewers=[team.carer, team.professional], actor=team.carer
    )

    pack = request_pack(team)

    text = pdf_text(pack.path)
    assert "Marigold" in text
    assert "Foxglove" not in text
    assert "Understanding behaviour: agreed version 1" in text


def test_attendee_pack_prints_content_note_before_its_sections_text(team, request_pack):
    pack = request_pack(team)

    text = pdf_text(pack.path)
    title, note, body = positions(
        text,
        "What my son was telling us",
        "Content note: Mentions a night in hospital.",
        "Juniper",
    )
    assert title < note < body


def test_facilitator_pack_includes_facilitator_only_sections_and_planned_minutes(
    team, request_pack
):
    pack = request_pack(team, kind=PackKind.FACILITATOR)

    text = pdf_text(pack.path)
    assert "Setting up the room Facilitators only" in text
    assert "Tamarind" in text
    assert "Planned time: 45 minutes" in text
    assert "Planned time: 30 minutes" in text
    order = positions(text, "Marigold", "Juniper", "Tamarind", "Saffron", "Hazelnut")
    assert order == sorted(order)
    assert "Wolfsbane" not in text


def test_module_handout_holds_only_that_module(team, request_pack):
    pack = request_pack(team, kind=PackKind.MODULE_HANDOUT, module=team.understanding)

    text = pdf_text(pack.path)
    assert pack.state == PackState.READY
    assert "Marigold" in text
    assert "Saffron" in text
    assert "Tamarind" not in text  # an attendee handout
    assert "Hazelnut" not in text
    assert "Cardamom" not in text
    assert "Everyday routines" not in text
    assert "Staying safe" not in text
    assert "Your trainers" not in text
    assert "Part of Calm days at home" in text
    assert pack.contents["versions"][0]["module_id"] == team.understanding.pk
    assert len(pack.contents["versions"]) == 1


def test_pack_pdf_metadata_names_the_pack_and_the_organisation(team, request_pack):
    pack = request_pack(team)

    metadata = PdfReader(str(pack.path)).metadata
    assert metadata.title == "Calm days at home — Attendee pack"
    assert metadata.author.startswith(team.organisation.name)


def test_module_handout_pdf_title_names_the_module(team, request_pack):
    pack = request_pack(team, kind=PackKind.MODULE_HANDOUT, module=team.routines)

    metadata = PdfReader(str(pack.path)).metadata
    assert metadata.title == "Everyday routines — Attendee handout for one module"


def test_pack_pdf_is_tagged_for_screen_readers(team, request_pack):
    pack = request_pack(team)

    root = PdfReader(str(pack.path)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"


# The cache


def test_pack_request_for_unchanged_content_returns_the_same_pack_without_rendering(
    team, request_pack
):
    first = request_pack(team)
    modified = first.path.stat().st_mtime_ns

    second = request_pack(team, actor=team.professional)

    assert second.pk == first.pk
    assert Pack.objects.filter(workshop=team.workshop).count() == 1
    assert second.attempts == 1
    assert second.path.stat().st_mtime_ns == modified


def test_pack_render_of_a_ready_pack_does_nothing(team, request_pack):
    pack = request_pack(team)
    modified = pack.path.stat().st_mtime_ns

    # A redelivered task (acks_late) finds the pack ready and leaves it as it is.
    assert pack_services.pack_render(pack_id=pack.pk) is None

    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 1)
    assert pack.path.stat().st_mtime_ns == modified


def test_pack_request_with_missing_file_renders_it_again(team, request_pack):
    pack = request_pack(team)
    pack.path.unlink()

    again = request_pack(team)

    assert again.pk == pack.pk
    assert (again.state, again.attempts) == (PackState.READY, 2)
    assert again.path.exists()


def test_pack_request_after_a_newer_version_is_agreed_makes_a_new_pack(
    team, request_pack, client_for
):
    old = request_pack(team)
    key_messages = team.understanding.sections.get(title="Key messages")
    content_services.section_update(
        section=key_messages,
        based_on_version=key_messages.version,
        title="Key messages",
        body="Bluebell: the words of version 2.",
        kind=key_messages.kind,
        audience=key_messages.audience,
        actor=team.carer,
    )
    agree_module(team.understanding, reviewers=[team.carer, team.professional], actor=team.carer)

    new = request_pack(team)

    assert new.pk != old.pk
    assert Pack.objects.filter(workshop=team.workshop).count() == 2
    assert "Bluebell" in pdf_text(new.path)
    assert "Understanding behaviour: agreed version 2" in pdf_text(new.path)
    client = client_for(team.carer)
    page = client.get(reverse("workshop_packs", args=[team.workshop.pk])).content.decode()
    rows = {
        pack.pk: next(r for r in page.split("<tr>") if f'href="/packs/{pack.pk}/"' in r)
        for pack in (old, new)
    }
    assert "out of date" in rows[old.pk]
    assert "out of date" not in rows[new.pk]
    # The old pack stays downloadable, with the words it was made from.
    response, body = download(client, old)
    assert response.status_code == 200
    text = pdf_text(io.BytesIO(body))
    assert "Marigold" in text
    assert "Bluebell" not in text


# When a render fails, or its worker dies


def test_pack_render_failure_is_shown_plainly_and_can_be_retried(
    team, request_pack, settings, tmp_path, client_for, django_capture_on_commit_callbacks
):
    # A regular file where the packs folder should be: making the folder fails.
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("in the way")
    good_root = settings.PACKS_ROOT
    settings.PACKS_ROOT = blocker / "packs"

    pack = request_pack(team)

    assert pack.state == PackState.FAILED
    assert pack.error == "Something went wrong while making this pack."
    assert pack.can_retry
    client = client_for(team.carer)
    page = client.get(reverse("pack_detail", args=[pack.pk])).content.decode()
    assert "We couldn't make this pack." in page
    assert "Something went wrong while making this pack." in page
    assert "Nothing has been lost" in page
    assert f'action="{reverse("pack_retry", args=[pack.pk])}"' in page
    assert "Try again" in page
    assert "Traceback" not in page
    assert "NotADirectoryError" not in page

    settings.PACKS_ROOT = good_root
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pack_retry", args=[pack.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("pack_detail", args=[pack.pk])
    pack.refresh_from_db()
    assert (pack.state, pack.error, pack.attempts) == (PackState.READY, "", 2)
    assert pdf_text(pack.path).startswith("ATTENDEE PACK Calm days at home")


def _queued_pack(team, django_capture_on_commit_callbacks):
    """A pack asked for, whose render task has not run (its on-commit callback is dropped)."""
    with django_capture_on_commit_callbacks(execute=False):
        pack = pack_services.pack_request(
            workshop=team.workshop, kind=PackKind.ATTENDEE, actor=team.carer
        )
    return pack


def test_pack_rendering_longer_than_the_time_limit_is_stuck_and_can_be_retried(
    team, packs_root, settings, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    started = timezone.now() - timedelta(seconds=settings.PACK_RENDER_TIME_LIMIT + 61)
    Pack.objects.filter(pk=pack.pk).update(
        state=PackState.RENDERING, started_at=started, attempts=1
    )
    pack.refresh_from_db()

    assert pack.is_stuck
    assert pack.can_retry
    assert not pack.is_working
    client = client_for(team.carer)
    status = client.get(reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true")
    page = status.content.decode()
    assert "It stopped before it finished." in page
    assert "Try again" in page
    assert "hx-trigger" not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pack_retry", args=[pack.pk]))

    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 2)


def test_pack_rendering_within_the_time_limit_is_not_stuck(
    team, packs_root, settings, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    started = timezone.now() - timedelta(seconds=settings.PACK_RENDER_TIME_LIMIT + 30)
    Pack.objects.filter(pk=pack.pk).update(
        state=PackState.RENDERING, started_at=started, attempts=1
    )
    pack.refresh_from_db()

    assert not pack.is_stuck
    assert not pack.can_retry
    client = client_for(team.carer)
    page = client.get(reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true")
    assert "Try again" not in page.content.decode()

    # Retrying a pack that is still being made changes nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("pack_retry", args=[pack.pk]))
    assert callbacks == []
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.RENDERING, 1)


# Pages


def test_workshop_packs_page_lists_modules_agreed_and_not_yet_agreed(team, client_for):
    response = client_for(team.carer).get(reverse("workshop_packs", args=[team.workshop.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<li>Understanding behaviour: agreed version 1</li>" in page
    assert "<li>Everyday routines: agreed version 1</li>" in page
    assert "<li>Staying safe: <strong>not yet agreed</strong></li>" in page


def test_pack_request_view_redirects_to_the_packs_detail_page(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team.carer)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("pack_request", args=[team.workshop.pk]), {"kind": "attendee", "module": ""}
        )

    pack = Pack.objects.get(workshop=team.workshop)
    assert response.status_code == 302
    assert response["Location"] == reverse("pack_detail", args=[pack.pk])
    assert (pack.kind, pack.module, pack.requested_by) == (PackKind.ATTENDEE, None, team.carer)


def test_pack_detail_with_htmx_returns_the_polling_status_while_queued_or_rendering(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    client = client_for(team.carer)
    url = reverse("pack_detail", args=[pack.pk])

    queued = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    Pack.objects.filter(pk=pack.pk).update(state=PackState.RENDERING, started_at=timezone.now())
    rendering = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    for status, words in ((queued, "Waiting for its turn"), (rendering, "Laying out the pages")):
        assert "<html" not in status
        assert f'hx-get="{url}"' in status
        assert 'hx-trigger="every 2s"' in status
        assert words in status
    full = client.get(url).content.decode()
    assert "<html" in full
    assert 'id="pack-status"' in full


def test_pack_detail_with_htmx_stops_polling_when_ready(team, request_pack, client_for):
    pack = request_pack(team)

    status = client_for(team.carer).get(
        reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true"
    )

    page = status.content.decode()
    assert "hx-trigger" not in page
    assert "Your pack is ready." in page
    assert reverse("pack_download", args=[pack.pk]) in page


def test_pack_download_answers_a_private_pdf_attachment(team, request_pack, client_for):
    pack = request_pack(team)

    response, body = download(client_for(team.professional), pack)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="calm-days-at-home-attendee.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert body.startswith(b"%PDF-")
    assert body == pack.path.read_bytes()


def test_pack_download_of_a_pack_not_ready_answers_404(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)

    response, _body = download(client_for(team.carer), pack)

    assert response.status_code == 404


def test_pack_download_signed_out_redirects_to_sign_in(team, request_pack):
    pack = request_pack(team)
    url = reverse("pack_download", args=[pack.pk])

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_pack_pages_of_another_organisation_answer_404(
    team, request_pack, client_for, django_capture_on_commit_callbacks
):
    pack = request_pack(team)
    outsider = client_for(make_team(name="Another Organisation").professional)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answers = [
            outsider.get(reverse("pack_detail", args=[pack.pk])).status_code,
            outsider.get(
                reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true"
            ).status_code,
            outsider.get(reverse("pack_download", args=[pack.pk])).status_code,
            outsider.post(reverse("pack_retry", args=[pack.pk])).status_code,
            outsider.get(reverse("workshop_packs", args=[team.workshop.pk])).status_code,
            outsider.post(
                reverse("pack_request", args=[team.workshop.pk]), {"kind": "attendee"}
            ).status_code,
        ]

    assert answers == [404] * 6
    assert callbacks == []
    assert Pack.objects.filter(workshop=team.workshop).count() == 1


def test_pack_request_for_a_handout_without_a_module_shows_the_error_beside_the_field(
    team, packs_root, client_for
):
    response = client_for(team.carer).post(
        reverse("pack_request", args=[team.workshop.pk]), {"kind": "module_handout", "module": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert '<div class="invalid-feedback" id="module-error">Choose the module to print.</div>' in (
        page
    )
    assert 'class="form-select is-invalid" aria-describedby="module-error"' in page
    assert not Pack.objects.filter(workshop=team.workshop).exists()


def test_pack_request_with_nothing_agreed_shows_a_plain_message(db, packs_root, client_for):
    organisation = OrganisationFactory()
    carer = MembershipFactory(organisation=organisation, role=Role.CO_TRAINER)
    workshop = WorkshopFactory(organisation=organisation, actor=carer)
    module = ModuleFactory(workshop=workshop, actor=carer)
    section(module, actor=carer, title="Draft", body="Not agreed yet.")

    response = client_for(carer).post(
        reverse("pack_request", args=[workshop.pk]), {"kind": "attendee", "module": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<div class="alert alert-danger" role="alert">Nothing here has been agreed yet. '
        "Packs hold agreed versions only.</div>"
    ) in page
    assert not Pack.objects.exists()


# The render_pack command


def test_render_pack_command_writes_the_pdf_of_an_agreed_workshop(team, tmp_path):
    output = tmp_path / "pack.pdf"
    stdout = io.StringIO()

    call_command(
        "render_pack",
        str(team.workshop.pk),
        "--kind",
        "facilitator",
        output=str(output),
        stdout=stdout,
    )

    assert output.read_bytes().startswith(b"%PDF-")
    text = pdf_text(output)
    assert "FACILITATOR PACK Calm days at home" in text
    assert "Tamarind" in text
    assert "Wolfsbane" not in text
    assert "2 agreed module(s); left out (not yet agreed): Staying safe" in stdout.getvalue()


def test_render_pack_command_with_an_unknown_workshop_says_so(db, tmp_path):
    with pytest.raises(CommandError, match=r"^There is no workshop with id 999999\.$"):
        call_command("render_pack", "999999", output=str(tmp_path / "pack.pdf"))
    assert not (tmp_path / "pack.pdf").exists()


def test_render_pack_command_with_nothing_agreed_says_so(db, tmp_path):
    workshop = WorkshopFactory(title="Just started")

    with pytest.raises(CommandError, match="Nothing in “Just started” has been agreed yet"):
        call_command("render_pack", str(workshop.pk), output=str(tmp_path / "pack.pdf"))
    assert not (tmp_path / "pack.pdf").exists()
