"""Printable packs."""

from workshops.models import (
    Pack,
)

from .base import get_or_404, workshops_visible


def pack_get(*, user, pk):
    return get_or_404(
        Pack.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "module"
        ),
        pk=pk,
    )


def workshop_packs(*, workshop):
    return workshop.packs.select_related("module", "requested_by__user").order_by("-created_at")
