"""What the app adds to WeasyPrint when it renders a pack, and how fast a cached pack is served.

    .venv/bin/python benchmarks/pack_render.py [--rounds 5] [--markdown]

Creates a throwaway PostgreSQL database (coprod_bench_pack on the server DATABASE_URL names, or
postgres://postgres@127.0.0.1:5432 when it names none; the name must say "bench", as it is
dropped at the end, also when something fails), migrates it and fills it through the services:
an organisation with a family carer and a professional, a workshop of six modules of about
30 attendee pages in all, each module agreed by the real review services (a round opened, both
perspectives approving). Then, in one process, alternating round by round:

(a) the app's whole render: ``pack_build(pack)``, which reads the agreed versions from the
    database, assembles the pack HTML and lays it out with WeasyPrint;
(b) WeasyPrint alone on the same final HTML: ``render_pdf(html)`` (the same static-only URL
    fetcher), with the HTML assembled beforehand and outside the timer.

and reports the ratio a / b of the medians (target at most 1.15). Then (c) the cached path: a
repeated ``pack_request`` for the unchanged pack plus the download view answering its file
(target under 50 ms). ``--profile`` prints where the time of one pack_build goes; ``--markdown``
prints the results as the section of docs/performance.md.
"""

import argparse
import cProfile
import gc
import os
import pstats
import shutil
import statistics
import tempfile
import time

import common

DATABASE_NAME = "coprod_bench_pack"
os.environ["DATABASE_URL"] = common.database_url(DATABASE_NAME)
os.environ["PACKS_ROOT"] = tempfile.mkdtemp(prefix="coprod-bench-packs-")
os.environ.pop("DEBUG", None)
common.setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from coprod.celery import app as celery_app  # noqa: E402
from workshops.enums import (  # noqa: E402  # noqa: E402
    DecisionKind,
    OrganisationKind,
    PackKind,
    PackState,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
)
from workshops.models import Membership, Organisation, User  # noqa: E402
from workshops.pdf.assemble import pack_html, pack_material  # noqa: E402
from workshops.pdf.render import render_pdf  # noqa: E402
from workshops.services.content import (  # noqa: E402
    module_create,
    section_create,
    workshop_create,
)
from workshops.services.packs import pack_build, pack_request  # noqa: E402
from workshops.services.reviews import review_decide, review_round_open  # noqa: E402

RATIO_TARGET = 1.15
CACHED_TARGET_MS = 50

MODULE_TITLES = [
    "What Positive Behaviour Support is",
    "Why behaviours happen",
    "Quality of life comes first",
    "Proactive strategies",
    "Staying safe in difficult moments",
    "Looking after yourself",
]
# Per module: (kind, audience, words). The facilitator notes are not in the attendee pack.
SECTIONS = [
    (SectionKind.KEY_MESSAGES, SectionAudience.EVERYONE, 80),
    (SectionKind.EXPLANATION, SectionAudience.EVERYONE, 250),
    (SectionKind.LIVED_EXPERIENCE_STORY, SectionAudience.EVERYONE, 230),
    (SectionKind.ACTIVITY, SectionAudience.EVERYONE, 140),
    (SectionKind.FACILITATOR_NOTES, SectionAudience.FACILITATORS, 200),
    (SectionKind.HANDOUT_TEXT, SectionAudience.EVERYONE, 150),
]


def section_body(seed, words):
    """Markdown of about ``words`` words: paragraphs, a sub-heading, a list and a quote."""
    rotated = common.rotated_sentences(seed)
    parts, count, step = [], 0, 0
    while count < words:
        if step == 2:
            parts.append("### What this looks like at home")
        if step and step % 4 == 0:
            items = [f"- {rotated[(step + k) % len(rotated)]}" for k in range(3)]
            parts.append("\n".join(items))
        elif step % 5 == 3:
            parts.append(f"> *{rotated[step % len(rotated)]}*")
        else:
            paragraph = " ".join(rotated[(step + k) % len(rotated)] for k in range(3))
            parts.append(paragraph.replace("behaviour", "**behaviour**", 1))
        count += len(parts[-1].split())
        step += 1
    return "\n\n".join(parts)


