"""The pack pages: a workshop's packs, asking for one, its status while it is made (polled with
htmx), a failed or stuck render and trying again, the download, another organisation's 404s, and
query counts."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    PackFactory,
    SectionFactory,
    WorkshopFactory,
)
from tests.helpers import (
    agree_module,
    download,
    make_pack_team,
    make_people,
    make_team,
    pdf_text,
    query_count,
    write_section,
)
from workshops.enums import PackKind, PackState, PrintSize, Role
from workshops.models import ContributionEntry, OutboxJob, Pack
from workshops.pdf.assemble import pack_content_key, pack_contents
from workshops.services import packs as pack_services

MANY = 20


def _queued_pack(team, django_capture_on_commit_callbacks):
    """A pack asked for, whose render task has not run (its on-commit callback is dropped)."""
    with django_capture_on_commit_callbacks(execute=False):
        pack = pack_services.pack_request(
            workshop=team.workshop, kind=PackKind.ATTENDEE, actor=team.carer
        )
    return pack


# When a render fails, or its worker dies


def test_pack_render_failure_is_shown_plainly_and_can_be_retried(
    team, request_pack, settings, tmp_path, client_for, django_capture_on_commit_callbacks
):
    # A regular file where the packs folder should be: making the folder fails.
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("in the way")
    good_root = settings.PACKS_ROOT
    settings.PACKS_ROOT = blocker / "packs"

    pack = request_pack(team)

    assert pack.state == PackState.FAILED
    assert pack.error == "Something went wrong while making this pack."
    assert pack.can_retry
    client = client_for(team.carer)
    page = client.get(reverse("pack_detail", args=[pack.pk])).content.decode()
    assert "We couldn't make this pack." in page
    assert "Something went wrong while making this pack." in page
    assert "Nothing has been lost" in page
    assert f'action="{reverse("pack_retry", args=[pack.pk])}"' in page
    assert "Try again" in page
    assert "Traceback" not in page
    assert "NotADirectoryError" not in page

    settings.PACKS_ROOT = good_root
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pack_retry", args=[pack.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("pack_detail", args=[pack.pk])
    pack.refresh_from_db()
    assert (pack.state, pack.error, pack.attempts) == (PackState.READY, "", 2)
    assert pdf_text(pack.path).startswith("ATTENDEE PACK Calm days at home")


def _rendering(pack, *, heartbeat_age, started_age=None):
    """The pack marked as being made by a worker last heard of ``heartbeat_age`` seconds ago."""
    now = timezone.now()
    Pack.objects.filter(pk=pack.pk).update(
        state=PackState.RENDERING,
        started_at=now - timedelta(seconds=started_age or heartbeat_age),
        heartbeat_at=now - timedelta(seconds=heartbeat_age),
        attempts=1,
    )
    pack.refresh_from_db()
    return pack


def test_pack_whose_worker_stopped_beating_says_the_printer_stopped_and_can_be_retried(
    team, packs_root, settings, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    pack = _rendering(pack, heartbeat_age=settings.PACK_HEARTBEAT_TIMEOUT + 1)

    assert (pack.is_stuck, pack.was_interrupted, pack.can_retry) == (True, True, True)
    client = client_for(team.carer)
    status = client.get(reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true")
    page = status.content.decode()
    assert "The printer stopped; trying again…" in page
    assert "Nothing has been lost" in page
    assert "Laying out the pages" not in page
    assert f'action="{reverse("pack_retry", args=[pack.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page  # the sweep takes it up again by itself

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pack_retry", args=[pack.pk]), follow=True)

    assert "We&#x27;re trying again." in response.content.decode()
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 2)


def test_pack_queued_again_after_its_worker_was_lost_says_the_printer_stopped(
    team, packs_root, settings, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    _rendering(pack, heartbeat_age=settings.PACK_HEARTBEAT_TIMEOUT + 1)
    with django_capture_on_commit_callbacks(execute=False):
        assert pack_services.pack_requeue_lost() == 1

    page = client_for(team.carer).get(reverse("pack_detail", args=[pack.pk])).content.decode()

    pack.refresh_from_db()
    assert pack.state == PackState.QUEUED
    assert "The printer stopped; trying again…" in page
    assert "Waiting for its turn" not in page
    assert 'hx-trigger="every 2s"' in page


def test_pack_rendering_long_with_a_fresh_heartbeat_is_not_stuck_and_not_started_twice(
    team, packs_root, settings, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    pack = _rendering(pack, heartbeat_age=1, started_age=settings.PACK_RENDER_TIME_LIMIT + 30)
    jobs = OutboxJob.objects.count()

    assert (pack.is_stuck, pack.was_interrupted, pack.is_working) == (False, False, True)
    client = client_for(team.carer)
    page = client.get(reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true")
    assert "Laying out the pages…" in page.content.decode()
    assert "Try again" in page.content.decode()  # offered for any pack not ready

    # Retrying a pack that is being made now changes nothing, and says so.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("pack_retry", args=[pack.pk]), follow=True)
    assert callbacks == []
    assert "Your pack is being made right now." in response.content.decode()
    assert OutboxJob.objects.count() == jobs
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.RENDERING, 1)


def test_pack_retry_of_a_queued_pack_hands_its_waiting_job_over_without_a_second_one(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    # The broker was down when it was asked for: its job is still waiting.
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    client = client_for(team.carer)
    page = client.get(reverse("pack_detail", args=[pack.pk])).content.decode()
    assert "Waiting for its turn…" in page
    assert "Try again" in page
    log_entries = ContributionEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("pack_retry", args=[pack.pk]))
        second = client.post(reverse("pack_retry", args=[pack.pk]))

    assert (first.status_code, second.status_code) == (302, 302)
    jobs = OutboxJob.objects.filter(job="pack_render_task", arguments__pack_id=pack.pk)
    assert jobs.count() == 1
    assert jobs.get().claimed_at is not None  # handed over, and taken on
    assert ContributionEntry.objects.count() == log_entries
    pack.refresh_from_db()
    assert (pack.state, pack.attempts) == (PackState.READY, 1)


# Pages


def test_workshop_packs_page_lists_modules_agreed_and_not_yet_agreed(team, client_for):
    response = client_for(team.carer).get(reverse("workshop_packs", args=[team.workshop.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<li>Understanding behaviour: agreed version 1</li>" in page
    assert "<li>Everyday routines: agreed version 1</li>" in page
    assert "<li>Staying safe: <strong>not yet agreed</strong></li>" in page


def test_pack_request_view_redirects_to_the_packs_detail_page(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team.carer)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("pack_request", args=[team.workshop.pk]), {"kind": "attendee", "module": ""}
        )

    pack = Pack.objects.get(workshop=team.workshop)
    assert response.status_code == 302
    assert response["Location"] == reverse("pack_detail", args=[pack.pk])
    assert (pack.kind, pack.module, pack.requested_by) == (PackKind.ATTENDEE, None, team.carer)


def test_pack_detail_with_htmx_returns_the_polling_status_while_queued_or_rendering(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)
    client = client_for(team.carer)
    url = reverse("pack_detail", args=[pack.pk])

    queued = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    Pack.objects.filter(pk=pack.pk).update(state=PackState.RENDERING, started_at=timezone.now())
    rendering = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    for status, words in ((queued, "Waiting for its turn"), (rendering, "Laying out the pages")):
        assert "<html" not in status
        assert f'hx-get="{url}"' in status
        assert 'hx-trigger="every 2s"' in status
        assert words in status
    full = client.get(url).content.decode()
    assert "<html" in full
    assert 'id="pack-status"' in full


def test_pack_detail_with_htmx_stops_polling_when_ready(team, request_pack, client_for):
    pack = request_pack(team)

    status = client_for(team.carer).get(
        reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true"
    )

    page = status.content.decode()
    assert "hx-trigger" not in page
    assert "Your pack is ready." in page
    assert reverse("pack_download", args=[pack.pk]) in page


def test_pack_download_answers_a_private_pdf_attachment(team, request_pack, client_for):
    pack = request_pack(team)

    response, body = download(client_for(team.professional), pack)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="calm-days-at-home-attendee.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert body.startswith(b"%PDF-")
    assert body == pack.path.read_bytes()


def test_pack_download_of_a_pack_not_ready_answers_404(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    pack = _queued_pack(team, django_capture_on_commit_callbacks)

    response, _body = download(client_for(team.carer), pack)

    assert response.status_code == 404


def test_pack_download_signed_out_redirects_to_sign_in(team, request_pack):
    pack = request_pack(team)
    url = reverse("pack_download", args=[pack.pk])

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_pack_pages_of_another_organisation_answer_404(
    team, request_pack, client_for, django_capture_on_commit_callbacks
):
    pack = request_pack(team)
    outsider = client_for(make_pack_team(name="Another Organisation").professional)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answers = [
            outsider.get(reverse("pack_detail", args=[pack.pk])).status_code,
            outsider.get(
                reverse("pack_detail", args=[pack.pk]), HTTP_HX_REQUEST="true"
            ).status_code,
            outsider.get(reverse("pack_download", args=[pack.pk])).status_code,
            outsider.post(reverse("pack_retry", args=[pack.pk])).status_code,
            outsider.get(reverse("workshop_packs", args=[team.workshop.pk])).status_code,
            outsider.post(
                reverse("pack_request", args=[team.workshop.pk]), {"kind": "attendee"}
            ).status_code,
        ]

    assert answers == [404] * 6
    assert callbacks == []
    assert Pack.objects.filter(workshop=team.workshop).count() == 1


def test_pack_request_for_a_handout_without_a_module_shows_the_error_beside_the_field(
    team, packs_root, client_for
):
    response = client_for(team.carer).post(
        reverse("pack_request", args=[team.workshop.pk]), {"kind": "module_handout", "module": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert '<div class="invalid-feedback" id="module-error">Choose the module to print.</div>' in (
        page
    )
    assert 'class="form-select is-invalid" aria-describedby="module-error"' in page
    assert not Pack.objects.filter(workshop=team.workshop).exists()


def test_pack_request_with_nothing_agreed_shows_a_plain_message(db, packs_root, client_for):
    organisation = OrganisationFactory()
    carer = MembershipFactory(organisation=organisation, role=Role.CO_TRAINER)
    workshop = WorkshopFactory(organisation=organisation, actor=carer)
    module = ModuleFactory(workshop=workshop, actor=carer)
    write_section(module, actor=carer, title="Draft", body="Not agreed yet.")

    response = client_for(carer).post(
        reverse("pack_request", args=[workshop.pk]), {"kind": "attendee", "module": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<div class="alert alert-danger" role="alert">Nothing here has been agreed yet. '
        "Packs hold agreed versions only.</div>"
    ) in page
    assert not Pack.objects.exists()


# Print size


def test_workshop_packs_page_offers_standard_or_large_print_with_standard_chosen(team, client_for):
    page = client_for(team.carer).get(reverse("workshop_packs", args=[team.workshop.pk]))

    html = page.content.decode()
    assert '<legend class="form-label fs-6 mb-1">Print size</legend>' in html
    standard = html[html.index('value="standard"') - 200 : html.index('value="standard"') + 100]
    large = html[html.index('value="large"') - 200 : html.index('value="large"') + 100]
    assert 'type="radio" name="print_size"' in standard
    assert " checked" in standard
    assert 'type="radio" name="print_size"' in large
    assert " checked" not in large
    assert ">Large print</label>" in html
    assert "Bigger, bolder text (18 point)" in html


def test_pack_request_in_large_print_makes_a_large_print_pack_and_its_pages_say_so(
    team, packs_root, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team.carer)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("pack_request", args=[team.workshop.pk]),
            {"kind": "attendee", "module": "", "print_size": "large"},
        )

    pack = Pack.objects.get(workshop=team.workshop)
    assert response.status_code == 302
    assert response["Location"] == reverse("pack_detail", args=[pack.pk])
    assert (pack.kind, pack.print_size) == (PackKind.ATTENDEE, PrintSize.LARGE)
    detail = client.get(response["Location"]).content.decode()
    assert "<title>Attendee pack, large print" in detail
    assert "<p>Large print: bigger, bolder text (18 point)" in detail
    listing = client.get(reverse("workshop_packs", args=[team.workshop.pk])).content.decode()
    assert f'<a href="/packs/{pack.pk}/">Attendee pack, large print</a>' in listing


def test_pack_detail_of_a_standard_pack_says_standard_print(team, request_pack, client_for):
    pack = request_pack(team)

    client = client_for(team.carer)
    detail = client.get(reverse("pack_detail", args=[pack.pk])).content.decode()
    listing = client.get(reverse("workshop_packs", args=[team.workshop.pk])).content.decode()

    assert "<p>Standard print.</p>" in detail
    assert f'<a href="/packs/{pack.pk}/">Attendee pack, standard print</a>' in listing
    assert "Attendee pack, large print" not in listing


def test_pack_request_with_an_unknown_print_size_shows_the_error_and_the_choice_again(
    team, packs_root, client_for
):
    response = client_for(team.carer).post(
        reverse("pack_request", args=[team.workshop.pk]),
        {"kind": "attendee", "module": "", "print_size": "enormous"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<div class="text-danger" id="print-size-error">Select a valid choice. enormous is not '
        "one of the available choices.</div>"
    ) in page
    assert 'aria-describedby="print-size-error"' in page
    assert not Pack.objects.filter(workshop=team.workshop).exists()


# Query counts


def _agreed_module(workshop, lead, carer, number):
    """A module with one section, agreed by a professional and a family carer."""
    module = ModuleFactory(workshop=workshop, actor=lead, title=f"Agreed module {number}")
    SectionFactory(module=module, actor=carer, body=f"Agreed words {number}")
    agree_module(module, reviewers=[lead, carer], actor=lead)
    return module


def _packs_page(client_for, count):
    """``count`` agreed modules (each one's handout key is worked out to mark old packs) and
    ``count`` packs of every kind, some up to date and some not."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    modules = [_agreed_module(workshop, lead, carer, n) for n in range(count)]
    ModuleFactory(workshop=workshop, actor=lead, title="Not agreed yet")
    requesters = make_people(organisation, count)
    out_of_date = 0
    for number in range(count):
        module = modules[number]
        kind = [PackKind.MODULE_HANDOUT, PackKind.ATTENDEE, PackKind.FACILITATOR][number % 3]
        pack_module = module if kind == PackKind.MODULE_HANDOUT else None
        contents = pack_contents(workshop=workshop, kind=kind, module=pack_module)
        print_size = PrintSize.LARGE if number % 4 >= 2 else PrintSize.STANDARD
        current = pack_content_key(
            kind=kind,
            print_size=print_size,
            workshop=workshop,
            module=pack_module,
            contents=contents,
        )
        if Pack.objects.filter(content_key=current).exists() or number % 2:
            current = f"{workshop.pk:032x}{number:032x}"  # An older pack: out of date.
            out_of_date += 1
        PackFactory(
            workshop=workshop,
            module=pack_module,
            kind=kind,
            print_size=print_size,
            content_key=current,
            contents=contents,
            state=[PackState.QUEUED, PackState.READY, PackState.FAILED][number % 3],
            requested_by=requesters[number],
        )
    url = reverse("workshop_packs", args=[workshop.pk])
    client = client_for(carer)
    queries = query_count(client, url)
    # Only the packs made from other versions than those agreed now are marked out of date.
    page = client.get(url).content.decode()
    assert page.count("out of date</span>") == out_of_date
    assert count == 1 or 0 < out_of_date < count
    return queries


def _pack_detail(client_for, count):
    """One module handout listing ``count`` agreed versions and ``count`` modules left out."""
    organisation, lead, carer = make_team()
    workshop = WorkshopFactory(organisation=organisation, actor=lead)
    module = _agreed_module(workshop, lead, carer, 0)
    contents = {
        "versions": [
            {
                "module_id": module.pk,
                "version_id": module.agreed_version_id,
                "title": f"Module {n}",
                "version": n + 1,
                "content_hash": f"{n:064x}",
            }
            for n in range(count)
        ],
        "not_agreed": [f"Draft module {n}" for n in range(count)],
    }
    pack = PackFactory(
        workshop=workshop, module=module, kind=PackKind.MODULE_HANDOUT, contents=contents
    )
    return query_count(client_for(carer), reverse("pack_detail", args=[pack.pk]))


def test_workshop_packs_page_queries_do_not_grow_with_packs_or_agreed_modules(client_for):
    assert _packs_page(client_for, 1) == _packs_page(client_for, MANY)


def test_pack_detail_page_queries_do_not_grow_with_its_contents(client_for):
    assert _pack_detail(client_for, 1) == _pack_detail(client_for, MANY)
