"""The history pages' selectors: the word diff and who-wrote-what on the formatted text."""

import pytest

from tests.helpers import edit_section
from workshops.models import SectionRevision
from workshops.selectors.history import (
    section_authors_formatted_page,
    section_compare_page,
    section_restore_page,
)

pytestmark = pytest.mark.django_db

HIDDEN = '<span class="visually-hidden">'


def test_section_compare_page_gives_runs_and_the_formatted_diff(world):
    edit_section(world.section, "Behaviour is a way of **telling us** more.", actor=world.lead)
    old, new = (SectionRevision.objects.get(section=world.section, version=v) for v in (1, 2))

    page = section_compare_page(old=old, new=new)

    assert page["diff_html"] == (
        "<p>Behaviour is a way of <strong>telling us</strong> "
        f"<del>{HIDDEN}[removed: </span>something.{HIDDEN}]</span></del> "
        f"<ins>{HIDDEN}[added: </span>more.{HIDDEN}]</span></ins></p>\n"
    )
    assert (page["old"], page["new"], page["title_changed"]) == (old, new, False)


def test_section_restore_page_diffs_from_the_current_text_to_the_restored_one(world):
    edit_section(world.section, "Something else entirely.", actor=world.lead)
    section = world.section
    section.refresh_from_db()
    first = SectionRevision.objects.get(section=section, version=1)

    page = section_restore_page(section=section, revision=first)

    assert page["diff_html"].count("<del>") == 1
    assert page["diff_html"].startswith(f"<p><del>{HIDDEN}[removed: </span>Something else")
    assert page["revision"] == first


def test_section_authors_formatted_page_leaves_words_of_someone_no_longer_listed_unmarked(
    world,
):
    section = world.section
    section.attribution = [[world.co_trainer.pk, 4], [999_999, 4]]

    page = section_authors_formatted_page(section=section)

    assert [row["member"] for row in page["legend"]] == [world.co_trainer, None]
    assert page["authors_html"].endswith(
        "Behaviour is a way</span> of <strong>telling us</strong> something.</p>\n"
    )
