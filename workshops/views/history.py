"""Revision history, word diffs, restoring, and who wrote what."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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
    section_versions,
)
from workshops.selectors.history import (
    section_authors_formatted_page,
    section_compare_page,
    section_restore_page,
)
from workshops.services import content as content_services
from workshops.services.content import SectionConflict

from .base import ScopedFormView, ScopedTemplateView, ScopedView


class SectionScopedMixin:
    scope = staticmethod(section_get)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.object, **kwargs)


class SectionHistoryView(SectionScopedMixin, ScopedTemplateView):
    permission = VIEW
    template_name = "workshops/section_history.html"

    def get_context_data(self, **kwargs):
        revisions = list(section_revisions(section=self.object))
        compare_form = CompareForm(
            initial={
                "old": revisions[1].version if len(revisions) > 1 else 1,
                "new": self.object.version,
            },
            versions=[r.version for r in revisions],
        )
        return super().get_context_data(revisions=revisions, compare_form=compare_form, **kwargs)


class SectionCompareView(SectionScopedMixin, ScopedTemplateView):
    """The word diff between two versions, chosen in a GET form."""

    permission = VIEW
    template_name = "workshops/section_compare.html"

    def get(self, request, *args, **kwargs):
        form = CompareForm(request.GET, versions=section_versions(section=self.object))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(compare_form=form), status=400)
        old = revision_get(section=self.object, version=form.cleaned_data["old"])
        new = revision_get(section=self.object, version=form.cleaned_data["new"])
        context = self.get_context_data(compare_form=form, **section_compare_page(old=old, new=new))
        return self.render_to_response(context)


class SectionRestoreView(SectionScopedMixin, ScopedFormView):
    """Makes an earlier version the current one, as a new version; its words keep their
    authors. A stale or garbled form restores nothing and goes back to the history."""

    permission = EDIT_CONTENT
    form_class = RestoreForm
    template_name = "workshops/section_restore.html"

    def load_related_objects(self):
        self.revision = revision_get(section=self.object, version=self.kwargs["version"])

    def get_initial(self):
        return {"based_on_version": self.object.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **section_restore_page(section=self.object, revision=self.revision), **kwargs
        )

    def form_invalid(self, form):
        return redirect("section_history", pk=self.object.pk)

    def form_valid(self, form):
        try:
            section = content_services.section_restore(
                section=self.object,
                revision=self.revision,
                based_on_version=form.cleaned_data["based_on_version"],
                actor=self.membership,
            )
        except SectionConflict:
            messages.error(
                self.request,
                _(
                    "Someone saved this section while you were looking. Nothing was restored; "
                    "check the latest version and try again."
                ),
            )
        else:
            messages.success(
                self.request,
                _("Version %(old)s restored as version %(new)s.")
                % {"old": self.revision.version, "new": section.version},
            )
        return redirect("section_history", pk=self.object.pk)


class SectionAuthorsView(SectionScopedMixin, ScopedTemplateView):
    """Who wrote what: the section's text with each author's words marked."""

    permission = VIEW
    template_name = "workshops/section_authors.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **section_authors_formatted_page(section=self.object), **kwargs
        )


class DeletedSectionsView(ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(module_get)
    template_name = "workshops/deleted_sections.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(deleted=deleted_sections(module=self.object), **kwargs)


class SectionUndeleteView(ScopedView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]
    scope = staticmethod(deleted_section_get)

    def post(self, request, pk):
        section = content_services.section_undelete(section=self.object, actor=self.membership)
        messages.success(request, _("“%(title)s” is back.") % {"title": section.title})
        return redirect(section)
