"""Printable packs: ask for one, watch it being made, download it."""

from functools import cached_property

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workshops.enums import PackState
from workshops.forms.packs import PackRequestForm
from workshops.rules import VIEW
from workshops.selectors.consent import pack_refused_stories
from workshops.selectors.content import workshop_get
from workshops.selectors.packs import pack_get, workshop_pack_modules, workshop_packs_page
from workshops.services import packs as pack_services

from .base import GET_ONLY, ScopedFormView, ScopedTemplateView, ScopedView, is_htmx


class WorkshopPacksMixin(ScopedFormView):
    """The packs page with its request form: shown by WorkshopPacksView, and shown again with
    the form's errors by PackRequestView, where the form posts."""

    permission = VIEW
    scope = staticmethod(workshop_get)
    template_name = "workshops/packs.html"
    form_class = PackRequestForm

    @cached_property
    def modules(self):
        return workshop_pack_modules(workshop=self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "modules": self.modules}

    def get_context_data(self, **kwargs):
        page = workshop_packs_page(workshop=self.object, modules=self.modules)
        return super().get_context_data(**page, **kwargs)


class WorkshopPacksView(WorkshopPacksMixin):
    # Its form posts to PackRequestView.
    http_method_names = GET_ONLY


class PackRequestView(WorkshopPacksMixin):
    http_method_names = ["post"]

    def save(self, form):
        return pack_services.pack_request(
            workshop=self.object,
            kind=form.cleaned_data["kind"],
            module=form.cleaned_data["module"],
            print_size=form.cleaned_data["print_size"],
            actor=self.membership,
        )


class PackScopedView(ScopedView):
    permission = VIEW
    scope = staticmethod(pack_get)


class PackDetailView(PackScopedView, ScopedTemplateView):
    """The pack's page; polled with htmx for its state while it is being made."""

    def get_template_names(self):
        if is_htmx(self.request):
            return ["partials/pack_status.html"]
        return ["workshops/pack_detail.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pack=self.object,
            workshop=self.object.workshop,
            refused_stories=pack_refused_stories(pack=self.object),
            **kwargs,
        )


class PackRetryView(PackScopedView):
    http_method_names = ["post"]

    def post(self, request, pk):
        pack = pack_services.pack_retry(pack=self.object, actor=self.membership)
        if pack.is_ready:
            messages.info(request, _("Your pack is ready."))
        elif pack.state == PackState.RENDERING:
            messages.info(request, _("Your pack is being made right now."))
        else:
            messages.info(request, _("We're trying again."))
        return redirect(pack)


class PackDownloadView(PackScopedView):
    """The PDF, after the same scoped lookup and permission check as every other page."""

    def get(self, request, pk):
        pack = self.object
        if not pack.is_ready or not pack.path.exists():
            raise Http404
        refused = pack_refused_stories(pack=pack)
        if refused:
            # 410: the file exists, but consent for a story in it no longer lets it go out.
            context = self.get_context_data(pack=pack, refused_stories=refused)
            return render(request, "workshops/pack_withdrawn.html", context, status=410)
        response = FileResponse(
            open(pack.path, "rb"),  # noqa: SIM115 (FileResponse closes it)
            content_type="application/pdf",
            as_attachment=True,
            filename=pack.file_name or "pack.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
