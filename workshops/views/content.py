"""Workshops, modules and sections: thin views that validate a form and call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshops.attribution import word_diff
from workshops.forms.content import ModuleForm, MoveForm, PreviewForm, SectionForm, WorkshopForm
from workshops.markdown import render_markdown
from workshops.rules import EDIT_CONTENT, VIEW
from workshops.selectors.content import (
    module_get,
    module_sections,
    section_get,
    workshop_get,
    workshop_list,
    workshop_modules,
)
from workshops.selectors.contributions import module_balance, workshop_balance
from workshops.selectors.members import memberships_by_id, organisation_get
from workshops.selectors.reviews import agreed_stamp, open_round
from workshops.services import content as content_services
from workshops.services.content import SectionConflict

from .base import ScopedView, is_htmx


class WorkshopListView(ScopedView):
    permission = VIEW

    scope = staticmethod(organisation_get)
    pk_url_kwarg = "org_id"

    def get(self, request, org_id):
        context = self.get_context_data(
            workshops=workshop_list(user=request.user, organisation=self.object)
        )
        return render(request, "workshops/workshop_list.html", context)


class WorkshopCreateView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(organisation_get)
    pk_url_kwarg = "org_id"

    def get(self, request, org_id):
        return self._render(WorkshopForm())

    def post(self, request, org_id):
        form = WorkshopForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        workshop = content_services.workshop_create(
            organisation=self.object, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Workshop created."))
        return redirect(workshop)

    def _render(self, form, status=200):
        context = self.get_context_data(form=form, title=_("New workshop"))
        return render(self.request, "workshops/form_page.html", context, status=status)


class WorkshopDetailView(ScopedView):
    permission = VIEW

    scope = staticmethod(workshop_get)

    def get(self, request, pk):
        context = self.get_context_data(workshop=self.object, **_workshop_modules(self.object))
        return render(request, "workshops/workshop_detail.html", context)


def _workshop_modules(workshop):
    """The workshop's modules, each carrying its balance of lived and learned experience."""
    memberships = memberships_by_id(organisation=workshop.organisation)
    per_module, whole = workshop_balance(workshop=workshop, memberships=memberships)
    modules = list(workshop_modules(workshop=workshop))
    for module in modules:
        module.balance = per_module.get(module.pk)
    return {"modules": modules, "balance": whole, "balance_people": whole.people(memberships)}


