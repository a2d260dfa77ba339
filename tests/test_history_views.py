"""Revision history, compare, restore, who wrote what, balance, the contribution log pages, and
deleted sections, through the views."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    SectionFactory,
    UserFactory,
    WorkshopFactory,
)
from workshops.enums import Action, CreditPreference, Perspective, Role
from workshops.models import ContributionEntry, Organisation, Section, SectionRevision
from workshops.services import content as content_services

pytestmark = pytest.mark.django_db


# Helpers


def _edit(section, body, actor, title=None):
    """Save a new text for the section as the actor, based on its current version."""
    current = Section.all_objects.get(pk=section.pk)
    return content_services.section_update(
        section=current,
        based_on_version=current.version,
        title=title or current.title,
        body=body,
        kind=current.kind,
        audience=current.audience,
        actor=actor,
    )


class _TableReader(HTMLParser):
    """The text of each cell of each body row of the page's tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []
        self._in_body = False
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _table_rows(response):
    reader = _TableReader()
    reader.feed(response.content.decode())
    return reader.rows


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _backdated_entry(actor, when, action=Action.SECTION_EDIT, words_added=0, module=None):
    """Append a log entry made at another time, chained like any other.

    Entries are append-only, so a test cannot move an entry's date afterwards; it writes one
    with the date it needs, the way ``contribution_record`` would have at that moment.
    """
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
        entry = ContributionEntry(
            organisation=organisation,
            membership=actor,
            perspective=actor.perspective,
            action=str(action),
            target_type="section",
            target_id=1,
            workshop_id=module.workshop_id if module else None,
            module_id=module.pk if module else None,
            words_added=words_added,
            created_at=when,
            previous_hash=organisation.log_head_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        Organisation.objects.filter(pk=organisation.pk).update(log_head_hash=entry.entry_hash)
    return entry


def _at(year, month, day):
    return datetime.datetime(year, month, day, 12, 0, tzinfo=datetime.UTC)


def _shown_entry_ids(response):
    assert response.status_code == 200
    return [entry.pk for entry in response.context["page"].object_list]


def _log_entry_ids(organisation, **filters):
    return list(
        ContributionEntry.objects.filter(organisation=organisation, **filters)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )


# History


def test_section_history_lists_revisions_newest_first_with_credit_names(world, client_for):
    world.lead.credit_preference = CreditPreference.FIRST_NAME
    world.lead.save()
    _edit(world.section, "The lead's first rewrite.", world.lead)
    _edit(world.section, "The carer's answer.", world.co_trainer)

    response = client_for(world.lead).get(reverse("section_history", args=[world.section.pk]))

    assert response.status_code == 200
    assert [r.version for r in response.context["revisions"]] == [3, 2, 1]
    rows = [row[:2] for row in _table_rows(response)]
    carer = f"{world.co_trainer.user.full_name} family carer"
    lead = f"{world.lead.user.first_name} professional"
    assert rows == [["3 current", carer], ["2", lead], ["1", carer]]


# Compare


def test_section_compare_shows_ins_and_del_with_screen_reader_words(world, client_for):
    _edit(world.section, "Behaviour is a way of **telling us** what they need.", world.lead)

    response = client_for(world.co_trainer).get(
        reverse("section_compare", args=[world.section.pk]), {"old": 1, "new": 2}
    )

    assert response.status_code == 200
    assert response.context["diff"] == [
        ("same", "Behaviour is a way of **telling us**"),
        ("deleted", "something."),
        ("inserted", "what they need."),
    ]
    html = response.content.decode()
    hidden = '<span class="visually-hidden">'
    assert re.findall(r"<ins>(.*?)</ins>", html) == [
        f"{hidden}[added: </span>what they need.{hidden}]</span>"
    ]
    assert re.findall(r"<del>(.*?)</del>", html) == [
        f"{hidden}[removed: </span>something.{hidden}]</span>"
    ]


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
    _edit(world.section, "Everything here was rewritten by the lead.", world.lead)
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
    _edit(world.section, "A second version.", world.lead)
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
    _edit(world.section, "A second version.", world.lead)

    response = client_for(world.lead).get(reverse("section_restore", args=[world.section.pk, 1]))

    assert response.status_code == 200
    assert response.context["form"].initial == {"based_on_version": 2}
    assert [kind for kind, _ in response.context["diff"]] == ["deleted", "inserted"]


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
    section = _edit(section, section.body + " nine ten eleven twelve thirteen", first)
    section = _edit(section, section.body + " fourteen fifteen sixteen", carer)
    section = _edit(section, section.body + " seventeen eighteen", nurse)
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

    assert [row[1] for row in _table_rows(response)] == [
        "a professional professional",
        "a family carer family carer",
        "Priya professional",
        "Fiona Fullname family carer",
    ]
    html = response.content.decode()
    for hidden in ("Zephyrine", "Quillfeather", "Bartholomew", "Oakenshield", "Pemberton"):
        assert hidden not in html


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
    _edit(section, section.body + " " + " ".join(f"lived{n}" for n in range(carer_words)), carer)
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


# Contribution log


def _log_url(world):
    return reverse("contribution_log", args=[world.organisation.pk])


def test_contribution_log_unfiltered_lists_every_entry_newest_first(world, client_for):
    response = client_for(world.lead).get(_log_url(world))

    assert _shown_entry_ids(response) == _log_entry_ids(world.organisation)


def test_contribution_log_filter_by_person(world, client_for):
    workshop_entry = ContributionEntry.objects.get(
        organisation=world.organisation, action=Action.WORKSHOP_CREATE
    )
    assert workshop_entry.membership == world.lead

    response = client_for(world.lead).get(_log_url(world), {"person": world.co_trainer.pk})

    shown = _shown_entry_ids(response)
    assert shown == _log_entry_ids(world.organisation, membership=world.co_trainer)
    assert shown != []
    assert workshop_entry.pk not in shown


def test_contribution_log_filter_by_module(world, client_for):
    other_module = ModuleFactory(workshop=world.workshop, actor=world.lead)
    other_entry = ContributionEntry.objects.get(module_id=other_module.pk)

    response = client_for(world.lead).get(_log_url(world), {"module": world.module.pk})

    shown = _shown_entry_ids(response)
    assert shown == _log_entry_ids(world.organisation, module_id=world.module.pk)
    assert other_entry.pk not in shown
    assert shown != []


def test_contribution_log_filter_by_action(world, client_for):
    response = client_for(world.lead).get(_log_url(world), {"action": Action.SECTION_DELETE})

    shown = _shown_entry_ids(response)
    deleted = ContributionEntry.objects.get(
        organisation=world.organisation, action=Action.SECTION_DELETE
    )
    assert shown == [deleted.pk]


def test_contribution_log_filter_by_date_range(world, client_for):
    made_today = _log_entry_ids(world.organisation)
    before = _backdated_entry(world.co_trainer, _at(2024, 1, 15))
    inside = _backdated_entry(world.co_trainer, _at(2024, 3, 10))
    after = _backdated_entry(world.co_trainer, _at(2024, 5, 20))

    response = client_for(world.lead).get(
        _log_url(world), {"date_from": "2024-02-01", "date_to": "2024-04-30"}
    )

    assert _shown_entry_ids(response) == [inside.pk]
    only_from = client_for(world.lead).get(_log_url(world), {"date_from": "2024-03-10"})
    assert _shown_entry_ids(only_from) == [after.pk, inside.pk, *made_today]
    only_to = client_for(world.lead).get(_log_url(world), {"date_to": "2024-03-10"})
    assert _shown_entry_ids(only_to) == [inside.pk, before.pk]


def test_contribution_log_end_date_before_start_is_a_field_error(world, client_for):
    response = client_for(world.lead).get(
        _log_url(world), {"date_from": "2024-04-30", "date_to": "2024-02-01"}
    )

    assert response.status_code == 200
    assert response.context["filter_form"].errors == {
        "date_to": ["The end date is before the start date."]
    }


def test_contribution_log_paginates_at_50(world, client_for):
    for day in range(1, 56):
        _backdated_entry(world.co_trainer, _at(2024, 1, 1) + datetime.timedelta(days=day))
    total = ContributionEntry.objects.filter(organisation=world.organisation).count()
    assert 50 < total <= 100
    client = client_for(world.lead)

    first = client.get(_log_url(world))
    second = client.get(_log_url(world), {"page": 2})

    assert len(_shown_entry_ids(first)) == 50
    assert _shown_entry_ids(first) + _shown_entry_ids(second) == _log_entry_ids(world.organisation)
    assert len(_table_rows(first)) == 50
    assert "Page 1 of 2" in first.content.decode()


def _csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


CSV_HEADER = [
    "entry",
    "time",
    "person",
    "perspective",
    "action",
    "target_type",
    "target_id",
    "workshop_id",
    "module_id",
    "words_added",
    "words_removed",
    "entry_hash",
]


def test_contribution_log_csv_has_a_header_and_one_row_per_entry(world, client_for):
    response = client_for(world.lead).get(
        reverse("contribution_log_csv", args=[world.organisation.pk])
    )

    rows = _csv_rows(response)
    entries = list(ContributionEntry.objects.filter(organisation=world.organisation).order_by("pk"))
    assert rows[0] == CSV_HEADER
    assert [int(row[0]) for row in rows[1:]] == [entry.pk for entry in entries]
    created = ContributionEntry.objects.get(
        organisation=world.organisation, action=Action.SECTION_CREATE, target_id=world.section.pk
    )
    assert rows[1 + entries.index(created)] == [
        str(created.pk),
        timezone.localtime(created.created_at).isoformat(timespec="seconds"),
        world.co_trainer.user.full_name,
        "family_carer",
        "section.create",
        "section",
        str(world.section.pk),
        str(world.workshop.pk),
        str(world.module.pk),
        "8",
        "0",
        created.entry_hash,
    ]


def test_contribution_log_csv_follows_the_filters(world, client_for):
    response = client_for(world.lead).get(
        reverse("contribution_log_csv", args=[world.organisation.pk]),
        {"person": world.co_trainer.pk},
    )

    rows = _csv_rows(response)
    expected = sorted(_log_entry_ids(world.organisation, membership=world.co_trainer))
    assert [int(row[0]) for row in rows[1:]] == expected


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1", "-1"])
def test_contribution_log_csv_names_that_look_like_formulas_are_quoted(name, world, client_for):
    person = MembershipFactory(
        organisation=world.organisation,
        user=UserFactory(full_name=name),
        role=Role.CO_TRAINER,
    )
    WorkshopFactory(organisation=world.organisation, actor=person)

    response = client_for(world.lead).get(
        reverse("contribution_log_csv", args=[world.organisation.pk]), {"person": person.pk}
    )

    rows = _csv_rows(response)
    assert [row[2] for row in rows[1:]] == ["'" + name]


def test_contribution_summary_counts_per_person_per_month(world, client_for):
    carer, lead = world.co_trainer, world.lead
    _backdated_entry(carer, _at(2024, 1, 10), words_added=3)
    _backdated_entry(carer, _at(2024, 1, 20), words_added=4)
    _backdated_entry(lead, _at(2024, 1, 12), words_added=5)
    _backdated_entry(carer, _at(2024, 2, 14), words_added=6)

    response = client_for(lead).get(reverse("contribution_summary", args=[world.organisation.pk]))

    assert response.status_code == 200
    rows = [
        (row["month"].year, row["month"].month, row["member"], row["contributions"])
        + (row["words_added"],)
        for row in response.context["summary"]
        if row["month"].year == 2024
    ]
    assert lead.pk < carer.pk  # rows of one month are ordered by membership
    assert rows == [
        (2024, 2, carer, 1, 6),
        (2024, 1, lead, 1, 5),
        (2024, 1, carer, 2, 7),
    ]
    this_month = timezone.localtime()
    current = {
        row["member"]: row["contributions"]
        for row in response.context["summary"]
        if (row["month"].year, row["month"].month) == (this_month.year, this_month.month)
    }
    assert current == {
        member: ContributionEntry.objects.filter(
            membership=member, created_at__year=this_month.year, created_at__month=this_month.month
        ).count()
        for member in (carer, lead)
    }
    assert [row for row in _table_rows(response) if row[0].endswith("2024")] == [
        ["February 2024", carer.user.full_name, "family carer", "1", "6", "0"],
        ["January 2024", lead.user.full_name, "professional", "1", "5", "0"],
        ["January 2024", carer.user.full_name, "family carer", "2", "7", "0"],
    ]


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


@pytest.mark.parametrize(
    "name", ["contribution_log", "contribution_log_csv", "contribution_summary"]
)
def test_contribution_log_pages_refuse_an_observer(name, world, observer, client_for):
    response = client_for(observer).get(reverse(name, args=[world.organisation.pk]))

    assert response.status_code == 403


def test_section_restore_refuses_an_observer(world, observer, client_for):
    _edit(world.section, "A second version.", world.lead)
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
