"""Static file storage for production: WhiteNoise's compressed, hashed-name storage."""

import re

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Any URL scheme (RFC 3986: a letter, then letters, digits, "+", "-" or "."). Django's own check
# only knows schemes made of letters, so it mistakes the pack stylesheet's
# "coprod-static:packs/fonts/…" (read by the PDF renderer, never by a browser) for a relative path
# and stops collectstatic because that file does not exist.
URL_WITH_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Leaves URLs with a scheme as they are when rewriting CSS to hashed file names."""

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            if URL_WITH_SCHEME.match(matchobj.group("url")):
                return matchobj.group("matched")
            return convert(matchobj)

        return converter
