"""Markdown to clean HTML. Pure: no ORM, no settings.

The one function here, ``render_markdown``, is the only way user text becomes HTML: the page and
the printed pack both use its output. Raw HTML in the markdown is escaped by the parser, and the
result is cleaned again by an allowlist sanitiser, so nothing but the tags below survives.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
ALLOWED_LINK_PREFIXES = ("http://", "https://", "mailto:")

_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)

# Section headings are h2 on the page; headings written inside a section start below them.
_HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


def _keep_safe_links(tag, attribute, value):
    # Relative and protocol-relative links are dropped too: a link must say where it goes.
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(ALLOWED_LINK_PREFIXES) else None
    return value


def _clean_once(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, allowed_classes=None):
    cleaned = nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes=ALLOWED_URL_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_safe_links,
        allowed_classes=allowed_classes,
    )
    # Parsing drops a newline straight after <pre> and the serialiser does not put it back, so
    # each cleaning would eat one; write it the way HTML serialisation says. (The cleaner escapes
    # "<" in text and attributes, so this only ever matches a real, attribute-less <pre> tag.)
    return cleaned.replace("<pre>\n", "<pre>\n\n")


def clean_html(html: str) -> str:
    """Clean HTML with the allowlist. Cleaning clean HTML again returns it unchanged."""
    # Malformed HTML (an <a> in a <select> in an <a>) can parse into a tree whose serialisation
    # parses differently; cleaning the serialisation once more settles it.
    return _clean_once(_clean_once(html))


def clean_with(html: str, *, tags: set, attributes: dict, allowed_classes: dict) -> str:
    """Clean HTML with a wider allowlist: for HTML built here from cleaned HTML and tags of our
    own (the marks of a word diff), so that even a mistake there cannot let markup through."""
    once = _clean_once(html, tags, attributes, allowed_classes)
    return _clean_once(once, tags, attributes, allowed_classes)


def render_markdown(text: str) -> str:
    """CommonMark (with tables and strike-through) to sanitised HTML."""
    tokens = _parser.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_SHIFT[token.tag]
        for child in token.children or ():
            if child.type in ("s_open", "s_close"):
                child.tag = "del"  # the parser writes <s>, which the allowlist does not keep
    html = _parser.renderer.render(tokens, _parser.options, {})
    return clean_html(html)
