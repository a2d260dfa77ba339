"""Revision history, compare, restore, who wrote what, and deleted sections, through the views;
another organisation's 404s and an observer's 403s; and query counts."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    SectionFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.helpers import (
    edit_section,
    html_element,
    make_people,
    make_team,
    query_count,
    table_rows,
)
from workshops.enums import CreditPreference, Perspective, Role
from workshops.models import ContributionEntry, Section, SectionRevision
from workshops.services import content as content_services

pytestmark = pytest.mark.django_db

MANY = 20


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# History


def test_section_history_lists_revisions_newest_first_with_credit_names(world, client_for):
    world.lead.credit_preference = CreditPreference.FIRST_NAME
    world.lead.save()
    edit_section(world.section, "The lead's first rewrite.", actor=world.lead)
    edit_section(world.section, "The carer's answer.", actor=world.co_trainer)

    response = client_for(world.lead).get(reverse("section_history", args=[world.section.pk]))

    assert response.status_code == 200
    assert [r.version for r in response.context["revisions"]] == [3, 2, 1]
    rows = [row[:2] for row in table_rows(response)]
    carer = f"{world.co_trainer.user.full_name} family carer"
    lead = f"{world.lead.user.first_name} professional"
    assert rows == [["3 current", carer], ["2", lead], ["1", carer]]


# Compare


def test_section_compare_shows_ins_and_del_with_screen_reader_words(world, client_for):
    edit_section(
        world.section, "Behaviour is a way of **telling us** what they need.", actor=world.lead
    )

    response = client_for(world.co_trainer).get(
        reverse("section_compare", args=[world.section.pk]), {"old": 1, "new": 2}
    )

    assert response.status_code == 200
    html = response.content.decode()
    hidden = '<span class="visually-hidden">'
    assert re.findall(r"<ins>(.*?)</ins>", html) == [
        f"{hidden}[added: </span>what they need.{hidden}]</span>"
    ]
    assert re.findall(r"<del>(.*?)</del>", html) == [
        f"{hidden}[removed: </span>something.{hidden}]</span>"
    ]


def test_section_compare_shows_the_formatted_text_with_its_paragraphs(world, client_for):
    edit_section(
        world.section,
        "## Why it happens\n\nBehaviour is a way of **telling us** what they need.\n\n"
        "- a [guide](https://example.org/guide)\n- a friend",
        actor=world.lead,
    )

    response = client_for(world.co_trainer).get(
        reverse("section_compare", args=[world.section.pk]), {"old": 1, "new": 2}
    )

    diff = html_element(response.content.decode(), 'data-testid="diff">', "</div>")
    hidden = '<span class="visually-hidden">'
    added = f"<ins>{hidden}[added: </span>"
    link = '<a href="https://example.org/guide" rel="noopener noreferrer nofollow">'
    assert diff == (
        'data-testid="diff">'
        f"<h4>{added}Why it happens{hidden}]</span></ins></h4>\n"
        "<p>Behaviour is a way of <strong>telling us</strong> "
        f"<del>{hidden}[removed: </span>something.{hidden}]</span></del> "
        f"{added}what they need.{hidden}]</span></ins></p>\n"
        f"<ul>\n<li>{added}a</ins> {link}<ins>guide</ins></a>{hidden}]</span></li>\n"
        f"<li>{added}a friend{hidden}]</span></ins></li>\n</ul>\n"
    )
    assert "**" not in diff
    assert '<link rel="stylesheet" href="/static/css/diff.css">' in response.content.decode()


def test_section_compare_names_both_versions_and_who_saved_them(world, client_for):
    edit_section(world.section, "A second version.", actor=world.lead)

    response = client_for(world.co_trainer).get(
        reverse("section_compare", args=[world.section.pk]), {"old": 1, "new": 2}
    )

    sentences = re.findall(
        r'<p class="small text-body-secondary">([^<]*)</p>', response.content.decode()
    )
    carer, lead = world.co_trainer.credit_name, world.lead.credit_name
    assert sentences == [f"Version 1 saved by {carer}; version 2 saved by {lead}."]


def test_section_compare_nonexistent_version_is_400_with_a_field_error(world, client_for):
    response = client_for(world.co_trainer).get(
        reverse("section_compare", args=[world.section.pk]), {"old": 99, "new": 1}
    )

    assert response.status_code == 400
    message = "Select a valid choice. 99 is not one of the available choices."
    assert response.context["compare_form"].errors == {"old": [message]}
    assert re.findall(r'<div class="text-danger small">(.*?)</div>', response.content.decode()) == [
        message
    ]


# Restore


def test_section_restore_post_makes_a_new_version_credited_to_the_original_author(
    world, client_for
):
    first = SectionRevision.objects.get(section=world.section, version=1)
    edit_section(world.section, "Everything here was rewritten by the lead.", actor=world.lead)
    url = reverse("section_restore", args=[world.section.pk, 1])

    response = client_for(world.lead).post(url, {"based_on_version": 2})

    assert response.status_code == 302
    assert response.url == reverse("section_history", args=[world.section.pk])
    assert _messages(response) == ["Version 1 restored as version 3."]
    section = Section.objects.get(pk=world.section.pk)
    assert (section.version, section.body, section.title) == (3, first.body, first.title)
    assert section.attribution == [[world.co_trainer.pk, 8]]
    latest = SectionRevision.objects.get(section=section, version=3)
    assert (latest.author, latest.body, latest.attribution) == (
        world.lead,
        first.body,
        first.attribution,
    )
    entry = ContributionEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.membership, entry.target_id) == (
        "section.restore",
        world.lead,
        section.pk,
    )


def test_section_restore_with_a_stale_version_writes_nothing(world, client_for):
    edit_section(world.section, "A second version.", actor=world.lead)
    entries_before = ContributionEntry.objects.count()

    response = client_for(world.lead).post(
        reverse("section_restore", args=[world.section.pk, 1]), {"based_on_version": 1}
    )

    assert response.status_code == 302
    assert _messages(response) == [
        "Someone saved this section while you were looking. Nothing was restored; "
        "check the latest version and try again."
    ]
    section = Section.objects.get(pk=world.section.pk)
    assert (section.version, section.body) == (2, "A second version.")
    assert SectionRevision.objects.filter(section=section).count() == 2
    assert ContributionEntry.objects.count() == entries_before


def test_section_restore_get_shows_the_change_and_the_current_version(world, client_for):
    edit_section(world.section, "A second version.", actor=world.lead)

    response = client_for(world.lead).get(reverse("section_restore", args=[world.section.pk, 1]))

    assert response.status_code == 200
    assert response.context["form"].initial == {"based_on_version": 2}
    diff = response.context["diff_html"]
    # The current text is what goes; the restored version's words are what come back.
    assert diff.count("<del>") == 1
    assert "[removed: </span>A second version." in diff
    assert "[added: </span>" in diff
    assert re.findall(r'<p class="lead">([^<]*)</p>', response.content.decode()) == [
        "This makes version 1's text the current one, as a new version. Nothing is lost: "
        "version 2 stays in the history. The restored words stay credited to the people who "
        "wrote them."
    ]


def test_section_restore_get_shows_what_would_change_on_the_formatted_text(world, client_for):
    edit_section(world.section, "# Calm\n\nA second version.", actor=world.lead)

    response = client_for(world.lead).get(reverse("section_restore", args=[world.section.pk, 1]))

    diff = html_element(response.content.decode(), 'data-testid="diff">', "</div>")
    hidden = '<span class="visually-hidden">'
    assert diff == (
        'data-testid="diff">'
        f"<h3><del>{hidden}[removed: </span>Calm{hidden}]</span></del></h3>\n"
        f"<p><del>{hidden}[removed: </span>A second version.{hidden}]</span></del> "
        f"<ins>{hidden}[added: </span>Behaviour is a way of</ins> <strong><ins>telling us"
        f"</ins></strong> <ins>something.{hidden}]</span></ins></p>\n"
    )


# Who wrote what


@pytest.fixture
def credited_section(world):
    """A section by four people, each credited their own way; the lead only reads it."""
    module = world.module
    full = MembershipFactory(
        organisation=world.organisation,
        user=UserFactory(full_name="Fiona Fullname", first_name="Fiona"),
        perspective=Perspective.FAMILY_CARER,
        credit_preference=CreditPreference.FULL_NAME,
    )
    first = MembershipFactory(
        organisation=world.organisation,
        user=UserFactory(full_name="Priya Pemberton-Shah", first_name="Priya"),
        perspective=Perspective.PROFESSIONAL,
        credit_preference=CreditPreference.FIRST_NAME,
    )
    carer = MembershipFactory(
        organisation=world.organisation,
        user=UserFactory(full_name="Zephyrine Quillfeather", first_name="Zephyrine"),
        perspective=Perspective.FAMILY_CARER,
        credit_preference=CreditPreference.ANONYMOUS,
    )
    nurse = MembershipFactory(
        organisation=world.organisation,
        user=UserFactory(full_name="Bartholomew Oakenshield", first_name="Bartholomew"),
        perspective=Perspective.PROFESSIONAL,
        credit_preference=CreditPreference.ANONYMOUS,
    )
    section = SectionFactory(
        module=module, actor=full, body="one two three four five six seven eight"
    )
    section = edit_section(section, section.body + " nine ten eleven twelve thirteen", actor=first)
    section = edit_section(section, section.body + " fourteen fifteen sixteen", actor=carer)
    section = edit_section(section, section.body + " seventeen eighteen", actor=nurse)
    return section, full, first, carer, nurse


def test_section_authors_credit_names_follow_preferences(credited_section, world, client_for):
    section, full, first, carer, nurse = credited_section

    response = client_for(world.lead).get(reverse("section_authors", args=[section.pk]))

    assert response.status_code == 200
    legend = [
        (row["key"], row["member"].credit_name, row["words"], row["percent"])
        for row in response.context["legend"]
    ]
    assert legend == [
        ("A", "Fiona Fullname", 8, 44),
        ("B", "Priya", 5, 28),
        ("C", "a family carer", 3, 17),
        ("D", "a professional", 2, 11),
    ]
    html = response.content.decode()
    legend_items = re.findall(r'<span class="author-key">(\w+)</span> ([^<]+)</span>', html)
    assert legend_items == [
        ("A", "Fiona Fullname"),
        ("B", "Priya"),
        ("C", "a family carer"),
        ("D", "a professional"),
    ]


def test_section_authors_marks_each_word_with_a_letter_and_a_hidden_label(
    credited_section, world, client_for
):
    section, *_ = credited_section

    response = client_for(world.lead).get(reverse("section_authors", args=[section.pk]))

    marks = re.findall(
        r'<span class="author-key" aria-hidden="true">(\w+)</span>'
        r'<span class="visually-hidden">([^<]*)</span>([^<]*)</span>',
        response.content.decode(),
    )
    assert marks == [
        ("A", "Fiona Fullname, family carer: ", "one two three four five six seven eight"),
        ("B", "Priya, professional: ", "nine ten eleven twelve thirteen"),
        ("C", "a family carer, family carer: ", "fourteen fifteen sixteen"),
        ("D", "a professional, professional: ", "seventeen eighteen"),
    ]


def test_section_authors_marks_the_formatted_text_with_its_paragraphs(world, client_for):
    edit_section(
        world.section,
        world.section.body + "\n\n## Why\n\n- **Listen** first",
        actor=world.lead,
    )

    response = client_for(world.co_trainer).get(reverse("section_authors", args=[world.section.pk]))

    text = html_element(response.content.decode(), 'data-testid="attributed-text">', "</div>")
    carer = world.co_trainer

    def mark(style, key, member):
        return (
            f'<span class="author-mark author-style-{style}"><span class="author-key" '
            f'aria-hidden="true">{key}</span><span class="visually-hidden">'
            f"{member.credit_name}, {member.perspective_label}: </span>"
        )

    assert text == (
        'data-testid="attributed-text">'
        f"<p>{mark(0, 'A', carer)}Behaviour is a way of</span> <strong>"
        '<span class="author-mark author-style-0">telling us</span></strong> '
        '<span class="author-mark author-style-0">something.</span></p>\n'
        f"<h4>{mark(1, 'B', world.lead)}Why</span></h4>\n"
        # Each block starts with its author's letter again.
        f"<ul>\n<li><strong>{mark(1, 'B', world.lead)}Listen</span></strong> "
        '<span class="author-mark author-style-1">first</span></li>\n</ul>\n'
    )


def test_section_authors_never_shows_an_anonymous_authors_name(credited_section, world, client_for):
    section, full, first, carer, nurse = credited_section

    html = client_for(world.lead).get(reverse("section_authors", args=[section.pk])).content
    html = html.decode()

    for hidden in ("Zephyrine", "Quillfeather", "Bartholomew", "Oakenshield", "Pemberton"):
        assert hidden not in html
    assert html.count("Fiona Fullname") == 2
    assert html.count("Priya") == 2


def test_section_history_never_shows_an_anonymous_authors_name(credited_section, world, client_for):
    section, *_ = credited_section

    response = client_for(world.lead).get(reverse("section_history", args=[section.pk]))

    assert [row[1] for row in table_rows(response)] == [
        "a professional professional",
        "a family carer family carer",
        "Priya professional",
        "Fiona Fullname family carer",
    ]
    html = response.content.decode()
    for hidden in ("Zephyrine", "Quillfeather", "Bartholomew", "Oakenshield", "Pemberton"):
        assert hidden not in html


# Deleted sections


def test_section_undelete_brings_the_section_back_at_the_end_of_its_module(world, client_for):
    later = SectionFactory(module=world.module, actor=world.lead, title="Written later")
    client = client_for(world.co_trainer)
    assert client.post(reverse("section_delete", args=[world.section.pk])).status_code == 302

    listed = client.get(reverse("deleted_sections", args=[world.module.pk]))
    assert [s.pk for s in listed.context["deleted"]] == [
        world.section.pk,
        world.deleted_section.pk,
    ]
    response = client.post(reverse("section_undelete", args=[world.section.pk]))

    assert response.status_code == 302
    assert _messages(response) == [f"“{world.section.title}” is back."]
    section = Section.objects.get(pk=world.section.pk)
    assert section.position > later.position
    module_page = client.get(reverse("module_detail", args=[world.module.pk]))
    assert [s.pk for s in module_page.context["sections"]] == [later.pk, world.section.pk]
    after = client.get(reverse("deleted_sections", args=[world.module.pk]))
    assert [s.pk for s in after.context["deleted"]] == [world.deleted_section.pk]
    entry = ContributionEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.target_id, entry.words_added) == (
        "section.undelete",
        world.section.pk,
        8,
    )


def test_section_undelete_of_a_live_section_answers_404(world, client_for):
    response = client_for(world.lead).post(reverse("section_undelete", args=[world.section.pk]))

    assert response.status_code == 404


# Scoping: another organisation's pages answer 404; an observer is refused with 403


def _other_org_urls(world):
    section, deleted = world.section, world.deleted_section
    org = world.organisation.pk
    return [
        ("get", reverse("contribution_log", args=[org])),
        ("get", reverse("contribution_log_csv", args=[org])),
        ("get", reverse("contribution_summary", args=[org])),
        ("get", reverse("section_history", args=[section.pk])),
        ("get", reverse("section_compare", args=[section.pk]) + "?old=1&new=1"),
        ("get", reverse("section_restore", args=[section.pk, 1])),
        ("post", reverse("section_restore", args=[section.pk, 1])),
        ("get", reverse("section_authors", args=[section.pk])),
        ("get", reverse("deleted_sections", args=[world.module.pk])),
        ("post", reverse("section_undelete", args=[deleted.pk])),
    ]


def test_history_and_log_pages_of_another_organisation_answer_404(world, other_world, client_for):
    client = client_for(other_world.lead)
    versions_before = Section.all_objects.get(pk=world.section.pk).version

    statuses = [
        (url, getattr(client, method)(url, {"based_on_version": 1} if method == "post" else {}))
        for method, url in _other_org_urls(world)
    ]

    assert [(url, response.status_code) for url, response in statuses] == [
        (url, 404) for _, url in _other_org_urls(world)
    ]
    assert Section.all_objects.get(pk=world.section.pk).version == versions_before
    assert Section.all_objects.get(pk=world.deleted_section.pk).deleted_at is not None


def test_section_restore_refuses_an_observer(world, observer, client_for):
    edit_section(world.section, "A second version.", actor=world.lead)
    client = client_for(observer)
    url = reverse("section_restore", args=[world.section.pk, 1])

    assert client.get(url).status_code == 403
    assert client.post(url, {"based_on_version": 2}).status_code == 403
    assert Section.objects.get(pk=world.section.pk).version == 2


def test_section_undelete_refuses_an_observer(world, observer, client_for):
    response = client_for(observer).post(
        reverse("section_undelete", args=[world.deleted_section.pk])
    )

    assert response.status_code == 403
    assert Section.all_objects.get(pk=world.deleted_section.pk).deleted_at is not None


def test_history_pages_let_an_observer_read(world, observer, client_for):
    client = client_for(observer)

    statuses = [
        client.get(reverse("section_history", args=[world.section.pk])).status_code,
        client.get(reverse("section_authors", args=[world.section.pk])).status_code,
        client.get(reverse("deleted_sections", args=[world.module.pk])).status_code,
    ]

    assert statuses == [200, 200, 200]


# Query counts


def _section_written_by(count):
    """(reader, section): a section whose every save is by a different person."""
    organisation = OrganisationFactory()
    reader = MembershipFactory(organisation=organisation, role=Role.LEAD)
    authors = make_people(organisation, count)
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=reader))
    section = SectionFactory(module=module, actor=authors[0], body="words0")
    for number, author in enumerate(authors[1:], start=1):
        current = Section.objects.get(pk=section.pk)
        content_services.section_update(
            section=current,
            based_on_version=current.version,
            title=current.title,
            body=f"{current.body} words{number}",
            kind=current.kind,
            audience=current.audience,
            actor=author,
        )
    return reader, Section.objects.get(pk=section.pk)


def _authors_page(client_for, count):
    reader, section = _section_written_by(count)
    assert len(section.attribution) == count
    return query_count(client_for(reader), reverse("section_authors", args=[section.pk]))


def _history_page(client_for, count):
    reader, section = _section_written_by(count)
    assert section.version == count
    return query_count(client_for(reader), reverse("section_history", args=[section.pk]))


def test_section_authors_page_queries_do_not_grow_with_authors(client_for):
    assert _authors_page(client_for, 1) == _authors_page(client_for, MANY)


def test_section_history_page_queries_do_not_grow_with_revisions(client_for):
    assert _history_page(client_for, 1) == _history_page(client_for, MANY)


def _deleted_sections_page(client_for, count):
    organisation, lead, carer = make_team()
    module = ModuleFactory(workshop=WorkshopFactory(organisation=organisation, actor=lead))
    SectionFactory(module=module, actor=carer, title="Still here")
    for number in range(count):
        section = SectionFactory(module=module, actor=carer, title=f"Gone {number}")
        content_services.section_delete(section=section, actor=carer if number % 2 else lead)
    # As lead: each row also has its "Bring back" button.
    return query_count(client_for(lead), reverse("deleted_sections", args=[module.pk]))


def test_deleted_sections_page_queries_do_not_grow_with_deleted_sections(client_for):
    assert _deleted_sections_page(client_for, 1) == _deleted_sections_page(client_for, MANY)
