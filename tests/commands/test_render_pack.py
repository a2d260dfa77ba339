"""The render_pack command: the PDF of a workshop's agreed modules, or a plain refusal."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tests.factories import WorkshopFactory
from tests.helpers import pdf_text


def test_render_pack_command_writes_the_pdf_of_an_agreed_workshop(team, tmp_path):
    output = tmp_path / "pack.pdf"
    stdout = io.StringIO()

    call_command(
        "render_pack",
        str(team.workshop.pk),
        "--kind",
        "facilitator",
        output=str(output),
        stdout=stdout,
    )

    assert output.read_bytes().startswith(b"%PDF-")
    text = pdf_text(output)
    assert "FACILITATOR PACK Calm days at home" in text
    assert "Tamarind" in text
    assert "Wolfsbane" not in text
    assert "2 agreed module(s); left out (not yet agreed): Staying safe" in stdout.getvalue()


def test_render_pack_command_with_an_unknown_workshop_says_so(db, tmp_path):
    with pytest.raises(CommandError, match=r"^There is no workshop with id 999999\.$"):
        call_command("render_pack", "999999", output=str(tmp_path / "pack.pdf"))
    assert not (tmp_path / "pack.pdf").exists()


def test_render_pack_command_with_nothing_agreed_says_so(db, tmp_path):
    workshop = WorkshopFactory(title="Just started")

    with pytest.raises(CommandError, match="Nothing in “Just started” has been agreed yet"):
        call_command("render_pack", str(workshop.pk), output=str(tmp_path / "pack.pdf"))
    assert not (tmp_path / "pack.pdf").exists()


def test_render_pack_command_in_large_print_has_more_pages(team, tmp_path):
    standard, large = tmp_path / "standard.pdf", tmp_path / "large.pdf"

    call_command("render_pack", str(team.workshop.pk), output=str(standard), stdout=io.StringIO())
    call_command(
        "render_pack",
        str(team.workshop.pk),
        "--print-size",
        "large",
        output=str(large),
        stdout=io.StringIO(),
    )

    # The same words at 18 point need more paper than at the standard size.
    assert len(PdfReader(large).pages) > len(PdfReader(standard).pages)
    assert "Attendee pack Calm days at home" in pdf_text(large)
