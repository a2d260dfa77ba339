"""Revision history, word diffs, restoring, and who wrote what."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workshops.attribution import attributed_segments, word_diff, words_by_author
from workshops.forms.content import RestoreForm
from workshops.forms.reviews import CompareForm
from workshops.rules import EDIT_CONTENT, VIEW
from workshops.selectors.content import (
    deleted_section_get,
    deleted_sections,
    module_get,
    revision_get,
    section_get,
    section_revisions,
)
from workshops.selectors.members import memberships_by_id
from workshops.services import content as content_services
from workshops.services.content import SectionConflict

from .base import ScopedView

# Each author gets a pattern as well as a colour, so the marks never rely on colour alone.
AUTHOR_STYLES = 8


class SectionScopedView(ScopedView):
    scope = staticmethod(section_get)

    def get_context_data(self, **kwargs):
        section = self.object
        return super().get_context_data(
            section=section, module=section.module, workshop=section.module.workshop, **kwargs
        )


class SectionHistoryView(SectionScopedView):
    permission = VIEW

    def get(self, request, pk):
        revisions = list(section_revisions(section=self.object))
        context = self.get_context_data(
            revisions=revisions,
            compare_form=CompareForm(
                initial={
                    "old": revisions[1].version if len(revisions) > 1 else 1,
                    "new": self.object.version,
                },
                versions=[r.version for r in revisions],
            ),
        )
        return render(request, "workshops/section_history.html", context)


class SectionCompareView(SectionScopedView):
    permission = VIEW

    def get(self, request, pk):
        versions = list(self.object.revisions.values_list("version", flat=True))
        form = CompareForm(request.GET, versions=versions)
        if not form.is_valid():
            context = self.get_context_data(compare_form=form)
            return render(request, "workshops/section_compare.html", context, status=400)
        old = revision_get(section=self.object, version=form.cleaned_data["old"])
        new = revision_get(section=self.object, version=form.cleaned_data["new"])
        context = self.get_context_data(
            compare_form=form,
            old=old,
            new=new,
            diff=word_diff(old.body, new.body),
            title_changed=old.title != new.title,
        )
        return render(request, "workshops/section_compare.html", context)


class SectionRestoreView(SectionScopedView):
    permission = EDIT_CONTENT

    def get(self, request, pk, version):
        revision = revision_get(section=self.object, version=version)
        context = self.get_context_data(
            revision=revision,
            diff=word_diff(self.object.body, revision.body),
            form=RestoreForm(initial={"based_on_version": self.object.version}),
        )
        return render(request, "workshops/section_restore.html", context)

    def post(self, request, pk, version):
        revision = revision_get(section=self.object, version=version)
        form = RestoreForm(request.POST)
        if not form.is_valid():
            return redirect("section_history", pk=pk)
        try:
            section = content_services.section_restore(
                section=self.object,
                revision=revision,
                based_on_version=form.cleaned_data["based_on_version"],
                actor=self.membership,
            )
        except SectionConflict:
            messages.error(
                request,
                _(
                    "Someone saved this section while you were looking. Nothing was restored; "
                    "check the latest version and try again."
                ),
            )
            return redirect("section_history", pk=pk)
        messages.success(
            request,
            _("Version %(old)s restored as version %(new)s.")
            % {"old": revision.version, "new": section.version},
        )
        return redirect("section_history", pk=pk)


class SectionAuthorsView(SectionScopedView):
    """Who wrote what: the section's text with each author's words marked."""

    permission = VIEW

    def get(self, request, pk):
        section = self.object
        members = memberships_by_id(organisation=self.organisation)
        totals = words_by_author(section.attribution)
        total_words = sum(totals.values()) or 1
        order = sorted(totals, key=lambda pk: -totals[pk])
        legend = []
        style_of = {}
        for index, author_id in enumerate(order):
            member = members.get(author_id)
            style_of[author_id] = index % AUTHOR_STYLES
            legend.append(
                {
                    "key": _legend_key(index),
                    "style": style_of[author_id],
                    "member": member,
                    "words": totals[author_id],
                    "percent": round(100 * totals[author_id] / total_words),
                }
            )
        key_of = {author_id: _legend_key(i) for i, author_id in enumerate(order)}
        # Each author's screen-reader label is made once, not once per run of their words.
        label_of = {
            author_id: _("%(name)s, %(perspective)s:")
            % {"name": member.credit_name, "perspective": member.perspective_label}
            for author_id, member in ((pk, members.get(pk)) for pk in order)
            if member is not None
        }
        segments = [
            {
                "text": text,
                "author": members.get(author_id),
                "style": style_of.get(author_id),
                "key": key_of.get(author_id),
                "label": label_of.get(author_id, ""),
            }
            for author_id, text in attributed_segments(section.body, section.attribution)
        ]
        context = self.get_context_data(legend=legend, segments=segments)
        return render(request, "workshops/section_authors.html", context)


def _legend_key(index):
    """A, B, … Z, AA, AB …: a short text label for each author."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class DeletedSectionsView(ScopedView):
    permission = VIEW

    scope = staticmethod(module_get)

    def get(self, request, pk):
        context = self.get_context_data(
            module=self.object,
            workshop=self.object.workshop,
            deleted=deleted_sections(module=self.object),
        )
        return render(request, "workshops/deleted_sections.html", context)


class SectionUndeleteView(ScopedView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]

    scope = staticmethod(deleted_section_get)

    def post(self, request, pk):
        section = content_services.section_undelete(section=self.object, actor=self.membership)
        messages.success(request, _("“%(title)s” is back.") % {"title": section.title})
        return redirect(section)
