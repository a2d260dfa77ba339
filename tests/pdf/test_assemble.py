"""What a printed pack says, read the way a person reads it: the text pypdf extracts from the real
PDF, its metadata, and a module handout.

Everything here goes through the services (sections written, review rounds opened and signed off
by a family carer and a professional) and the real renderer (WeasyPrint); nothing is mocked. Each
section body of the ``team`` fixture (tests.helpers.make_pack_team) carries one unusual marker
word, so the tests can find where (and whether) it was printed.
"""

from collections import Counter
from pathlib import Path

import tinycss2
from django.conf import settings
from pypdf import PdfReader

from tests.helpers import pdf_text, positions, stamp_date
from workshops.enums import PackKind, PackState, PrintSize
from workshops.pdf.assemble import CHECK_CODE_LENGTH, pack_contents, pack_html, pack_material
from workshops.services import content as content_services
from workshops.services import packs as pack_services
from workshops.services import reviews as review_services

PACKS_STATIC = Path(settings.BASE_DIR) / "static" / "packs"


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


# Content hashes: only in the facilitator pack's appendix


def _html(team, kind, print_size=PrintSize.STANDARD):
    contents = pack_contents(workshop=team.workshop, kind=kind)
    return pack_html(
        pack_material(workshop=team.workshop, kind=kind, contents=contents, print_size=print_size)
    )


def _hashes(team):
    return [m.agreed_version.content_hash for m in (team.understanding, team.routines)]


def test_attendee_pack_html_holds_no_content_hash(team):
    html = _html(team, PackKind.ATTENDEE)

    for content_hash in _hashes(team):
        assert content_hash[:CHECK_CODE_LENGTH] not in html
    assert "How this pack was agreed" not in html
    assert "Check code" not in html


def test_facilitator_pack_html_appendix_lists_each_modules_version_sign_off_and_check_code(team):
    html = _html(team, PackKind.FACILITATOR)

    appendix = html[html.index('<section class="agreement" id="agreement">') :]
    assert html.index('id="notes"') < html.index('id="agreement"')  # at the end
    assert '<li><a href="#agreement">How this pack was agreed</a></li>' in html
    assert "it shows this pack prints the words that were agreed" in appendix
    for module in (team.understanding, team.routines):
        code = module.agreed_version.content_hash[:CHECK_CODE_LENGTH]
        block = appendix[appendix.index(f"<h3>{module.title}</h3>") :]
        block = block[: block.index("</dl>")]
        assert "<dt>Agreed version</dt><dd>1</dd>" in block
        assert f"<dt>Signed off on</dt><dd>{stamp_date(module)}</dd>" in block
        assert f'<dt>Check code</dt><dd class="check-code">{code}</dd>' in block
    understanding = appendix[appendix.index("<h3>Understanding behaviour</h3>") :]
    carer, professional = team.carer.user.full_name, team.professional.user.full_name
    assert (
        f"<dt>Signed off by</dt><dd>{carer} (family carer) and {professional} (professional)</dd>"
    ) in understanding
    assert "Staying safe" not in appendix  # not agreed, so not in the pack


def test_attendee_pack_pdf_prints_no_content_hash_and_the_facilitator_pack_pdf_does(
    team, request_pack
):
    attendee = pdf_text(request_pack(team).path)
    facilitator = pdf_text(request_pack(team, kind=PackKind.FACILITATOR).path)

    for content_hash in _hashes(team):
        code = content_hash[:CHECK_CODE_LENGTH]
        assert code not in attendee
        assert f"Check code {code}" in facilitator
    assert "How this pack was agreed" not in attendee
    # Listed in the contents, and printed last, after the pages for notes.
    assert facilitator.count("How this pack was agreed") == 2
    assert facilitator.rindex("Notes") < facilitator.rindex("How this pack was agreed")


# Large print


