"""HTML in, PDF bytes out. No database, no files written."""

from dataclasses import dataclass

import weasyprint

from .fetcher import StaticOnlyFetcher

# Tagged PDF for screen readers (PDF/UA-1).
PDF_VARIANT = "pdf/ua-1"


@dataclass
class RenderedPdf:
    data: bytes
    page_count: int
    refused_urls: list


def render_pdf(html: str) -> RenderedPdf:
    """Lay out and write the pack. Anything the HTML asks to load beyond the print assets is
    refused by the fetcher and listed in ``refused_urls``."""
    fetcher = StaticOnlyFetcher()
    document = weasyprint.HTML(
        string=html, base_url="coprod-static:packs/", url_fetcher=fetcher
    ).render(pdf_variant=PDF_VARIANT, attachments=[])
    data = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[])
    return RenderedPdf(data=data, page_count=len(document.pages), refused_urls=fetcher.refused)
