"""CSV downloads: cells that are safe to open in a spreadsheet, written row by row."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines to stream."""

    def write(self, value: str) -> str:
        return value


def csv_safe(value: object) -> str:
    """Spreadsheets run cells that start with these as formulas; a leading ' stops that."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterable[str]:
    """The header, then each row, as CSV lines, written only as they are asked for."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(
    *,
    filename: str,
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    stream: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download. ``stream`` sends rows as they are read, for exports that can be long
    (the whole log); a short one (a year's totals) is sent whole."""
    response_class = StreamingHttpResponse if stream else HttpResponse
    response = response_class(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
