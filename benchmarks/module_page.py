"""Server time of the module page for a long module: 30 sections of about 300 words each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coprod_bench \\
        .venv/bin/python benchmarks/module_page.py

Creates the database that DATABASE_URL names (that is the default above; as the script drops it
at the end, it refuses a name without "bench"), migrates it and fills it through the services: an
organisation, a co-trainer, a workshop and a module with its sections. Then it times signed-in GET
requests of the module page with Django's test client, DEBUG off, prints the median, 95th
percentile and mean server time and the number of database queries per page, and drops the
database again, also when something fails. ``--profile`` also prints where the time goes.

Only the server's work is timed (URL routing, middleware, session, queries, template rendering):
no network, no browser.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

import common

os.environ.setdefault("DATABASE_URL", f"{common.DEFAULT_SERVER}/coprod_bench")
common.setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from workshops.enums import (  # noqa: E402
    OrganisationKind,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
    SourceTag,
)
from workshops.models import Membership, Organisation, User  # noqa: E402
from workshops.services.content import module_create, section_create, workshop_create  # noqa: E402

TARGET_MS = 50

KINDS = [
    SectionKind.KEY_MESSAGES,
    SectionKind.EXPLANATION,
    SectionKind.LIVED_EXPERIENCE_STORY,
    SectionKind.ACTIVITY,
    SectionKind.FACILITATOR_NOTES,
    SectionKind.HANDOUT_TEXT,
]


def section_body(index, words):
    """Markdown of about ``words`` words: paragraphs, a sub-heading and a short list."""
    rotated = common.rotated_sentences(index)
    parts, count, sentence = [], 0, 0
    while count < words:
        if sentence and sentence % 9 == 0:
            item = [f"- {rotated[(sentence + k) % len(rotated)]}" for k in range(3)]
            parts.append("\n".join(item))
            count += sum(len(line.split()) - 1 for line in item)
            sentence += 3
            continue
        if sentence == 5:
            parts.append("### What this looks like at home")
        paragraph = " ".join(rotated[(sentence + k) % len(rotated)] for k in range(3))
        if sentence % 2:
            paragraph = paragraph.replace("behaviour", "**behaviour**", 1)
        parts.append(paragraph)
        count += len(paragraph.split())
        sentence += 3
    return "\n\n".join(parts)


def fill(*, sections, words):
    """One organisation, one co-trainer, one workshop, one module with ``sections`` sections."""
    organisation = Organisation.objects.create(
        name="Benchmark Learning Disability Service", kind=OrganisationKind.NHS_SERVICE
    )
    user = User.objects.create_user(
        "co-trainer@bench.example.org", "bench", full_name="Pat Bench", first_name="Pat"
    )
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
    )
    workshop = workshop_create(
        organisation=organisation,
        title="Understanding behaviour that challenges",
        audience="Family carers of children with a learning disability",
        actor=membership,
    )
    module = module_create(
        workshop=workshop,
        title="Why behaviour happens",
        learning_outcomes="Describe what PBS is\nKeep a behaviour diary\nName three setting events",
        planned_minutes=90,
        actor=membership,
    )
    for index in range(sections):
        section_create(
            module=module,
            title=f"Part {index + 1}: noticing patterns",
            body=section_body(index, words),
            kind=KINDS[index % len(KINDS)],
            audience=SectionAudience.FACILITATORS if index % 7 == 6 else SectionAudience.EVERYONE,
            content_note="Talks about a difficult day at home." if index % 5 == 2 else "",
            source_tags=[SourceTag.LIVED_EXPERIENCE, SourceTag.PROFESSIONAL_PRACTICE],
            actor=membership,
        )
    return user, module


def measure(*, user, module, requests, warmup, profile):
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    url = reverse("module_detail", kwargs={"pk": module.pk})

    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page_bytes = len(response.content)
    for _ in range(warmup):
        client.get(url)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the next request empties the connection's query log that this points into.
    page_sql = [query["sql"] for query in queries.captured_queries]

    # Wall time is what a person waits for; the Python process's CPU time beside it shows how much
    # of that is the app's own work, and varies less when the machine is busy with other things.
    timings_ms, cpu_ms = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings_ms.append((time.perf_counter() - start) * 1000)
        cpu_ms.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            client.get(url)
        profiler.disable()
        print("\nWhere the time goes (50 requests, sorted by own time):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        print("\nSorted by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    return timings_ms, cpu_ms, page_bytes, page_sql


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", type=int, default=30)
    parser.add_argument("--words", type=int, default=300, help="about this many words a section")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one page")
    args = parser.parse_args()

    if settings.DEBUG:
        sys.exit("Run the benchmark with DEBUG off (unset DEBUG), as in production.")

    database = common.create_database()
    try:
        user, module = fill(sections=args.sections, words=args.words)
        words = sum(len(section.body.split()) for section in module.sections.all())
        timings, cpu, page_bytes, sql = measure(
            user=user,
            module=module,
            requests=args.requests,
            warmup=args.warmup,
            profile=args.profile,
        )
        machine = common.machine()
    finally:
        common.drop_database(database)

    p50, p95 = common.percentile(timings, 0.5), common.percentile(timings, 0.95)
    mean = statistics.mean(timings)
    kib = page_bytes / 1024
    print(f"module page: {args.sections} sections, {words} words, {kib:.0f} KiB of HTML")
    print(f"requests:    {args.requests} timed after {args.warmup} warm-up, DEBUG off")
    print(
        f"server time: p50 {p50:.1f} ms, p95 {p95:.1f} ms, mean {mean:.1f} ms, "
        f"max {max(timings):.1f} ms"
    )
    print(f"CPU time:    p50 {common.percentile(cpu, 0.5):.1f} ms in the Python process")
    print(f"queries:     {len(sql)} per page")
    print(f"target:      under {TARGET_MS} ms at p95: {'met' if p95 < TARGET_MS else 'NOT met'}")
    print(f"machine:     {machine}")
    if args.show_queries:
        print("\n".join(sql))


if __name__ == "__main__":
    main()