def fill():
    organisation = Organisation.objects.create(
        name="Benchmark Learning Disability Service", kind=OrganisationKind.NHS_SERVICE
    )
    people = {}
    for perspective, name in (
        (Perspective.FAMILY_CARER, "Sam Carter"),
        (Perspective.PROFESSIONAL, "Anita Sharma"),
    ):
        user = User.objects.create_user(
            f"{perspective}@bench.example.org", "bench", full_name=name, first_name=name.split()[0]
        )
        people[perspective] = Membership.objects.create(
            user=user, organisation=organisation, role=Role.CO_TRAINER, perspective=perspective
        )
    carer, professional = people[Perspective.FAMILY_CARER], people[Perspective.PROFESSIONAL]
    workshop = workshop_create(
        organisation=organisation,
        title="PBS introductory workshop for family carers",
        audience="Family carers of children with a learning disability",
        actor=carer,
    )
    for number, title in enumerate(MODULE_TITLES):
        module = module_create(
            workshop=workshop,
            title=title,
            learning_outcomes="Describe what PBS is\nKeep a behaviour diary\nName a setting event",
            planned_minutes=45,
            actor=professional,
        )
        for index, (kind, audience, words) in enumerate(SECTIONS):
            section_create(
                module=module,
                title=f"{SectionKind(kind).label}: part {number + 1}.{index + 1}",
                body=section_body(number * 7 + index, words),
                kind=kind,
                audience=audience,
                content_note="Talks about a hard day at home." if index == 2 else "",
                actor=carer if index % 2 else professional,
            )
        round = review_round_open(module=module, reviewers=[carer, professional], actor=carer)
        for reviewer in (carer, professional):
            review_decide(
                round=round,
                kind=DecisionKind.APPROVE,
                content_hash=round.version.content_hash,
                actor=reviewer,
            )
    return workshop, carer


def timed(function):
    # The previous render's layout tree is garbage with cycles: collect it outside the timer, or
    # whichever render comes next pays for it.
    gc.collect()
    start, start_cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - start, time.process_time() - start_cpu


def measure_renders(pack, rounds):
    """(a) and (b), alternating, after one untimed warm-up of each."""
    pack_build(pack)
    html = pack_html(
        pack_material(
            workshop=pack.workshop, kind=pack.kind, contents=pack.contents, single_module=False
        )
    )
    render_pdf(html)
    whole, alone, whole_cpu, alone_cpu = [], [], [], []
    pages = None
    for round_number in range(rounds):
        # Alternate which goes first, so neither always follows the other.
        order = ("a", "b") if round_number % 2 == 0 else ("b", "a")
        for which in order:
            if which == "a":
                rendered, wall, cpu = timed(lambda: pack_build(pack))
                whole.append(wall)
                whole_cpu.append(cpu)
            else:
                rendered, wall, cpu = timed(lambda: render_pdf(html))
                alone.append(wall)
                alone_cpu.append(cpu)
            pages = rendered.page_count
    return whole, alone, whole_cpu, alone_cpu, pages, len(html)


