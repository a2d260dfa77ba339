"""Workshops, modules and sections: thin views that validate a form and call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workshops.attribution import word_diff
from workshops.enums import SectionAudience
from workshops.forms.content import (
    ModuleForm,
    MoveForm,
    PreviewForm,
    QuestionForm,
    SectionForm,
    WorkshopForm,
)
from workshops.markdown import render_markdown
from workshops.models import Module, Section
from workshops.rules import COMMENT, EDIT_CONTENT, VIEW, can
from workshops.selectors.content import (
    module_get,
    module_page,
    module_section_cards,
    section_get,
    workshop_get,
    workshop_list_page,
    workshop_page,
)
from workshops.selectors.deliveries import co_production_record
from workshops.selectors.members import organisation_get
from workshops.services import content as content_services
from workshops.services.content import NamesKeptOut, SectionConflict

from .base import ScopedConfirmView, ScopedFormView, ScopedTemplateView, ScopedView, is_htmx


class EditFormMixin:
    """Starts the form from the object's current values."""

    def get_initial(self):
        return model_to_dict(self.object, fields=self.get_form_class()._meta.fields)


class WorkshopListView(ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(organisation_get)
    pk_url_kwarg = "org_id"
    template_name = "workshops/workshop_list.html"

    def get_context_data(self, **kwargs):
        page = workshop_list_page(user=self.request.user, organisation=self.object)
        co_production = co_production_record(organisation=self.object)
        return super().get_context_data(co_production=co_production, **page, **kwargs)


class WorkshopCreateView(ScopedFormView):
    permission = EDIT_CONTENT
    scope = staticmethod(organisation_get)
    pk_url_kwarg = "org_id"
    form_class = WorkshopForm
    title = gettext_lazy("New workshop")
    submit_label = gettext_lazy("Make the workshop")
    success_message = gettext_lazy("Workshop created.")

    def save(self, form):
        return content_services.workshop_create(
            organisation=self.object, actor=self.membership, **form.cleaned_data
        )


class WorkshopDetailView(ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(workshop_get)
    template_name = "workshops/workshop_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**workshop_page(workshop=self.object), **kwargs)


class WorkshopEditView(EditFormMixin, ScopedFormView):
    permission = EDIT_CONTENT
    scope = staticmethod(workshop_get)
    form_class = WorkshopForm
    title = gettext_lazy("Edit workshop")
    submit_label = gettext_lazy("Save the workshop")
    success_message = gettext_lazy("Workshop saved.")

    def save(self, form):
        return content_services.workshop_update(
            workshop=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)


class ModuleCreateView(ScopedFormView):
    permission = EDIT_CONTENT
    scope = staticmethod(workshop_get)
    form_class = ModuleForm
    title = gettext_lazy("New module")
    submit_label = gettext_lazy("Add the module")
    success_message = gettext_lazy("Module added.")

    def save(self, form):
        return content_services.module_create(
            workshop=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)


class ModuleDetailView(ScopedTemplateView):
    permission = VIEW
    scope = staticmethod(module_get)
    template_name = "workshops/module_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **module_page(module=self.object),
            can_comment=can(self.request.user, COMMENT, self.organisation),
            **kwargs,
        )


class ModuleEditView(EditFormMixin, ScopedFormView):
    permission = EDIT_CONTENT
    scope = staticmethod(module_get)
    form_class = ModuleForm
    title = gettext_lazy("Edit module")
    submit_label = gettext_lazy("Save the module")
    success_message = gettext_lazy("Module saved.")

    def save(self, form):
        return content_services.module_update(
            module=self.object, actor=self.membership, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.object, **kwargs)


class ContentDeleteView(ScopedConfirmView):
    """Asks before deleting a module or a section; deleting only marks it, keeping its text."""

    permission = EDIT_CONTENT
    template_name = "workshops/confirm_delete.html"
    kind = None
    deleted_message = None

    def delete(self):
        raise NotImplementedError

    def save(self, form):
        self.delete()

    def get_success_message(self):
        return self.deleted_message % {"title": self.object.title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            thing=self.object, kind=self.kind, back=self.object, **kwargs
        )


class ModuleDeleteView(ContentDeleteView):
    scope = staticmethod(module_get)
    kind = gettext_lazy("module")
    deleted_message = gettext_lazy("Module “%(title)s” deleted.")

    def delete(self):
        content_services.module_delete(module=self.object, actor=self.membership)

    def get_success_url(self):
        return self.object.workshop.get_absolute_url()


class SectionDeleteView(ContentDeleteView):
    scope = staticmethod(section_get)
    kind = gettext_lazy("section")
    deleted_message = gettext_lazy("Section “%(title)s” deleted.")

    def delete(self):
        content_services.section_delete(section=self.object, actor=self.membership)

    def get_success_url(self):
        return self.object.module.get_absolute_url()


class MoveView(ScopedView):
    """Moves a module or section one place up or down; with htmx, answers the redrawn list."""

    permission = EDIT_CONTENT
    http_method_names = ["post"]
    partial_template = None

    def move(self, direction):
        raise NotImplementedError

    def container(self):
        """The workshop or module whose list the object is in."""
        raise NotImplementedError

    def list_context(self):
        raise NotImplementedError

    def post(self, request, pk):
        form = MoveForm(request.POST)
        if form.is_valid():
            self.move(form.cleaned_data["direction"])
        if is_htmx(request):
            context = self.get_context_data(**self.list_context())
            return render(request, self.partial_template, context)
        return redirect(self.container())


class ModuleMoveView(MoveView):
    scope = staticmethod(module_get)
    partial_template = "partials/module_list.html"

    def move(self, direction):
        content_services.module_move(module=self.object, direction=direction, actor=self.membership)

    def container(self):
        return self.object.workshop

    def list_context(self):
        return workshop_page(workshop=self.object.workshop)


class SectionMoveView(MoveView):
    scope = staticmethod(section_get)
    partial_template = "partials/section_list.html"

    def move(self, direction):
        content_services.section_move(
            section=self.object, direction=direction, actor=self.membership
        )

    def container(self):
        return self.object.module

    def list_context(self):
        return {"sections": module_section_cards(module=self.object.module)}


class SectionFormView(ScopedFormView):
    """The section editor: "Preview" shows the cleaned text and saves nothing."""

    permission = EDIT_CONTENT
    form_class = SectionForm
    template_name = "workshops/section_form.html"

    def module(self):
        return self.object if isinstance(self.object, Module) else self.object.module

    def get_form_class(self):
        # A section of the workshop's evaluation is a question: how it is answered, and when.
        return QuestionForm if self.module().is_evaluation else SectionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if isinstance(self.object, Section):
            kwargs.update(self._question_kwargs(self.object))
        return kwargs

    def _question_kwargs(self, section):
        return {"question": section.question} if self.module().is_evaluation else {}

    def form_valid(self, form):
        if "preview" in self.request.POST:
            preview = render_markdown(form.cleaned_data["body"])
            return self.render_to_response(self.get_context_data(form=form, preview_html=preview))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        # A new section has nothing to preview until something is typed.
        kwargs.setdefault("preview_html", "")
        return super().get_context_data(**kwargs)


class SectionCreateView(SectionFormView):
    scope = staticmethod(module_get)
    title = gettext_lazy("New section")
    success_message = gettext_lazy("Section added.")

    def get_initial(self):
        return {"audience": SectionAudience.EVERYONE}

    def save(self, form):
        data = form.cleaned_data
        data.pop("based_on_version")
        data.pop("names_confirmed")
        return content_services.section_create(module=self.object, actor=self.membership, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        if form is not None and form.is_bound and "preview_html" not in kwargs:
            kwargs["preview_html"] = render_markdown(form.data.get("body", ""))
        return super().get_context_data(**kwargs)


class SectionEditView(EditFormMixin, SectionFormView):
    scope = staticmethod(section_get)

    def get_initial(self):
        return {**super().get_initial(), "based_on_version": self.object.version}

    def get_title(self):
        return _("Edit “%(title)s”") % {"title": self.object.title}

    def get_context_data(self, **kwargs):
        if self.request.method == "GET":
            kwargs.setdefault("preview_html", self.object.body_html)
        kwargs.setdefault("section", self.object)
        kwargs.setdefault("names_kept_out", getattr(self, "names_kept_out", []))
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return super().form_valid(form)
        data = form.cleaned_data
        based_on = data.pop("based_on_version")
        if based_on is None:
            return self.conflict(form, self.object)
        try:
            section = content_services.section_update(
                section=self.object, based_on_version=based_on, actor=self.membership, **data
            )
        except SectionConflict as conflict:
            return self.conflict(form, conflict.current)
        except NamesKeptOut as kept_out:
            self.names_kept_out = kept_out.names  # the "save anyway" box is shown beside them
            form.add_error(
                "body",
                _(
                    "This story names %(names)s, which its consent asks to keep out. Change the "
                    "text, or tick “save anyway” below if the names are meant to be here."
                )
                % {"names": ", ".join(f"“{name}”" for name in kept_out.names)},
            )
            return self.form_invalid(form)
        messages.success(
            self.request, _("Saved. This is version %(version)s.") % {"version": section.version}
        )
        return redirect(section)

    def conflict(self, form, current):
        """Show both texts and their difference; the form keeps the person's text, now based on
        the saved version, so saving it again after merging works."""
        data = form.data.copy()
        data["based_on_version"] = str(current.version)
        merged_form = self.get_form_class()(data, **self._question_kwargs(current))
        merged_form.is_valid()
        your_text = form.cleaned_data["body"]
        context = self.get_context_data(
            form=merged_form,
            title=_("Merge your changes into “%(title)s”") % {"title": current.title},
            section=current,
            module=current.module,
            workshop=current.module.workshop,
            saved_text=current.body,
            your_text=your_text,
            diff=word_diff(current.body, your_text),
            preview_html=render_markdown(your_text),
        )
        return render(self.request, "workshops/section_conflict.html", context, status=409)


@login_required
@require_POST
def markdown_preview(request):
    """The rendered, sanitised preview of markdown being typed (htmx). Reads and writes nothing."""
    form = PreviewForm(request.POST)
    html = render_markdown(form.cleaned_data["body"]) if form.is_valid() else ""
    return render(request, "partials/markdown_preview.html", {"preview_html": html})
