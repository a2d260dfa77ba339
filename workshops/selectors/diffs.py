"""The word diff on the formatted text, as the pages show it (the section history and the review
rounds both use it)."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from workshops.marked_markdown import render_word_diff


def word_diff_html(*, old_text: str, new_text: str) -> SafeString:
    """The new text formatted, with added and removed words marked on it."""
    # render_word_diff builds its tags itself around sanitised text, so it is safe to show.
    return mark_safe(  # noqa: S308
        render_word_diff(old_text, new_text, added=_("added:"), removed=_("removed:"))
    )
