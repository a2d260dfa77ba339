"""What the benchmark scripts share: Django on a throwaway database, sample prose, the machine line.

Each script in benchmarks/ runs on its own PostgreSQL database, made for the run and dropped at
the end, and prints the machine it ran on; these are the pieces they would otherwise each write
again, kept here so that a fix to one (say, the guard against dropping a real database) reaches
them all. Plain functions: a script sets its environment, calls ``setup_django()`` and imports
the app after it.
"""

import os
import platform
import sys
import warnings
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO_ROOT = Path(__file__).resolve().parent.parent
# The PostgreSQL server the benchmarks use when DATABASE_URL names none.
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"

# Sentences of the kind a PBS introductory module holds, recombined to make sections of any
# length. Deterministic, so every run measures the same text.
SENTENCES = [
    "Behaviour that challenges often tells us that something is not right for the child.",
    "We start by noticing what happens just before the behaviour and what happens just after it.",
    "Keeping a short diary for two weeks helps families and staff see patterns together.",
    "Sleep, pain, hunger and noise can all make a difficult day much more likely.",
    "Positive Behaviour Support is about improving quality of life, not only reducing behaviour.",
    "Family carers know their child best, and their knowledge shapes every plan we write.",
    "A good plan says what helps the child stay calm and what to do when things get hard.",
    "Small changes to the routine, such as a picture timetable, can make transitions easier.",
    "We never use punishment; we look for the need behind the behaviour and try to meet it.",
    "Reflect for a moment on a time when a change in routine made your own day harder.",
    "Looking after yourself as a carer matters, and it is not selfish to ask for a break.",
    "Share what works at home with school, so the child meets the same approach in both places.",
    "Communication can be words, signs, pictures, sounds or behaviour, and all of it counts.",
    "Praise the moments that go well, straight away and in a way the child enjoys.",
]


def rotated_sentences(start):
    """SENTENCES starting at ``start`` (wrapping round), so that sections differ from each other
    while the text stays the same from run to run."""
    start %= len(SENTENCES)
    return SENTENCES[start:] + SENTENCES[:start]


# Django and the throwaway database


def database_url(name):
    """DATABASE_URL with its database replaced by ``name``: for a script whose database has a
    fixed name, so that DATABASE_URL only chooses the server (DEFAULT_SERVER when it names no
    PostgreSQL server), and a run can never land on the database the app itself uses."""
    url = urlparse(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        url = urlparse(DEFAULT_SERVER)
    return urlunparse(url._replace(path="/" + name))


def setup_django():
    """Set Django up with the project's base settings, after the script has set its environment:
    the scripts run as files (``python benchmarks/x.py``), so the project is not on the path."""
    sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "coprod.settings.base"
    # WhiteNoise looks for collected static files, which a benchmark never collects.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)

    import django

    django.setup()


def create_database():
    """Create and migrate the database that DATABASE_URL names, and return its name for
    ``drop_database``. It is dropped at the end, so a name that does not say "bench" is refused:
    a mistyped DATABASE_URL must not cost someone their data. Django's test-database helpers do
    the work, connecting to the server's "postgres" database meanwhile; one left from an
    interrupted run is recreated."""
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            f"DATABASE_URL must name a PostgreSQL database, e.g. {DEFAULT_SERVER}/coprod_bench"
        )
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(
            f"Refusing database {name!r}: it is dropped at the end, so its name must say bench."
        )
    connection.settings_dict["TEST"]["NAME"] = name
    return connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def drop_database(name):
    """Drop the database ``create_database`` made (closing this process's connection to it
    first); call it in a ``finally``, so a failed run leaves nothing behind."""
    from django.db import connection

    connection.creation.destroy_test_db(name, verbosity=0)


# The figures and the machine they were measured on


def percentile(samples, fraction):
    """The sample at ``fraction`` of the sorted samples (nearest rank): a value that was measured,
    not one interpolated between two."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def server_version():
    """PostgreSQL's version as the server reports it (the client library's may differ)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def cpu_model():
    """The processor's name from /proc/cpuinfo (as ``lscpu`` shows it), or a guess elsewhere."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine(*, model_in_brackets=False):
    """``2 CPUs, AMD EPYC, Python 3.11.7, PostgreSQL 15.20``: figures only compare on the same
    machine, so every result says which it was. Asks the server, so call it while connected.
    ``model_in_brackets`` writes ``2 CPUs (AMD EPYC)``, as some scripts' reports always have."""
    model = f" ({cpu_model()})" if model_in_brackets else f", {cpu_model()}"
    return (
        f"{os.cpu_count()} CPUs{model}, Python {platform.python_version()}, "
        f"PostgreSQL {server_version()}"
    )
