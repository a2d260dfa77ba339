"""The sanitiser against an XSS corpus, its idempotence, and what it must keep.

The output is parsed with ``html.parser`` and every tag, attribute and link is checked against an
allowlist written out here. Dangerous words that the writer typed as *text* (a parent writing
"javascript:" or "data: 3 times a day") come out escaped and inert, so the words themselves are
checked only where they could act: in tag names, attribute names and the scheme of a URL
attribute (``https://x.example/javascript:`` is an https link). Markup
that can only appear as real HTML (``<script``, ``<style``, ``<iframe``, ``<img``, ``<!--``) is
checked on the raw output as well.
"""

import os
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshops.markdown import clean_html, render_markdown

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
SAFE_LINK_PREFIXES = ("http://", "https://", "mailto:")
DANGEROUS_IN_MARKUP = ("javascript:", "vbscript:", "data:", "file:")
# Attributes a browser follows or loads; only href is allowed, the rest are flagged anyway.
# (title and ol's start are inert text: a title may well say "javascript: is off".)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}
NEVER_IN_OUTPUT = ("<script", "<style", "<iframe", "<!--", "<img", "<svg", "<object", "<embed")

XSS_CORPUS = [
    # script and style
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<style>body { display: none }</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    # links with dangerous schemes
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#58;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="//evil.example">protocol-relative</a>',
    # event attributes
    '<img src=x onerror="alert(1)">',
    '<a href="https://ok.example" onclick="alert(1)">click</a>',
    '<p onmouseover="alert(1)">hover</p>',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    # embedded content
    "<iframe src=https://evil.example></iframe>",
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href=https://evil.example/>",
    # comments and raw HTML blocks
    "<!-- a hidden comment -->",
    "<!--><script>alert(1)</script>-->",
    "<div>\nraw HTML block\n</div>",
    "<details open ontoggle=alert(1)>",
    "<![CDATA[<script>alert(1)</script>]]>",
    # nested markdown tricks
    "[outer [inner](https://a.example)](https://b.example)",
    "[[x](javascript:alert(1))](https://ok.example)",
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    "[click][evil]\n\n[evil]: <javascript:alert(1)>",
    '[click][evil]\n\n[evil]: data:text/html,x "title"',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "![image](file:///etc/passwd)",
    "![image](https://evil.example/track.png)",
    '![x](x" onerror="alert(1))',
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
]


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.other = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.tags.append((tag, []))

    def handle_comment(self, data):
        self.other.append(("comment", data))

    def handle_decl(self, decl):
        self.other.append(("declaration", decl))

    def handle_pi(self, data):
        self.other.append(("processing instruction", data))

    def unknown_decl(self, data):
        self.other.append(("unknown declaration", data))


def problems(html):
    """Everything in the HTML that the allowlist does not allow; [] for safe output."""
    found = []
    lowered = html.lower()
    found += [f"raw {marker}" for marker in NEVER_IN_OUTPUT if marker in lowered]
    markup = _Markup()
    markup.feed(html)
    markup.close()
    found += [f"{kind}: {data!r}" for kind, data in markup.other]
    for tag, attrs in markup.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                found.append(f"attribute {name} on <{tag}>")
            if re.match(r"on\w+", name):
                found.append(f"event attribute {name}")
            # Browsers ignore spaces and control characters inside a scheme ("java\tscript:").
            scheme_text = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and scheme_text.startswith(DANGEROUS_IN_MARKUP):
                found.append(f"dangerous value {name}={value!r}")
            if name == "href" and not value.lower().startswith(SAFE_LINK_PREFIXES):
                found.append(f"unsafe href {value!r}")
        if tag == "a" and attrs:
            rel = dict(attrs).get("rel") or ""
            if "noopener" not in rel.split():
                found.append("link without rel=noopener")
    # Event handlers can only act inside a tag: look for them in the markup, not in the text.
    # Quoted attribute values are data, so they are blanked before looking.
    for tag_text in re.findall(r"<[a-zA-Z][^>]*>", html):
        if re.search(r"\son\w+\s*=", re.sub(r"\"[^\"]*\"|'[^']*'", '""', tag_text)):
            found.append(f"event handler in {tag_text!r}")
    return found


def test_problems_finds_what_it_looks_for():
    # The checker itself must catch what it is meant to catch.
    found = problems('<script>x</script><a href="javascript:x" onclick="y">z</a><!-- c -->')

    assert sorted({entry.split(" ")[0] for entry in found}) == [
        "attribute",
        "comment:",
        "dangerous",
        "event",
        "link",
        "raw",
        "tag",
        "unsafe",
    ]


def test_problems_finds_nothing_in_safe_html():
    assert problems('<p><a href="https://x.example" rel="noopener">x</a> data: 3</p>') == []


@pytest.mark.parametrize("text", XSS_CORPUS)
def test_render_markdown_corpus_output_is_safe(text):
    assert problems(render_markdown(text)) == []


@pytest.mark.parametrize("text", XSS_CORPUS)
def test_clean_html_corpus_output_is_safe(text):
    assert problems(clean_html(text)) == []


@pytest.mark.parametrize("text", XSS_CORPUS)
def test_clean_html_corpus_idempotent(text):
    once = clean_html(text)
    assert clean_html(once) == once


@pytest.mark.parametrize("text", XSS_CORPUS)
def test_render_markdown_corpus_stable_under_cleaning(text):
    html = render_markdown(text)
    assert clean_html(html) == html


