"""The pack services: a pack is a cached artefact keyed by what is agreed, so asking again for
unchanged content finds the same pack, a ready pack is not rendered again, a missing file is, and
a newer agreed version makes a new pack. A render beats a heartbeat; a render whose heartbeat
stopped, or a queued pack whose job is gone, is queued again by the sweep, once."""

import io
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import PackFactory
from tests.helpers import agree_module, download, pdf_text
from workshops.enums import Action, PackKind, PackState, PrintSize
from workshops.models import ContributionEntry, OutboxJob, Pack
from workshops.services import content as content_services
from workshops.services import packs as pack_services


def test_pack_request_for_unchanged_content_returns_the_same_pack_without_rendering(
    team, request_pack
):
    first = request_pack(team)
    modified = first.path.stat().st_mtime_ns

    second = request_pack(team, actor=team.professional)

    assert second.pk == first.pk
    assert Pack.objects.filter(workshop=team.workshop).count() == 1
    assert second.attempts == 1
    assert second.path.stat().st_mtime_ns == modified


def test_pack_render_of_a_ready_pack_does_nothing(team, request_pack):
    pack = request_pack(team)
    modified = pack.path.stat().st_mtime_ns

    # A redelivered task (acks_late) finds the pack ready and leaves it as it is.
    assert pack_services.pack_render(pack_id=pack.pk) is None

    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 1)
    assert pack.path.stat().st_mtime_ns == modified


def test_pack_request_with_missing_file_renders_it_again(team, request_pack):
    pack = request_pack(team)
    pack.path.unlink()

    again = request_pack(team)

    assert again.pk == pack.pk
    assert (again.state, again.attempts) == (PackState.READY, 2)
    assert again.path.exists()


def test_pack_request_after_a_newer_version_is_agreed_makes_a_new_pack(
    team, request_pack, client_for
):
    old = request_pack(team)
    key_messages = team.understanding.sections.get(title="Key messages")
    content_services.section_update(
        section=key_messages,
        based_on_version=key_messages.version,
        title="Key messages",
        body="Bluebell: the words of version 2.",
        kind=key_messages.kind,
        audience=key_messages.audience,
        actor=team.carer,
    )
    agree_module(team.understanding, reviewers=[team.carer, team.professional], actor=team.carer)

    new = request_pack(team)

    assert new.pk != old.pk
    assert Pack.objects.filter(workshop=team.workshop).count() == 2
    assert "Bluebell" in pdf_text(new.path)
    assert "Understanding behaviour: agreed version 2" in pdf_text(new.path)
    client = client_for(team.carer)
    page = client.get(reverse("workshop_packs", args=[team.workshop.pk])).content.decode()
    rows = {
        pack.pk: next(r for r in page.split("<tr>") if f'href="/packs/{pack.pk}/"' in r)
        for pack in (old, new)
    }
    assert "out of date" in rows[old.pk]
    assert "out of date" not in rows[new.pk]
    # The old pack stays downloadable, with the words it was made from.
    response, body = download(client, old)
    assert response.status_code == 200
    text = pdf_text(io.BytesIO(body))
    assert "Marigold" in text
    assert "Bluebell" not in text


# Print sizes


def _asked_for_in(team, print_size, django_capture_on_commit_callbacks, kind=PackKind.ATTENDEE):
    with django_capture_on_commit_callbacks(execute=False):
        return pack_services.pack_request(
            workshop=team.workshop, kind=kind, print_size=print_size, actor=team.carer
        )


def test_pack_request_stores_the_print_size_asked_for(
    team, packs_root, django_capture_on_commit_callbacks
):
    pack = _asked_for_in(team, PrintSize.LARGE, django_capture_on_commit_callbacks)

    pack.refresh_from_db()
    assert (pack.kind, pack.print_size, pack.is_large_print) == (
        PackKind.ATTENDEE,
        PrintSize.LARGE,
        True,
    )


