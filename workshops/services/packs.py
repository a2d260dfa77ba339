"""Printable packs: ask for one, retry one, and render one (from a task or a command).

A pack is a cached artefact keyed by its inputs (pretix-style): asking for an unchanged pack
finds the existing row, and its file, instead of rendering again.
"""

import logging
import os
import tempfile
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workshops.enums import Action, PackKind, PackState
from workshops.models import Membership, Module, Pack, Workshop
from workshops.outbox import enqueue
from workshops.pdf.assemble import pack_content_key, pack_contents, pack_html, pack_material
from workshops.pdf.render import RenderedPdf, render_pdf
from workshops.rules import VIEW

from .contributions import contribution_record
from .permissions import require

logger = logging.getLogger(__name__)


@transaction.atomic
def pack_request(
    *, workshop: Workshop, kind: str, module: Module | None = None, actor: Membership
) -> Pack:
    """The pack for what is agreed now: the existing one if nothing changed, else a new one,
    queued for rendering after commit. Refused when nothing is agreed yet."""
    require(actor, VIEW, workshop)
    if (kind == PackKind.MODULE_HANDOUT) != (module is not None):
        raise ValueError("A module handout needs a module; other packs must not have one.")
    contents = pack_contents(workshop=workshop, module=module)
    if not contents["versions"]:
        raise ValidationError(
            _("Nothing here has been agreed yet. Packs hold agreed versions only.")
        )
    key = pack_content_key(kind=kind, workshop=workshop, module=module, contents=contents)
    pack = Pack.objects.filter(content_key=key).first()
    if pack is not None:
        if pack.state == PackState.READY and not pack.path.exists():
            # The file went missing (a restored database, a cleaned disk): make it again.
            pack.state = PackState.QUEUED
            pack.save(update_fields=["state"])
            enqueue("pack_render_task", pack_id=pack.pk)
        return pack
    try:
        with transaction.atomic():
            pack = Pack.objects.create(
                workshop=workshop,
                module=module,
                kind=kind,
                content_key=key,
                contents=contents,
                requested_by=actor,
            )
    except IntegrityError:
        # Someone asked for the same pack at the same moment: theirs is ours.
        return Pack.objects.get(content_key=key)
    contribution_record(actor=actor, action=Action.PACK_REQUEST, target=pack)
    enqueue("pack_render_task", pack_id=pack.pk)
    return pack


@transaction.atomic
def pack_retry(*, pack: Pack, actor: Membership) -> Pack:
    """Queue a failed (or abandoned) render again."""
    require(actor, VIEW, pack)
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if not pack.can_retry:
        return pack
    pack.state = PackState.QUEUED
    pack.error = ""
    pack.save(update_fields=["state", "error"])
    contribution_record(actor=actor, action=Action.PACK_RETRY, target=pack)
    enqueue("pack_render_task", pack_id=pack.pk)
    return pack


def _claim(pack_id: int) -> Pack | None:
    """Mark the pack as rendering, unless it is ready (or gone). Returns it, or None."""
    with transaction.atomic():
        pack = (
            # "of": the module join is an outer one, which PostgreSQL can't lock.
            Pack.objects.select_for_update(of=("self",))
            .select_related("workshop__organisation", "module")
            .filter(pk=pack_id)
            .first()
        )
        if pack is None or (pack.state == PackState.READY and pack.path.exists()):
            return None
        pack.state = PackState.RENDERING
        pack.started_at = timezone.now()
        pack.attempts += 1
        pack.save(update_fields=["state", "started_at", "attempts"])
        return pack


def pack_build(pack: Pack) -> RenderedPdf:
    """The PDF for a pack's recorded contents, as bytes. Used by the task and the command."""
    material = pack_material(
        workshop=pack.workshop,
        kind=pack.kind,
        contents=pack.contents,
        single_module=pack.kind == PackKind.MODULE_HANDOUT,
    )
    return render_pdf(pack_html(material))


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def pack_render(*, pack_id: int) -> Pack | None:
    """Render a queued pack and store its file. Idempotent: a ready pack is left as it is.

    A failure is recorded on the pack with a plain message (and can be retried); it never
    leaves the pack marked as rendering. A worker killed mid-render leaves it "rendering" until
    ``Pack.is_stuck``, after which it can be retried too.
    """
    pack = _claim(pack_id)
    if pack is None:
        return None
    try:
        rendered = pack_build(pack)
        _write_atomically(pack.path, rendered.data)
    except SoftTimeLimitExceeded:
        _fail(pack, _("Making this pack took too long and was stopped."))
        raise
    except Exception:
        logger.exception("Rendering pack %s failed", pack.pk)
        _fail(pack, _("Something went wrong while making this pack."))
        return pack
    if rendered.refused_urls:
        logger.warning("Pack %s: refused to fetch %s", pack.pk, rendered.refused_urls)
    Pack.objects.filter(pk=pack.pk).update(
        state=PackState.READY,
        finished_at=timezone.now(),
        size_bytes=len(rendered.data),
        page_count=rendered.page_count,
        error="",
        file_name=_file_name(pack),
    )
    pack.refresh_from_db()
    return pack


def _fail(pack: Pack, message: str) -> None:
    Pack.objects.filter(pk=pack.pk).update(
        state=PackState.FAILED, finished_at=timezone.now(), error=message
    )


def _file_name(pack: Pack) -> str:
    subject = pack.module.title if pack.module else pack.workshop.title
    return f"{slugify(subject)[:60] or 'pack'}-{pack.kind.replace('_', '-')}.pdf"