def test_large_print_pack_html_marks_its_body_and_loads_the_large_print_stylesheet(team):
    large = _html(team, PackKind.ATTENDEE, PrintSize.LARGE)
    standard = _html(team, PackKind.ATTENDEE)

    assert '<body class="attendee large-print">' in large
    assert large.count('<link rel="stylesheet"') == 2
    assert '<link rel="stylesheet" href="coprod-static:packs/pack.css">' in large
    assert '<link rel="stylesheet" href="coprod-static:packs/pack-large.css">' in large
    assert '<body class="attendee">' in standard
    assert "pack-large.css" not in standard


def _declarations(path):
    """{selector text: {property: value}} of a stylesheet's top-level style rules."""
    rules = tinycss2.parse_stylesheet(path.read_text(), skip_comments=True, skip_whitespace=True)
    found = {}
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        selector = " ".join(tinycss2.serialize(rule.prelude).split())
        for declaration in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        ):
            if declaration.type == "declaration":
                value = tinycss2.serialize(declaration.value).strip()
                found.setdefault(selector, {})[declaration.lower_name] = value
    return found


def test_large_print_stylesheet_follows_the_clear_print_rules():
    large = _declarations(PACKS_STATIC / "pack-large.css")

    assert large["html"]["font-size"] == "18pt"
    assert large["html"]["line-height"] == "1.5"
    every = large["body.large-print, body.large-print *"]
    assert every["text-align"] == "left"
    assert every["hyphens"] == "none"
    assert every["font-style"] == "normal"
    assert every["text-transform"] == "none"
    assert large["body.large-print em, body.large-print strong"]["font-weight"] == "700"
    for sheet in ("pack.css", "pack-large.css"):
        aligned = [rule.get("text-align") for rule in _declarations(PACKS_STATIC / sheet).values()]
        assert "justify" not in aligned


def _text_sizes(path):
    """How many characters the PDF prints at each font size, in points."""
    sizes = Counter()

    def visit(text, cm, tm, font, font_size):
        if text.strip():
            # The text matrix times the page's, as pdf text is scaled by both.
            scale = tm[0] * cm[0] + tm[1] * cm[2]
            sizes[round(abs(font_size * scale), 1)] += len(text.strip())

    for page in PdfReader(str(path)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def _font_names(path):
    names = set()
    for page in PdfReader(str(path)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        names |= {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    return names


def test_large_print_pack_pdf_prints_every_word_at_18_point_or_more_and_none_in_italics(
    team, django_capture_on_commit_callbacks, packs_root
):
    with django_capture_on_commit_callbacks(execute=True):
        large = pack_services.pack_request(
            workshop=team.workshop,
            kind=PackKind.FACILITATOR,
            print_size=PrintSize.LARGE,
            actor=team.carer,
        )
    large.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        standard = pack_services.pack_request(
            workshop=team.workshop, kind=PackKind.FACILITATOR, actor=team.carer
        )
    standard.refresh_from_db()

    large_sizes, standard_sizes = _text_sizes(large.path), _text_sizes(standard.path)
    assert min(large_sizes) == 18.0
    assert large_sizes.most_common(1)[0][0] == 18.0  # the body text
    assert standard_sizes.most_common(1)[0][0] == 13.0
    assert min(standard_sizes) < 18.0
    assert large.page_count > standard.page_count
    # The standard pack sets its cover line in italics; large print never does.
    assert any("Italic" in name for name in _font_names(standard.path))
    assert not any("Italic" in name for name in _font_names(large.path))
    assert "How this pack was agreed" in pdf_text(large.path)


def test_pack_cover_claims_writing_together_only_when_both_perspectives_wrote_enough(team):
    html = _html(team, PackKind.ATTENDEE)
    assert "Written together by family carers and professionals." in html
    assert "wrote and agreed it together" in html

    organisation = team.workshop.organisation
    organisation.balance_threshold_percent = 60
    organisation.save(update_fields=["balance_threshold_percent"])
    html = _html(team, PackKind.ATTENDEE)

    assert "Written together" not in html
    assert "wrote and agreed it together" not in html
    assert "This material was agreed at" in html
    assert "cover-coproduced" in html
