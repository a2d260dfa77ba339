"""A person's data as a zip: a page to read, and the same records as CSV and JSON for another
program. Built in memory: one person's records are small."""

import csv
import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone

from workshops.csv_export import csv_safe

# The tables in the order the page shows them, with their headings.
TABLES = {
    "account": "Your account",
    "memberships": "Your organisations",
    "words": "Your words, section by section",
    "comments": "Your review comments",
    "decisions": "Your review decisions",
    "time": "Your time and payment records",
    "expenses": "Your expenses",
    "consents": "Consents for stories",
    "log": "Your entries in the contribution log",
}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.writer(out)
        writer.writerow(rows[0].keys())
        for row in rows:
            writer.writerow([csv_safe(value) for value in row.values()])
    return out.getvalue()


def export_zip(tables: dict, *, person: str) -> bytes:
    """The zip: ``index.html`` (every table, readable in any browser), ``data.json`` (all of
    it), and one CSV per table."""
    made = timezone.now()
    page = render_to_string(
        "workshops/data_export.html",
        {
            "person": person,
            "made": made,
            "tables": [
                {"name": name, "heading": heading, "rows": tables.get(name, [])}
                for name, heading in TABLES.items()
            ],
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", page)
        archive.writestr(
            "data.json",
            json.dumps(
                {"made": made.isoformat(), **tables}, ensure_ascii=False, indent=2, default=str
            ),
        )
        for name in TABLES:
            archive.writestr(f"{name}.csv", _csv(tables.get(name, [])))
    return buffer.getvalue()
