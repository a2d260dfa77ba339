"""Benchmark: saving a long, much-edited section, and the who-wrote-what page.

Run from the project root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coprod_bench_attr \\
        .venv/bin/python benchmarks/attribution_save.py

The script creates the database named in DATABASE_URL (connecting to the server's ``postgres``
database), migrates it, builds the data, measures, and drops the database at the end, also when
something fails. As it drops what it uses, it refuses a database whose name lacks "bench".

Data: one organisation, six co-trainers (three family carers, three professionals), one section of
about 5,000 words of generated prose in paragraphs that already has 1,000 revisions by the six.
The history is built fast: the attribution of each version comes from
``workshops.attribution.attribute_new_text`` (as the service computes it) and the revisions are
bulk-inserted; no contribution log entries are written for that history.

Measured:
(a) ``section_update``, the real service (diff, attribution, revision, log entry, one
    transaction), for a typical edit: a sentence inserted mid-text and a word replaced elsewhere.
    Each save is a new version. The section is loaded beforehand as the edit view loads it.
(b) GET of the ``section_authors`` page through Django's test Client, signed in.

Options: ``--saves N``, ``--requests N``, ``--profile`` (cProfile of both measured loops).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import time
from functools import partial

import common

os.environ["DEBUG"] = "0"
_hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
os.environ["ALLOWED_HOSTS"] = ",".join([h for h in _hosts if h.strip()] + ["testserver"])
common.setup_django()

SEED = 20240611
AUTHORS = 6
HISTORY_REVISIONS = 1_000
START_WORDS = 1_500
FINAL_WORDS = 5_000
WARMUP_SAVES = 3
WARMUP_REQUESTS = 5
SAVE_TARGET_MS = 50
VIEW_TARGET_MS = 100


def _listed(text):
    return text.split()


# Prose vocabulary: the subject matter of the app's workshops.
WORDS = {
    "noun": _listed("""behaviour communication routine support plan needs distress change
    home school sleep signs triggers feelings sensory environment strategy plans words meltdown calm
    moments week morning evening visit appointment trust patience progress setback choice
    voice experience knowledge practice evidence review goals wellbeing respite help
    difference understanding pattern record diary picture timetable space noise warning"""),
    "verb": _listed("""notice explain share learn understand describe support record plan listen
    change agree try reduce prevent respond reflect discuss remember recognise adapt notice
    celebrate review offer ask show build write check wait help"""),
    "adj": _listed("""small clear gentle difficult calm busy quiet new familiar predictable
    stressful helpful honest different important practical shared early careful positive useful
    everyday long short loud"""),
    "adv": _listed("""often slowly together carefully sometimes usually gently later first again
    quietly honestly always rarely"""),
    "link": _listed("because when while after before although so and but if until"),
    "prep": _listed("at during in with for about from around through"),
}


SUBJECT_LIST = [
    "families", "carers", "parents", "professionals", "nurses", "teachers", "children",
    "young people", "the team", "the service", "everyone", "we", "staff", "siblings",
    "facilitators", "attendees",
]  # fmt: skip


def sentence(rng):
    """One sentence of plausible workshop prose, 8 to 22 words, with a capital and a full stop."""
    w = WORDS

    def clause():
        parts = [rng.choice(SUBJECT_LIST), rng.choice(w["verb"])]
        if rng.random() < 0.5:
            parts.append(rng.choice(("the", "a", "their", "our", "each")))
            if rng.random() < 0.6:
                parts.append(rng.choice(w["adj"]))
        parts.append(rng.choice(w["noun"]))
        if rng.random() < 0.5:
            parts += [
                rng.choice(w["prep"]),
                rng.choice(("the", "a", "their")),
                rng.choice(w["noun"]),
            ]
        if rng.random() < 0.3:
            parts.append(rng.choice(w["adv"]))
        return " ".join(parts)

    text = clause()
    if rng.random() < 0.6:
        text += ("," if rng.random() < 0.5 else "") + " " + rng.choice(w["link"]) + " " + clause()
    if rng.random() < 0.08:
        noun = rng.choice(w["noun"])
        text = text.replace(noun, f"**{noun}**", 1) if noun in text.split() else text
    ending = rng.choices((".", "?", "!"), weights=(90, 7, 3))[0]
    return text[0].upper() + text[1:] + ending


def paragraph(rng):
    return [sentence(rng) for _ in range(rng.randint(4, 8))]


def body_of(paragraphs):
    return "\n\n".join(" ".join(p) for p in paragraphs)


def word_count(paragraphs):
    return sum(len(s.split()) for p in paragraphs for s in p)


def replace_a_word(rng, paragraphs, p_index=None):
    p = paragraphs[rng.randrange(len(paragraphs)) if p_index is None else p_index]
    s_index = rng.randrange(len(p))
    tokens = p[s_index].split()
    t_index = rng.randrange(len(tokens))
    old = tokens[t_index]
    core = old.strip(".,?!*")
    new = rng.choice(WORDS["noun"] + WORDS["adj"] + WORDS["adv"])
    tokens[t_index] = old.replace(core, new if t_index else new.capitalize(), 1) if core else new
    p[s_index] = " ".join(tokens)


def edit_history(rng, paragraphs, step, total):
    """One edit of the kind people make, steering the length from START to FINAL words."""
    target = START_WORDS + (FINAL_WORDS - START_WORDS) * step / total
    length = word_count(paragraphs)
    r = rng.random()
    if length < target - 40 or (abs(length - target) <= 40 and r < 0.35):
        if rng.random() < 0.08:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), paragraph(rng))
        else:
            p = rng.choice(paragraphs)
            p.insert(rng.randrange(len(p) + 1), sentence(rng))
    elif length > target + 40 or r < 0.55:
        p = rng.choice([p for p in paragraphs if len(p) > 2] or paragraphs)
        del p[rng.randrange(len(p))]
    elif r < 0.9:
        for _ in range(rng.randint(1, 3)):
            replace_a_word(rng, paragraphs)
    else:  # rewrite a sentence
        p = rng.choice(paragraphs)
        p[rng.randrange(len(p))] = sentence(rng)


def typical_edit(rng, paragraphs):
    """A sentence inserted in the middle of the text and a word replaced elsewhere."""
    middle = len(paragraphs) // 2
    p = paragraphs[middle]
    p.insert(len(p) // 2, sentence(rng))
    replace_a_word(rng, paragraphs, p_index=rng.randrange(len(paragraphs)))


# Data


def build(rng):
    from django.db import transaction

    from workshops.attribution import attribute_new_text, compress, words
    from workshops.enums import Perspective, Role, SectionAudience, SectionKind
    from workshops.markdown import render_markdown
    from workshops.models import Membership, Organisation, Section, SectionRevision, User
    from workshops.services import content

    organisation = Organisation.objects.create(name="Benchmark Family Service", kind="charity")
    authors = []
    for i in range(AUTHORS):
        perspective = Perspective.FAMILY_CARER if i < AUTHORS // 2 else Perspective.PROFESSIONAL
        user = User.objects.create_user(
            f"author{i}@example.org", None, full_name=f"Author {i} Example", first_name=f"Author{i}"
        )
        authors.append(
            Membership.objects.create(
                user=user, organisation=organisation, role=Role.CO_TRAINER, perspective=perspective
            )
        )
    workshop = content.workshop_create(
        organisation=organisation, title="Understanding behaviour", actor=authors[0]
    )
    module = content.module_create(
        workshop=workshop, title="What behaviour tells us", actor=authors[0]
    )

    paragraphs = []
    while word_count(paragraphs) < START_WORDS:
        paragraphs.append(paragraph(rng))
    body = body_of(paragraphs)
    section = content.section_create(
        module=module,
        title="Behaviour as communication",
        body=body,
        kind=SectionKind.EXPLANATION,
        audience=SectionAudience.EVERYONE,
        actor=authors[0],
    )
    assert section.attribution == compress([authors[0].pk] * len(words(body)))

    started = time.perf_counter()
    runs = section.attribution
    revisions = []
    for version in range(2, HISTORY_REVISIONS + 1):
        editor = rng.choice(authors)
        edit_history(rng, paragraphs, version - 1, HISTORY_REVISIONS - 1)
        new_body = body_of(paragraphs)
        runs = attribute_new_text(body, runs, new_body, editor.pk)
        body = new_body
        revisions.append(
            SectionRevision(
                section=section,
                version=version,
                author=editor,
                title=section.title,
                body=body,
                attribution=runs,
            )
        )
    history_seconds = time.perf_counter() - started

    with transaction.atomic():
        previous = SectionRevision.objects.get(section=section, version=1)
        created = SectionRevision.objects.bulk_create(revisions, batch_size=100)
        for revision in created:
            revision.based_on_id = previous.pk
            previous = revision
        SectionRevision.objects.bulk_update(created, ["based_on"], batch_size=500)
        Section.objects.filter(pk=section.pk).update(
            body=body,
            body_html=render_markdown(body),
            attribution=runs,
            version=HISTORY_REVISIONS,
        )
    section.refresh_from_db()
    return organisation, authors, section, paragraphs, history_seconds


# Measuring


def summarise(name, samples_ms, queries, target_ms):
    ordered = sorted(samples_ms)
    p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94]
    return {
        "name": name,
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": p95,
        "mean": statistics.fmean(ordered),
        "max": ordered[-1],
        "queries": "/".join(str(q) for q in sorted(set(queries))),
        "target": target_ms,
        "ok": p95 < target_ms,
    }


def profiled(enabled):
    return cProfile.Profile() if enabled else None


def print_profile(profile, title):
    if profile is None:
        return
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"\n--- cProfile: {title} (cumulative, top 25) ---")
    print(out.getvalue())


def measure_saves(rng, authors, section_pk, paragraphs, count, profile):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workshops.attribution import attribute_new_text, word_change_counts
    from workshops.markdown import render_markdown
    from workshops.selectors.content import section_get
    from workshops.services.content import section_update

    viewer = get_user_model().objects.get(pk=authors[0].user_id)
    samples, queries, sql_ms, cpu_ms = [], [], [], []
    parts = {"attribute_new_text": [], "word_change_counts": [], "render_markdown": []}
    for i in range(WARMUP_SAVES + count):
        actor = authors[i % len(authors)]
        section = section_get(user=viewer, pk=section_pk)
        typical_edit(rng, paragraphs)
        body = body_of(paragraphs)
        old_body, old_runs = section.body, section.attribution
        with CaptureQueriesContext(connection) as captured:
            if profile is not None and i >= WARMUP_SAVES:
                profile.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            saved = section_update(
                section=section,
                based_on_version=section.version,
                title=section.title,
                body=body,
                kind=section.kind,
                audience=section.audience,
                content_note=section.content_note,
                source_tags=section.source_tags,
                actor=actor,
            )
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            if profile is not None:
                profile.disable()
        assert saved.version == section.version + 1
        if i < WARMUP_SAVES:
            continue
        samples.append(elapsed * 1000)
        queries.append(len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        cpu_ms.append(cpu * 1000)
        # The pure-Python parts of the same save, timed again on their own.
        for name, call in (
            ("attribute_new_text", partial(attribute_new_text, old_body, old_runs, body, actor.pk)),
            ("word_change_counts", partial(word_change_counts, old_body, body)),
            ("render_markdown", partial(render_markdown, body)),
        ):
            started = time.perf_counter()
            call()
            parts[name].append((time.perf_counter() - started) * 1000)
    return samples, queries, sql_ms, cpu_ms, parts


def measure_view(user, section_pk, count, profile):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("section_authors", kwargs={"pk": section_pk})
    samples, queries, sql_ms, cpu_ms = [], [], [], []
    size = 0
    for i in range(WARMUP_REQUESTS + count):
        with CaptureQueriesContext(connection) as captured:
            if profile is not None and i >= WARMUP_REQUESTS:
                profile.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            if profile is not None:
                profile.disable()
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        size = len(response.content)
        if i < WARMUP_REQUESTS:
            continue
        samples.append(elapsed * 1000)
        queries.append(len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        cpu_ms.append(cpu * 1000)
    return samples, queries, sql_ms, cpu_ms, size


def load_averages():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the measured loops")
    args = parser.parse_args()

    started = time.perf_counter()
    database = common.create_database()
    migrate_seconds = time.perf_counter() - started
    try:
        from django.conf import settings

        from workshops.attribution import attributed_segments, words

        assert not settings.DEBUG and "testserver" in settings.ALLOWED_HOSTS

        rng = random.Random(SEED)
        started = time.perf_counter()
        organisation, authors, section, paragraphs, history_seconds = build(rng)
        build_seconds = time.perf_counter() - started
        print(f"Machine: {common.machine()}; load average {load_averages()} at start")
        print(
            f"Setup: migrate {migrate_seconds:.1f} s, data {build_seconds:.1f} s "
            f"(of which attributing {HISTORY_REVISIONS} versions {history_seconds:.1f} s)"
        )
        print(
            f"Section: {len(words(section.body)):,} words, {len(section.body):,} characters, "
            f"{section.revisions.count():,} revisions, {len(section.attribution):,} attribution "
            f"runs, {AUTHORS} authors"
        )

        profile = profiled(args.profile)
        save_ms, save_queries, save_sql, save_cpu, parts = measure_saves(
            rng, authors, section.pk, paragraphs, args.saves, profile
        )
        print_profile(profile, "section_update")
        section.refresh_from_db()
        segments = attributed_segments(section.body, section.attribution)

        profile = profiled(args.profile)
        viewer = authors[0].user
        view_ms, view_queries, view_sql, view_cpu, size = measure_view(
            viewer, section.pk, args.requests, profile
        )
        print_profile(profile, "section_authors view")

        print(
            f"After the saves: {len(words(section.body)):,} words, version {section.version}, "
            f"{len(section.attribution):,} runs, {len(segments):,} segments on the page, "
            f"page {size / 1024:.0f} KiB"
        )
        rows = [
            summarise(
                f"(a) section_update, {args.saves} saves", save_ms, save_queries, SAVE_TARGET_MS
            ),
            summarise(
                f"(b) section_authors GET, {args.requests}", view_ms, view_queries, VIEW_TARGET_MS
            ),
        ]
        header = (
            f"{'measurement':<34} {'n':>3} {'p50 ms':>7} {'p95 ms':>7} {'mean ms':>8} "
            f"{'max ms':>7} {'queries':>7} {'SQL ms':>7} {'CPU ms':>7} {'target':>8}  result"
        )
        print()
        print(header)
        print("-" * len(header))
        for row, sql, cpu in zip(rows, (save_sql, view_sql), (save_cpu, view_cpu), strict=True):
            print(
                f"{row['name']:<34} {row['n']:>3} {row['p50']:>7.1f} {row['p95']:>7.1f} "
                f"{row['mean']:>8.1f} {row['max']:>7.1f} {row['queries']:>7} "
                f"{statistics.median(sql):>7.1f} {statistics.median(cpu):>7.1f} "
                f"{'<' + str(row['target']) + ' ms':>8}  "
                f"{'met (p95)' if row['ok'] else 'MISSED (p95)'}"
            )
        print(
            f"Load average at the end: {load_averages()} "
            "(other work on the machine skews the tails)."
        )
        print("\nInside each save, the pure-Python steps timed again on their own (median ms):")
        for part, values in parts.items():
            print(f"  {part:<20} {statistics.median(values):6.1f}")
        print(
            "queries: statements per save / per request as Django logs them, BEGIN and COMMIT "
            "included. SQL ms: median of their summed execution times. CPU ms: median CPU time\n"
            "of this Python process per save / request, which other load on the machine barely\n"
            "changes (the wall-clock columns include waiting for a CPU and for PostgreSQL)."
        )
        if args.profile:
            print("Timings above ran under cProfile and are inflated: do not quote them.")
    finally:
        common.drop_database(database)
        print(f"Dropped database {database}.")


if __name__ == "__main__":
    main()
