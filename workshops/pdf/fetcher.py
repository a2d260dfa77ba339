"""The only way WeasyPrint may load anything: the app's own print assets, from disk.

Pack templates name their stylesheet and fonts as ``coprod-static:packs/…``. Every other URL
(``file://``, ``http(s)://``, ``data:``, relative paths) is refused without touching the disk or
the network, so user content can't make a render read local files or call out, even if something
slipped past the sanitiser. Refused resources are simply left out of the PDF.
"""

import mimetypes
from pathlib import PurePosixPath

from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "coprod-static:"
# Only print assets: a stylesheet, fonts and images, and only from the packs folder.
ALLOWED_PREFIX = "packs/"
ALLOWED_SUFFIXES = {".css", ".woff", ".woff2", ".ttf", ".otf", ".png", ".svg"}


class RefusedURL(ValueError):
    """A URL the pack renderer will not fetch."""


def static_url(path):
    return f"{SCHEME}{path}"


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        # No network handlers are used: fetch() below never calls the parent's opener.
        super().__init__(allowed_protocols=[], allow_redirects=False, fail_on_errors=False)
        self.refused = []

    def fetch(self, url, headers=None):
        if not url.startswith(SCHEME):
            self.refused.append(url)
            raise RefusedURL(f"Refused to fetch {url!r}: packs only load their own assets.")
        path = url[len(SCHEME) :].split("?", 1)[0].split("#", 1)[0]
        pure = PurePosixPath(path)
        if (
            not path.startswith(ALLOWED_PREFIX)
            or ".." in pure.parts
            or pure.is_absolute()
            or pure.suffix.lower() not in ALLOWED_SUFFIXES
        ):
            self.refused.append(url)
            raise RefusedURL(f"Refused to fetch {url!r}: not a print asset.")
        found = finders.find(path)
        if not found:
            raise RefusedURL(f"No print asset at {path!r}.")
        with open(found, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
