"""The workshop, module and section pages: the conflict page a stale save gets, the balance of
perspectives on the workshop page, the agreed stamp on the module page, what an observer is
offered, and query counts."""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, ModuleFactory, SectionFactory, WorkshopFactory
from tests.helpers import (
    agree_module,
    approve,
    edit_section,
    field_errors,
    form_values,
    html_element,
    html_inner_text,
    html_text,
    make_team,
    query_count,
)
from workshops.enums import CreditPreference, Perspective, Role
from workshops.models import Module, ModuleVersion, Organisation, SectionRevision
from workshops.services import content as content_services
from workshops.services import reviews as review_services

MANY = 20


# Two people save the same section: the second sees both texts and loses nothing


ORIGINAL = "Behaviour is communication."


FIRST = "Behaviour is communication. Look for what it is telling you."


SECOND = "Behaviour is communication, and every family is different."


class _TestIdReader(HTMLParser):
    """Texts of the elements marked with data-testid."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = {}
        self._stack = []

    def handle_starttag(self, tag, attrs):
        test_id = dict(attrs).get("data-testid")
        if test_id:
            self.texts[test_id] = ""
        self._stack.append(test_id)

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for test_id in self._stack:
            if test_id:
                self.texts[test_id] += data


def _marked_texts(html):
    reader = _TestIdReader()
    reader.feed(html)
    return reader.texts


@pytest.fixture
def shared_section(world, carer):
    return SectionFactory(
        module=world.module, actor=carer, title="What behaviour says", body=ORIGINAL
    )


def test_second_stale_save_gets_conflict_page_and_can_save_again(
    client_for, carer, professional, shared_section
):
    url = reverse("section_edit", kwargs={"pk": shared_section.pk})
    carer_client, professional_client = client_for(carer), client_for(professional)
    carer_form = form_values(carer_client.get(url).content.decode(), "based_on_version")
    professional_form = form_values(
        professional_client.get(url).content.decode(), "based_on_version"
    )
    assert carer_form["based_on_version"] == professional_form["based_on_version"] == "1"
    assert carer_form["body"] == ORIGINAL

    first = carer_client.post(url, {**carer_form, "body": FIRST, "save": ""})
    second = professional_client.post(url, {**professional_form, "body": SECOND, "save": ""})

    assert first.status_code == 302
    assert second.status_code == 409
    shared_section.refresh_from_db()
    assert (shared_section.body, shared_section.version) == (FIRST, 2)
    marked = _marked_texts(second.content.decode())
    assert marked["saved-text"] == FIRST
    assert marked["your-text"] == SECOND
    diff_text = " ".join(marked["diff"].split())
    assert diff_text == (
        "Behaviour is [saved: communication. Look for what it] "
        "[yours: communication, and every family] is [saved: telling you.] [yours: different.]"
    )
    conflict_form = form_values(second.content.decode(), "based_on_version")
    assert conflict_form["body"] == SECOND
    assert conflict_form["based_on_version"] == "2"

    third = professional_client.post(url, {**conflict_form, "save": ""})

    assert third.status_code == 302
    shared_section.refresh_from_db()
    assert (shared_section.body, shared_section.version) == (SECOND, 3)
    revisions = list(
        SectionRevision.objects.filter(section=shared_section).values_list(
            "version", "body", "author_id"
        )
    )
    assert revisions == [
        (1, ORIGINAL, carer.pk),
        (2, FIRST, carer.pk),
        (3, SECOND, professional.pk),
    ]


def test_conflict_page_keeps_the_other_fields_typed(
    client_for, carer, professional, shared_section
):
    url = reverse("section_edit", kwargs={"pk": shared_section.pk})
    professional_client = client_for(professional)
    professional_form = form_values(
        professional_client.get(url).content.decode(), "based_on_version"
    )
    edit_section(shared_section, FIRST, actor=carer)

    response = professional_client.post(
        url,
        {
            **professional_form,
            "title": "A new heading",
            "body": SECOND,
            "kind": "story",
            "audience": "facilitators",
            "content_note": "Describes a crisis",
            "source_tags": ["lived_experience"],
        },
    )

    assert response.status_code == 409
    kept = form_values(response.content.decode(), "based_on_version")
    assert (
        kept["title"],
        kept["kind"],
        kept["audience"],
        kept["content_note"],
        kept["source_tags"],
    ) == ("A new heading", "story", "facilitators", "Describes a crisis", "lived_experience")


# Balance


def _module_written_by(organisation, professional_words, carer_words):
    """A workshop with one module, its one section written by a professional and a carer."""
    professional = MembershipFactory(
        organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.PROFESSIONAL
    )
    carer = MembershipFactory(
        organisation=organisation, role=Role.CO_TRAINER, perspective=Perspective.FAMILY_CARER
    )
    workshop = WorkshopFactory(organisation=organisation, actor=professional)
    module = ModuleFactory(workshop=workshop, actor=professional)
    section = SectionFactory(
        module=module,
        actor=professional,
        body=" ".join(f"learned{n}" for n in range(professional_words)),
    )
    edit_section(
        section, section.body + " " + " ".join(f"lived{n}" for n in range(carer_words)), actor=carer
    )
    return workshop


def _balance_warnings(response):
    return re.findall(r"<strong>(Mostly [^<]*)</strong>", response.content.decode())


def test_workshop_page_module_written_mostly_by_professionals_shows_the_warning(world, client_for):
    workshop = _module_written_by(world.organisation, professional_words=91, carer_words=9)

    response = client_for(world.lead).get(reverse("workshop_detail", args=[workshop.pk]))

    assert response.status_code == 200
    assert _balance_warnings(response) == [
        "Mostly professional: 91% of the words.",  # the whole workshop
        "Mostly professional: 91% of the words",  # its one module
    ]
    assert response.context["modules"][0].balance.warning == (
        "Mostly professional: 91% of the words"
    )


def test_workshop_page_balanced_module_shows_no_warning(world, client_for):
    workshop = _module_written_by(world.organisation, professional_words=50, carer_words=50)

    response = client_for(world.lead).get(reverse("workshop_detail", args=[workshop.pk]))

    assert response.status_code == 200
    assert _balance_warnings(response) == []
    assert response.context["balance"].family_carer_percent == 50


@pytest.mark.parametrize(
    ("threshold", "warnings"),
    [
        (5, []),
        (9, []),
        (10, ["Mostly professional: 91% of the words.", "Mostly professional: 91% of the words"]),
    ],
)
def test_workshop_page_balance_threshold_comes_from_the_organisation(
    threshold, warnings, world, client_for
):
    Organisation.objects.filter(pk=world.organisation.pk).update(
        balance_threshold_percent=threshold
    )
    workshop = _module_written_by(world.organisation, professional_words=91, carer_words=9)

    response = client_for(world.lead).get(reverse("workshop_detail", args=[workshop.pk]))

    assert _balance_warnings(response) == warnings


def test_workshop_page_module_written_mostly_by_carers_shows_the_carer_warning(world, client_for):
    workshop = _module_written_by(world.organisation, professional_words=10, carer_words=90)

    response = client_for(world.lead).get(reverse("workshop_detail", args=[workshop.pk]))

    assert _balance_warnings(response) == [
        "Mostly family carers: 90% of the words.",
        "Mostly family carers: 90% of the words",
    ]


# The agreed stamp


def _long_date(moment):
    local = timezone.localtime(moment)
    return f"{local.day} {local.strftime('%B')} {local.year}"


def test_module_page_shows_agreed_stamp_following_credit_preferences(
    world, review_round, carer, professional, client_for, review_module
):
    carer.credit_preference = CreditPreference.ANONYMOUS
    carer.save(update_fields=["credit_preference"])
    approve(review_round, carer)
    approve(review_round, professional)
    agreed_at = ModuleVersion.objects.get(pk=review_round.version_id).agreed_at

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    stamp = html_inner_text(html, 'class="agreed-stamp"', "</div>")
    assert stamp == (
        f"Agreed version 1 — signed off on {_long_date(agreed_at)} by a family carer "
        f"and {professional.user.full_name} (professional)"
    )


def test_module_page_stamp_with_first_name_preference(
    world, review_round, carer, professional, client_for, review_module
):
    professional.credit_preference = CreditPreference.FIRST_NAME
    professional.save(update_fields=["credit_preference"])
    approve(review_round, professional)
    approve(review_round, carer)
    agreed_at = ModuleVersion.objects.get(pk=review_round.version_id).agreed_at

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    stamp = html_inner_text(html, 'class="agreed-stamp"', "</div>")
    assert stamp == (
        f"Agreed version 1 — signed off on {_long_date(agreed_at)} by "
        f"{professional.user.first_name} (professional) and {carer.user.full_name} (family carer)"
    )


def test_module_page_without_agreement_has_no_stamp(
    world, review_round, carer, client_for, review_module
):
    approve(review_round, carer)

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    assert html.count('class="agreed-stamp"') == 0


# What an observer is offered


def test_observer_page_offers_no_edit_buttons(client_for, world, observer):
    response = client_for(observer).get(reverse("module_detail", kwargs={"pk": world.module.pk}))

    assert response.context["can_edit"] is False
    assert reverse("section_edit", kwargs={"pk": world.section.pk}) not in response.content.decode()


# Buttons that say what they do


@pytest.mark.parametrize(
    ("name", "target", "label"),
    [
        ("workshop_create", lambda w: {"org_id": w.organisation.pk}, "Make the workshop"),
        ("workshop_edit", lambda w: {"pk": w.workshop.pk}, "Save the workshop"),
        ("module_create", lambda w: {"pk": w.workshop.pk}, "Add the module"),
        ("module_edit", lambda w: {"pk": w.module.pk}, "Save the module"),
    ],
)
def test_form_page_button_says_what_it_does(client_for, world, name, target, label):
    html = client_for(world.lead).get(reverse(name, kwargs=target(world))).content.decode()

    assert re.findall(r'<button type="submit" class="btn btn-primary">([^<]*)</button>', html) == [
        label
    ]


# Query counts


def _workshop_page(client_for, modules):
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    for number in range(modules):
        module = ModuleFactory(workshop=workshop, actor=lead)
        section = SectionFactory(module=module, actor=carer, body=f"Words from a carer {number}")
        content_services.section_update(
            section=section,
            based_on_version=1,
            title=section.title,
            body=section.body + " and from a nurse",
            kind=section.kind,
            audience=section.audience,
            actor=lead,
        )
    url = reverse("workshop_detail", kwargs={"pk": workshop.pk})
    return query_count(client_for(lead), url)


def _module_page(client_for, sections):
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    for number in range(sections):
        author = carer if number % 2 else lead
        SectionFactory(
            module=module,
            actor=author,
            body=f"Section {number} **text**",
            source_tags=["lived_experience", "research_evidence"],
            content_note="A gentle warning" if number % 3 else "",
        )
    url = reverse("module_detail", kwargs={"pk": module.pk})
    return query_count(client_for(carer), url)


def _workshop_list(client_for, workshops):
    organisation, lead, carer = make_team()
    for _ in range(workshops):
        ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead), actor=lead)
    url = reverse("workshop_list", kwargs={"org_id": organisation.pk})
    return query_count(client_for(carer), url)


@pytest.mark.parametrize(
    "page", [_workshop_page, _module_page, _workshop_list], ids=lambda f: f.__name__
)
def test_list_page_query_count_same_for_one_and_twenty_items(client_for, page):
    one, twenty = page(client_for, 1), page(client_for, 20)

    assert twenty == one, f"{page.__name__}: {one} queries for 1 item, {twenty} for 20"


def _workshop_list_with_deleted_modules(client_for, count):
    """``count`` workshops, each with a live and a deleted module."""
    organisation, lead, carer = make_team()
    for _ in range(count):
        workshop = WorkshopFactory(organisation=organisation, actor=lead)
        ModuleFactory(workshop=workshop, actor=lead)
        content_services.module_delete(module=ModuleFactory(workshop=workshop), actor=lead)
    assert Module.all_objects.filter(deleted_at__isnull=False).count() >= count
    return query_count(client_for(carer), reverse("workshop_list", args=[organisation.pk]))


def test_workshop_list_queries_do_not_grow_with_workshops(client_for):
    one = _workshop_list_with_deleted_modules(client_for, 1)
    assert _workshop_list_with_deleted_modules(client_for, MANY) == one


# Long sections: a body at the limit arrives whatever its characters; one over it comes back


def _post_as_browser(client, url, data):
    """POST as a browser sends a form: url-encoded, so each byte of UTF-8 is written as %XX."""
    body = urlencode(data, doseq=True)
    return client.post(url, body, content_type="application/x-www-form-urlencoded"), len(body)


def test_section_at_the_limit_in_four_byte_characters_is_saved(client_for, carer, world):
    url = reverse("section_edit", kwargs={"pk": world.section.pk})
    client = client_for(carer)
    form = form_values(client.get(url).content.decode(), "based_on_version")
    # Four bytes each in UTF-8, twelve once form-encoded; every text field at its limit.
    body = "🌱" * settings.SECTION_BODY_MAX_CHARS
    data = {**form, "title": "🌱" * 200, "content_note": "🌱" * 300, "body": body, "save": ""}

    response, sent = _post_as_browser(client, url, data)

    assert sent > 12 * settings.SECTION_BODY_MAX_CHARS
    assert response.status_code == 302
    world.section.refresh_from_db()
    # Compared apart: a diff of 600,000 characters helps no one.
    saved_whole = world.section.body == body
    assert (saved_whole, world.section.version) == (True, 2)


def test_section_one_character_over_the_limit_comes_back_with_the_text(client_for, carer, world):
    url = reverse("section_edit", kwargs={"pk": world.section.pk})
    client = client_for(carer)
    form = form_values(client.get(url).content.decode(), "based_on_version")
    line = "Tom & I <always> say “Let’s wait”.\n"
    body = (line * (settings.SECTION_BODY_MAX_CHARS // len(line) + 1))[
        : settings.SECTION_BODY_MAX_CHARS + 1
    ]

    response, _ = _post_as_browser(client, url, {**form, "body": body, "save": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert form_values(html, "based_on_version")["body"] == body
    assert field_errors(html)["body"] == [
        "Ensure this value has at most 600000 characters (it has 600001)."
    ]
    world.section.refresh_from_db()
    assert world.section.version == 1


def test_module_page_shows_a_section_as_saved_after_its_card_was_cached(client_for, world):
    client = client_for(world.co_trainer)
    url = world.module.get_absolute_url()
    assert "telling us" in client.get(url).content.decode()  # the card is now cached

    edit_section(
        world.section, "Every family is different.", actor=world.co_trainer, title="Renamed section"
    )
    page = client.get(url).content.decode()

    assert "Every family is different." in page
    assert "Renamed section" in page
    assert "telling us" not in page


# Status on every module list: draft, in review, agreed, changed since agreed


def test_module_page_after_an_edit_says_changed_since_agreed_with_the_link(
    world, review_round, carer, professional, client_for, review_module, review_section
):
    approve(review_round, carer)
    approve(review_round, professional)
    edit_section(review_section, "Behaviour is how a child tells us something.", actor=carer)

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    stamp = html_inner_text(html, 'class="agreed-stamp"', "</div>")
    assert stamp.startswith("Agreed version 1 — changed since, not yet agreed again — signed off")
    compare = reverse("section_compare", kwargs={"pk": review_section.pk}) + "?old=1&amp;new=2"
    assert f'<a href="{compare}">{review_section.title}</a>' in html


def test_module_page_agreed_and_unchanged_has_no_changed_note(
    world, review_round, carer, professional, client_for, review_module
):
    approve(review_round, carer)
    approve(review_round, professional)

    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    assert "changed since" not in html
    assert "Status: Agreed" in html_text(html)


def test_workshop_page_shows_each_module_status_in_words(world, client_for, carer):
    agreed = ModuleFactory(workshop=world.workshop, actor=world.lead, title="Agreed one")
    SectionFactory(module=agreed, actor=carer, body="Words we agreed.")
    agree_module(agreed, reviewers=[carer, world.lead], actor=world.lead)
    changed = ModuleFactory(workshop=world.workshop, actor=world.lead, title="Changed one")
    section = SectionFactory(module=changed, actor=carer, body="Words we agreed.")
    agree_module(changed, reviewers=[carer, world.lead], actor=world.lead)
    edit_section(section, "Words we agreed, and more.", actor=carer)
    in_review = ModuleFactory(workshop=world.workshop, actor=world.lead, title="Reviewed one")
    SectionFactory(module=in_review, actor=carer)
    round = review_services.review_round_open(
        module=in_review, reviewers=[carer, world.lead], actor=world.lead
    )

    html = client_for(carer).get(world.workshop.get_absolute_url()).content.decode()
    text = html_text(html)

    assert [
        (module.title, status)
        for module, status in zip(
            [world.module, agreed, changed, in_review],
            ["Draft", "Agreed", "Changed since agreed", "In review"],
            strict=True,
        )
        if f"{module.title} Status: {status}" not in text
    ] == []
    assert f'href="{changed.get_absolute_url()}#agreed"' in html
    assert f'href="{round.get_absolute_url()}"' in html


def test_workshop_list_counts_modules_by_status(world, client_for, carer):
    agreed = ModuleFactory(workshop=world.workshop, actor=world.lead)
    SectionFactory(module=agreed, actor=carer)
    agree_module(agreed, reviewers=[carer, world.lead], actor=world.lead)

    response = client_for(carer).get(reverse("workshop_list", args=[world.organisation.pk]))

    assert [w.status_counts for w in response.context["workshops"]] == [
        [
            {"key": "draft", "label": "Draft", "count": 1},
            {"key": "agreed", "label": "Agreed", "count": 1},
        ]
    ]
    assert "Agreed: 1 module" in html_text(response.content.decode())


def _agreed_and_changed(lead, carer, workshop, count):
    """``count`` agreed modules and ``count`` agreed then changed ones in the workshop."""
    for number in range(count):
        for changed in (False, True):
            module = ModuleFactory(workshop=workshop, actor=lead)
            section = SectionFactory(module=module, actor=carer, body=f"Agreed words {number}")
            agree_module(module, reviewers=[carer, lead], actor=lead)
            if changed:
                edit_section(section, f"Changed words {number}", actor=lead)


def _workshop_page_with_statuses(client_for, count):
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    _agreed_and_changed(lead, carer, workshop, count)
    return query_count(client_for(carer), workshop.get_absolute_url())


def _workshop_list_with_statuses(client_for, count):
    organisation, lead, carer = make_team()
    for _ in range(count):
        workshop = WorkshopFactory(organisation=organisation, actor=lead)
        _agreed_and_changed(lead, carer, workshop, 1)
    return query_count(client_for(carer), reverse("workshop_list", args=[organisation.pk]))


@pytest.mark.parametrize(
    "page",
    [_workshop_page_with_statuses, _workshop_list_with_statuses],
    ids=lambda f: f.__name__,
)
def test_status_queries_do_not_grow_with_agreed_and_changed_modules(client_for, page):
    one, many = page(client_for, 1), page(client_for, 6)

    assert many == one, f"{page.__name__}: {one} queries for 1, {many} for 6"


# The section form's page: what the formatted editor and the error summary need


def test_section_form_refused_opens_with_an_error_summary_linking_to_the_field(
    client_for, carer, world
):
    url = reverse("section_edit", kwargs={"pk": world.section.pk})
    client = client_for(carer)
    form = form_values(client.get(url).content.decode(), "based_on_version")

    response = client.post(url, {**form, "title": "", "save": ""})

    assert response.status_code == 400
    html = response.content.decode()
    summary = html_element(html, 'class="error-summary', "</div>")
    assert 'href="#id_title"' in summary
    assert "data-focus-on-load" in summary
    # What was typed comes back in the box the editor is made from.
    assert form_values(html, "based_on_version")["body"] == form["body"]
    world.section.refresh_from_db()
    assert world.section.version == 1


def test_section_form_editor_script_carries_the_nonce_the_policy_allows(client_for, carer, world):
    response = client_for(carer).get(reverse("section_edit", kwargs={"pk": world.section.pk}))

    html = response.content.decode()
    nonce = re.search(r'<script src="[^"]*live-editor\.js" nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    # The preview is a region named by its heading (a plain div may not be labelled).
    assert '<section class="col-lg-5" aria-labelledby="preview-heading">' in html
    assert 'id="preview-heading">How it will print</h2>' in html


# Fewer Tab stops: the module's main actions first, each section's actions in one menu


def test_module_page_puts_the_review_round_before_the_sections(
    world, review_round, client_for, review_module, review_section
):
    html = client_for(world.lead).get(review_module.get_absolute_url()).content.decode()

    open_round = f'<a class="btn btn-primary" href="{review_round.get_absolute_url()}">'
    assert html.count(open_round) == 1
    assert html.index(open_round) < html.index(f'id="section-{review_section.pk}"')
    assert "Go to review round" not in html


def test_module_page_groups_each_sections_actions_in_one_menu(client_for, world, section):
    other = SectionFactory(module=world.module, actor=world.lead, title="Second thoughts")

    html = client_for(world.lead).get(world.module.get_absolute_url()).content.decode()

    menus = re.findall(r'<details class="section-actions">(.*?)</details>', html, re.S)
    assert [html_text(menu).split(" ▾")[0] for menu in menus] == [
        f"Actions for {section.title}",
        f"Actions for {other.title}",
    ]
    for menu, each in zip(menus, (section, other), strict=True):
        for name in ("section_edit", "section_history", "section_authors", "section_delete"):
            assert f'href="{reverse(name, kwargs={"pk": each.pk})}"' in menu
        assert menu.count("data-move=") == 2


def test_moving_a_section_with_htmx_answers_its_menu_open(client_for, world, section):
    other = SectionFactory(module=world.module, actor=world.lead, title="Second thoughts")
    url = reverse("section_move", kwargs={"pk": other.pk})

    html = (
        client_for(world.lead)
        .post(url, {"direction": "up"}, headers={"HX-Request": "true"})
        .content.decode()
    )

    opened = re.findall(
        r'id="section-(\d+)".*?<details class="section-actions"( open)?>', html, re.S
    )
    assert opened == [(str(other.pk), " open"), (str(section.pk), "")]
