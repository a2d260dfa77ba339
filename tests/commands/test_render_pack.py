"""The render_pack command: the PDF of a workshop's agreed modules, or a plain refusal."""

import io

import pytest
from django.core.management import CommandError, call_command

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