def test_render_markdown_raw_html_escaped_as_text():
    assert render_markdown("<b>bold</b> <script>alert(1)</script>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_render_markdown_javascript_link_left_as_plain_text():
    assert (
        render_markdown("[click](javascript:alert(1))") == "<p>[click](javascript:alert(1))</p>\n"
    )


def test_render_markdown_image_not_rendered():
    assert (
        render_markdown("![image](file:///etc/passwd)") == "<p>![image](file:///etc/passwd)</p>\n"
    )


def test_render_markdown_relative_link_loses_href():
    assert render_markdown("[home](/o/1/)") == (
        '<p><a rel="noopener noreferrer nofollow">home</a></p>\n'
    )


def test_clean_html_event_attribute_removed_link_kept():
    assert clean_html('<a href="https://ok.example" onclick="alert(1)">ok</a>') == (
        '<a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>'
    )


def test_clean_html_script_and_style_removed_with_content():
    assert clean_html("<p>a<script>alert(1)</script><style>p{}</style>b</p>") == "<p>ab</p>"


# Arbitrary text, and text built from the pieces attacks are made of.
_PIECES = st.sampled_from(
    [
        "<", ">", "</", "/>", "<!--", "-->", "&", "&#106;", "&lt;", "&#x3C;", '"', "'", "=",
        "<a href=", "<a>", "</a>", "<p>", "</p>", "<table>", "<td>", "<tr>", "</table>", "<li>",
        "<ol start=", "<pre>", "<code>", "<script>", "</script>", "<style>", "<svg", "<img",
        "<math>", "<select>", "<noscript>", "<template>", "<textarea>", "<title>", "<xmp>",
        "javascript:", "data:", "https://x.example", "mailto:a@b.c", " onerror=", " onclick=",
        "[", "]", "(", ")", "![", "*", "_", "`", "```", "~~", "#", "- ", "1. ", "> ", "|", "---",
        "\n", "\n\n", " ", "\t", "\x00", "\u2028", "é", "x",
    ]
)  # fmt: skip
hostile_text = st.lists(_PIECES, max_size=40).map("".join)

_hypothesis = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_hypothesis
@given(st.text(max_size=300))
def test_clean_html_idempotent_for_any_text(text):
    once = clean_html(text)
    assert clean_html(once) == once


@_hypothesis
@given(hostile_text)
def test_clean_html_idempotent_for_hostile_text(text):
    once = clean_html(text)
    assert clean_html(once) == once


@_hypothesis
@given(hostile_text)
def test_clean_html_output_safe_for_hostile_text(text):
    assert problems(clean_html(text)) == []


@_hypothesis
@given(st.one_of(hostile_text, st.text(max_size=300)))
def test_render_markdown_output_safe_and_stable_for_any_text(text):
    html = render_markdown(text)
    assert problems(html) == []
    assert clean_html(html) == html


# What the sanitiser must keep.
def test_render_markdown_emphasis_kept():
    assert render_markdown("*gentle* and **important**") == (
        "<p><em>gentle</em> and <strong>important</strong></p>\n"
    )


def test_render_markdown_strikethrough_kept():
    assert render_markdown("~~no longer true~~") == "<p><del>no longer true</del></p>\n"


def test_render_markdown_bullet_list_kept():
    assert render_markdown("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"


def test_render_markdown_numbered_list_keeps_start():
    assert render_markdown("3. three\n4. four") == (
        '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'
    )


def test_render_markdown_https_link_kept_with_rel_noopener():
    assert render_markdown("[Mencap](https://www.mencap.org.uk)") == (
        '<p><a href="https://www.mencap.org.uk" rel="noopener noreferrer nofollow">Mencap</a></p>\n'
    )


def test_render_markdown_mailto_link_kept():
    assert render_markdown("<mailto:help@example.org>") == (
        '<p><a href="mailto:help@example.org" rel="noopener noreferrer nofollow">'
        "mailto:help@example.org</a></p>\n"
    )


def test_render_markdown_link_title_kept():
    assert render_markdown('[x](https://ok.example "More")') == (
        '<p><a href="https://ok.example" title="More" rel="noopener noreferrer nofollow">'
        "x</a></p>\n"
    )


@pytest.mark.parametrize(
    "text, html",
    [
        ("# One", "<h3>One</h3>\n"),
        ("## Two", "<h4>Two</h4>\n"),
        ("### Three", "<h5>Three</h5>\n"),
        ("#### Four", "<h6>Four</h6>\n"),
        ("##### Five", "<h6>Five</h6>\n"),
        ("###### Six", "<h6>Six</h6>\n"),
    ],
)
def test_render_markdown_headings_shifted_below_section_heading(text, html):
    assert render_markdown(text) == html


def test_render_markdown_table_kept():
    assert render_markdown("| When | What |\n|---|---|\n| 9am | Breakfast |") == (
        "<table>\n<thead>\n<tr>\n<th>When</th>\n<th>What</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>9am</td>\n<td>Breakfast</td>\n</tr>\n</tbody>\n</table>\n"
    )


def test_render_markdown_blockquote_code_and_rule_kept():
    assert render_markdown("> a parent's words\n\n`code`\n\n---") == (
        "<blockquote>\n<p>a parent's words</p>\n</blockquote>\n<p><code>code</code></p>\n<hr>\n"
    )


def test_render_markdown_empty_text_gives_empty_html():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
