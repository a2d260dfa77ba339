"""QR codes drawn as inline SVG."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, title: str, svgclass: str) -> SafeString:
    """``text`` as a QR code in inline SVG, drawn with attributes only (no style attribute), so a
    strict Content-Security-Policy allows it."""
    svg = segno.make(text, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        svgclass=svgclass,
        lineclass=None,
        title=title,
    )
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the text is escaped by segno)