def measure_assembly(pack, rounds):
    """The app's own part of (a), on its own: reading the versions and building the HTML."""
    material_times, html_times, queries = [], [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            material, wall, _cpu = timed(
                lambda: pack_material(
                    workshop=pack.workshop,
                    kind=pack.kind,
                    contents=pack.contents,
                    single_module=False,
                )
            )
        queries = len(captured.captured_queries)
        material_times.append(wall)
        _html, wall, _cpu = timed(lambda material=material: pack_html(material))
        html_times.append(wall)
    return material_times, html_times, queries


def measure_cached(workshop, actor, pack, requests):
    """(c): asking again for the unchanged pack, and downloading it."""
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(actor.user)
    url = reverse("pack_download", kwargs={"pk": pack.pk})
    request_times, download_times, total_times, total_cpu = [], [], [], []
    for _ in range(requests + 5):
        again, request_wall, request_cpu = timed(
            lambda: pack_request(workshop=workshop, kind=PackKind.ATTENDEE, actor=actor)
        )
        assert again.pk == pack.pk and again.state == PackState.READY

        def download():
            response = client.get(url)
            body = b"".join(response.streaming_content)
            response.close()
            assert response.status_code == 200 and body.startswith(b"%PDF-")
            return len(body)

        size, download_wall, download_cpu = timed(download)
        request_times.append(request_wall)
        download_times.append(download_wall)
        total_times.append(request_wall + download_wall)
        total_cpu.append(request_cpu + download_cpu)
    # The first few warm the connection and the template cache.
    return request_times[5:], download_times[5:], total_times[5:], total_cpu[5:], size


def profile_build(pack):
    profiler = cProfile.Profile()
    profiler.enable()
    pack_build(pack)
    profiler.disable()
    print("\nWhere one pack_build's time goes (cumulative):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="renders of each kind, alternating")
    parser.add_argument("--requests", type=int, default=50, help="cached requests + downloads")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of pack_build")
    parser.add_argument("--markdown", action="store_true", help="print a docs section")
    args = parser.parse_args()

    # The render runs in this process, after commit, as in the embedded set-up; the sign-off
    # emails go nowhere.
    celery_app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

    database = common.create_database()
    try:
        started = time.perf_counter()
        workshop, actor = fill()
        fill_seconds = time.perf_counter() - started
        pack = pack_request(workshop=workshop, kind=PackKind.ATTENDEE, actor=actor)
        pack.refresh_from_db()
        assert pack.state == PackState.READY, pack.error
        whole, alone, whole_cpu, alone_cpu, pages, html_size = measure_renders(pack, args.rounds)
        material_times, html_times, queries = measure_assembly(pack, args.rounds)
        request_times, download_times, cached_times, cached_cpu, size = measure_cached(
            workshop, actor, pack, args.requests
        )
        if args.profile:
            profile_build(pack)
        machine = common.machine(model_in_brackets=True)
    finally:
        common.drop_database(database)
        shutil.rmtree(os.environ["PACKS_ROOT"], ignore_errors=True)

    a, b = statistics.median(whole), statistics.median(alone)
    ratio = a / b
    cpu_ratio = statistics.median(whole_cpu) / statistics.median(alone_cpu)
    pair_ratios = [x / y for x, y in zip(whole, alone, strict=True)]
    cached_p50 = common.percentile(cached_times, 0.5)
    cached_p95 = common.percentile(cached_times, 0.95)
    machine += (
        f", WeasyPrint {__import__('weasyprint').__version__}; "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    lines = [
        f"pack:        attendee pack, 6 agreed modules, {pages} pages, "
        f"{html_size / 1024:.0f} KiB of HTML, {size / 1024:.0f} KiB of PDF "
        f"(database filled in {fill_seconds:.1f} s)",
        f"(a) pack_build, whole render:   median {ms(a)} "
        f"(min {ms(min(whole))}, max {ms(max(whole))}; CPU {ms(statistics.median(whole_cpu))})",
        f"(b) render_pdf alone, same HTML: median {ms(b)} "
        f"(min {ms(min(alone))}, max {ms(max(alone))}; CPU {ms(statistics.median(alone_cpu))})",
        f"ratio a/b:   {ratio:.3f} of the medians (each round: "
        f"{', '.join(f'{r:.3f}' for r in pair_ratios)}); target at most {RATIO_TARGET}: "
        f"{'met' if ratio <= RATIO_TARGET else 'NOT met'}; of the CPU times {cpu_ratio:.3f}",
        f"app's part:  reading the agreed versions {ms(statistics.median(material_times))} "
        f"({queries} queries), the template {ms(statistics.median(html_times))}",
        f"(c) cached:  pack_request + download p50 {cached_p50 * 1000:.1f} ms, p95 "
        f"{cached_p95 * 1000:.1f} ms (pack_request p50 "
        f"{common.percentile(request_times, 0.5) * 1000:.1f} ms, download p50 "
        f"{common.percentile(download_times, 0.5) * 1000:.1f} ms; CPU p50 "
        f"{common.percentile(cached_cpu, 0.5) * 1000:.1f} ms; {len(cached_times)} requests); "
        f"target under {CACHED_TARGET_MS} ms: "
        f"{'met' if cached_p95 < CACHED_TARGET_MS / 1000 else 'NOT met'} at p95",
        f"rounds:      {args.rounds} of each render, alternating, after one warm-up of each; "
        "garbage collected before each",
        f"machine:     {machine}",
    ]
    print("\n".join(lines))
    if args.markdown:
        print(
            "\n## Printable packs\n\n"
            "    .venv/bin/python benchmarks/pack_render.py --markdown\n\n"
            + "\n".join(f"    {line}" for line in lines)
        )
    if settings.DEBUG:
        print("(DEBUG was on: the figures include Django's query logging.)")


if __name__ == "__main__":
    main()