def test_pack_request_without_a_print_size_asks_for_standard_print(
    team, packs_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        pack = pack_services.pack_request(
            workshop=team.workshop, kind=PackKind.ATTENDEE, actor=team.carer
        )

    pack.refresh_from_db()
    assert (pack.print_size, pack.is_large_print) == (PrintSize.STANDARD, False)


def test_pack_request_in_large_print_and_standard_of_the_same_versions_makes_two_packs(
    team, packs_root, django_capture_on_commit_callbacks
):
    standard = _asked_for_in(team, PrintSize.STANDARD, django_capture_on_commit_callbacks)
    large = _asked_for_in(team, PrintSize.LARGE, django_capture_on_commit_callbacks)
    large_again = _asked_for_in(team, PrintSize.LARGE, django_capture_on_commit_callbacks)

    assert standard.pk != large.pk
    assert standard.content_key != large.content_key
    assert standard.contents == large.contents  # the same agreed versions
    assert large_again.pk == large.pk
    assert standard.path != large.path
    entries = ContributionEntry.objects.filter(action=Action.PACK_REQUEST)
    assert sorted(entries.values_list("target_id", flat=True)) == sorted([standard.pk, large.pk])


def test_pack_request_refuses_a_print_size_it_does_not_know(
    team, packs_root, django_capture_on_commit_callbacks
):
    with pytest.raises(ValueError, match="Unknown print size 'huge'"):
        _asked_for_in(team, "huge", django_capture_on_commit_callbacks)

    assert not Pack.objects.filter(workshop=team.workshop).exists()


def test_pack_render_of_a_large_print_pack_names_its_file_so(
    team, packs_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        large = pack_services.pack_request(
            workshop=team.workshop,
            kind=PackKind.FACILITATOR,
            print_size=PrintSize.LARGE,
            actor=team.carer,
        )

    large.refresh_from_db()
    assert large.state == PackState.READY, large.error
    assert large.file_name == "calm-days-at-home-facilitator-large-print.pdf"
    assert large.path.exists()


# A render whose worker is lost: the heartbeat and the sweep


def _asked_for(team, django_capture_on_commit_callbacks):
    """A pack asked for whose job has not reached a worker (its dispatch is dropped)."""
    with django_capture_on_commit_callbacks(execute=False):
        return pack_services.pack_request(
            workshop=team.workshop, kind=PackKind.ATTENDEE, actor=team.carer
        )


def _rendering(pack, *, heartbeat_age, started_age=None, attempts=1):
    """The pack as a worker left it: claimed (its job too), last heard of ``heartbeat_age``
    seconds ago (None: it never beat)."""
    now = timezone.now()
    started_age = started_age or heartbeat_age or 0
    Pack.objects.filter(pk=pack.pk).update(
        state=PackState.RENDERING,
        started_at=now - timedelta(seconds=started_age),
        heartbeat_at=None if heartbeat_age is None else now - timedelta(seconds=heartbeat_age),
        attempts=attempts,
    )
    _jobs(pack).update(claimed_at=now - timedelta(seconds=started_age))
    pack.refresh_from_db()
    return pack


def _jobs(pack):
    return OutboxJob.objects.filter(job="pack_render_task", arguments__pack_id=pack.pk)


def _waiting_jobs(pack):
    return _jobs(pack).filter(claimed_at__isnull=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pack_render_beats_the_heartbeat_while_it_renders(
    team, packs_root, settings, flushable_log
):
    settings.PACK_HEARTBEAT_TIMEOUT = 0.06  # a beat every 10 ms
    pack = pack_services.pack_request(
        workshop=team.workshop, kind=PackKind.ATTENDEE, actor=team.carer
    )

    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 1)
    # The render (about a second) was beaten from its own thread, which stopped with it.
    assert pack.heartbeat_at > pack.started_at + timedelta(seconds=0.01)
    assert [t for t in threading.enumerate() if t.name.endswith("-heartbeat")] == []


def test_pack_requeue_lost_queues_a_render_whose_heartbeat_stopped(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=settings.PACK_HEARTBEAT_TIMEOUT + 1, started_age=100)
    log_entries = ContributionEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        requeued = pack_services.pack_requeue_lost()

    assert requeued == 1
    assert ContributionEntry.objects.count() == log_entries  # the worker's bookkeeping
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 2)  # made again, once
    assert _jobs(pack).count() == 2
    assert _waiting_jobs(pack).count() == 0


def test_pack_requeue_lost_queues_a_render_that_never_beat(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=None, started_age=settings.PACK_HEARTBEAT_TIMEOUT + 1)

    with django_capture_on_commit_callbacks(execute=False):
        assert pack_services.pack_requeue_lost() == 1

    pack.refresh_from_db()
    assert (pack.state, pack.error) == (PackState.QUEUED, "")
    assert _waiting_jobs(pack).count() == 1


def test_pack_requeue_lost_leaves_a_long_render_whose_heartbeat_is_fresh(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=1, started_age=settings.PACK_RENDER_TIME_LIMIT)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert pack_services.pack_requeue_lost() == 0

    assert callbacks == []
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.RENDERING, 1)
    assert _waiting_jobs(pack).count() == 0


