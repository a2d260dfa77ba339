"""A section's history pages: the word diff between two versions, what a restore would change,
and who wrote what, each on the formatted text."""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from workshops.marked_markdown import AUTHOR, Mark, render_attributed
from workshops.models import Section, SectionRevision

from .content import section_authors_page
from .diffs import word_diff_html


def section_compare_page(*, old: SectionRevision, new: SectionRevision) -> dict:
    """Two versions of a section and the difference between them, from ``old`` to ``new``."""
    return {
        "old": old,
        "new": new,
        "diff_html": word_diff_html(old_text=old.body, new_text=new.body),
        "title_changed": old.title != new.title,
    }


def section_restore_page(*, section: Section, revision: SectionRevision) -> dict:
    """What restoring ``revision`` would change in the section as it is now."""
    return {
        "revision": revision,
        "diff_html": word_diff_html(old_text=section.body, new_text=revision.body),
    }


def section_authors_formatted_page(*, section: Section) -> dict:
    """Who wrote what: the legend, and the section's formatted text with each author's words
    carrying their letter, pattern and screen-reader label."""
    page = section_authors_page(section=section)
    marks = {}
    for row in page["legend"]:
        if row["member"] is None:
            continue
        label = _("%(name)s, %(perspective)s:") % {
            "name": row["member"].credit_name,
            "perspective": row["member"].perspective_label,
        }
        marks[row["member"].pk] = Mark(AUTHOR, label=label, style=row["style"], key=row["key"])
    # render_attributed escapes every label and builds its tags around sanitised text.
    authors_html = mark_safe(  # noqa: S308
        render_attributed(section.body, section.attribution, marks)
    )
    return {**page, "authors_html": authors_html}
