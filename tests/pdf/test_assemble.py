"""What a printed pack says, read the way a person reads it: the text pypdf extracts from the real
PDF, its metadata, and a module handout.

Everything here goes through the services (sections written, review rounds opened and signed off
by a family carer and a professional) and the real renderer (WeasyPrint); nothing is mocked. Each
section body of the ``team`` fixture (tests.helpers.make_pack_team) carries one unusual marker
word, so the tests can find where (and whether) it was printed.
"""

from pypdf import PdfReader

from tests.helpers import pdf_text, positions, stamp_date
from workshops.enums import PackKind, PackState
from workshops.services import content as content_services
from workshops.services import reviews as review_services


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
