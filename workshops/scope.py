"""Where an object belongs: its organisation, and the workshop and module it is part of.

Each model names, in ``scope_parents``, the relations that lead towards its organisation (the
first one set is followed). Permission checks and the contribution log both walk that path here,
so no caller spells out ``section.module.workshop.organisation_id`` by hand. Walks go only as far
as they need to: an object loaded with its chain (as the selectors load them) costs no query.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    organisation_id: int
    workshop_id: int | None = None
    module_id: int | None = None


def _parent(obj):
    for relation in obj.scope_parents:
        if getattr(obj, f"{relation}_id") is not None:
            return getattr(obj, relation)
    raise ValueError(f"{obj!r} has none of {obj.scope_parents} set")


def _is(obj, model_name):
    return obj._meta.model_name == model_name


def organisation_of(obj):
    """The organisation that owns an object (itself for an organisation); None for None."""
    while obj is not None and not _is(obj, "organisation"):
        obj = obj.organisation if hasattr(obj, "organisation_id") else _parent(obj)
    return obj


def organisation_id_of(obj) -> int:
    while not _is(obj, "organisation"):
        if hasattr(obj, "organisation_id"):
            return obj.organisation_id
        obj = _parent(obj)
    return obj.pk


def workshop_and_module_ids(obj) -> tuple[int | None, int | None]:
    """The workshop and module an object is part of; None for what belongs to neither
    (memberships, invitations, time records)."""
    while not (_is(obj, "organisation") or hasattr(obj, "organisation_id")):
        if _is(obj, "module"):
            return obj.workshop_id, obj.pk
        belongs_to_workshop_only = getattr(obj, "module_id", None) is None
        if getattr(obj, "workshop_id", None) is not None and belongs_to_workshop_only:
            return obj.workshop_id, None
        obj = _parent(obj)
    if _is(obj, "workshop"):
        return obj.pk, None
    return None, None


def containers_of(obj) -> dict:
    """The workshop and module objects an object is part of (itself included), by name: for
    breadcrumbs and headings. Uses the relations the selectors already loaded."""
    found = {}
    while not _is(obj, "organisation"):
        name = obj._meta.model_name
        if name in ("workshop", "module"):
            found.setdefault(name, obj)
        if hasattr(obj, "organisation_id"):
            break
        obj = _parent(obj)
    return found


def scope_of(obj) -> Scope:
    return Scope(organisation_id_of(obj), *workshop_and_module_ids(obj))