def test_pack_requeue_lost_with_now_later_finds_the_same_render_lost(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=1)
    later = timezone.now() + timedelta(seconds=settings.PACK_HEARTBEAT_TIMEOUT)

    with django_capture_on_commit_callbacks(execute=False):
        assert pack_services.pack_requeue_lost() == 0
        assert pack_services.pack_requeue_lost(now=later) == 1


def test_pack_requeue_lost_queues_a_queued_pack_whose_job_is_gone(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    waiting = _asked_for(team, django_capture_on_commit_callbacks)
    taken_lately = PackFactory(workshop=team.workshop, requested_by=team.carer)
    OutboxJob.objects.create(
        job="pack_render_task", arguments={"pack_id": taken_lately.pk}, claimed_at=timezone.now()
    )
    taken_long_ago = PackFactory(workshop=team.workshop, requested_by=team.carer)
    long_ago = timezone.now() - timedelta(seconds=settings.PACK_HEARTBEAT_TIMEOUT + 1)
    OutboxJob.objects.create(
        job="pack_render_task", arguments={"pack_id": taken_long_ago.pk}, claimed_at=long_ago
    )
    without_a_job = PackFactory(workshop=team.workshop, requested_by=team.carer)

    with django_capture_on_commit_callbacks(execute=False):
        requeued = pack_services.pack_requeue_lost()

    assert requeued == 2
    counts = [
        _waiting_jobs(p).count() for p in (waiting, taken_lately, taken_long_ago, without_a_job)
    ]
    assert counts == [1, 0, 1, 1]


def test_pack_requeue_lost_twice_queues_a_lost_pack_once(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=settings.PACK_HEARTBEAT_TIMEOUT + 1)

    with django_capture_on_commit_callbacks(execute=False):
        swept = [pack_services.pack_requeue_lost() for _ in range(2)]

    assert swept == [1, 0]
    assert _waiting_jobs(pack).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pack_requeue_lost_skips_a_pack_another_sweep_holds(
    team, packs_root, settings, flushable_log
):
    pack = pack_services.pack_request(
        workshop=team.workshop, kind=PackKind.ATTENDEE, actor=team.carer
    )
    _rendering(pack, heartbeat_age=settings.PACK_HEARTBEAT_TIMEOUT + 1)
    locked, release = threading.Event(), threading.Event()

    def other_sweep():
        # Another sweeper (another process) holding the pack's row lock while it works.
        try:
            with transaction.atomic():
                Pack.objects.select_for_update().get(pk=pack.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=other_sweep)
    holder.start()
    try:
        assert locked.wait(timeout=20)
        while_held = pack_services.pack_requeue_lost()
    finally:
        release.set()
        holder.join(timeout=20)

    assert while_held == 0
    assert _waiting_jobs(pack).count() == 0
    assert pack_services.pack_requeue_lost() == 1  # eager: rendered at once
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 2)


def test_pack_requeue_lost_fails_a_pack_lost_three_times_with_a_plain_message(
    team, packs_root, settings, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=settings.PACK_HEARTBEAT_TIMEOUT + 1, attempts=3)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert pack_services.pack_requeue_lost() == 0

    assert callbacks == []
    pack.refresh_from_db()
    assert pack.state == PackState.FAILED
    assert pack.error == (
        "Making this pack stopped before it finished, several times. It may be too big to "
        "print at once: try printing one module at a time."
    )
    assert pack.can_retry


def test_pack_render_of_a_pack_another_worker_is_making_does_nothing(
    team, packs_root, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=1)

    # The same job delivered twice, or a second job: the render under way is not started again.
    assert pack_services.pack_render(pack_id=pack.pk) is None

    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.RENDERING, 1)
    assert not pack.path.exists()


def test_pack_retry_of_a_failed_pack_queues_one_job_and_retrying_again_adds_none(
    team, packs_root, django_capture_on_commit_callbacks
):
    pack = _asked_for(team, django_capture_on_commit_callbacks)
    _jobs(pack).update(claimed_at=timezone.now())
    Pack.objects.filter(pk=pack.pk).update(state=PackState.FAILED, error="It broke.")

    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            pack_services.pack_retry(pack=pack, actor=team.carer)

    pack.refresh_from_db()
    assert (pack.state, pack.error) == (PackState.QUEUED, "")
    assert _waiting_jobs(pack).count() == 1
    retries = ContributionEntry.objects.filter(action=Action.PACK_RETRY, target_id=pack.pk)
    assert retries.count() == 1
