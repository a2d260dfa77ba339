"""Printable packs: ask for one, retry one, and render one (from a task or a command).

A pack is a cached artefact keyed by its inputs (pretix-style): asking for an unchanged pack
finds the existing row, and its file, instead of rendering again.
"""

import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workshops.enums import Action, PackKind, PackState, PrintSize
from workshops.models import Membership, Module, OutboxJob, Pack, Workshop
from workshops.outbox import enqueue, job_dispatch
from workshops.pdf.assemble import pack_content_key, pack_contents, pack_html, pack_material
from workshops.pdf.render import RenderedPdf, render_pdf
from workshops.rules import VIEW

from .contributions import contribution_record
from .permissions import require

logger = logging.getLogger(__name__)

RENDER_JOB = "pack_render_task"
# A render that lost its worker this many times (each attempt counts) is failed, not queued
# again: a pack that kills its worker every time (memory, a hard time limit) must not loop.
LOST_ATTEMPTS_BEFORE_FAILING = 3


@transaction.atomic
def pack_request(
    *,
    workshop: Workshop,
    kind: str,
    module: Module | None = None,
    print_size: str = PrintSize.STANDARD,
    actor: Membership,
) -> Pack:
    """The pack for what is agreed now, in the print size asked for: the existing one if
    nothing changed, else a new one, queued for rendering after commit. Refused when nothing is
    agreed yet."""
    require(actor, VIEW, workshop)
    if (kind == PackKind.MODULE_HANDOUT) != (module is not None):
        raise ValueError("A module handout needs a module; other packs must not have one.")
    if print_size not in PrintSize.values:
        raise ValueError(f"Unknown print size {print_size!r}.")
    contents = pack_contents(workshop=workshop, kind=kind, module=module)
    if not contents["versions"]:
        raise ValidationError(
            _("Nothing here has been agreed yet. Packs hold agreed versions only.")
        )
    key = pack_content_key(
        kind=kind, print_size=print_size, workshop=workshop, module=module, contents=contents
    )
    pack = Pack.objects.filter(content_key=key).first()
    if pack is not None:
        if pack.state == PackState.READY and not pack.path.exists():
            # The file went missing (a restored database, a cleaned disk): make it again.
            pack.state = PackState.QUEUED
            pack.save(update_fields=["state"])
            enqueue(RENDER_JOB, pack_id=pack.pk)
        return pack
    try:
        with transaction.atomic():
            pack = Pack.objects.create(
                workshop=workshop,
                module=module,
                kind=kind,
                print_size=print_size,
                content_key=key,
                contents=contents,
                requested_by=actor,
            )
    except IntegrityError:
        # Someone asked for the same pack at the same moment: theirs is ours.
        return Pack.objects.get(content_key=key)
    contribution_record(actor=actor, action=Action.PACK_REQUEST, target=pack)
    enqueue(RENDER_JOB, pack_id=pack.pk)
    return pack


@transaction.atomic
def pack_retry(*, pack: Pack, actor: Membership) -> Pack:
    """Try again to make a pack that is not ready: a failed one, one whose worker was lost, one
    whose job went missing. Never twice: a pack a worker is making now is left to it, and one
    whose job still waits is only handed to the broker again (if it never got there); neither
    of those is logged."""
    require(actor, VIEW, pack)
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if pack.is_ready or (pack.state == PackState.RENDERING and not pack.is_stuck):
        return pack
    if pack.is_queued:
        waiting = _live_jobs(pack, since=_silent_since(timezone.now())).first()
        if waiting is not None:
            transaction.on_commit(lambda: job_dispatch(job_id=waiting.pk))
            return pack
    _queue_again(pack)
    contribution_record(actor=actor, action=Action.PACK_RETRY, target=pack)
    return pack


def pack_requeue_lost(*, now: datetime | None = None) -> int:
    """Queue again every pack whose render lost its worker (its heartbeat, or its start for a
    render that never beat, is older than PACK_HEARTBEAT_TIMEOUT) and every queued pack whose
    job is gone (none waiting, none taken on lately). Run by the beat task ``pack_sweep``.

    Each pack is locked while it is checked again, so two sweeps never both queue it. A pack
    lost LOST_ATTEMPTS_BEFORE_FAILING times is failed instead, with a plain message. Writes no
    log entry: this is the worker's bookkeeping. Returns how many packs were queued again.
    """
    now = now or timezone.now()
    silent_since = _silent_since(now)
    rendering = Pack.objects.filter(state=PackState.RENDERING).filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
    )
    live = _live_jobs(None, since=silent_since).values_list("arguments__pack_id", flat=True)
    queued = Pack.objects.filter(state=PackState.QUEUED).exclude(pk__in=set(live))
    candidates = sorted(
        {*rendering.values_list("pk", flat=True), *queued.values_list("pk", flat=True)}
    )
    return sum(_requeue_if_lost(pack_id=pk, now=now) for pk in candidates)


