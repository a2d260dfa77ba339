"""Workshops, modules and sections, scoped to the user's organisations; their history."""

from django.db.models import Count, Q

from workshops.models import (
    Module,
    Section,
    Workshop,
)

from .base import get_or_404


def workshops_visible(user):
    if not user.is_authenticated or not user.is_active:
        return Workshop.objects.none()
    return Workshop.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__removed_at__isnull=True,
    )


def workshop_list(*, user, organisation):
    return (
        workshops_visible(user)
        .filter(organisation=organisation)
        .annotate(module_count=Count("modules", filter=Q(modules__deleted_at__isnull=True)))
        .order_by("title", "pk")
    )


def workshop_get(*, user, pk):
    return get_or_404(workshops_visible(user).select_related("organisation"), pk=pk)


def workshop_modules(*, workshop):
    """The workshop's modules in order, each with its number of sections, in one query."""
    return workshop.modules.annotate(
        section_count=Count("sections", filter=Q(sections__deleted_at__isnull=True))
    ).order_by("position", "pk")


def module_get(*, user, pk):
    return get_or_404(
        Module.objects.filter(workshop__in=workshops_visible(user)).select_related(
            "workshop__organisation", "agreed_version"
        ),
        pk=pk,
    )


def module_sections(*, module):
    # The page shows the cleaned HTML; the markdown source can be long and isn't needed.
    return module.sections.defer("body").order_by("position", "pk")


def section_get(*, user, pk):
    return get_or_404(
        Section.objects.filter(module__workshop__in=workshops_visible(user)).select_related(
            "module__workshop__organisation"
        ),
        pk=pk,
    )


def section_revisions(*, section):
    return section.revisions.select_related("author__user").order_by("-version")


def revision_get(*, section, version):
    return get_or_404(section.revisions.select_related("author__user"), version=version)


def deleted_sections(*, module):
    return Section.all_objects.filter(module=module, deleted_at__isnull=False).order_by(
        "-deleted_at"
    )


def deleted_section_get(*, user, pk):
    return get_or_404(
        Section.all_objects.filter(
            module__workshop__in=workshops_visible(user), deleted_at__isnull=False
        ).select_related("module__workshop__organisation"),
        pk=pk,
    )
