"""The packs page's data: a pack is out of date only when what is agreed now, in its own print
size, would make a different pack."""

from tests.helpers import agree_module
from workshops.enums import PackKind, PrintSize
from workshops.selectors.packs import workshop_packs_page
from workshops.services import content as content_services
from workshops.services import packs as pack_services


def _ask(team, print_size, capture, kind=PackKind.ATTENDEE, module=None):
    with capture(execute=False):
        return pack_services.pack_request(
            workshop=team.workshop,
            kind=kind,
            module=module,
            print_size=print_size,
            actor=team.carer,
        )


def _out_of_date(team):
    page = workshop_packs_page(workshop=team.workshop)
    return {pack.pk: pack.is_out_of_date for pack in page["packs"]}


def test_workshop_packs_page_counts_packs_of_either_print_size_as_up_to_date(
    team, packs_root, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    packs = [
        _ask(team, PrintSize.STANDARD, capture),
        _ask(team, PrintSize.LARGE, capture),
        _ask(team, PrintSize.LARGE, capture, kind=PackKind.FACILITATOR),
        _ask(team, PrintSize.LARGE, capture, kind=PackKind.MODULE_HANDOUT, module=team.routines),
    ]

    assert _out_of_date(team) == {pack.pk: False for pack in packs}


def test_workshop_packs_page_marks_both_print_sizes_out_of_date_after_a_new_agreement(
    team, packs_root, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    standard = _ask(team, PrintSize.STANDARD, capture)
    large = _ask(team, PrintSize.LARGE, capture)
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
    new_large = _ask(team, PrintSize.LARGE, capture)

    assert _out_of_date(team) == {standard.pk: True, large.pk: True, new_large.pk: False}