def _silent_since(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.PACK_HEARTBEAT_TIMEOUT)


def _live_jobs(pack: Pack | None, *, since: datetime) -> QuerySet[OutboxJob]:
    """Render jobs still on their way: waiting for a worker, or taken on since ``since`` (a
    worker between taking its job and claiming the pack). For one pack, or for all."""
    jobs = OutboxJob.objects.filter(job=RENDER_JOB).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__gte=since)
    )
    return jobs if pack is None else jobs.filter(arguments__pack_id=pack.pk)


@transaction.atomic
def _requeue_if_lost(*, pack_id: int, now: datetime) -> bool:
    # skip_locked: a pack locked now is being claimed or swept; the next sweep looks again.
    pack = Pack.objects.select_for_update(skip_locked=True).filter(pk=pack_id).first()
    if pack is None:
        return False
    lost_render = pack.is_stuck_at(now)
    lost_job = pack.is_queued and not _live_jobs(pack, since=_silent_since(now)).exists()
    if not (lost_render or lost_job):
        return False
    if lost_render and pack.attempts >= LOST_ATTEMPTS_BEFORE_FAILING:
        logger.error("Pack %s lost its worker %s times; failed.", pack.pk, pack.attempts)
        _fail(
            pack,
            _(
                "Making this pack stopped before it finished, several times. It may be "
                "too big to print at once: try printing one module at a time."
            ),
        )
        return False
    logger.warning(
        "Pack %s lost its %s; queued again.", pack.pk, "worker" if lost_render else "job"
    )
    _queue_again(pack)
    return True


def _queue_again(pack: Pack) -> None:
    pack.state = PackState.QUEUED
    pack.error = ""
    pack.save(update_fields=["state", "error"])
    enqueue(RENDER_JOB, pack_id=pack.pk)


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
        if pack.state == PackState.RENDERING and not pack.is_stuck:
            # Another worker is making it (its heartbeat is fresh): a running render never
            # starts twice. Should that worker be lost, the sweep queues the pack again.
            return None
        pack.state = PackState.RENDERING
        pack.started_at = pack.heartbeat_at = timezone.now()
        pack.attempts += 1
        pack.save(update_fields=["state", "started_at", "heartbeat_at", "attempts"])
        return pack


@contextmanager
def _heartbeat(pack: Pack) -> Iterator[None]:
    """Beat the pack's heartbeat from a thread of its own while the render runs, so the sweep
    can tell a long render from one whose worker was lost."""
    stop = threading.Event()
    beating = threading.Thread(
        target=_beat, args=(pack.pk, pack.attempts, stop), name=f"pack-{pack.pk}-heartbeat"
    )
    beating.daemon = True  # never keeps a worker that is shutting down alive
    beating.start()
    try:
        yield
    finally:
        stop.set()
        # At most one short UPDATE is in flight; waiting lets the thread close its connection.
        beating.join(timeout=10)


def _beat(pack_id: int, attempt: int, stop: threading.Event) -> None:
    # Django gives this thread a database connection of its own; it is closed when the beating
    # stops, and after a failed beat (the next one reconnects).
    interval = settings.PACK_HEARTBEAT_TIMEOUT / 6
    try:
        while not stop.wait(interval):
            try:
                # Only this attempt's render: a render started again elsewhere beats its own.
                Pack.objects.filter(pk=pack_id, state=PackState.RENDERING, attempts=attempt).update(
                    heartbeat_at=timezone.now()
                )
            except DatabaseError:
                logger.warning("Pack %s: heartbeat missed", pack_id, exc_info=True)
                connection.close()
    finally:
        connection.close()


def pack_build(pack: Pack) -> RenderedPdf:
    """The PDF for a pack's recorded contents, as bytes. Used by the task and the command."""
    material = pack_material(
        workshop=pack.workshop,
        kind=pack.kind,
        contents=pack.contents,
        print_size=pack.print_size,
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
    leaves the pack marked as rendering. While it renders, the pack's heartbeat beats; a worker
    killed mid-render leaves it "rendering" with a heartbeat that stops, and ``pack_requeue_lost``
    queues it again.
    """
    pack = _claim(pack_id)
    if pack is None:
        return None
    try:
        with _heartbeat(pack):
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
    size = "-large-print" if pack.is_large_print else ""
    return f"{slugify(subject)[:60] or 'pack'}-{pack.kind.replace('_', '-')}{size}.pdf"
