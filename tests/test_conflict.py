"""Two people save the same section: the second sees both texts and loses nothing."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import SectionFactory
from tests.helpers import form_values
from workshops.models import ContributionEntry, Section, SectionRevision
from workshops.services import content as content_services
from workshops.services.content import SectionConflict

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
    content_services.section_update(
        section=shared_section,
        based_on_version=1,
        title=shared_section.title,
        body=FIRST,
        kind=shared_section.kind,
        audience=shared_section.audience,
        actor=carer,
    )

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


def test_section_update_stale_version_raises_conflict_and_writes_nothing(
    carer, professional, shared_section
):
    content_services.section_update(
        section=shared_section,
        based_on_version=1,
        title=shared_section.title,
        body=FIRST,
        kind=shared_section.kind,
        audience=shared_section.audience,
        actor=carer,
    )
    revisions_before = SectionRevision.objects.count()
    log_before = ContributionEntry.objects.count()

    with pytest.raises(SectionConflict) as raised:
        content_services.section_update(
            section=shared_section,
            based_on_version=1,
            title="Other heading",
            body=SECOND,
            kind=shared_section.kind,
            audience=shared_section.audience,
            actor=professional,
        )

    assert raised.value.current.version == 2
    assert raised.value.current.body == FIRST
    current = Section.objects.get(pk=shared_section.pk)
    assert (current.version, current.body, current.title) == (2, FIRST, "What behaviour says")
    assert SectionRevision.objects.count() == revisions_before
    assert ContributionEntry.objects.count() == log_before


def test_section_update_future_version_raises_conflict(carer, shared_section):
    with pytest.raises(SectionConflict):
        content_services.section_update(
            section=shared_section,
            based_on_version=5,
            title=shared_section.title,
            body=SECOND,
            kind=shared_section.kind,
            audience=shared_section.audience,
            actor=carer,
        )

    assert Section.objects.get(pk=shared_section.pk).version == 1
