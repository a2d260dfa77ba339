from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshops.enums import PackKind, PrintSize
from workshops.models import Workshop
from workshops.pdf.assemble import pack_contents, pack_html, pack_material
from workshops.pdf.render import render_pdf


class Command(BaseCommand):
    help = (
        "Render a workshop's attendee or facilitator pack to a PDF file, synchronously, "
        "from its agreed module versions."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop_id", type=int)
        parser.add_argument(
            "--kind", choices=[PackKind.ATTENDEE, PackKind.FACILITATOR], default=PackKind.ATTENDEE
        )
        parser.add_argument(
            "--print-size", choices=PrintSize.values, default=PrintSize.STANDARD, dest="print_size"
        )
        parser.add_argument("--output", required=True, help="Where to write the PDF.")

    def handle(self, *args, workshop_id, kind, print_size, output, **options):
        workshop = Workshop.objects.select_related("organisation").filter(pk=workshop_id).first()
        if workshop is None:
            raise CommandError(f"There is no workshop with id {workshop_id}.")
        contents = pack_contents(workshop=workshop, kind=kind)
        if not contents["versions"]:
            raise CommandError(
                f"Nothing in “{workshop.title}” has been agreed yet, so there is nothing to print."
            )
        material = pack_material(
            workshop=workshop, kind=kind, contents=contents, print_size=print_size
        )
        rendered = render_pdf(pack_html(material))
        Path(output).write_bytes(rendered.data)
        left_out = contents["not_agreed"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: {rendered.page_count} pages, "
                f"{len(contents['versions'])} agreed module(s)"
                + (f"; left out (not yet agreed): {', '.join(left_out)}" if left_out else "")
            )
        )