class WorkshopEditView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(workshop_get)

    def get(self, request, pk):
        workshop = self.object
        initial = {field: getattr(workshop, field) for field in WorkshopForm.base_fields}
        return self._render(WorkshopForm(initial=initial))

    def post(self, request, pk):
        form = WorkshopForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        content_services.workshop_update(
            workshop=self.object, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Workshop saved."))
        return redirect(self.object)

    def _render(self, form, status=200):
        context = self.get_context_data(
            form=form, title=_("Edit workshop"), back=self.object, workshop=self.object
        )
        return render(self.request, "workshops/form_page.html", context, status=status)


class ModuleCreateView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(workshop_get)

    def get(self, request, pk):
        return self._render(ModuleForm(initial={"planned_minutes": 30}))

    def post(self, request, pk):
        form = ModuleForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        module = content_services.module_create(
            workshop=self.object, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Module added."))
        return redirect(module)

    def _render(self, form, status=200):
        context = self.get_context_data(
            form=form, title=_("New module"), back=self.object, workshop=self.object
        )
        return render(self.request, "workshops/form_page.html", context, status=status)


class ModuleDetailView(ScopedView):
    permission = VIEW

    scope = staticmethod(module_get)

    def get(self, request, pk):
        sections = list(module_sections(module=self.object))
        memberships = memberships_by_id(organisation=self.organisation)
        balance = module_balance(
            module=self.object, sections=sections, memberships=memberships
        )
        context = self.get_context_data(
            module=self.object,
            workshop=self.object.workshop,
            sections=sections,
            balance=balance,
            balance_people=balance.people(memberships),
            open_round=open_round(module=self.object),
            stamp=agreed_stamp(version=self.object.agreed_version),
        )
        return render(request, "workshops/module_detail.html", context)


class ModuleEditView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(module_get)

    def get(self, request, pk):
        initial = {field: getattr(self.object, field) for field in ModuleForm.base_fields}
        return self._render(ModuleForm(initial=initial))

    def post(self, request, pk):
        form = ModuleForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        content_services.module_update(
            module=self.object, actor=self.membership, **form.cleaned_data
        )
        messages.success(request, _("Module saved."))
        return redirect(self.object)

    def _render(self, form, status=200):
        context = self.get_context_data(
            form=form,
            title=_("Edit module"),
            back=self.object,
            workshop=self.object.workshop,
            module=self.object,
        )
        return render(self.request, "workshops/form_page.html", context, status=status)


class ModuleDeleteView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(module_get)

    def get(self, request, pk):
        context = self.get_context_data(
            thing=self.object,
            kind=_("module"),
            back=self.object,
            workshop=self.object.workshop,
            module=self.object,
        )
        return render(request, "workshops/confirm_delete.html", context)

    def post(self, request, pk):
        workshop = self.object.workshop
        content_services.module_delete(module=self.object, actor=self.membership)
        messages.success(request, _("Module “%(title)s” deleted.") % {"title": self.object.title})
        return redirect(workshop)


class ModuleMoveView(ScopedView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]

    scope = staticmethod(module_get)

    def post(self, request, pk):
        form = MoveForm(request.POST)
        if form.is_valid():
            content_services.module_move(
                module=self.object, direction=form.cleaned_data["direction"], actor=self.membership
            )
        workshop = self.object.workshop
        if is_htmx(request):
            context = self.get_context_data(workshop=workshop, **_workshop_modules(workshop))
            return render(request, "partials/module_list.html", context)
        return redirect(workshop)


class SectionCreateView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(module_get)

    def get(self, request, pk):
        return self._render(SectionForm(initial={"audience": "everyone"}))

    def post(self, request, pk):
        form = SectionForm(request.POST)
        if not form.is_valid() or "preview" in request.POST:
            return self._render(form, status=200 if form.is_valid() else 400)
        data = form.cleaned_data
        data.pop("based_on_version")
        content_services.section_create(module=self.object, actor=self.membership, **data)
        messages.success(request, _("Section added."))
        return redirect(self.object)

    def _render(self, form, status=200):
        context = self.get_context_data(
            form=form,
            title=_("New section"),
            module=self.object,
            workshop=self.object.workshop,
            preview_html=render_markdown(form.data.get("body", "")) if form.is_bound else "",
        )
        return render(self.request, "workshops/section_form.html", context, status=status)


class SectionEditView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(section_get)

    def get(self, request, pk):
        section = self.object
        initial = {
            field: getattr(section, field)
            for field in SectionForm.base_fields
            if field != "based_on_version"
        }
        initial["based_on_version"] = section.version
        return self._render(SectionForm(initial=initial), preview_html=section.body_html)

    def post(self, request, pk):
        form = SectionForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        data = form.cleaned_data
        if "preview" in request.POST:
            return self._render(form, preview_html=render_markdown(data["body"]))
        based_on = data.pop("based_on_version")
        if based_on is None:
            return self._render_conflict(form, self.object)
        try:
            section = content_services.section_update(
                section=self.object, based_on_version=based_on, actor=self.membership, **data
            )
        except SectionConflict as conflict:
            return self._render_conflict(form, conflict.current)
        messages.success(
            request, _("Saved. This is version %(version)s.") % {"version": section.version}
        )
        return redirect(section)

    def _render(self, form, status=200, preview_html=""):
        section = self.object
        context = self.get_context_data(
            form=form,
            title=_("Edit “%(title)s”") % {"title": section.title},
            section=section,
            module=section.module,
            workshop=section.module.workshop,
            preview_html=preview_html,
        )
        return render(self.request, "workshops/section_form.html", context, status=status)

    def _render_conflict(self, form, current):
        """Show both texts and their difference; the form keeps the person's text, now based on
        the saved version, so saving it again after merging works."""
        data = form.data.copy()
        data["based_on_version"] = str(current.version)
        merged_form = SectionForm(data)
        merged_form.is_valid()
        context = self.get_context_data(
            form=merged_form,
            title=_("Merge your changes into “%(title)s”") % {"title": current.title},
            section=current,
            module=current.module,
            workshop=current.module.workshop,
            saved_text=current.body,
            your_text=form.cleaned_data["body"],
            diff=word_diff(current.body, form.cleaned_data["body"]),
            preview_html=render_markdown(form.cleaned_data["body"]),
        )
        return render(self.request, "workshops/section_conflict.html", context, status=409)


class SectionDeleteView(ScopedView):
    permission = EDIT_CONTENT

    scope = staticmethod(section_get)

    def get(self, request, pk):
        context = self.get_context_data(
            thing=self.object,
            kind=_("section"),
            back=self.object,
            workshop=self.object.module.workshop,
            module=self.object.module,
        )
        return render(request, "workshops/confirm_delete.html", context)

    def post(self, request, pk):
        module = self.object.module
        content_services.section_delete(section=self.object, actor=self.membership)
        messages.success(request, _("Section “%(title)s” deleted.") % {"title": self.object.title})
        return redirect(module)


class SectionMoveView(ScopedView):
    permission = EDIT_CONTENT
    http_method_names = ["post"]

    scope = staticmethod(section_get)

    def post(self, request, pk):
        form = MoveForm(request.POST)
        if form.is_valid():
            content_services.section_move(
                section=self.object, direction=form.cleaned_data["direction"], actor=self.membership
            )
        module = self.object.module
        if is_htmx(request):
            context = self.get_context_data(
                module=module,
                workshop=module.workshop,
                sections=module_sections(module=module),
            )
            return render(request, "partials/section_list.html", context)
        return redirect(module)


@login_required
@require_POST
def markdown_preview(request):
    """The rendered, sanitised preview of markdown being typed (htmx). Reads and writes nothing."""
    form = PreviewForm(request.POST)
    html = render_markdown(form.cleaned_data["body"]) if form.is_valid() else ""
    return render(request, "partials/markdown_preview.html", {"preview_html": html})
