"""Printable packs: ask for one, watch it being made, download it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workshops.enums import PackKind
from workshops.forms.packs import PackRequestForm
from workshops.pdf.assemble import contents_of, pack_content_key
from workshops.rules import VIEW
from workshops.selectors.content import workshop_get
from workshops.selectors.packs import pack_get, workshop_packs
from workshops.services import packs as pack_services

from .base import ScopedView, is_htmx


def _current_keys(workshop, modules):
    """The content key each kind of pack would have now, to mark older packs out of date.

    ``modules`` are all the workshop's modules in order, loaded with their agreed versions, so
    this runs no query.
    """
    keys = {}
    whole = contents_of(modules)
    for kind in (PackKind.ATTENDEE, PackKind.FACILITATOR):
        keys[(kind, None)] = pack_content_key(
            kind=kind, workshop=workshop, module=None, contents=whole
        )
    for module in (m for m in modules if m.agreed_version):
        contents = contents_of([module])
        keys[(PackKind.MODULE_HANDOUT, module.pk)] = pack_content_key(
            kind=PackKind.MODULE_HANDOUT, workshop=workshop, module=module, contents=contents
        )
    return keys


class WorkshopPacksView(ScopedView):
    permission = VIEW

    scope = staticmethod(workshop_get)

    def get(self, request, pk, form=None, status=200):
        workshop = self.object
        modules = list(workshop.modules.select_related("agreed_version").order_by("position", "pk"))
        packs = list(workshop_packs(workshop=workshop))
        keys = _current_keys(workshop, modules)
        for pack in packs:
            pack.is_out_of_date = keys.get((pack.kind, pack.module_id)) != pack.content_key
        context = self.get_context_data(
            workshop=workshop,
            modules=modules,
            packs=packs,
            form=form or PackRequestForm(modules=modules),
        )
        return render(request, "workshops/packs.html", context, status=status)


class PackRequestView(WorkshopPacksView):
    http_method_names = ["post"]

    def post(self, request, pk):
        workshop = self.object
        modules = list(workshop.modules.select_related("agreed_version"))
        form = PackRequestForm(request.POST, modules=modules)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        try:
            pack = pack_services.pack_request(
                workshop=workshop,
                kind=form.cleaned_data["kind"],
                module=form.cleaned_data["module"],
                actor=self.membership,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.get(request, pk, form=form, status=400)
        return redirect(pack)


class PackScopedView(ScopedView):
    permission = VIEW

    scope = staticmethod(pack_get)


class PackDetailView(PackScopedView):
    def get(self, request, pk):
        pack = self.object
        template = "partials/pack_status.html" if is_htmx(request) else "workshops/pack_detail.html"
        context = self.get_context_data(pack=pack, workshop=pack.workshop)
        return render(request, template, context)


class PackRetryView(PackScopedView):
    http_method_names = ["post"]

    def post(self, request, pk):
        pack_services.pack_retry(pack=self.object, actor=self.membership)
        messages.info(request, _("We're trying again."))
        return redirect(self.object)


class PackDownloadView(PackScopedView):
    """The PDF, after the same scoped lookup and permission check as every other page."""

    def get(self, request, pk):
        pack = self.object
        if pack.state != "ready" or not pack.path.exists():
            raise Http404
        response = FileResponse(
            open(pack.path, "rb"),  # noqa: SIM115 (FileResponse closes it)
            content_type="application/pdf",
            as_attachment=True,
            filename=pack.file_name or "pack.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
