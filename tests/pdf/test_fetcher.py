"""The URL fetcher on its own: it serves the app's print assets and refuses everything else."""

import pytest
from django.contrib.staticfiles import finders

from workshops.pdf.fetcher import RefusedURL, StaticOnlyFetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:1/x.css",
        "https://example.org/pack.css",
        "data:text/css,body{color:red}",
        "ftp://127.0.0.1/pack.css",
        "//127.0.0.1/pack.css",
        "packs/pack.css",
        "../pack.css",
        "/etc/passwd",
        "pack.css",
        "coprod-static:packs/../../etc/passwd",
        "coprod-static:packs/fonts/../../../coprod/settings/base.css",
        "coprod-static:../settings.py",
        "coprod-static:/etc/passwd",
        "coprod-static:/packs/pack.css",
        "coprod-static:css/app.css",
        "coprod-static:admin/css/base.css",
        "coprod-static:packs/fonts/OFL.txt",
        "coprod-static:packs/pack.html",
        "coprod-static:packs/pack.py",
        "coprod-static:packs/pack.css.py",
        "coprod-static:packs/missing.css",
        "coprod-static:packs/%2e%2e/%2e%2e/etc/passwd.css",
    ],
)
def test_static_only_fetcher_refuses(url):
    fetcher = StaticOnlyFetcher()

    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    with pytest.raises(RefusedURL):
        fetcher(url)  # how WeasyPrint calls it


def test_static_only_fetcher_lists_what_it_refused():
    fetcher = StaticOnlyFetcher()

    for url in ("file:///etc/passwd", "coprod-static:packs/../../etc/passwd"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)

    assert fetcher.refused == ["file:///etc/passwd", "coprod-static:packs/../../etc/passwd"]


def test_static_only_fetcher_serves_the_print_stylesheet():
    response = StaticOnlyFetcher().fetch("coprod-static:packs/pack.css")

    assert response.headers.get_content_type() == "text/css"
    with open(finders.find("packs/pack.css"), "rb") as handle:
        assert response.read() == handle.read()
    response.close()


def test_static_only_fetcher_serves_a_font_with_its_content_type():
    path = "packs/fonts/atkinson-hyperlegible-latin-400-normal.woff"

    response = StaticOnlyFetcher().fetch(f"coprod-static:{path}?v=1#top")

    assert response.headers.get_content_type() == "font/woff"
    body = response.read()
    response.close()
    assert body.startswith(b"wOFF")
    with open(finders.find(path), "rb") as handle:
        assert body == handle.read()
