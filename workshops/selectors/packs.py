"""Printable packs."""

from django.db.models import QuerySet

from workshops.enums import PackKind, PrintSize
from workshops.models import (
    Module,
    Pack,
    User,
    Workshop,
)
from workshops.pdf.assemble import contents_of, pack_content_key, story_consents, with_stories

from .base import get_or_404, workshops_visible


def pack_get(*, user: User, pk: object) -> Pack:
    return get_or_404(
        Pack.objects.filter(workshop__in=workshops_visible(user)).select_related(
            # The module's own chain too: the page names the workshop and module it is part of.
            "workshop__organisation",
            "module__workshop__organisation",
        ),
        pk=pk,
    )


def workshop_packs(*, workshop: Workshop) -> QuerySet[Pack]:
    return workshop.packs.select_related("module", "requested_by__user").order_by("-created_at")


def workshop_pack_modules(*, workshop: Workshop) -> list[Module]:
    """The workshop's modules in order, each loaded with its agreed version, in one query. Not
    its evaluation: that is answered, not printed."""
    return list(
        workshop.modules.filter(is_evaluation=False)
        .select_related("agreed_version")
        .order_by("position", "pk")
    )


def _current_keys(*, workshop: Workshop, modules: list[Module]) -> dict:
    """The content key each kind of pack would have now, in each print size, to mark older
    packs out of date.

    ``modules`` are all the workshop's modules in order, loaded with their agreed versions, so
    this runs one query (the consent of their stories).
    """
    wanted = [(kind, None, modules) for kind in (PackKind.ATTENDEE, PackKind.FACILITATOR)]
    wanted += [(PackKind.MODULE_HANDOUT, m, [m]) for m in modules if m.agreed_version]
    known = story_consents(modules)
    keys = {}
    for kind, module, included in wanted:
        contents = with_stories(
            contents_of(included), kind=kind, consents=story_consents(included, known=known)
        )
        for print_size in PrintSize.values:
            keys[(kind, module.pk if module else None, print_size)] = pack_content_key(
                kind=kind,
                print_size=print_size,
                workshop=workshop,
                module=module,
                contents=contents,
            )
    return keys


def workshop_packs_page(*, workshop: Workshop, modules: list[Module] | None = None) -> dict:
    """The packs page: the workshop's modules with their agreed versions, and the packs made so
    far, newest first, each marked ``is_out_of_date`` when what is agreed now differs.

    ``modules``, when the caller already has them from ``workshop_pack_modules``, saves a query.
    """
    if modules is None:
        modules = workshop_pack_modules(workshop=workshop)
    packs = list(workshop_packs(workshop=workshop))
    keys = _current_keys(workshop=workshop, modules=modules)
    for pack in packs:
        current = keys.get((pack.kind, pack.module_id, pack.print_size))
        pack.is_out_of_date = current != pack.content_key
    return {"workshop": workshop, "modules": modules, "packs": packs}
