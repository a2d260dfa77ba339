"""The pack services: a pack is a cached artefact keyed by what is agreed, so asking again for
unchanged content finds the same pack, a ready pack is not rendered again, a missing file is, and
a newer agreed version makes a new pack."""

import io

from django.urls import reverse

from tests.helpers import agree_module, download, pdf_text
from workshops.enums import PackState
from workshops.models import Pack
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
